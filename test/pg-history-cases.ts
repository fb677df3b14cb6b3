// The HistoryStore behaviour cases, written once and run against every history engine (SQLite in a temp folder, PostgreSQL on a fresh database).
import { describe, expect, it } from 'vitest';
import type { ChatEvent, RoomModes } from '../src/core/chat/types.js';
import type { ConversationSummary, HistoryStore, HistoryTarget, SearchScope, StoredEvent, StoredRoom } from '../src/store/history.js';
import { PRUNE_EVERY_APPENDS } from '../src/store/sqlite-options.js';
import { DAY, announce, clock, dm, ev, say, written } from './helpers/store.js';
import { searchCases } from './pg-history-search-cases.js';
import { editCases } from './pg-history-edit-cases.js';

export type Maybe<T> = T | Promise<T>;

/** A history store whose reads may still be synchronous (the SQLite store's were, before issue 13): awaiting works for both. */
export type AnyHistory = Omit<HistoryStore, 'recent' | 'page' | 'search' | 'conversations'> & {
  recent(target: HistoryTarget, limit: number): Maybe<StoredEvent[]>;
  page(target: HistoryTarget, before: number, limit: number): Maybe<StoredEvent[]>;
  search(query: string, scope: SearchScope, limit: number, before?: number): Maybe<StoredEvent[]>;
  conversations(name: string, limit: number, since?: number): Maybe<ConversationSummary[]>;
};

/** Options every engine takes. */
export interface CaseOptions {
  maxEvents?: number;
  maxAgeMs?: number;
  now?: () => number;
}

/** Where one test's history lives (a folder, a database): opened, closed and opened again. */
export interface Place {
  open(options?: CaseOptions): Promise<AnyHistory>;
  /** Close and wait until everything queued is written (so a reopen sees it). */
  close(store: AnyHistory): Promise<void>;
}

/** An engine under test: a fresh place per test. */
export interface Engine {
  readonly name: string;
  fresh(): Promise<Place>;
  /**
   * Whether it honours `event.remote` (not stored again). SqliteHistory does not yet: it never sees
   * such events, since a node on the bus of other nodes refuses an embedded store.
   */
  readonly remoteEvents: boolean;
}

const lobby: HistoryTarget = { room: '#lobby' };
export const texts = (events: readonly StoredEvent[]): (string | undefined)[] => events.map((e) => e.text);
const withoutIds = (events: readonly StoredEvent[]): Omit<StoredEvent, 'id'>[] => events.map(({ id: _id, ...rest }) => rest);
/** A call that may throw at once or reject later, as a promise either way. */
export const attempt = <T>(fn: () => Maybe<T>): Promise<T> => Promise.resolve().then(fn);

function increasing(ids: readonly (number | undefined)[]): void {
  for (let i = 1; i < ids.length; i++) expect(ids[i] as number).toBeGreaterThan(ids[i - 1] as number);
}

