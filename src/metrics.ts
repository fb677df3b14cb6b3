// Prometheus metrics (prom-client) shared by every door: members by door, messages, bytes, uploads, errors, the engines' health.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Chat } from './core/chat/chat.js';
import { EngineHealth, type EnginesReport, type HealthSources } from './engine/health.js';

/** The server's metrics; doors increment the counters, /metrics renders the registry. */
export class Metrics {
  readonly registry = new Registry();
  /** Read it through a scrape: messages are counted in {@link countMessage} and handed over when one collects. */
  readonly messages: Counter<'door'>;
  readonly bytesIn: Counter<'door'>;
  readonly bytesOut: Counter<'door'>;
  readonly uploads: Counter<'door'>;
  readonly errors: Counter<'door' | 'code'>;
  /** The engines' reachability once the server opened them (useEngines); /healthz asks it too. */
  engines: EngineHealth | undefined;
  /** Messages said since the last scrape, by door. */
  private readonly said = new Map<string, number>();

  constructor(chat: Chat) {
    // prom-client's own names already say what they are (process_cpu_user_seconds_total,
    // nodejs_eventloop_lag_seconds): one prefix in front, not a second "process_".
    collectDefaultMetrics({ register: this.registry, prefix: 'netroom_' });
    const registers = [this.registry];
    new Gauge({
      name: 'netroom_members',
      help: 'Members connected, by door',
      labelNames: ['door'],
      registers,
      collect() {
        this.reset();
        for (const member of chat.online()) this.inc({ door: member.door });
      },
    });
    // Counted per message in a plain map and handed over at scrape time: prom-client's inc(labels)
    // hashes the label set on each call, 4% of the CPU of a busy room's fan-out.
    const said = this.said;
    this.messages = new Counter({
      name: 'netroom_messages_total',
      help: 'Chat messages said, by door',
      labelNames: ['door'],
      registers,
      collect() {
        for (const [door, count] of said) this.inc({ door }, count);
        said.clear();
      },
    });
    this.bytesIn = new Counter({ name: 'netroom_bytes_in_total', help: 'File bytes received, by door', labelNames: ['door'], registers });
    this.bytesOut = new Counter({ name: 'netroom_bytes_out_total', help: 'File bytes sent, by door', labelNames: ['door'], registers });
    this.uploads = new Counter({ name: 'netroom_uploads_total', help: 'Completed uploads, by door', labelNames: ['door'], registers });
    this.errors = new Counter({ name: 'netroom_errors_total', help: 'Errors answered, by door and code', labelNames: ['door', 'code'], registers });
    // Cheap to ask three times a scrape: the store ping is cached and never runs twice at once.
    const report = (): Promise<EnginesReport | null> => this.engines?.check() ?? Promise.resolve(null);
    new Gauge({
      name: 'netroom_engine_up',
      help: 'Whether an engine can be reached (1) or not (0), by role (store, bus) and engine',
      labelNames: ['role', 'engine'],
      registers,
      async collect() {
        this.reset();
        const now = await report();
        if (now === null) return;
        this.set({ role: 'store', engine: now.store.engine }, now.store.up ? 1 : 0);
        this.set({ role: 'bus', engine: now.bus.engine }, now.bus.up ? 1 : 0);
      },
    });
    new Gauge({
      name: 'netroom_engine_latency_seconds',
      help: 'Round trip of the last ping to an engine (store: SELECT 1, bus: PING), by role; absent for embedded engines',
      labelNames: ['role', 'engine'],
      registers,
      async collect() {
        this.reset();
        const now = await report();
        if (now === null) return;
        for (const [role, state] of [['store', now.store], ['bus', now.bus]] as const) {
          if (state.latencyMs !== null) this.set({ role, engine: state.engine }, state.latencyMs / 1000);
        }
      },
    });
    new Gauge({
      name: 'netroom_bus_lag_seconds',
      help: 'How late the last message from another node arrived on the bus (its send time to now); absent until one arrives',
      registers,
      async collect() {
        this.reset();
        const lag = (await report())?.bus.lagMs ?? null;
        if (lag !== null) this.set(lag / 1000);
      },
    });
  }

  /** One chat message said through `door` (the chat's hot path: a map update, no label hashing). */
  countMessage(door: string): void {
    this.said.set(door, (this.said.get(door) ?? 0) + 1);
  }

  /** Report the engines' health from now on (the server calls it once they are open). */
  useEngines(sources: HealthSources): void {
    this.engines = new EngineHealth(sources);
  }
}
