// The access store on PostgreSQL for several nodes: synchronous answers from an in-memory mirror, writes through one ordered queue, NOTIFY/LISTEN to keep the nodes' mirrors alike.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { NetroomError } from '../../../core/errors.js';
import { createLogger, type Logger } from '../../../log.js';
import type { AccessStore, AccountRecord, CredentialRecord, InvitationRecord, RestrictionRecord } from '../../../store/access.js';
import { AccessListener } from './access-listen.js';
import { AccessMirror, INVITATION_KEPT_MS } from './access-mirror.js';
import { WriteQueue, type QueuedWrite } from './access-queue.js';
import { ACCESS_STEPS, loadMirror } from './access-schema.js';
import { openPool, parseDatabaseUrl, unavailable } from './connect.js';
import { migrate } from './migrate.js';
import { useInvitationWrite } from './access-invitation.js';

/** Options of {@link PgAccessStore.open}. */
export interface PgAccessOptions {
  /** Where retries, conflicts and outages are told; default: warnings and errors on stderr. */
  readonly log?: Logger;
  /** How long close() waits for queued writes, ms; default 5000. */
  readonly drainMs?: number;
}

/** Restriction ids are fetched from the sequence this many at a time, again when fewer than half are left. */
const ID_BLOCK = 32;
/** Accounts made here that are remembered for undoing a lost invitation. */
const ADDED_KEPT = 256;

/**
 * {@link AccessStore} shared by several nodes through PostgreSQL. Reads answer from this node's mirror;
 * a write changes the mirror at once and is queued for PostgreSQL (in order, retried while it is away),
 * then NOTIFYs the others, which reload and bump version() so Access re-reads. PostgreSQL's keys have
 * the last word: a write another node beat (the same account name at the same moment) is undone here.
 */
export class PgAccessStore implements AccessStore {
  /** Sent with each NOTIFY, so a node ignores its own. */
  readonly instanceId = randomUUID();
  private mirror: AccessMirror;
  private changes = 0;
  private readonly queue: WriteQueue;
  private readonly listener: AccessListener;
  /** Accounts this node added, by name: the one to undo if its invitation turns out used elsewhere. */
  private readonly addedHere = new Map<string, AccountRecord>();
  /** A waiting last-used write per credential hash, changed in place by later touches. */
  private readonly touches = new Map<string, QueuedWrite & { at: number }>();
  private readonly ids: number[] = [];
  private fetchingIds: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private readonly versionWaiters = new Set<() => void>();

  private constructor(
    private readonly pool: pg.Pool,
    url: string,
    private readonly log: Logger,
    private readonly drainMs: number,
  ) {
    this.mirror = new AccessMirror();
    this.queue = new WriteQueue(pool, this.instanceId, (client, later) => this.reloadFrom(client, later), log);
    this.listener = new AccessListener(
      url,
      {
        notice: (payload) => {
          if (payload !== this.instanceId) this.queue.requestReload();
        },
        missed: () => this.queue.requestReload(),
      },
      log,
    );
  }

  /** Connect, migrate, LISTEN, load everything; STORE_UNAVAILABLE (host, port, reason) when PostgreSQL cannot be used. */
  static async open(url: string, options: PgAccessOptions = {}): Promise<PgAccessStore> {
    const target = parseDatabaseUrl(url);
    const log = options.log ?? createLogger('warn');
    const pool = await openPool(url, { onIdleError: (err) => log.warn({ reason: err.message }, 'PostgreSQL connection lost (access store)') });
    const store = new PgAccessStore(pool, url, log, options.drainMs ?? 5000);
    try {
      await migrate(pool, 'access', ACCESS_STEPS);
      // LISTEN before the first read: a commit made while we read is then noticed, not lost.
      await store.listener.start();
      const client = await pool.connect();
      try {
        store.mirror = await loadMirror(client);
      } finally {
        client.release();
      }
      await store.moreIds();
    } catch (err) {
      await store.listener.close();
      await pool.end().catch(() => undefined);
      throw err instanceof NetroomError || (err as { code?: unknown }).code === undefined ? err : unavailable(err, target);
    }
    return store;
  }

  version(): number {
    return this.changes;
  }

