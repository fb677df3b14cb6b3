// The Redis bus: pub/sub between nodes, name claims and node liveness as keys with a TTL this node's heartbeat refreshes, presence in one hash.
import { createClient } from 'redis';
import type { Bus, BusChannel, BusHealth, ClaimResult, PresenceRecord } from '../bus.js';
import { newNodeId } from '../local.js';
import { NodeWatch } from './liveness.js';
import { OwnState } from './own.js';
import { DROP_PRESENCE, RedisKeys, runScript } from './scripts.js';
import { bounded, consoleLog, isEnvelope, reason, shown, type BusLog } from './util.js';

type Client = ReturnType<typeof createClient>;
type Handler = (body: unknown, from: string) => void;

export type { BusLog };

export interface RedisBusOptions {
  /** redis[s]://[[user][:password]@]host[:port][/db] */
  readonly url: string;
  /** Keys and channels live under `netroom:<prefix>:`; nodes of one cluster share it. Default `default`. */
  readonly prefix?: string;
  /** Default: `<hostname>-<pid>-<random>`. */
  readonly nodeId?: string;
  /** Life of a name claim and of this node's liveness key without a heartbeat, ms (default 7 500; the heartbeat runs every third of it, so a dead node is noticed within 10 s). */
  readonly ttlMs?: number;
  /** How long start() waits for a TCP connection, ms (default 5 000). */
  readonly connectTimeoutMs?: number;
  readonly log?: BusLog;
}

const CHANNELS: readonly BusChannel[] = ['chat', 'library', 'control'];
/** How long close() waits for Redis before dropping the connections anyway. */
const CLOSE_WAIT_MS = 2_000;
/** How long a reap claim lasts: long enough that a second survivor's late notice cannot win it again. */
const REAP_TTL_MS = 60_000;

/**
 * The networked engine. One connection publishes and runs commands (so one node's messages keep
 * their order), a second one subscribes. Commands fail at once while Redis is unreachable
 * (no offline queue): publish returns false, claims answer `unavailable`. When Redis is back, the
 * node re-registers, re-claims its names (reporting any another node took meanwhile) and rewrites
 * its presence from its local copy, then reports up; node-redis resubscribes by itself. A node
 * whose own liveness key lapsed (it stalled past the TTL, so others may have declared it lost)
 * does the same and reports down then up.
 *
 * Names expire with their node's liveness key (the claim scripts copy its PTTL), so when a node
 * reads as lost its names are already free. A node is watched once heard of (its messages, its
 * presence records, or the shared set of started nodes).
 */
export class RedisBus implements Bus {
  readonly nodeId: string;
  readonly shared = true;
  private readonly keys: RedisKeys;
  private readonly ttl: number;
  private readonly log: BusLog;
  private readonly url: string;
  private readonly pub: Client;
  private sub: Client | undefined;
  private readonly channelOf = new Map<string, BusChannel>();
  private readonly handlers = new Map<BusChannel, Set<Handler>>();
  private readonly lostHandlers = new Set<(node: string) => void>();
  private readonly statusHandlers = new Set<(up: boolean) => void>();
  private readonly claimLostHandlers = new Set<(key: string) => void>();
  private readonly watch: NodeWatch;
  private readonly own: OwnState;
  private seq = 0;
  /** Bodies published this turn, per channel, already JSON (see publish). */
  private readonly outbox = new Map<BusChannel, string[]>();
  private flushing = false;
  /** How this node's own envelopes begin (see hear). */
  private readonly ownPrefix: string;
  private started = false;
  private closing = false;
  private up = false;
  private upSince = 0;
  private latencyMs: number | null = null;
  private lagMs: number | null = null;
  private error: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private beating = false;
  private recovering: Promise<void> | undefined;

