// History of the WebSocket door: recent events, pages and search results as JSON, each stored event rendered once and cached by store id.
import type { Logger } from 'pino';
import type { Lang } from '../../core/i18n.js';
import type { ChatEvent } from '../../core/chat/types.js';
import type { ConversationSummary, HistoryStore, HistoryTarget, SearchScope, StoredEvent } from '../../store/history.js';
import { readStore } from '../store-read.js';
import { wireStored } from './wire.js';

/** A page of history as JSON, oldest first; `more` when older events exist. */
export interface RenderedPage {
  readonly events: string[];
  readonly more: boolean;
}

/**
 * What the door reads from the history store, as JSON. Every event is rendered once: a welcome or
 * a `joined` replays up to historySize events, and rendering them for every person arriving was
 * most of the garbage of a crowd arriving (10,000 members: RSS per member 11-18 KB with, 8-10 KB
 * without). The cache is bounded to a few times the history size. Reads are async (a networked
 * store answers over the network); a broken store must not keep people out of the chat, so the
 * replay of a welcome or `joined` is then empty, while a page, a search or the conversations
 * reject with NetroomError STORE_UNAVAILABLE (the client gets an error it can retry).
 */
export class RenderedHistory {
  private readonly rendered = new Map<number, string>();
  private readonly renderedLimit: number;

  constructor(
    private readonly store: HistoryStore | undefined,
    readonly historySize: number,
    private readonly lang: Lang,
    private readonly log: Logger,
  ) {
    this.renderedLimit = Math.max(256, 4 * historySize);
  }

  /** The history store's row for a live event (heard after the store appended it), if any. */
  storedOf(event: ChatEvent): StoredEvent | undefined {
    try {
      return this.store?.storedOf(event);
    } catch {
      return undefined;
    }
  }

  /**
   * The recent events of a room or conversation (historySize of them), as JSON. For a welcome or a
   * `joined`: a failed read answers empty (logged), as being let in matters more than the replay.
   */
  async recent(target: HistoryTarget): Promise<StoredEvent[]> {
    const store = this.store;
    if (!store || this.historySize === 0) return [];
    try {
      return await readStore(this.log, () => store.recent(target, this.historySize));
    } catch {
      return [];
    }
  }

  /** Stored events as JSON, each rendered once (see the class comment). */
  render(events: readonly StoredEvent[]): string[] {
    return events.map((e) => this.json(e));
  }

  /**
   * The `limit` events before id `before` (default: the newest), as JSON; `more` when older ones
   * exist. Rejects with STORE_UNAVAILABLE when the store fails.
   */
  async page(target: HistoryTarget, before: number | undefined, limit: number): Promise<RenderedPage> {
    const store = this.store;
    if (!store) return { events: [], more: false };
    // One more than asked says whether there is more, without a second query.
    const rows = await readStore(this.log, () => (before === undefined ? store.recent(target, limit + 1) : store.page(target, before, limit + 1)));
    const more = rows.length > limit;
    return { events: this.render(more ? rows.slice(rows.length - limit) : rows), more };
  }

  /** Search results within `scope`, newest first, as JSON; rejects with STORE_UNAVAILABLE when the store fails. */
  async search(query: string, scope: SearchScope, limit: number, before: number | undefined): Promise<string[]> {
    const store = this.store;
    if (!store) return [];
    return this.render(await readStore(this.log, () => store.search(query, scope, limit, before)));
  }

  /** The conversations of `name` (from `since` on), newest first; rejects with STORE_UNAVAILABLE when the store fails. */
  async conversations(name: string, limit: number, since = 0): Promise<ConversationSummary[]> {
    const store = this.store;
    if (!store) return [];
    return readStore(this.log, () => store.conversations(name, limit, since));
  }

  /** Keep a live event's JSON by store id, for the welcomes and pages that replay it. */
  remember(id: number, json: string): void {
    this.rendered.set(id, json);
    if (this.rendered.size > this.renderedLimit) {
      const oldest = this.rendered.keys().next();
      if (!oldest.done) this.rendered.delete(oldest.value);
    }
  }

  /** A message was edited or deleted: its JSON kept from before is stale. */
  forget(id: number): void {
    this.rendered.delete(id);
  }

  private json(event: StoredEvent): string {
    // An edited or deleted row is rendered each time: a read that began before the change could
    // otherwise put the old text back in the cache after forget().
    if (event.edited !== undefined || event.deleted === true) return JSON.stringify(wireStored(this.lang, event));
    const cached = this.rendered.get(event.id);
    if (cached !== undefined) return cached;
    const json = JSON.stringify(wireStored(this.lang, event));
    this.remember(event.id, json);
    return json;
  }
}
