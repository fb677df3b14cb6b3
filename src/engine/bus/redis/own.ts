// What one node holds in Redis (its names and its members' presence), with the local copy that rebuilds it after an outage.
import type { ClaimResult, PresenceRecord } from '../bus.js';
import { CLAIM, DROP_PRESENCE, REFRESH, RELEASE, type RedisKeys, runScript, type ScriptRunner } from './scripts.js';
import { chunks, reason, type BusLog } from './util.js';

/** The commands used here (node-redis's client, narrowed). */
export interface OwnClient extends ScriptRunner {
  readonly isReady: boolean;
  hSet(key: string, fields: Record<string, string>): Promise<unknown>;
}

/**
 * This node's claims and presence. Writes go to Redis at once when connected; while it is not,
 * they are kept here (names released, records removed) and applied by rewrite() when it is back.
 * rewrite() and refresh() are idempotent, so a write that raced an outage is simply done again.
 */
export class OwnState {
  /** Names this node holds; the heartbeat keeps them alive. */
  private readonly held = new Set<string>();
  /** Bumped by release(), so a claim that was in flight meanwhile does not hold the name again. */
  private readonly releases = new Map<string, number>();
  /** Names given back while Redis was unreachable: deleted (if still ours) when it is back. */
  private readonly unreleased = new Set<string>();
  /** This node's presence records: rewritten after Redis comes back. */
  private readonly mine = new Map<string, PresenceRecord>();
  /** Presence removed while Redis was unreachable: removed there when it is back. */
  private readonly dropped = new Set<string>();

  constructor(
    private readonly client: OwnClient,
    private readonly keys: RedisKeys,
    private readonly nodeId: string,
    private readonly ttl: number,
    private readonly log: BusLog,
    private readonly claimLost: (key: string) => void,
  ) {}

  /** The caller checked the bus is up. Atomic in Redis (Lua): free or already ours is `ok`. */
  async claim(key: string): Promise<ClaimResult> {
    const epoch = this.releases.get(key);
    try {
      const result = await runScript(this.client, CLAIM, [this.keys.name(key), this.keys.node(this.nodeId)], [this.nodeId, String(this.ttl)]);
      if (result !== 1) return 'taken';
      // Released while the claim was on its way: the release ran after it in Redis too, so do not hold it.
      if (this.releases.get(key) === epoch) {
        this.held.add(key);
        this.unreleased.delete(key);
      }
      return 'ok';
    } catch (error) {
      this.log.warn({ key, error: reason(error) }, 'a name claim could not be decided (Redis unreachable)');
      return 'unavailable';
    }
  }

  release(key: string): void {
    this.held.delete(key);
    this.releases.set(key, (this.releases.get(key) ?? 0) + 1);
    if (this.releases.size > 10_000) this.releases.clear();
    if (!this.client.isReady) {
      this.unreleased.add(key);
      return;
    }
    runScript(this.client, RELEASE, [this.keys.name(key)], [this.nodeId]).catch(() => {
      if (!this.held.has(key)) this.unreleased.add(key);
    });
  }

  put(key: string, record: PresenceRecord | null): void {
    if (record === null) {
      this.mine.delete(key);
      if (!this.client.isReady) {
        this.dropped.add(key);
        return;
      }
      runScript(this.client, DROP_PRESENCE, [this.keys.presence], [this.nodeId, key]).catch(() => {
        if (!this.mine.has(key)) this.dropped.add(key);
      });
      return;
    }
    // The engine is the authority on which node holds the connection.
    const own: PresenceRecord = { ...record, node: this.nodeId };
    this.mine.set(key, own);
    this.dropped.delete(key);
    if (!this.client.isReady) return;
    // A failure here is repaired by the rewrite after Redis comes back.
    this.client.hSet(this.keys.presence, { [key]: JSON.stringify(own) }).catch(() => {});
  }

  /**
   * Keep every held name alive (expiring with this node's liveness key, which the caller has just
   * written), re-take any that lapsed while free, and report those another node took.
   */
  async refresh(): Promise<void> {
    for (const keys of chunks([...this.held])) {
      const nameKeys = keys.map((key) => this.keys.name(key));
      const result = await runScript(this.client, REFRESH, [this.keys.node(this.nodeId), ...nameKeys], [this.nodeId, String(this.ttl)]);
      const kept = Array.isArray(result) ? result : [];
      keys.forEach((key, index) => {
        if (kept[index] !== 0 || !this.held.has(key)) return;
        this.held.delete(key);
        this.log.warn({ key }, 'a name this node held was claimed by another node while this one was cut off');
        this.claimLost(key);
      });
    }
  }

  /** Write every record of this node again, and apply what was removed or released while Redis was away. */
  async rewrite(): Promise<void> {
    if (this.mine.size > 0) {
      const fields: Record<string, string> = {};
      for (const [key, record] of this.mine) fields[key] = JSON.stringify(record);
      await this.client.hSet(this.keys.presence, fields);
    }
    const dropped = [...this.dropped];
    if (dropped.length > 0) {
      await runScript(this.client, DROP_PRESENCE, [this.keys.presence], [this.nodeId, ...dropped]);
      for (const key of dropped) this.dropped.delete(key);
    }
    const unreleased = [...this.unreleased];
    for (const keys of chunks(unreleased)) {
      await runScript(this.client, RELEASE, keys.map((key) => this.keys.name(key)), [this.nodeId]);
    }
    for (const key of unreleased) this.unreleased.delete(key);
  }

  /** On close: the commands that give back every name and record (still ours only), then forget them. */
  giveBack(): Promise<unknown>[] {
    const work: Promise<unknown>[] = chunks([...this.held]).map((keys) =>
      runScript(this.client, RELEASE, keys.map((key) => this.keys.name(key)), [this.nodeId]),
    );
    if (this.mine.size > 0) work.push(runScript(this.client, DROP_PRESENCE, [this.keys.presence], [this.nodeId, ...this.mine.keys()]));
    this.held.clear();
    this.mine.clear();
    return work;
  }
}
