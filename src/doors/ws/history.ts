// Welcome history of the WebSocket door: recent events as JSON, each rendered once and cached by store id.
import type { Logger } from 'pino';
import type { Lang } from '../../core/i18n.js';
import type { RoomEvent } from '../../core/room.js';
import type { HistoryStore, StoredEvent } from '../../store/history.js';
import { wireEvent, wireStored } from './codec.js';

/** The history store's optional lookup of the stored form of the event just appended (SqliteHistory has it). */
type StoredOf = (event: RoomEvent) => StoredEvent | undefined;

/** `store.storedOf`, bound, when the store has one (it is not part of the HistoryStore interface). */
function storedOfFunction(store: HistoryStore | undefined): StoredOf | undefined {
  const candidate = (store as { storedOf?: unknown } | undefined)?.storedOf;
  return typeof candidate === 'function' ? (candidate as StoredOf).bind(store) : undefined;
}

/**
 * The events a `welcome` replays, and the JSON of live events. Event ids are the history store's
 * ids when the store knows the event (so a client can match live events against a later
 * `welcome` history), else the room's.
 */
export class RenderedHistory {
  private readonly storedOf: StoredOf | undefined;
  /**
   * Events as JSON by store id: a welcome replays up to historySize events, and rendering them
   * for every person entering was most of the garbage of a crowd arriving (10,000 members: RSS
   * per member 11-18 KB with, 8-10 KB without). Bounded to twice the history size.
   */
  private readonly rendered = new Map<number, string>();
  private readonly renderedLimit: number;

  constructor(
    private readonly store: HistoryStore | undefined,
    private readonly historySize: number,
    private readonly lang: Lang,
    private readonly log: Logger,
  ) {
    this.renderedLimit = Math.max(64, 2 * historySize);
    this.storedOf = storedOfFunction(store);
  }

  /** The recent events as JSON, each rendered once (see {@link rendered}). */
  recent(): string[] {
    const store = this.store;
    if (!store || this.historySize === 0) return [];
    try {
      return store.recent(this.historySize).map((e) => this.rendered.get(e.id) ?? this.remember(e.id, JSON.stringify(wireStored(this.lang, e))));
    } catch (err) {
      // A broken store must not keep people out of the room.
      this.log.error({ err }, 'ws: reading history failed');
      return [];
    }
  }

  /** A live room event as JSON, with its store id when the store has it. */
  render(event: RoomEvent): string {
    const storedId = this.storedOf?.(event)?.id;
    const json = JSON.stringify(wireEvent(this.lang, event, storedId ?? event.id));
    // Only store ids name the same event in a later welcome; room ids restart with the server.
    if (storedId !== undefined) this.remember(storedId, json);
    return json;
  }

  /** Keep an event's JSON by store id for later welcomes; the oldest go past a bound. */
  private remember(id: number, json: string): string {
    this.rendered.set(id, json);
    if (this.rendered.size > this.renderedLimit) {
      const oldest = this.rendered.keys().next();
      if (!oldest.done) this.rendered.delete(oldest.value);
    }
    return json;
  }
}
