// Requests of the WebSocket door that await the history store: one at a time per client, their reply ahead of the live frames that came meanwhile.
import type { Member } from '../../core/chat/types.js';
import type { WsClient, WaitingFrame } from './client.js';
import { HeldFrames } from './held-frames.js';

/** Frames a client may send while one of its requests awaits the store; more is a flood (1008). */
export const MAX_WAITING_FRAMES = 256;

/**
 * A networked store answers over the network, and meanwhile anything may run: other clients
 * speak, the fan-out writes. So while a request of a client awaits the store (an `enter`'s or a
 * `join`'s history, a page, a search, the conversations):
 * - the client's next frames wait, in order (a later request's reply must not overtake it);
 * - its live frames are held (held-frames.ts) and written after the reply: the client never hears
 *   a room's events before the `joined` that shows it in the room, and the web UI, which drops
 *   events of rooms it has not been told it joined, misses none;
 * - the store ids of the events held are noted, so the reply's history leaves out what follows it
 *   live (a read that answers late may already see them): nothing shows twice.
 * With the SQLite store the read has answered before the first await resumes: nothing is held.
 */
export class WsPending {
  /** Clients with a request awaiting the store. */
  private readonly holding = new Set<WsClient>();

  constructor(
    /** Handle one frame again (the door's onFrame, in incoming.ts). */
    private readonly handle: (client: WsClient, frame: WaitingFrame) => void,
    /** Answer a failed request (the door's error mapping). */
    private readonly fail: (client: WsClient, err: unknown, about: string) => void,
    /** Called when a client's socket holds too much after the held frames are written. */
    private readonly isSlow: (client: WsClient) => boolean,
  ) {}

  /** True when the client's frames must wait (call before handling one). */
  busy(client: WsClient): boolean {
    return client.waiting !== null;
  }

  /** Keep a frame for later; false when the client has sent too many meanwhile. */
  wait(client: WsClient, frame: WaitingFrame): boolean {
    const waiting = client.waiting;
    if (waiting === null || waiting.length >= MAX_WAITING_FRAMES) return false;
    waiting.push(frame);
    return true;
  }

  /** A request of `client` returned `pending`: hold its frames until it settles. Call right after the request's synchronous part. */
  start(client: WsClient, pending: Promise<void>, about: string): void {
    client.waiting ??= [];
    client.held ??= new HeldFrames(client.raw);
    this.holding.add(client);
    pending
      .catch((err: unknown) => this.fail(client, err, about))
      .finally(() => this.settle(client))
      // settle runs frames through the door's onFrame (incoming.ts), which answers every error itself: a throw here is a bug, answered as one.
      .catch((err: unknown) => this.fail(client, err, about));
  }

  /** An event with store id `id` goes to `audience` (but `author`): note it for the clients holding frames. */
  heard(id: number, audience: readonly Member[], author?: Member): void {
    if (this.holding.size === 0) return;
    for (const client of this.holding) {
      const member = client.member;
      if (member !== undefined && member !== author && client.held !== null && audience.includes(member)) client.held.ids.add(id);
    }
  }

  /** Write every held frame now (the chat is closing: the closing notice must reach them before the close). */
  releaseAll(): void {
    for (const client of this.holding) client.held?.release();
  }

  /** The request is done: the held frames go out after its reply, then the frames that waited run. */
  private settle(client: WsClient): void {
    this.holding.delete(client);
    const held = client.held;
    const waiting = client.waiting ?? [];
    client.held = null;
    client.waiting = null;
    if (!client.open) return;
    held?.release();
    if (this.isSlow(client)) return;
    while (waiting.length > 0 && client.waiting === null && client.open) this.handle(client, waiting.shift() as WaitingFrame);
    // Another request started waiting: the rest wait for it, ahead of anything newer.
    const next = client.waiting as WaitingFrame[] | null; // set again by handle() when another request started waiting
    if (waiting.length > 0 && next !== null) next.unshift(...waiting);
  }
}
