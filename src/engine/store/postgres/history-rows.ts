// History rows for PostgreSQL: multi-row inserts of queued rows, conversation summaries, rooms, and rows read back as StoredEvents.
import type { RoomModes } from '../../../core/chat/types.js';
import type { StoredEvent, StoredKind, StoredRoom } from '../../../store/history.js';
import { roomKeyOf, type PendingRow } from '../../../store/sqlite-rows.js';
import type { PendingChange } from '../../../store/sqlite-edits.js';

/** The columns read back, in the order of {@link fromRow}'s Row. */
export const COLUMNS = 'id, at, kind, room, name, to_name, text, path, size, reason, notice, edited, deleted';

/** A row as pg returns it: bigint columns come as strings (their values can pass 2^31). */
export interface Row {
  id: string;
  at: string;
  kind: StoredKind;
  room: string | null;
  name: string | null;
  to_name: string | null;
  text: string | null;
  path: string | null;
  size: string | null;
  reason: string | null;
  notice: boolean | null;
  edited: string | null;
  deleted: boolean | null;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A row as a StoredEvent: absent fields stay absent, as the SQLite store gives them. */
export function fromRow(row: Row): StoredEvent {
  const event: Mutable<StoredEvent> = { id: Number(row.id), at: Number(row.at), kind: row.kind };
  if (row.room !== null) event.room = row.room;
  if (row.name !== null) event.name = row.name;
  if (row.to_name !== null) event.to = row.to_name;
  if (row.text !== null) event.text = row.text;
  if (row.path !== null) event.path = row.path;
  if (row.size !== null) event.size = Number(row.size);
  if (row.reason !== null) event.reason = row.reason;
  if (row.notice === true) event.asNotice = true;
  if (row.edited !== null) event.edited = Number(row.edited);
  if (row.deleted === true) {
    // A tombstone: the row keeps its place (paging does not shift), the words are gone.
    event.deleted = true;
    event.text = '';
  }
  return event;
}

/** PostgreSQL text cannot hold U+0000 (the insert would fail, and with it the batch): it is kept as U+FFFD. */
export function pgText(s: string): string;
export function pgText(s: string | undefined): string | null;
export function pgText(s: string | undefined): string | null {
  if (s === undefined) return null;
  return s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
}

/** Rows per INSERT statement: 13 parameters each, well under PostgreSQL's 65,535 per statement. */
export const ROWS_PER_STATEMENT = 1000;

/** One statement: text and parameters. */
export interface Statement {
  readonly text: string;
  readonly values: unknown[];
}

/*
 * A change decided on one node may reach PostgreSQL before the row it names, written by another
 * node (which published the message as soon as it queued the row). A plain UPDATE would then match
 * nothing and be lost. So a change is an upsert on the row's id: when the row is not there yet it
 * leaves a placeholder (kind PENDING_KIND, conversation PENDING_CONV: no read, search or get() ever
 * shows it) holding the new text or the tombstone, and the insert of the real row takes them from
 * it. Both statements conflict on the primary key, so PostgreSQL orders them whichever comes first,
 * even when one is in an uncommitted transaction (the other waits for it): no ordering loses a change.
 * A placeholder whose row never comes (its node died first) goes with the age prune.
 */
/** The kind of a placeholder row: a change waiting for its row. */
export const PENDING_KIND = 'pending';
/** The conversation of placeholders: neither a room (`#`), a conversation (`dm:`) nor the announcements (`*`). */
export const PENDING_CONV = '!pending';

/** Messages take over a placeholder's change; another kind (never named by a change the core allowed) ignores it. */
const TAKE_PENDING =
  'ON CONFLICT (id) DO UPDATE SET at = excluded.at, kind = excluded.kind, conv = excluded.conv, room = excluded.room, name = excluded.name, ' +
  'to_name = excluded.to_name, path = excluded.path, size = excluded.size, reason = excluded.reason, notice = excluded.notice, account = excluded.account, ' +
  "text = CASE WHEN excluded.kind NOT IN ('message', 'dm') THEN excluded.text WHEN history_events.deleted IS TRUE THEN NULL " +
  'WHEN history_events.edited IS NOT NULL THEN history_events.text ELSE excluded.text END, ' +
  "edited = CASE WHEN excluded.kind IN ('message', 'dm') THEN history_events.edited END, " +
  "deleted = CASE WHEN excluded.kind IN ('message', 'dm') THEN history_events.deleted END " +
  `WHERE history_events.kind = '${PENDING_KIND}'`;

/**
 * Multi-row inserts of `rows`, in order. On a conflict with a row already there nothing changes: a
 * batch retried after its commit was lost on the wire (it did land) must not fail on its own rows.
 * A conflict with a placeholder (see PENDING_KIND) becomes the row, with the placeholder's change.
 */
export function insertEvents(rows: readonly PendingRow[]): Statement[] {
  const out: Statement[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const row of chunk) {
      const e = row.stored;
      const n = values.length;
      tuples.push(`($${n + 1}, $${n + 2}, $${n + 3}, $${n + 4}, $${n + 5}, $${n + 6}, $${n + 7}, $${n + 8}, $${n + 9}, $${n + 10}, $${n + 11}, $${n + 12}, $${n + 13})`);
      values.push(
        e.id,
        e.at,
        e.kind,
        row.conv,
        pgText(e.room),
        pgText(e.name),
        pgText(e.to),
        pgText(e.text),
        pgText(e.path),
        e.size ?? null,
        pgText(e.reason),
        e.asNotice === true ? true : null,
        pgText(row.account),
      );
    }
    out.push({
      text: `INSERT INTO history_events (id, at, kind, conv, room, name, to_name, text, path, size, reason, notice, account) VALUES ${tuples.join(', ')} ${TAKE_PENDING}`,
      values,
    });
  }
  return out;
}