  constructor(options: RedisBusOptions) {
    this.nodeId = options.nodeId ?? newNodeId();
    this.ownPrefix = `{"node":${JSON.stringify(this.nodeId)},`;
    this.keys = new RedisKeys(options.prefix ?? 'default');
    // 7.5 s, refreshed every 2.5 s: a dead node is noticed at most 10 s after its last refresh (SPEC 7's "within seconds").
    this.ttl = options.ttlMs ?? 7_500;
    if (!Number.isInteger(this.ttl) || this.ttl < 100) throw new RangeError(`ttlMs must be an integer of at least 100 (got ${this.ttl})`);
    this.log = options.log ?? consoleLog;
    this.url = options.url;
    this.watch = new NodeWatch(this.nodeId);
    for (const channel of CHANNELS) this.channelOf.set(this.keys.channel(channel), channel);
    // Reconnect quickly enough that every node is back well within one TTL of Redis returning.
    const cap = Math.min(2_000, Math.max(50, Math.floor(this.ttl / 4)));
    this.pub = createClient({
      url: options.url,
      disableOfflineQueue: true,
      // No per-command deadline: under a burst a publish can wait longer than node-redis's default 5 s
      // to be written, and a timed-out publish is a message lost without anyone told (the bench saw it).
      // A lost connection still fails every pending command at once (and the node reports it down).
      commandOptions: { timeout: undefined },
      socket: {
        connectTimeout: options.connectTimeoutMs ?? 5_000,
        // At start, one failure is the answer (start() rejects); later, retry for as long as we live.
        reconnectStrategy: (retries: number, cause: Error) => (this.started ? Math.min(50 * 2 ** retries, cap) : cause),
      },
    });
    this.wire(this.pub);
    this.own = new OwnState(this.pub, this.keys, this.nodeId, this.ttl, this.log, (key) => this.emitEach(this.claimLostHandlers, key, 'claim-lost'));
  }

  async start(): Promise<void> {
    try {
      await this.pub.connect();
      const sub = this.pub.duplicate();
      this.sub = sub;
      this.wire(sub);
      await sub.connect();
      await sub.subscribe([...this.channelOf.keys()], (message: string, channel: string) => this.hear(channel, message));
      await this.register();
    } catch (error) {
      this.closing = true;
      this.destroyClients();
      throw new Error(`cannot reach Redis at ${shown(this.url)}: ${reason(error)}`, { cause: error });
    }
    this.started = true;
    this.up = true;
    this.upSince = Date.now();
    this.timer = setInterval(() => void this.beat(), Math.max(30, Math.floor(this.ttl / 3)));
    this.timer.unref();
  }

