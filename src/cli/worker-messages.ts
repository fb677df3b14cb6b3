// The messages between the primary of `serve --workers N` and its workers (node:cluster IPC).

/** A worker has started: the lines of its banner (printed once, by the primary) and its doors' TCP ports. */
export interface ReadyMessage {
  readonly type: 'netroom:ready';
  readonly banner: readonly string[];
  /** Door name -> port, TCP doors only (the primary checks every worker shares them). */
  readonly ports: Readonly<Record<string, number>>;
}

/** A line typed on the primary's standard input, announced by one worker (the bus carries it to the others). */
export interface AnnounceMessage {
  readonly type: 'netroom:announce';
  readonly text: string;
}

/** Stop cleanly (the primary got SIGINT or SIGTERM). */
export interface StopMessage {
  readonly type: 'netroom:stop';
}

export type ToPrimary = ReadyMessage;
export type ToWorker = AnnounceMessage | StopMessage;

function typed(value: unknown): { type?: unknown } | null {
  return typeof value === 'object' && value !== null ? value : null;
}

/** A worker's message, or null for anything else on the channel. */
export function asToPrimary(value: unknown): ToPrimary | null {
  const msg = typed(value) as Partial<ReadyMessage> | null;
  if (msg?.type !== 'netroom:ready' || !Array.isArray(msg.banner) || typeof msg.ports !== 'object' || msg.ports === null) return null;
  return msg as ReadyMessage;
}

/** The primary's message, or null for anything else on the channel. */
export function asToWorker(value: unknown): ToWorker | null {
  const msg = typed(value) as Partial<AnnounceMessage> | Partial<StopMessage> | null;
  if (msg?.type === 'netroom:stop') return { type: 'netroom:stop' };
  if (msg?.type === 'netroom:announce' && typeof msg.text === 'string') return msg as AnnounceMessage;
  return null;
}
