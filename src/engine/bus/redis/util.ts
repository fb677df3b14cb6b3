// Small pieces of the Redis bus: its log interface, the wire envelope, error texts, batching and bounded waits.
import { redactUrl } from '../../../config-engines.js';

/** Where the bus reports what goes wrong (a pino Logger fits). */
export interface BusLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** What goes on the wire: the sender, its running number, its clock at sending, the bodies published in one event-loop turn, in order. */
export interface Envelope {
  readonly node: string;
  readonly seq: number;
  readonly at: number;
  readonly bodies: readonly unknown[];
}

/** REFRESH/RELEASE take this many keys per script call. */
export const CHUNK = 500;

export const consoleLog: BusLog = {
  info: () => {},
  warn: (fields, message) => console.warn(`netroom bus: ${message}`, fields),
  error: (fields, message) => console.error(`netroom bus: ${message}`, fields),
};

export function reason(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message !== error.message ? `${error.message}: ${cause.message}` : error.message || error.name;
  }
  return String(error);
}

/** The URL without its password, for messages. */
export function shown(url: string): string {
  return redactUrl(url);
}

export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.node === 'string' && typeof v.seq === 'number' && typeof v.at === 'number' && Array.isArray(v.bodies);
}

export function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export async function bounded(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.then(() => undefined, () => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

