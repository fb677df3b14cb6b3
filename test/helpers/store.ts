// Shared bits of the history store tests: temp folders, a hand-moved clock, chat events without a chat, raw file reads.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ChatEvent, NewChatEvent } from '../../src/core/chat/types.js';
import { HISTORY_FILE, type SqliteHistoryOptions } from '../../src/store/sqlite-options.js';
import { SqliteHistory } from '../../src/store/sqlite.js';
import { afterOutput } from '../../src/net/after-output.js';

export const DAY = 24 * 60 * 60 * 1000;

/** Folders and stores made by a test, released by {@link cleanUp} (call it in afterEach). */
const dirs: string[] = [];
const stores: SqliteHistory[] = [];

export async function cleanUp(): Promise<void> {
  stores.splice(0).forEach((s) => s.close());
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-store-'));
  dirs.push(dir);
  return dir;
}

/** A clock the test moves by hand. */
export function clock(start = 1_700_000_000_000): { now: number; fn: () => number } {
  const c = { now: start, fn: () => c.now };
  return c;
}

export function open(dir: string, options: SqliteHistoryOptions = {}): SqliteHistory {
  const store = SqliteHistory.open(dir, options);
  stores.push(store);
  return store;
}

/** A chat event as the core would emit it (no audience needed by the store). */
export function ev(event: NewChatEvent, at = Date.now()): ChatEvent {
  return { ...event, id: 0, at, audience: [] };
}

/** Shorthands for the events most tests need. */
export const say = (room: string, name: string, text: string, at?: number): ChatEvent => ev({ kind: 'message', room, name, text, audience: [] }, at);
export const dm = (name: string, to: string, text: string, at?: number): ChatEvent => ev({ kind: 'dm', name, to, text, audience: [] }, at);
export const announce = (text: string, at?: number): ChatEvent => ev({ kind: 'announce', text, audience: [] }, at);

/**
 * One value read from the file itself, bypassing the store (proves a prune really deleted).
 * Only once the store is closed: it holds the file in EXCLUSIVE locking mode.
 */
export function fileValue(dir: string, sql: string): unknown {
  const db = new Database(join(dir, HISTORY_FILE), { readonly: true, timeout: 0 });
  try {
    return db.prepare(sql).pluck().get();
  } finally {
    db.close();
  }
}

/** Wait one event-loop turn: the store writes its queue in a setImmediate. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Once the SQLite store's queued write has run: it waits for the turn's output (afterOutput), and this is queued behind it. */
export const written = (): Promise<void> => new Promise((resolve) => afterOutput(() => resolve()));
