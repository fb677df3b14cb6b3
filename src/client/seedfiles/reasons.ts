// Seed file client: one-line, human reasons for the system errors a connection or a local file can raise.

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused', ENOTFOUND: 'unknown host', EAI_AGAIN: 'unknown host',
  ECONNRESET: 'connection reset by the server', EPIPE: 'connection closed by the server',
  ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a folder',
};

/** A one-line reason for a system error. */
export function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return REASONS[e.code ?? ''] ?? e.message ?? String(err);
}
