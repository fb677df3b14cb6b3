// The history's read statements: a room's or conversation's page, and the conversation summaries of a member.
import type Database from 'better-sqlite3';
import type { Row } from './sqlite-rows.js';

/** Prepared once per store; every method is one statement. */
export class ReadRows {
  private readonly selectRoomPage: Database.Statement<[string, number, number, number, string, number, number, number, number], Row>;
  private readonly selectConvPage: Database.Statement<[string, number, number, number], Row>;
  private readonly selectPeers: Database.Statement<[string, number, number], { other: string; last_id: number; last_at: number }>;
  private readonly selectPeerConvs: Database.Statement<[string], string>;

  constructor(db: Database.Database) {
    // A room's page is its own rows and the announcements, each read newest first from
    // (conv, id) and cut at `limit`, then merged: two bounded index walks, never a sort of the room.
    this.selectRoomPage = db.prepare(
      'SELECT * FROM (' +
        'SELECT * FROM (SELECT * FROM events WHERE conv = ? AND id < ? AND at >= ? ORDER BY id DESC LIMIT ?) ' +
        'UNION ALL ' +
        'SELECT * FROM (SELECT * FROM events WHERE conv = ? AND id < ? AND at >= ? ORDER BY id DESC LIMIT ?)' +
        ') ORDER BY id DESC LIMIT ?',
    );
    this.selectConvPage = db.prepare('SELECT * FROM events WHERE conv = ? AND id < ? AND at >= ? ORDER BY id DESC LIMIT ?');
    this.selectPeers = db.prepare('SELECT other, last_id, last_at FROM dm_peers WHERE member = ? AND last_at >= ? ORDER BY last_id DESC LIMIT ?');
    this.selectPeerConvs = db.prepare<[string], string>('SELECT conv FROM dm_peers WHERE member = ?').pluck();
  }

  /** The newest `n` rows of room `conv` and of `announce` below `before` from `since` on, newest first. */
  roomPage(conv: string, before: number, since: number, n: number, announce: string): Row[] {
    return this.selectRoomPage.all(conv, before, since, n, announce, before, since, n, n);
  }

  /** The newest `n` rows of conversation `conv` below `before` from `since` on, newest first. */
  convPage(conv: string, before: number, since: number, n: number): Row[] {
    return this.selectConvPage.all(conv, before, since, n);
  }

  /** The conversation summaries of member key `member` from `since` on, newest first. */
  peers(member: string, since: number, limit: number): { other: string; last_id: number; last_at: number }[] {
    return this.selectPeers.all(member, since, limit);
  }

  /** The conversation keys of member key `member`. */
  peerConvs(member: string): string[] {
    return this.selectPeerConvs.all(member);
  }
}
