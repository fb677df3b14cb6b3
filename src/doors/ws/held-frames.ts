// Live frames held back for one WebSocket client while one of its requests awaits the history store, written after the reply.
import type { Duplex } from 'node:stream';
import type { StoredEvent } from '../../store/history.js';
import type { FrameSink } from './frame-batch.js';

/**
 * Stands in for a client's socket while a request of that client awaits the store (a `join`'s or
 * an `enter`'s history read, a page, a search): the fan-outs write its live frames here, and the
 * door writes them to the socket after the reply, so a client never hears a room's events before
 * the `joined` that shows it in the room. Bounded like the socket itself: the fan-outs measure
 * writableLength against maxBufferedBytes and drop a client over it as too slow. The store ids of
 * the events held are kept, so the reply's replayed history can leave out what follows it live.
 */
export class HeldFrames implements FrameSink {
  readonly writable = true;
  /** Store ids of the events whose frames are held (or queued to be, this turn) for this client. */
  readonly ids = new Set<number>();
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly raw: Duplex) {}

  /** What is held plus what the socket itself still buffers. */
  get writableLength(): number {
    return this.bytes + this.raw.writableLength;
  }

  /** Keep a frame (or a view of a shared batch: batches are never changed once written). */
  write(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    return true;
  }

  cork(): void {}

  uncork(): void {}

  /** Write everything held to the socket, in order, in one corked burst. */
  release(): void {
    const chunks = this.chunks;
    this.chunks = [];
    this.bytes = 0;
    if (chunks.length === 0 || !this.raw.writable) return;
    this.raw.cork();
    for (const chunk of chunks) this.raw.write(chunk);
    this.raw.uncork();
  }
}

/** A replayed history without the events `client` heard live (held) while the read waited: those follow the reply. */
export function notHeard(client: { readonly held: HeldFrames | null }, events: StoredEvent[]): StoredEvent[] {
  const ids = client.held?.ids;
  return ids === undefined || ids.size === 0 ? events : events.filter((e) => !ids.has(e.id));
}
