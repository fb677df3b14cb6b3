// Library changes to every open connection of the WebSocket door, entered or not: `library` frames, encoded once per change.
import { withoutSource } from '../../core/library-events.js';
import type { Library, LibraryChange } from '../../core/library.js';
import type { WsClient } from './client.js';
import { encodeServerMessage, frameText } from './codec.js';
import { WsFanOut, type FanOutTarget } from './fanout.js';

/**
 * A connection as a target of the library fan-out. The fan-out keeps its bookkeeping (slot,
 * batchStart) on the target, and a connection that has entered is also in the room's fan-out:
 * each fan-out needs its own target object. No member: nobody is skipped, every change is news.
 */
class Watcher implements FanOutTarget {
  readonly member = undefined;
  slot = -1;
  batchStart = 0;

  constructor(readonly client: WsClient) {}

  get socket(): WsClient['socket'] {
    return this.client.socket;
  }

  get open(): boolean {
    return this.client.open;
  }
}

/**
 * The web UI's file browser works without entering the chat, so library changes go to every
 * connection from its `hello` on. Each change is framed once and batched per event-loop turn by
 * a fan-out of its own (fanout.ts); a connection buffering past the bound is reported slow.
 */
export class WsLibraryFeed {
  private readonly fanout: WsFanOut<Watcher>;
  private readonly watchers = new Map<WsClient, Watcher>();
  private unsubscribe: (() => void) | null = null;

  constructor(maxBufferedBytes: number, onSlow: (client: WsClient) => void) {
    this.fanout = new WsFanOut<Watcher>(maxBufferedBytes, (watcher) => onSlow(watcher.client));
  }

  /** Hear the library's changes. */
  start(library: Library): void {
    this.unsubscribe ??= library.subscribe(this.onChange);
  }

  /** Stop hearing them and forget what is queued. */
  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.fanout.stop();
  }

  /** Changes from now on go to `client` too (call right after its `hello`). */
  add(client: WsClient): void {
    if (this.watchers.has(client)) return;
    const watcher = new Watcher(client);
    this.watchers.set(client, watcher);
    this.fanout.add(watcher);
  }

  /** The connection is gone. */
  remove(client: WsClient): void {
    const watcher = this.watchers.get(client);
    if (!watcher) return;
    this.watchers.delete(client);
    this.fanout.remove(watcher);
  }

  /** Write what is queued now (before a closing notice). */
  flush(): void {
    this.fanout.flush();
  }

  private readonly onChange = (change: LibraryChange): void => {
    if (this.fanout.size === 0) return;
    this.fanout.push(frameText(encodeServerMessage({ type: 'library', change: withoutSource(change) })));
  };
}