  /** Resolves when version() next changes (tests and tools; Access itself polls). */
  nextVersion(): Promise<number> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.versionWaiters.delete(done);
        resolve(this.changes);
      };
      this.versionWaiters.add(done);
    });
  }

  /** Resolves when every change made here so far is committed (or at `timeoutMs`); the changes still waiting. */
  settled(timeoutMs = 10_000): Promise<number> {
    return this.queue.drain(timeoutMs);
  }

  /** Changes made here and not yet committed to PostgreSQL. */
  pendingWrites(): number {
    return this.queue.size;
  }

  account(key: string): AccountRecord | undefined {
    return this.mirror.accounts.get(key);
  }

  accounts(): AccountRecord[] {
    return this.mirror.accountList();
  }

  addAccount(a: AccountRecord): void {
    if (this.mirror.accounts.has(a.key)) {
      throw new NetroomError('NAME_TAKEN', `an account already has the name ${a.name} (or one that reads alike)`, { name: a.name });
    }
    const record = { ...a };
    this.addedHere.set(record.name, record);
    // Only the latest few matter (redeem uses the invitation right after making the account).
    if (this.addedHere.size > ADDED_KEPT) this.addedHere.delete(this.addedHere.keys().next().value as string);
    this.write({
      what: `add account ${a.name}`,
      accountKey: a.key,
      addsAccount: true,
      notify: true,
      apply: (m) => void m.accounts.set(record.key, record),
      run: async (client) => {
        const inserted = await client.query('INSERT INTO accounts (key, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING', [
          record.key,
          record.name,
          record.role,
          record.hash,
          record.createdAt,
        ]);
        if (inserted.rowCount === 1) return 'done';
        // Ours already (a retry after a lost COMMIT reply), or another node's: PostgreSQL's is the account.
        const { rows } = await client.query('SELECT hash, created_at FROM accounts WHERE key = $1', [record.key]);
        const there = rows[0] as { hash: string; created_at: string } | undefined;
        if (there !== undefined && there.hash === record.hash && Number(there.created_at) === record.createdAt) return 'done';
        this.addedHere.delete(record.name);
        this.log.warn({ account: record.name }, 'another node created this account name first: ours is dropped');
        return 'conflict';
      },
    });
  }

  updateAccount(key: string, change: { role?: AccountRecord['role']; hash?: string }): boolean {
    if (!this.mirror.accounts.has(key) || (change.role === undefined && change.hash === undefined)) return false;
    const { role, hash } = change;
    this.write({
      what: `update account ${key}`,
      accountKey: key,
      notify: true,
      apply: (m) => {
        const a = m.accounts.get(key);
        if (a) m.accounts.set(key, { ...a, ...(role !== undefined && { role }), ...(hash !== undefined && { hash }) });
      },
      run: async (client) => {
        if (role !== undefined) await client.query('UPDATE accounts SET role = $1 WHERE key = $2', [role, key]);
        if (hash !== undefined) await client.query('UPDATE accounts SET hash = $1 WHERE key = $2', [hash, key]);
        return 'done';
      },
    });
    return true;
  }

  deleteAccount(key: string): boolean {
    if (!this.mirror.accounts.has(key)) return false;
    this.write({
      what: `delete account ${key}`,
      accountKey: key,
      notify: true,
      apply: (m) => void m.deleteAccount(key),
      run: async (client) => {
        await client.query('DELETE FROM accounts WHERE key = $1', [key]);
        return 'done';
      },
    });
    return true;
  }

  credential(hash: string): CredentialRecord | undefined {
    return this.mirror.credentials.get(hash);
  }

  credentials(accountKey: string): CredentialRecord[] {
    return this.mirror.credentialsOf(accountKey);
  }

  addCredential(c: CredentialRecord): void {
    // As the SQLite store's keys would: an unknown account or a hash already held is refused here and now.
    if (!this.mirror.accounts.has(c.accountKey)) throw new Error(`no account ${c.accountKey} for a new credential`);
    if (this.mirror.credentials.has(c.hash)) throw new Error('this credential exists already');
    const record = { ...c };
    this.write({
      what: `add ${c.kind} ${c.id} for ${c.accountKey}`,
      accountKey: c.accountKey,
      notify: true,
      apply: (m) => void m.credentials.set(record.hash, record),
      run: async (client) => {
        await client.query(
          `INSERT INTO credentials (hash, id, account_key, kind, label, created_at, last_used_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hash) DO NOTHING`,
          [record.hash, record.id, record.accountKey, record.kind, record.label, record.createdAt, record.lastUsedAt, record.expiresAt],
        );
        return 'done';
      },
    });
  }

  touchCredential(hash: string, at: number): void {
    const c = this.mirror.credentials.get(hash);
    if (c === undefined) return;
    this.mirror.credentials.set(hash, { ...c, lastUsedAt: at });
    // Coalesced: a touch still waiting takes the newer time (Credentials already touches at most once a minute).
    const waiting = this.touches.get(hash);
    if (waiting !== undefined && this.queue.waiting(waiting)) {
      waiting.at = at;
      return;
    }
    const touch: QueuedWrite & { at: number } = {
      at,
      what: `touch ${c.kind} ${c.id}`,
      accountKey: c.accountKey,
      // Other nodes need not reload for a last-used time; they read it at their next reload.
      notify: false,
      apply: (m) => {
        const now = m.credentials.get(hash);
        if (now) m.credentials.set(hash, { ...now, lastUsedAt: touch.at });
      },
      run: async (client) => {
        if (this.touches.get(hash) === touch) this.touches.delete(hash);
        await client.query('UPDATE credentials SET last_used_at = $1 WHERE hash = $2', [touch.at, hash]);
        return 'done';
      },
    };
    this.touches.set(hash, touch);
    this.queue.push(touch);
  }

  deleteCredential(accountKey: string, id: string): boolean {
    if (this.mirror.credentialHashes(accountKey, id).length === 0) return false;
    this.write({
      what: `delete credential ${id} of ${accountKey}`,
      accountKey,
      notify: true,
      apply: (m) => {
        for (const hash of m.credentialHashes(accountKey, id)) m.credentials.delete(hash);
      },
      run: async (client) => {
        await client.query('DELETE FROM credentials WHERE account_key = $1 AND id = $2', [accountKey, id]);
        return 'done';
      },
    });
    return true;
  }

  invitation(hash: string): InvitationRecord | undefined {
    return this.mirror.invitations.get(hash);
  }

  addInvitation(i: InvitationRecord): void {
    if (this.mirror.invitations.has(i.hash)) throw new Error('this invitation exists already');
    const record = { ...i };
    this.write({
      what: `add invitation by ${i.createdBy}`,
      notify: true,
      apply: (m) => void m.invitations.set(record.hash, record),
      run: async (client) => {
        await client.query(
          `INSERT INTO invitations (hash, role, created_by, created_at, expires_at, used_at, used_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (hash) DO NOTHING`,
          [record.hash, record.role, record.createdBy, record.createdAt, record.expiresAt, record.usedAt, record.usedBy],
        );
        return 'done';
      },
    });
  }

  useInvitation(hash: string, at: number, name: string): boolean {
    const i = this.mirror.invitations.get(hash);
    if (i === undefined || i.usedAt !== null || i.expiresAt <= at) return false;
    const made = this.addedHere.get(name);
    this.addedHere.delete(name);
    this.write(useInvitationWrite(hash, at, name, made, this.log));
    return true;
  }

  restrictions(): RestrictionRecord[] {
    return this.mirror.restrictionList();
  }

  addRestriction(r: Omit<RestrictionRecord, 'id'>): RestrictionRecord {
    const id = this.ids.shift();
    if (this.ids.length < ID_BLOCK / 2) void this.moreIds().catch(() => undefined);
    if (id === undefined) throw new NetroomError('STORE_UNAVAILABLE', 'cannot number a new ban or mute: PostgreSQL is unreachable; try again shortly');
    const record: RestrictionRecord = { ...r, id };
    this.write({
      what: `add ${r.type} ${id}`,
      notify: true,
      apply: (m) => void m.restrictions.set(id, record),
      run: async (client) => {
        await client.query(
          `INSERT INTO restrictions (id, type, room, kind, value, shown, reason, by, created_at, until)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
          [id, r.type, r.room, r.kind, r.value, r.shown, r.reason, r.by, r.createdAt, r.until],
        );
        return 'done';
      },
    });
    return record;
  }

  deleteRestriction(id: number): boolean {
    if (!this.mirror.restrictions.has(id)) return false;
    this.write({
      what: `delete restriction ${id}`,
      notify: true,
      apply: (m) => void m.restrictions.delete(id),
      run: async (client) => {
        await client.query('DELETE FROM restrictions WHERE id = $1', [id]);
        return 'done';
      },
    });
    return true;
  }

  prune(now: number): void {
    this.write({
      what: 'prune',
      notify: true,
      apply: (m) => m.prune(now),
      run: async (client) => {
        await client.query('DELETE FROM restrictions WHERE until IS NOT NULL AND until <= $1', [now]);
        await client.query('DELETE FROM credentials WHERE expires_at IS NOT NULL AND expires_at <= $1', [now]);
        await client.query('DELETE FROM invitations WHERE expires_at <= $1', [now - INVITATION_KEPT_MS]);
        return 'done';
      },
    });
  }

  /** Starts {@link shutdown} without waiting (Access.close() is synchronous); the server should await shutdown(). */
  close(): void {
    void this.shutdown();
  }

  /**
   * Waits (drainMs at most) for queued writes to commit, then ends the LISTEN client and the pool;
   * writes still queued then are logged by name. Safe to call again: the same promise.
   */
  shutdown(): Promise<void> {
    this.closing ??= (async () => {
      const left = await this.queue.drain(this.drainMs);
      const lost = this.queue.stop();
      if (left > 0) this.log.error({ lost: lost.map((w) => w.what) }, 'access store closed before PostgreSQL took these changes');
      await this.listener.close();
      await this.pool.end().catch(() => undefined);
    })();
    return this.closing;
  }

  private write(w: QueuedWrite): void {
    w.apply(this.mirror);
    this.queue.push(w);
  }

  /** The queue's reload: a fresh mirror from PostgreSQL, this node's waiting writes made again on it. */
  private async reloadFrom(client: pg.PoolClient, later: readonly QueuedWrite[]): Promise<void> {
    const fresh = await loadMirror(client);
    for (const w of later) w.apply(fresh);
    this.mirror = fresh;
    this.changes++;
    for (const done of [...this.versionWaiters]) done();
  }

  /** Reserve the next block of restriction ids (one fetch at a time). */
  private moreIds(): Promise<void> {
    this.fetchingIds ??= this.pool
      .query<{ id: string }>('SELECT nextval($1) AS id FROM generate_series(1, $2)', ['restriction_ids', ID_BLOCK])
      .then(({ rows }) => {
        this.ids.push(...rows.map((r) => Number(r.id)).sort((a, b) => a - b));
      })
      .finally(() => {
        this.fetchingIds = undefined;
      });
    return this.fetchingIds;
  }
}
