// The access tables in PostgreSQL (the SQLite store's, with bigint times) and the one consistent read that fills a node's mirror.
import type pg from 'pg';
import type { AccountRecord, CredentialRecord, InvitationRecord, RestrictionRecord } from '../../../store/access.js';
import { AccessMirror } from './access-mirror.js';

/** Migration steps of the `access` component; append, never edit a step once released. */
export const ACCESS_STEPS: readonly string[] = [
  `CREATE TABLE accounts (
     key text PRIMARY KEY, name text NOT NULL, role text NOT NULL, hash text NOT NULL, created_at bigint NOT NULL
   );
   CREATE TABLE credentials (
     hash text PRIMARY KEY, id text NOT NULL, account_key text NOT NULL REFERENCES accounts(key) ON DELETE CASCADE,
     kind text NOT NULL, label text NOT NULL, created_at bigint NOT NULL, last_used_at bigint, expires_at bigint,
     -- Insertion order, for ties on created_at (SQLite lists those in rowid order).
     seq bigint GENERATED ALWAYS AS IDENTITY
   );
   CREATE INDEX credentials_by_account ON credentials(account_key);
   CREATE TABLE invitations (
     hash text PRIMARY KEY, role text NOT NULL, created_by text NOT NULL, created_at bigint NOT NULL,
     expires_at bigint NOT NULL, used_at bigint, used_by text
   );
   -- Ids are handed out by the sequence in blocks (a node numbers a new ban at once, before it is written).
   CREATE SEQUENCE restriction_ids;
   CREATE TABLE restrictions (
     id bigint PRIMARY KEY, type text NOT NULL, room text, kind text NOT NULL, value text NOT NULL,
     shown text NOT NULL, reason text NOT NULL, by text NOT NULL, created_at bigint NOT NULL, until bigint
   );`,
];

/** The channel nodes NOTIFY on after a committed write; the payload is the writer's instance id. */
export const ACCESS_CHANNEL = 'netroom_access';

/** Every account, credential, invitation and restriction, read in one snapshot. */
export async function loadMirror(client: pg.PoolClient): Promise<AccessMirror> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const mirror = new AccessMirror();
    for (const a of (await client.query<Row>('SELECT * FROM accounts')).rows.map(accountOf)) mirror.accounts.set(a.key, a);
    const credentials = await client.query<Row>('SELECT * FROM credentials ORDER BY created_at, seq');
    for (const c of credentials.rows.map(credentialOf)) mirror.credentials.set(c.hash, c);
    for (const i of (await client.query<Row>('SELECT * FROM invitations')).rows.map(invitationOf)) mirror.invitations.set(i.hash, i);
    for (const r of (await client.query<Row>('SELECT * FROM restrictions ORDER BY id')).rows.map(restrictionOf)) mirror.restrictions.set(r.id, r);
    await client.query('COMMIT');
    return mirror;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** bigint columns come back as strings (they may pass 2^53); ms times and ids never do. */
function num(v: unknown): number {
  return Number(v);
}

function numOrNull(v: unknown): number | null {
  return v === null ? null : Number(v);
}

type Row = Record<string, unknown>;

function accountOf(r: Row): AccountRecord {
  return { key: r.key as string, name: r.name as string, role: r.role as AccountRecord['role'], hash: r.hash as string, createdAt: num(r.created_at) };
}

function credentialOf(r: Row): CredentialRecord {
  return {
    hash: r.hash as string,
    id: r.id as string,
    accountKey: r.account_key as string,
    kind: r.kind as CredentialRecord['kind'],
    label: r.label as string,
    createdAt: num(r.created_at),
    lastUsedAt: numOrNull(r.last_used_at),
    expiresAt: numOrNull(r.expires_at),
  };
}

function invitationOf(r: Row): InvitationRecord {
  return {
    hash: r.hash as string,
    role: r.role as InvitationRecord['role'],
    createdBy: r.created_by as string,
    createdAt: num(r.created_at),
    expiresAt: num(r.expires_at),
    usedAt: numOrNull(r.used_at),
    usedBy: r.used_by as string | null,
  };
}

function restrictionOf(r: Row): RestrictionRecord {
  return {
    id: num(r.id),
    type: r.type as RestrictionRecord['type'],
    room: r.room as string | null,
    kind: r.kind as RestrictionRecord['kind'],
    value: r.value as string,
    shown: r.shown as string,
    reason: r.reason as string,
    by: r.by as string,
    createdAt: num(r.created_at),
    until: numOrNull(r.until),
  };
}
