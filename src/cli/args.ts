// Argument helpers shared by the client subcommands: HOST:PORT targets and the usage exit code.

/** Exit code for bad usage (SPEC section 4). */
export const EXIT_USAGE = 2;

/** A server address from the command line. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** Parse `HOST:PORT`, `[IPv6]:PORT`; throws with a one-line message on anything else. */
export function parseHostPort(value: string): HostPort {
  const match = /^(?:\[([0-9a-fA-F:.%\w]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(value);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (!match || host === undefined || !(port >= 1 && port <= 65535)) {
    throw new Error(`expected HOST:PORT (e.g. 127.0.0.1:8888 or [::1]:8888), not "${value}"`);
  }
  return { host, port };
}

/**
 * The target of a client command that speaks a seed protocol through `--FLAG HOST:PORT`.
 * Returns the target, or the usage message to print: flag missing (`missing` says why), both a
 * URL and the flag given, or a malformed HOST:PORT.
 */
export function seedTarget(url: string | undefined, flag: string, value: string | undefined, missing: string): HostPort | string {
  if (value === undefined) return missing;
  if (url !== undefined) return `give either a URL or --${flag} HOST:PORT, not both`;
  try {
    return parseHostPort(value);
  } catch (err) {
    return `--${flag}: ${(err as Error).message}`;
  }
}
