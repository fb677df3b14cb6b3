// Whether the engines can be reached, for /healthz and /metrics: a cached store ping and the bus's own health.
import type { HistoryStore } from '../store/history.js';
import type { Bus } from './bus/bus.js';
import { PgHistory } from './store/postgres/history.js';

/** How long a store ping's answer is reused: /healthz cannot be made to hammer the database. */
export const PING_CACHE_MS = 1500;

/** How long a store ping may take before the store counts as down. */
export const PING_TIMEOUT_MS = 2000;

/** One engine's state. No reason text: /healthz is public, and reasons name internal hosts (they are logged). */
export interface EngineState {
  /** `sqlite`, `postgres`, `local` or `redis`. */
  readonly engine: string;
  readonly up: boolean;
  /** Round trip of the last ping, ms; null for an embedded engine, or before any answer. */
  readonly latencyMs: number | null;
}

/** Both engines' states; `ok` when both are up. */
export interface EnginesReport {
  readonly ok: boolean;
  readonly store: EngineState;
  readonly bus: EngineState & {
    /** How late the last message from another node arrived, ms (null: none yet, or local). */
    readonly lagMs: number | null;
  };
}

/** What an EngineHealth looks at: the opened engines (src/engine/engines.ts). */
export interface HealthSources {
  readonly history: HistoryStore;
  readonly bus: Bus;
  readonly storeEngine: 'sqlite' | 'postgres';
}

/** Options of an EngineHealth (tests shorten them). */
export interface EngineHealthOptions {
  readonly cacheMs?: number;
  readonly timeoutMs?: number;
}

/**
 * Asks the engines whether they are reachable. The store is pinged (`SELECT 1` for PostgreSQL; the
 * embedded SQLite is this process's own file and counts as up) at most once per PING_CACHE_MS, and
 * never twice at once: a ping still unanswered is waited on again rather than joined by another.
 * The bus reports its own state from its heartbeat (bus.health()), which costs nothing to read.
 */
export class EngineHealth {
  private readonly cacheMs: number;
  private readonly timeoutMs: number;
  private cached: { at: number; state: EngineState } | null = null;
  private measuring: Promise<EngineState> | null = null;
  /** The PostgreSQL ping in flight, possibly past its timeout. */
  private ping: Promise<number> | null = null;

  constructor(
    private readonly sources: HealthSources,
    options: EngineHealthOptions = {},
  ) {
    this.cacheMs = options.cacheMs ?? PING_CACHE_MS;
    this.timeoutMs = options.timeoutMs ?? PING_TIMEOUT_MS;
  }

  /** Both engines' states now (the store's at most cacheMs old). */
  async check(): Promise<EnginesReport> {
    const store = await this.store();
    const bus = this.sources.bus.health();
    return {
      ok: store.up && bus.up,
      store,
      bus: { engine: bus.engine, up: bus.up, latencyMs: bus.latencyMs, lagMs: bus.lagMs },
    };
  }

  private store(): Promise<EngineState> {
    const { history, storeEngine } = this.sources;
    if (!(history instanceof PgHistory)) return Promise.resolve({ engine: storeEngine, up: true, latencyMs: null });
    if (this.cached !== null && Date.now() - this.cached.at < this.cacheMs) return Promise.resolve(this.cached.state);
    this.measuring ??= this.measure(history).finally(() => {
      this.measuring = null;
    });
    return this.measuring;
  }

  private async measure(history: PgHistory): Promise<EngineState> {
    const ping = (this.ping ??= history.ping().finally(() => {
      this.ping = null;
    }));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.timeoutMs);
      timer.unref();
    });
    let state: EngineState;
    try {
      const ms = await Promise.race([ping, late]);
      state = { engine: 'postgres', up: ms !== null, latencyMs: ms === null ? null : Math.round(ms * 10) / 10 };
    } catch {
      state = { engine: 'postgres', up: false, latencyMs: null };
    } finally {
      clearTimeout(timer);
    }
    this.cached = { at: Date.now(), state };
    return state;
  }
}