/** Only live messages change (and placeholders): a tombstone stays one, and other kinds are never touched. */
const CHANGEABLE = `history_events.kind IN ('message', 'dm', '${PENDING_KIND}') AND history_events.deleted IS NOT TRUE`;

/**
 * The upserts of queued edits and deletes, in order, after the inserts of the same batch (an edit
 * may name a row of that very batch); a row not there yet gets a placeholder (see PENDING_KIND).
 * Applying one twice (a batch retried after its commit was lost) sets the same values again.
 */
export function applyChanges(changes: readonly PendingChange[]): Statement[] {
  return changes.map((c) =>
    c.text === null
      ? {
          text: `INSERT INTO history_events (id, at, kind, conv, deleted) VALUES ($1, $2, '${PENDING_KIND}', '${PENDING_CONV}', true) ON CONFLICT (id) DO UPDATE SET text = NULL, deleted = true WHERE ${CHANGEABLE}`,
          values: [c.id, c.at],
        }
      : {
          text: `INSERT INTO history_events (id, at, kind, conv, text, edited) VALUES ($1, $2, '${PENDING_KIND}', '${PENDING_CONV}', $3, $2) ON CONFLICT (id) DO UPDATE SET text = excluded.text, edited = excluded.edited WHERE ${CHANGEABLE}`,
          values: [c.id, c.at, pgText(c.text)],
        },
  );
}

/**
 * The conversation summaries the direct messages among `rows` update: one per member and
 * conversation (the newest; PostgreSQL refuses to update one row twice in a statement), and never
 * moving back (another node may have written a newer message first).
 */
export function upsertPeers(rows: readonly PendingRow[]): Statement | null {
  const newest = new Map<string, [string, string, string, number, number]>();
  for (const row of rows) {
    const members = row.members;
    if (members === undefined) continue;
    const e = row.stored;
    newest.set(`${members[0]}\n${row.conv}`, [members[0], row.conv, e.to ?? '', e.id, e.at]);
    newest.set(`${members[1]}\n${row.conv}`, [members[1], row.conv, e.name ?? '', e.id, e.at]);
  }
  if (newest.size === 0) return null;
  const cols: [string[], string[], string[], number[], number[]] = [[], [], [], [], []];
  for (const [member, conv, other, id, at] of newest.values()) {
    cols[0].push(member);
    cols[1].push(conv);
    cols[2].push(pgText(other));
    cols[3].push(id);
    cols[4].push(at);
  }
  return {
    text:
      'INSERT INTO history_peers (member, conv, other, last_id, last_at) ' +
      'SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) ' +
      'ON CONFLICT (member, conv) DO UPDATE SET other = excluded.other, last_id = excluded.last_id, last_at = excluded.last_at ' +
      'WHERE history_peers.last_id < excluded.last_id',
    values: cols,
  };
}

/** A room's upsert by folded key (`#Dev` then `#DEV` is one row, named as last saved). */
export function upsertRoom(room: StoredRoom): Statement {
  const m = room.modes;
  const modes = { noExternal: m.noExternal, topicLocked: m.topicLocked, secret: m.secret, inviteOnly: m.inviteOnly, moderated: m.moderated, key: m.key, limit: m.limit };
  return {
    text:
      'INSERT INTO history_rooms (key, name, topic, topic_by, topic_at, created_at, modes, founder) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ' +
      'ON CONFLICT (key) DO UPDATE SET name = excluded.name, topic = excluded.topic, topic_by = excluded.topic_by, ' +
      'topic_at = excluded.topic_at, created_at = excluded.created_at, modes = excluded.modes, founder = excluded.founder',
    values: [roomKeyOf(room.name), pgText(room.name), pgText(room.topic), pgText(room.topicBy ?? undefined), room.topicAt, room.createdAt, JSON.stringify(modes), room.founder ?? null],
  };
}

/** A history_rooms row as read. */
export interface RoomRow {
  name: string;
  topic: string;
  topic_by: string | null;
  topic_at: string | null;
  created_at: string;
  modes: Record<string, unknown> | null;
  founder: string | null;
}

/** A room as read back; a damaged modes value reads as the defaults rather than stopping the server. */
export function roomOf(r: RoomRow): StoredRoom {
  const raw = r.modes !== null && typeof r.modes === 'object' ? r.modes : {};
  const modes: RoomModes = {
    noExternal: raw.noExternal !== false,
    topicLocked: raw.topicLocked === true,
    secret: raw.secret === true,
    inviteOnly: raw.inviteOnly === true,
    moderated: raw.moderated === true,
    key: typeof raw.key === 'string' ? raw.key : null,
    limit: typeof raw.limit === 'number' ? raw.limit : null,
  };
  return {
    name: r.name,
    topic: r.topic,
    topicBy: r.topic_by,
    topicAt: r.topic_at === null ? null : Number(r.topic_at),
    createdAt: Number(r.created_at),
    modes,
    founder: r.founder,
  };
}