/** Every case of the HistoryStore contract, for one engine. */
export function historyCases(engine: Engine): void {
  describe(`${engine.name}: what is kept, where`, () => {
    it('keeps every kind of event with its fields, one row per room a quit or rename touched, ids increasing', async () => {
      const c = clock();
      const store = await (await engine.fresh()).open({ now: c.fn });
      const t = c.now;
      const appended = [
        ev({ kind: 'join', room: '#dev', name: 'alice', audience: [] }, t),
        ev({ kind: 'message', room: '#dev', name: 'alice', text: 'hello, 世界 👋', audience: [] }, t),
        ev({ kind: 'message', room: '#dev', name: 'alice', text: 'psst', notice: true, audience: [] }, t),
        ev({ kind: 'topic', room: '#dev', name: 'alice', topic: 'builds', audience: [] }, t),
        ev({ kind: 'file', room: '#dev', name: 'alice', path: 'docs/a.pdf', size: 2048, audience: [] }, t),
        ev({ kind: 'announce', text: 'maintenance at noon', audience: [] }, t),
        ev({ kind: 'dm', name: 'alice', to: 'bob', text: 'just us', audience: [] }, t),
        ev({ kind: 'mode', room: '#dev', name: 'a', change: '+t', args: [], audience: [] }, t),
        ev({ kind: 'away', name: 'a', text: 'brb', audience: [] }, t),
        ev({ kind: 'part', room: '#dev', name: 'alice', text: 'lunch', audience: [] }, t),
        ev({ kind: 'rename', name: 'bob', to: 'robert', rooms: ['#dev', '#ops'], audience: [] }, t),
        ev({ kind: 'quit', name: 'robert', reason: 'timeout', rooms: ['#dev', '#ops'], audience: [] }, t),
      ].map((e) => store.append(e));
      expect(appended[7]).toBeNull();
      expect(appended[8]).toBeNull();
      const dev = await store.recent({ room: '#dev' }, 50);
      expect(withoutIds(dev)).toEqual([
        { at: t, kind: 'join', room: '#dev', name: 'alice' },
        { at: t, kind: 'message', room: '#dev', name: 'alice', text: 'hello, 世界 👋' },
        { at: t, kind: 'message', room: '#dev', name: 'alice', text: 'psst', asNotice: true },
        { at: t, kind: 'topic', room: '#dev', name: 'alice', text: 'builds' },
        { at: t, kind: 'file', room: '#dev', name: 'alice', path: 'docs/a.pdf', size: 2048 },
        { at: t, kind: 'announce', text: 'maintenance at noon' },
        { at: t, kind: 'leave', room: '#dev', name: 'alice', reason: 'part', text: 'lunch' },
        { at: t, kind: 'rename', room: '#dev', name: 'bob', to: 'robert' },
        { at: t, kind: 'leave', room: '#dev', name: 'robert', reason: 'timeout' },
      ]);
      increasing(dev.map((e) => e.id));
      expect(dev.map((e) => e.id)).toEqual([0, 1, 2, 3, 4, 5, 9, 10, 11].map((i) => appended[i]?.id));
      const ops = await store.recent({ room: '#ops' }, 50);
      expect(withoutIds(ops)).toEqual([
        { at: t, kind: 'announce', text: 'maintenance at noon' },
        { at: t, kind: 'rename', room: '#ops', name: 'bob', to: 'robert' },
        { at: t, kind: 'leave', room: '#ops', name: 'robert', reason: 'timeout' },
      ]);
      // The second row of a rename or quit has an id of its own, after the first's.
      increasing([appended[10]?.id, ops[1]?.id, appended[11]?.id, ops[2]?.id]);
      expect(await store.recent({ between: ['bob', 'alice'] }, 50)).toEqual([{ id: appended[6]?.id, at: t, kind: 'dm', name: 'alice', to: 'bob', text: 'just us' }]);
      // Absent fields are absent, not null or undefined-valued.
      expect(Object.keys(dev[5] ?? {})).not.toContain('name');
    });

    it('folds room names and conversation sides; announcements are in every room, never in a conversation', async () => {
      const store = await (await engine.fresh()).open();
      store.append(say('#Lobby', 'a', 'one'));
      store.append(say('#LOBBY', 'a', 'two'));
      store.append(say('#ｌｏｂｂｙ', 'a', 'three'));
      store.append(say('#other', 'a', 'elsewhere'));
      expect(texts(await store.recent(lobby, 10))).toEqual(['one', 'two', 'three']);
      store.append(dm('Alice', 'bob', 'hi'));
      store.append(dm('BOB', 'alice', 'hello'));
      store.append(dm('alice', 'carol', 'not to bob'));
      expect(texts(await store.recent({ between: ['bob', 'ALICE'] }, 10))).toEqual(['hi', 'hello']);
      store.append(announce('to all'));
      expect(texts(await store.recent({ room: '#other' }, 10))).toEqual(['elsewhere', 'to all']);
      expect(texts(await store.recent({ between: ['alice', 'bob'] }, 10))).toEqual(['hi', 'hello']);
    });

    it('returns the stored form from append and storedOf, and a read sees what was appended this turn', async () => {
      const store = await (await engine.fresh()).open();
      const hi = say('#lobby', 'bob', 'hi');
      const said = store.append(hi);
      expect(said).toMatchObject({ kind: 'message', text: 'hi', room: '#lobby' });
      expect(store.storedOf(hi)).toBe(said);
      const quit = ev({ kind: 'quit', name: 'bob', reason: 'quit', rooms: ['#a', '#b'], audience: [] });
      const left = store.append(quit);
      expect(left).toMatchObject({ kind: 'leave', room: '#a', reason: 'quit' });
      expect(store.storedOf(quit)).toBe(left);
      expect(store.storedOf(hi)).toBeUndefined();
      expect(await store.recent(lobby, 1)).toEqual([said]);
      expect(await store.recent({ room: '#b' }, 1)).toMatchObject([{ kind: 'leave', room: '#b' }]);
    });

    it.skipIf(!engine.remoteEvents)('does not store again an event another node stored; remembers it for storedOf under that id', async () => {
      const place = await engine.fresh();
      const store = await place.open();
      store.append(say('#lobby', 'bob', 'mine'));
      const theirs: ChatEvent = { ...say('#lobby', 'carol', 'theirs'), remote: { node: 'node-2', storedId: 4242 } };
      const stored = store.append(theirs);
      expect(stored).toMatchObject({ id: 4242, kind: 'message', room: '#lobby', name: 'carol', text: 'theirs' });
      expect(store.storedOf(theirs)).toEqual(stored);
      const unkept: ChatEvent = { ...say('#lobby', 'carol', 'not kept there'), remote: { node: 'node-2' } };
      expect(store.append(unkept)).toBeNull();
      expect(store.storedOf(unkept)).toBeUndefined();
      // Heard live here, so this node's reads may show it until its own node's row lands; it is never written here.
      expect(texts(await store.recent(lobby, 10)).filter((t) => t !== 'theirs')).toEqual(['mine']);
      await place.close(store);
      const again = await place.open();
      expect(texts(await again.recent(lobby, 10))).toEqual(['mine']);
      await place.close(again);
    });

    it.skipIf(!engine.remoteEvents)("merges another node's event heard here into reads until its row is committed, then reads it from the store once", async () => {
      const place = await engine.fresh();
      const store = await place.open();
      const other = await place.open();
      try {
        const local = say('#lobby', 'dave', 'sent on the other node');
        const row = other.append(local);
        expect(row).not.toBeNull();
        // This node hears it live before the other node's write may have landed, under the other node's id.
        store.append({ ...local, remote: { node: 'other', storedId: row?.id ?? 0 } });
        expect(texts(await store.recent(lobby, 10))).toEqual(['sent on the other node']);
        await other.recent(lobby, 1); // the other node's write has landed
        const read = await store.recent(lobby, 10);
        expect(read.map((e) => e.id)).toEqual([row?.id]);
      } finally {
        await place.close(other);
        await place.close(store);
      }
    });

    it('answers limits of 0 or less with nothing, refuses malformed targets and cursors', async () => {
      const store = await (await engine.fresh()).open();
      store.append(announce('x'));
      expect(await store.recent(lobby, 0)).toEqual([]);
      expect(await store.recent(lobby, -3)).toEqual([]);
      expect(await store.recent(lobby, 1.7)).toHaveLength(1);
      await expect(attempt(() => store.recent({} as HistoryTarget, 5))).rejects.toThrow(TypeError);
      await expect(attempt(() => store.recent({ between: ['a'] } as unknown as HistoryTarget, 5))).rejects.toThrow(TypeError);
      await expect(attempt(() => store.page(lobby, Number.NaN, 5))).rejects.toThrow(RangeError);
      await expect(attempt(() => store.page(lobby, '3' as unknown as number, 5))).rejects.toThrow(RangeError);
      await expect(attempt(() => store.search('x', { rooms: ['#lobby'] }, 5, Number.NaN))).rejects.toThrow(RangeError);
    });
  });

  describe(`${engine.name}: paging backwards`, () => {
    it('pages a room with a before cursor, announcements in their place, oldest first in each page', async () => {
      const store = await (await engine.fresh()).open();
      for (let i = 1; i <= 25; i++) store.append(i % 10 === 0 ? announce(`a${i}`) : say('#lobby', 'x', `m${i}`));
      store.append(say('#other', 'x', 'not here'));
      const newest = await store.recent(lobby, 10);
      expect(texts(newest)).toEqual(['m16', 'm17', 'm18', 'm19', 'a20', 'm21', 'm22', 'm23', 'm24', 'm25']);
      const above = await store.page(lobby, newest[0]?.id ?? 0, 10);
      expect(texts(above)).toEqual(['m6', 'm7', 'm8', 'm9', 'a10', 'm11', 'm12', 'm13', 'm14', 'm15']);
      const top = await store.page(lobby, above[0]?.id ?? 0, 10);
      expect(texts(top)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
      expect(await store.page(lobby, top[0]?.id ?? 0, 10)).toEqual([]);
      expect(texts(await store.page(lobby, Infinity, 2))).toEqual(['m24', 'm25']);
    });

    it('pages a conversation without the rooms or announcements, from `since` on', async () => {
      const c = clock();
      const store = await (await engine.fresh()).open({ now: c.fn });
      for (let i = 1; i <= 7; i++) {
        store.append(dm(i % 2 ? 'ann' : 'ben', i % 2 ? 'ben' : 'ann', `d${i}`, c.now + i));
        store.append(announce(`x${i}`, c.now + i));
        store.append(dm('ann', 'cy', `other${i}`, c.now + i));
      }
      const pair: HistoryTarget = { between: ['Ben', 'ann'] };
      const last = await store.recent(pair, 3);
      expect(texts(last)).toEqual(['d5', 'd6', 'd7']);
      expect(texts(await store.page(pair, last[0]?.id ?? 0, 3))).toEqual(['d2', 'd3', 'd4']);
      // The reader's own cut (an account reads its conversations from its creation on).
      expect(texts(await store.recent({ between: ['ann', 'ben'], since: c.now + 5 }, 10))).toEqual(['d5', 'd6', 'd7']);
    });
  });

  describe(`${engine.name}: conversations`, () => {
    it("lists a member's conversations newest first, with the other side's name as last seen, from `since` on", async () => {
      const c = clock();
      const store = await (await engine.fresh()).open({ now: c.fn });
      const one = store.append(dm('alice', 'bob', 'one', c.now));
      const two = store.append(dm('carol', 'Alice', 'two', c.now + 1));
      const three = store.append(dm('ALICE', 'Bob', 'three', c.now + 2));
      store.append(dm('dan', 'erin', 'not alice', c.now + 3));
      store.append(say('#lobby', 'alice', 'room talk', c.now + 4));
      expect(one).not.toBeNull();
      expect(await store.conversations('alice', 10)).toEqual([
        { with: 'Bob', lastId: three?.id, lastAt: c.now + 2 },
        { with: 'carol', lastId: two?.id, lastAt: c.now + 1 },
      ]);
      expect(await store.conversations('BOB', 10)).toEqual([{ with: 'ALICE', lastId: three?.id, lastAt: c.now + 2 }]);
      expect(await store.conversations('alice', 1)).toHaveLength(1);
      expect(await store.conversations('alice', 10, c.now + 2)).toEqual([{ with: 'Bob', lastId: three?.id, lastAt: c.now + 2 }]);
      expect(await store.conversations('zed', 10)).toEqual([]);
      expect(await store.conversations('alice', 0)).toEqual([]);
    });

    it('keeps a conversation with oneself once', async () => {
      const store = await (await engine.fresh()).open();
      store.append(ev({ kind: 'dm', name: 'solo', to: 'Solo', text: 'note to self', audience: [] }));
      expect(await store.conversations('solo', 10)).toMatchObject([{ with: 'solo' }]);
      expect(texts(await store.recent({ between: ['solo', 'SOLO'] }, 5))).toEqual(['note to self']);
    });
  });

  searchCases(engine);
  editCases(engine);

  const modes: RoomModes = { noExternal: true, topicLocked: true, secret: false, inviteOnly: true, moderated: false, key: 'sesame', limit: 12 };

  describe(`${engine.name}: rooms and restarts`, () => {
    it('saves rooms at once, updates them by folded name, and keeps them across a restart', async () => {
      const place = await engine.fresh();
      const store = await place.open();
      const dev: StoredRoom = { name: '#Dev', topic: '', topicBy: null, topicAt: null, createdAt: 1000, modes: { ...modes, noExternal: false }, founder: 'alice' };
      store.saveRoom(dev);
      store.saveRoom({ name: '#lobby', topic: 'welcome', topicBy: 'admin', topicAt: 5, createdAt: 10, modes: { ...modes, key: null, limit: null } });
      expect(store.rooms().map((r) => r.name)).toEqual(['#lobby', '#Dev']);
      store.saveRoom({ ...dev, topic: 'builds', topicBy: 'alice', topicAt: 2000 });
      store.saveRoom({ ...dev, name: '#DEV', topic: 'builds!', topicBy: 'bob', topicAt: 3000 });
      expect(store.rooms()).toHaveLength(2);
      expect(() => store.saveRoom({ name: 'dev', topic: '', topicBy: null, topicAt: null, createdAt: 1, modes })).toThrow(TypeError);
      await place.close(store);
      const again = await place.open();
      expect(again.rooms()).toEqual([
        { name: '#lobby', topic: 'welcome', topicBy: 'admin', topicAt: 5, createdAt: 10, modes: { ...modes, key: null, limit: null }, founder: null },
        { name: '#DEV', topic: 'builds!', topicBy: 'bob', topicAt: 3000, createdAt: 1000, modes: { ...modes, noExternal: false }, founder: 'alice' },
      ]);
    });

    it('keeps events and ids across a restart, and new ids come after them', async () => {
      const place = await engine.fresh();
      const first = await place.open();
      first.append(ev({ kind: 'join', room: '#lobby', name: 'carol', audience: [] }));
      first.append(say('#lobby', 'carol', 'before the restart'));
      first.append(dm('carol', 'dan', 'private'));
      const before = await first.recent(lobby, 10);
      await place.close(first);
      const second = await place.open();
      expect(await second.recent(lobby, 10)).toEqual(before);
      expect(texts(await second.recent({ between: ['dan', 'carol'] }, 10))).toEqual(['private']);
      expect(texts(await second.search('restart', { rooms: ['#lobby'] }, 10))).toEqual(['before the restart']);
      const after = second.append(announce('after'));
      expect(after?.id).toBeGreaterThan(before.at(-1)?.id ?? Infinity);
    });

    it('ignores appends and saves after close', async () => {
      const place = await engine.fresh();
      const store = await place.open();
      await place.close(store);
      store.close();
      expect(store.append(announce('late'))).toBeNull();
      expect(await store.recent(lobby, 5)).toEqual([]);
      expect(await store.search('late', { rooms: ['#lobby'] }, 5)).toEqual([]);
      expect(await store.conversations('a', 5)).toEqual([]);
      expect(store.rooms()).toEqual([]);
    });
  });

  describe(`${engine.name}: retention`, () => {
    it('keeps the newest maxEvents of each room and conversation on prune()', async () => {
      const store = await (await engine.fresh()).open({ maxEvents: 3 });
      for (let i = 1; i <= 5; i++) store.append(say('#busy', 'x', `busy ${i}`));
      for (let i = 1; i <= 2; i++) store.append(say('#quiet', 'x', `quiet ${i}`));
      for (let i = 1; i <= 4; i++) store.append(dm('ann', 'ben', `pm ${i}`));
      store.prune();
      expect(texts(await store.recent({ room: '#busy' }, 10))).toEqual(['busy 3', 'busy 4', 'busy 5']);
      expect(texts(await store.recent({ room: '#quiet' }, 10))).toEqual(['quiet 1', 'quiet 2']);
      expect(texts(await store.recent({ between: ['ann', 'ben'] }, 10))).toEqual(['pm 2', 'pm 3', 'pm 4']);
      expect(await store.search('busy', { rooms: ['#busy'] }, 10)).toHaveLength(3);
      expect(texts(await store.search('pm', { rooms: [], member: 'ben' }, 10))).toEqual(['pm 4', 'pm 3', 'pm 2']);
    });

    it(`prunes by count by itself after ${PRUNE_EVERY_APPENDS} appends`, async () => {
      const store = await (await engine.fresh()).open({ maxEvents: 10 });
      for (let i = 0; i < PRUNE_EVERY_APPENDS; i++) store.append(say(i % 2 ? '#a' : '#b', 'x', `m${i}`));
      // SQLite writes (and prunes) once the turn's output has left; PostgreSQL's writer goes a turn later.
      await written();
      expect((await store.recent({ room: '#a' }, 1))[0]?.text).toBe(`m${PRUNE_EVERY_APPENDS - 1}`);
      // The prune the writes started is done before a later read answers.
      expect(await store.recent({ room: '#a' }, 100)).toHaveLength(10);
      expect(await store.recent({ room: '#b' }, 100)).toHaveLength(10);
    });

    it('hides events older than maxAgeMs at once and deletes them on prune()', async () => {
      const place = await engine.fresh();
      const c = clock();
      const store = await place.open({ maxAgeMs: 10 * DAY, now: c.fn });
      store.append(say('#lobby', 'x', 'day 0', c.now));
      store.append(dm('ann', 'ben', 'day 0 pm', c.now));
      c.now += 5 * DAY;
      store.append(announce('day 5', c.now));
      c.now += 6 * DAY; // day 11: the day-0 rows are 11 days old
      expect(texts(await store.recent(lobby, 10))).toEqual(['day 5']);
      expect(await store.recent({ between: ['ann', 'ben'] }, 10)).toEqual([]);
      expect(texts(await store.search('day', { rooms: ['#lobby'], member: 'ann' }, 10))).toEqual(['day 5']);
      expect(await store.conversations('ann', 10)).toEqual([]);
      store.prune();
      await place.close(store);
      // Opened with a far longer limit: what prune() deleted does not come back.
      const again = await place.open({ maxAgeMs: 1000 * DAY, now: c.fn });
      expect(texts(await again.recent(lobby, 10))).toEqual(['day 5']);
      expect(await again.recent({ between: ['ann', 'ben'] }, 10)).toEqual([]);
      expect(await again.conversations('ann', 10)).toEqual([]);
    });

    it('applies retention to every room and conversation when it opens', async () => {
      const place = await engine.fresh();
      const first = await place.open();
      for (let i = 0; i < 5; i++) {
        first.append(say('#x', 'a', `x${i}`));
        first.append(say('#y', 'a', `y${i}`));
        first.append(announce(`z${i}`));
      }
      await place.close(first);
      await place.close(await place.open({ maxEvents: 2 }));
      const again = await place.open();
      expect(texts(await again.recent({ room: '#x' }, 10))).toEqual(['x3', 'z3', 'x4', 'z4']);
      expect(texts(await again.recent({ room: '#y' }, 10))).toEqual(['y3', 'z3', 'y4', 'z4']);
    });
  });
}