  /**
   * Queue `body` for the other nodes. What one event-loop turn publishes on a channel goes as one
   * Redis message (a burst of chat is one PUBLISH per turn, not one per line: the cost per line,
   * here and on every node that hears it, is a share of one command and one JSON parse).
   */
  publish(channel: BusChannel, body: object): boolean {
    if (!this.usable()) return false;
    let text: string;
    try {
      text = JSON.stringify(body);
    } catch (error) {
      this.log.error({ channel, error: reason(error) }, 'a bus message could not be encoded');
      return false;
    }
    let queued = this.outbox.get(channel);
    if (queued === undefined) {
      queued = [];
      this.outbox.set(channel, queued);
    }
    queued.push(text);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => this.flushOutbox());
    }
    return true;
  }

  /** Send what this turn published, one message per channel, in the order published. */
  private flushOutbox(): void {
    this.flushing = false;
    for (const [channel, bodies] of this.outbox) {
      this.outbox.delete(channel);
      if (bodies.length === 0) continue;
      if (!this.usable()) {
        this.log.warn({ channel, messages: bodies.length }, 'bus messages were not sent (Redis connection lost)');
        continue;
      }
      this.seq += 1;
      // The bodies are JSON already: the envelope is put around them without parsing them again.
      const text = `{"node":${JSON.stringify(this.nodeId)},"seq":${this.seq},"at":${Date.now()},"bodies":[${bodies.join(',')}]}`;
      this.pub.publish(this.keys.channel(channel), text).catch((error: unknown) => {
        this.log.warn({ channel, messages: bodies.length, error: reason(error) }, 'bus messages were not sent (Redis connection lost)');
      });
    }
  }

  subscribe(channel: BusChannel, handler: Handler): () => void {
    let set = this.handlers.get(channel);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  async claimName(key: string): Promise<ClaimResult> {
    if (!this.usable()) return 'unavailable';
    return await this.own.claim(key);
  }

  onClaimLost(handler: (key: string) => void): () => void {
    this.claimLostHandlers.add(handler);
    return () => this.claimLostHandlers.delete(handler);
  }

  releaseName(key: string): void {
    if (this.started && !this.closing) this.own.release(key);
  }

  putPresence(key: string, record: PresenceRecord | null): void {
    if (this.started && !this.closing) this.own.put(key, record);
  }

  async presences(): Promise<PresenceRecord[]> {
    if (!this.usable()) {
      throw new Error(`the Redis bus is unreachable: ${this.error ?? 'not connected'}`);
    }
    const all = (await this.pub.hGetAll(this.keys.presence)) as Record<string, string>;
    const records: PresenceRecord[] = [];
    for (const value of Object.values(all)) {
      try {
        const record = JSON.parse(value) as PresenceRecord;
        if (typeof record === 'object' && record !== null && typeof record.node === 'string') records.push(record);
      } catch {
        // A record this version cannot read is skipped, not fatal.
      }
    }
    const nodes = [...new Set(records.map((record) => record.node))];
    const alive = await Promise.all(nodes.map(async (node) => (await this.pub.exists(this.keys.node(node))) === 1));
    const live = new Set(nodes.filter((_, index) => alive[index] === true));
    for (const node of live) this.watch.heard(node);
    return records.filter((record) => live.has(record.node));
  }

  onNodeLost(handler: (node: string) => void): () => void {
    this.lostHandlers.add(handler);
    return () => this.lostHandlers.delete(handler);
  }

  /**
   * SET reap:<node> NX (held 60 s): one winner. The winner also removes the lost node's presence
   * records (only those still naming it) and its entry in the node set, before this resolves. The
   * node's liveness is not checked: a node saying goodbye is reaped while its key still exists.
   */
  async claimReap(node: string): Promise<boolean> {
    if (!this.usable() || node === this.nodeId) return false;
    try {
      const won = await this.pub.set(this.keys.reap(node), this.nodeId, { condition: 'NX', expiration: { type: 'PX', value: REAP_TTL_MS } });
      if (won !== 'OK') return false;
    } catch (error) {
      this.log.warn({ node, error: reason(error) }, 'a reap claim could not be decided (Redis unreachable)');
      return false;
    }
    try {
      await runScript(this.pub, DROP_PRESENCE, [this.keys.presence], [node]);
      await this.pub.sRem(this.keys.nodes, node);
    } catch (error) {
      this.log.warn({ node, error: reason(error) }, "a lost node's presence could not be cleaned");
    }
    return true;
  }

  onStatus(handler: (up: boolean) => void): () => void {
    this.statusHandlers.add(handler);
    return () => this.statusHandlers.delete(handler);
  }

  health(): BusHealth {
    const up = this.usable();
    return {
      engine: 'redis',
      up,
      latencyMs: this.latencyMs,
      lagMs: this.lagMs,
      ...(up ? {} : { error: this.error ?? (this.closing ? 'closed' : 'not connected') }),
    };
  }

  async close(): Promise<void> {
    if (this.closing) return;
    // What this turn published (a goodbye) still goes out.
    this.flushOutbox();
    this.closing = true;
    clearInterval(this.timer);
    if (this.started && this.pub.isReady) {
      const work = [...this.own.giveBack(), this.pub.del(this.keys.node(this.nodeId)), this.pub.sRem(this.keys.nodes, this.nodeId)];
      await bounded(Promise.allSettled(work), CLOSE_WAIT_MS);
    }
    const clients = [this.pub, this.sub].filter((client): client is Client => client !== undefined && client.isOpen);
    await bounded(Promise.allSettled(clients.map((client) => client.close())), CLOSE_WAIT_MS);
    this.destroyClients();
  }

  /** Every client gets an 'error' listener (without one, node-redis's errors would crash the process). */
  private wire(client: Client): void {
    client.on('error', (error: unknown) => {
      if (!client.isReady) this.down(reason(error));
      else if (this.started && !this.closing) this.log.warn({ error: reason(error) }, 'Redis reported an error');
    });
    client.on('end', () => this.down('connection closed'));
    client.on('ready', () => {
      if (this.started && !this.closing && !this.up) void this.recover();
    });
  }

  private destroyClients(): void {
    for (const client of [this.pub, this.sub]) {
      try {
        if (client?.isOpen === true) client.destroy();
      } catch {
        // Already closed.
      }
    }
  }

  /**
   * Reported up and connected. Publishing, claims and reads wait for this (after a reconnection,
   * until this node re-registered); writes of this node's own state only need the connection.
   */
  private usable(): boolean {
    return this.started && !this.closing && this.up && this.pub.isReady;
  }

  private ready(): boolean {
    return this.pub.isReady && this.sub?.isReady === true;
  }

  private down(why: string): void {
    if (!this.started || this.closing) return;
    this.error = why;
    if (!this.up) return;
    this.up = false;
    this.log.warn({ error: why }, 'Redis is unreachable; publishing and name claims fail until it is back');
    this.emitStatus(false);
  }

  private emitStatus(up: boolean): void {
    for (const handler of [...this.statusHandlers]) {
      try {
        handler(up);
      } catch (error) {
        this.log.error({ error: reason(error) }, 'a bus status handler threw');
      }
    }
  }

  private emitEach<T>(handlers: Set<(value: T) => void>, value: T, what: string): void {
    for (const handler of [...handlers]) {
      try {
        handler(value);
      } catch (error) {
        this.log.error({ value, error: reason(error) }, `a bus ${what} handler threw`);
      }
    }
  }

  /** A message from the subscriber connection. */
  private hear(redisChannel: string, message: string): void {
    const channel = this.channelOf.get(redisChannel);
    if (channel === undefined) return;
    // This node's own messages come back from Redis: recognised by their first bytes, never parsed.
    if (message.startsWith(this.ownPrefix)) return;
    let envelope: unknown;
    try {
      envelope = JSON.parse(message);
    } catch {
      this.log.warn({ channel }, 'a bus message that is not JSON was ignored');
      return;
    }
    if (!isEnvelope(envelope)) {
      this.log.warn({ channel }, 'a bus message without node, seq and at was ignored');
      return;
    }
    if (envelope.node === this.nodeId) return;
    this.watch.heard(envelope.node);
    this.lagMs = Math.max(0, Date.now() - envelope.at);
    const handlers = [...(this.handlers.get(channel) ?? [])];
    for (const body of envelope.bodies) {
      for (const handler of handlers) {
        try {
          handler(body, envelope.node);
        } catch (error) {
          this.log.error({ channel, from: envelope.node, error: reason(error) }, 'a bus message handler threw');
        }
      }
    }
  }

  /** Write this node's liveness key and registration; true when the key had lapsed (others may have declared this node lost). */
  private async register(): Promise<boolean> {
    const [previous] = await Promise.all([
      this.pub.set(this.keys.node(this.nodeId), String(Date.now()), { expiration: { type: 'PX', value: this.ttl }, GET: true }),
      this.pub.sAdd(this.keys.nodes, this.nodeId),
    ]);
    return previous === null;
  }

  /** After Redis came back (single flight): register, re-claim, rewrite, then report the engine up. */
  private recover(): Promise<void> {
    this.recovering ??= (async () => {
      if (!this.ready()) return;
      try {
        await this.register();
        await this.own.refresh();
        await this.own.rewrite();
      } catch (error) {
        // Dropped again: the next 'ready' or heartbeat tries again.
        this.error = reason(error);
        return;
      }
      if (this.closing || this.up || !this.ready()) return;
      this.up = true;
      this.upSince = Date.now();
      this.error = undefined;
      this.log.info({}, 'Redis is reachable again; names re-claimed and presence rewritten');
      this.emitStatus(true);
    })().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  /** Every ttl/3: liveness key, names, a latency ping, and the other nodes' liveness. */
  private async beat(): Promise<void> {
    if (this.beating || this.closing || !this.started) return;
    this.beating = true;
    try {
      if (!this.ready()) return;
      if (!this.up) {
        await this.recover();
        return;
      }
      const began = performance.now();
      const [lapsed] = await Promise.all([this.register(), this.pub.ping()]);
      this.latencyMs = Math.round((performance.now() - began) * 10) / 10;
      await this.own.refresh();
      if (lapsed) {
        // This node stalled past its TTL: the others may have declared it lost and reaped its
        // presence. Write it again, and report an outage so the owner re-announces its members.
        this.log.warn({}, "this node's liveness key had lapsed (stalled past the TTL); presence rewritten");
        this.emitStatus(false);
        await this.own.rewrite();
        this.emitStatus(true);
      }
      await this.checkNodes();
    } catch (error) {
      if (this.ready()) this.log.warn({ error: reason(error) }, 'a bus heartbeat failed');
    } finally {
      this.beating = false;
    }
  }

  private async checkNodes(): Promise<void> {
    const registered = await this.pub.sMembers(this.keys.nodes);
    // Right after (re)connecting, give every live node one TTL to write its key again: after a
    // Redis restart all keys are gone at once and must not read as every node lost.
    if (Date.now() - this.upSince < this.ttl) return;
    const candidates = this.watch.candidates(registered);
    if (candidates.length === 0) return;
    const alive = await Promise.all(candidates.map(async (node) => (await this.pub.exists(this.keys.node(node))) === 1));
    if (this.closing || !this.up) return;
    for (const node of this.watch.settle(candidates, alive, registered)) {
      this.log.warn({ node }, 'a node stopped its heartbeat');
      this.emitEach(this.lostHandlers, node, 'node-lost');
    }
  }
}
