// Persisted rooms in the history database: one row per folded room key with topic and modes (JSON).
import type Database from 'better-sqlite3';
import type { RoomModes } from '../core/chat/types.js';
import type { StoredRoom } from './history.js';
import { roomKeyOf } from './sqlite-rows.js';

type RoomParams = [string, string, string, string | null, number | null, number, string];
interface RoomRow {
  name: string;
  topic: string;
  topic_by: string | null;
  topic_at: number | null;
  created_at: number;
  modes: string;
}

/** A room's modes from its JSON column; a damaged value reads as the defaults rather than stopping the server. */
function modesOf(json: string): RoomModes {
  let raw: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(json);
    if (parsed !== null && typeof parsed === 'object') raw = parsed as Record<string, unknown>;
  } catch {
    // defaults below
  }
  return {
    // Rooms saved before `-n` existed were all +n.
    noExternal: raw.noExternal !== false,
    topicLocked: raw.topicLocked === true,
    secret: raw.secret === true,
    inviteOnly: raw.inviteOnly === true,
    moderated: raw.moderated === true,
    key: typeof raw.key === 'string' ? raw.key : null,
    limit: typeof raw.limit === 'number' ? raw.limit : null,
  };
}

/** The founder kept beside the modes (see RoomTable.save), or null. */
function founderOf(json: string): string | null {
  try {
    const parsed = JSON.parse(json) as { founder?: unknown } | null;
    return typeof parsed?.founder === 'string' ? parsed.founder : null;
  } catch {
    return null;
  }
}

/** The `rooms` table: written at once (a room changes rarely; the chat reads it back only at start). */
export class RoomTable {
  private readonly upsert: Database.Statement<RoomParams>;
  private readonly select: Database.Statement<[], RoomRow>;

  constructor(db: Database.Database) {
    this.upsert = db.prepare<RoomParams>(
      'INSERT INTO rooms (key, name, topic, topic_by, topic_at, created_at, modes) VALUES (?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (key) DO UPDATE SET name = excluded.name, topic = excluded.topic, topic_by = excluded.topic_by, ' +
        'topic_at = excluded.topic_at, created_at = excluded.created_at, modes = excluded.modes',
    );
    this.select = db.prepare('SELECT name, topic, topic_by, topic_at, created_at, modes FROM rooms ORDER BY created_at, key');
  }

  /** Every room, oldest first. */
  all(): StoredRoom[] {
    return this.select.all().map((r) => ({
      name: r.name,
      topic: r.topic,
      topicBy: r.topic_by,
      topicAt: r.topic_at,
      createdAt: r.created_at,
      modes: modesOf(r.modes),
      founder: founderOf(r.modes),
    }));
  }

  /** Create or update a room by its folded key (`#Dev` then `#DEV` is one row, named as last saved). */
  save(room: StoredRoom): void {
    if (typeof room?.name !== 'string' || !room.name.startsWith('#')) throw new TypeError('a room name starts with #');
    const m = room.modes;
    // The founder rides in the same JSON column: no schema change for one optional field.
    const modes = JSON.stringify({ founder: room.founder ?? null, noExternal: m.noExternal, topicLocked: m.topicLocked, secret: m.secret, inviteOnly: m.inviteOnly, moderated: m.moderated, key: m.key, limit: m.limit });
    this.upsert.run(roomKeyOf(room.name), room.name, room.topic, room.topicBy, room.topicAt, room.createdAt, modes);
  }
}
