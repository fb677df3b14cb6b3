// The access store in SQLite: DATA/access.sqlite, shared by the running server and the CLI (WAL, no exclusive lock).
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateDirSync, ensurePrivateFileSync, tightenFileSync } from '../private-mode.js';
import { NetroomError } from '../core/errors.js';
import type { AccessStore, AccountRecord, CredentialRecord, InvitationRecord, RestrictionRecord } from './access.js';

/** The database file inside the data folder. */
export const ACCESS_FILE = 'access.sqlite';
const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS accounts (
  key TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, hash TEXT NOT NULL, created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS credentials (
  hash TEXT PRIMARY KEY, id TEXT NOT NULL, account_key TEXT NOT NULL REFERENCES accounts(key) ON DELETE CASCADE,
  kind TEXT NOT NULL, label TEXT NOT NULL, created_at INTEGER NOT NULL, last_used_at INTEGER, expires_at INTEGER
);
CREATE INDEX IF NOT EXISTS credentials_by_account ON credentials(account_key);
CREATE TABLE IF NOT EXISTS invitations (
  hash TEXT PRIMARY KEY, role TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL, used_at INTEGER, used_by TEXT
);
CREATE TABLE IF NOT EXISTS restrictions (
  id INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, room TEXT, kind TEXT NOT NULL, value TEXT NOT NULL,
  shown TEXT NOT NULL, reason TEXT NOT NULL, by TEXT NOT NULL, created_at INTEGER NOT NULL, until INTEGER
);
`;

interface CredentialRow {
  hash: string;
  id: string;
  account_key: string;
  kind: 'session' | 'token';
  label: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
}

interface RestrictionRow {
  id: number;
  type: 'ban' | 'mute';
  room: string | null;
  kind: RestrictionRecord['kind'];
  value: string;
  shown: string;
  reason: string;
  by: string;
  created_at: number;
  until: number | null;
}

/** {@link AccessStore} on one SQLite file; several processes may open it at once. */
export class SqliteAccessStore implements AccessStore {
  private readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  /** Open (creating and migrating) the store at `file`. */
  static open(file: string): SqliteAccessStore {
    // Password hashes and bans: the folder 0700 and the file 0600 whatever the umask or who made it
    // (server or CLI), made or narrowed before SQLite opens it, as its journals take the file's mode.
    ensurePrivateDirSync(dirname(file));
    ensurePrivateFileSync(file);
    for (const suffix of ['-wal', '-shm', '-journal']) tightenFileSync(file + suffix);
    const db = new Database(file, { timeout: 5000 });
    try {
      db.pragma('journal_mode = WAL');
      // Accounts and bans are few and precious: every commit reaches the disk.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new Error(`${file} was written by a newer netroom (access schema ${version}, this one knows ${SCHEMA_VERSION})`);
      }
      db.exec(SCHEMA);
      if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
    } catch (err) {
      db.close();
      throw err;
    }
    return new SqliteAccessStore(db);
  }

  version(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  account(key: string): AccountRecord | undefined {
    const row = this.db.prepare('SELECT key, name, role, hash, created_at FROM accounts WHERE key = ?').get(key) as AccountRow | undefined;
    return row && accountOf(row);
  }

  accounts(): AccountRecord[] {
    return (this.db.prepare('SELECT key, name, role, hash, created_at FROM accounts ORDER BY name').all() as AccountRow[]).map(accountOf);
  }

  addAccount(a: AccountRecord): void {
    try {
      this.db.prepare('INSERT INTO accounts (key, name, role, hash, created_at) VALUES (?, ?, ?, ?, ?)').run(a.key, a.name, a.role, a.hash, a.createdAt);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new NetroomError('NAME_TAKEN', `an account already has the name ${a.name} (or one that reads alike)`, { name: a.name });
      }
      throw err;
    }
  }

  updateAccount(key: string, change: { role?: AccountRecord['role']; hash?: string }): boolean {
    const run = this.db.transaction(() => {
      let changed = 0;
      if (change.role !== undefined) changed += this.db.prepare('UPDATE accounts SET role = ? WHERE key = ?').run(change.role, key).changes;
      if (change.hash !== undefined) changed += this.db.prepare('UPDATE accounts SET hash = ? WHERE key = ?').run(change.hash, key).changes;
      return changed > 0;
    });
    return run();
  }

  deleteAccount(key: string): boolean {
    return this.db.prepare('DELETE FROM accounts WHERE key = ?').run(key).changes > 0;
  }

  credential(hash: string): CredentialRecord | undefined {
    const row = this.db.prepare('SELECT * FROM credentials WHERE hash = ?').get(hash) as CredentialRow | undefined;
    return row && credentialOf(row);
  }

  credentials(accountKey: string): CredentialRecord[] {
    const rows = this.db.prepare('SELECT * FROM credentials WHERE account_key = ? ORDER BY created_at').all(accountKey) as CredentialRow[];
    return rows.map(credentialOf);
  }

  addCredential(c: CredentialRecord): void {
    this.db
      .prepare('INSERT INTO credentials (hash, id, account_key, kind, label, created_at, last_used_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(c.hash, c.id, c.accountKey, c.kind, c.label, c.createdAt, c.lastUsedAt, c.expiresAt);
  }

  touchCredential(hash: string, at: number): void {
    this.db.prepare('UPDATE credentials SET last_used_at = ? WHERE hash = ?').run(at, hash);
  }

  deleteCredential(accountKey: string, id: string): boolean {
    return this.db.prepare('DELETE FROM credentials WHERE account_key = ? AND id = ?').run(accountKey, id).changes > 0;
  }

  invitation(hash: string): InvitationRecord | undefined {
    const row = this.db.prepare('SELECT * FROM invitations WHERE hash = ?').get(hash) as InvitationRow | undefined;
    return row && invitationOf(row);
  }

  addInvitation(i: InvitationRecord): void {
    this.db
      .prepare('INSERT INTO invitations (hash, role, created_by, created_at, expires_at, used_at, used_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(i.hash, i.role, i.createdBy, i.createdAt, i.expiresAt, i.usedAt, i.usedBy);
  }

  useInvitation(hash: string, at: number, name: string): boolean {
    const result = this.db
      .prepare('UPDATE invitations SET used_at = ?, used_by = ? WHERE hash = ? AND used_at IS NULL AND expires_at > ?')
      .run(at, name, hash, at);
    return result.changes === 1;
  }

  restrictions(): RestrictionRecord[] {
    return (this.db.prepare('SELECT * FROM restrictions ORDER BY id').all() as RestrictionRow[]).map(restrictionOf);
  }

  addRestriction(r: Omit<RestrictionRecord, 'id'>): RestrictionRecord {
    const result = this.db
      .prepare('INSERT INTO restrictions (type, room, kind, value, shown, reason, by, created_at, until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(r.type, r.room, r.kind, r.value, r.shown, r.reason, r.by, r.createdAt, r.until);
    return { ...r, id: Number(result.lastInsertRowid) };
  }

  deleteRestriction(id: number): boolean {
    return this.db.prepare('DELETE FROM restrictions WHERE id = ?').run(id).changes > 0;
  }

  prune(now: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM restrictions WHERE until IS NOT NULL AND until <= ?').run(now);
      this.db.prepare('DELETE FROM credentials WHERE expires_at IS NOT NULL AND expires_at <= ?').run(now);
      // Used or expired invitations are kept a day, so a second click says "already used" rather than "unknown".
      this.db.prepare('DELETE FROM invitations WHERE expires_at <= ?').run(now - 24 * 60 * 60 * 1000);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

interface AccountRow {
  key: string;
  name: string;
  role: AccountRecord['role'];
  hash: string;
  created_at: number;
}

interface InvitationRow {
  hash: string;
  role: InvitationRecord['role'];
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
}

function accountOf(r: AccountRow): AccountRecord {
  return { key: r.key, name: r.name, role: r.role, hash: r.hash, createdAt: r.created_at };
}

function credentialOf(r: CredentialRow): CredentialRecord {
  return {
    hash: r.hash,
    id: r.id,
    accountKey: r.account_key,
    kind: r.kind,
    label: r.label,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    expiresAt: r.expires_at,
  };
}

function invitationOf(r: InvitationRow): InvitationRecord {
  return { hash: r.hash, role: r.role, createdBy: r.created_by, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at, usedBy: r.used_by };
}

function restrictionOf(r: RestrictionRow): RestrictionRecord {
  return {
    id: r.id,
    type: r.type,
    room: r.room,
    kind: r.kind,
    value: r.value,
    shown: r.shown,
    reason: r.reason,
    by: r.by,
    createdAt: r.created_at,
    until: r.until,
  };
}
