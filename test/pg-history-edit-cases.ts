// HistoryStore cases of issue 14, run against every history engine: get(id), edits and deletes updating the row, search following them.
import { describe, expect, it } from 'vitest';
import type { ChatEvent, Member } from '../src/core/chat/types.js';
import type { StoredEvent } from '../src/store/history.js';
import { clock, ev, nextTurn } from './helpers/store.js';
import type { AnyHistory, Engine } from './pg-history-cases.js';

const member = (name: string, account?: string): Member => ({ name, key: name.toLowerCase(), door: 'ws', since: 0, ...(account === undefined ? {} : { account }) });

const said = (room: string, name: string, text: string, at: number, account?: string): ChatEvent =>
  ev({ kind: 'message', room, name, text, origin: member(name, account), audience: [] }, at);
const edit = (target: number, room: string, author: string, text: string, at: number): ChatEvent =>
  ev({ kind: 'edit', target, room, author, name: author, text, origin: member(author), audience: [] }, at);
const del = (target: number, where: { room: string } | { to: string }, author: string, by: string, at: number): ChatEvent =>
  ev({ kind: 'delete', target, ...where, author, name: by, origin: member(by), audience: [] }, at);

function idOf(stored: StoredEvent | null): number {
  if (stored === null) throw new Error('not stored');
  return stored.id;
}

const ids = (events: readonly StoredEvent[]): number[] => events.map((e) => e.id);

/** The edit and delete cases, for one engine. */
export function editCases(engine: Engine): void {
  describe(`${engine.name}: edits and deletes`, () => {
    it('get() finds a message just appended (its write still queued), with its author account; other kinds and unknown ids are undefined', async () => {
      const c = clock();
      const store: AnyHistory = await (await engine.fresh()).open({ now: c.fn });
      const join = idOf(store.append(ev({ kind: 'join', room: '#dev', name: 'alice', audience: [] }, c.now)));
      const id = idOf(store.append(said('#dev', 'alice', 'hello', c.now, 'Alice')));
      const dm = idOf(store.append(ev({ kind: 'dm', name: 'bob', to: 'alice', text: 'hi', origin: member('bob'), audience: [] }, c.now)));
      expect(await store.get(id)).toEqual({ id, kind: 'message', room: '#dev', name: 'alice', account: 'Alice', deleted: false });
      expect(await store.get(dm)).toEqual({ id: dm, kind: 'dm', name: 'bob', to: 'alice', deleted: false });
      expect(await store.get(join)).toBeUndefined();
      expect(await store.get(dm + 1000)).toBeUndefined();
    });

    it('an edit changes the row (text, edited), a delete leaves a tombstone in place; edit and delete events are no rows of their own', async () => {
      const c = clock();
      const place = await engine.fresh();
      let store = await place.open({ now: c.fn });
      const first = idOf(store.append(said('#dev', 'alice', 'frist post', c.now)));
      const second = idOf(store.append(said('#dev', 'alice', 'oops, wrong room', c.now)));
      const third = idOf(store.append(said('#dev', 'bob', 'still here', c.now)));
      // Edited in the same turn as it was sent: the queued row is written first.
      expect(store.append(edit(first, '#dev', 'alice', 'first post', c.now + 5))).toBeNull();
      await nextTurn();
      expect(store.append(del(second, { room: '#dev' }, 'alice', 'alice', c.now + 6))).toBeNull();
      const page = await store.recent({ room: '#dev' }, 10);
      expect(ids(page)).toEqual([first, second, third]);
      expect(page[0]).toMatchObject({ text: 'first post', edited: c.now + 5 });
      expect(page[1]).toMatchObject({ text: '', deleted: true, name: 'alice' });
      expect(page[1]?.edited).toBeUndefined();
      expect(page[2]).not.toHaveProperty('edited');
      expect(page[2]).not.toHaveProperty('deleted');
      expect((await store.get(second))?.deleted).toBe(true);
      // A tombstone stays one: a later edit does not bring the words back.
      store.append(edit(second, '#dev', 'alice', 'back from the dead', c.now + 7));
      expect((await store.recent({ room: '#dev' }, 10))[1]).toMatchObject({ text: '', deleted: true });
      // Paging around the tombstone does not shift.
      expect(ids(await store.page({ room: '#dev' }, third, 1))).toEqual([second]);
      // Kept across a reopen.
      await place.close(store);
      store = await place.open({ now: c.fn });
      const again = await store.recent({ room: '#dev' }, 10);
      expect(again.map((e) => [e.text, e.edited, e.deleted])).toEqual([
        ['first post', c.now + 5, undefined],
        ['', undefined, true],
        ['still here', undefined, undefined],
      ]);
    });

    it('search finds an edited message by its new words only, and a deleted one never (indexed before the change or not yet)', async () => {
      const c = clock();
      const store = await (await engine.fresh()).open({ now: c.fn });
      const scope = { rooms: ['#dev'] };
      const a = idOf(store.append(said('#dev', 'alice', 'pineapple pizza', c.now)));
      const b = idOf(store.append(said('#dev', 'alice', 'pineapple juice', c.now)));
      // Both indexed (a search brings the index up to date), then changed.
      expect(ids(await store.search('pineapple', scope, 10))).toEqual([b, a]);
      store.append(edit(a, '#dev', 'alice', 'mushroom pizza', c.now + 1));
      store.append(del(b, { room: '#dev' }, 'alice', 'alice', c.now + 1));
      expect(await store.search('pineapple', scope, 10)).toEqual([]);
      expect(ids(await store.search('mushroom', scope, 10))).toEqual([a]);
      expect(await store.search('juice', scope, 10)).toEqual([]);
      // Changed before any search indexed them.
      const d = idOf(store.append(said('#dev', 'bob', 'tangerine tart', c.now)));
      const e = idOf(store.append(said('#dev', 'bob', 'tangerine tea', c.now)));
      store.append(edit(d, '#dev', 'bob', 'lemon tart', c.now + 2));
      store.append(del(e, { room: '#dev' }, 'bob', 'bob', c.now + 2));
      expect(await store.search('tangerine', scope, 10)).toEqual([]);
      expect(ids(await store.search('lemon', scope, 10))).toEqual([d]);
      // Short words (under three characters) too.
      expect(await store.search('te', scope, 10)).toEqual([]);
    });

    it('direct messages: an edit and a delete change the row both sides read', async () => {
      const c = clock();
      const store = await (await engine.fresh()).open({ now: c.fn });
      const one = idOf(store.append(ev({ kind: 'dm', name: 'alice', to: 'bob', text: 'see you at 5', origin: member('alice'), audience: [] }, c.now)));
      const two = idOf(store.append(ev({ kind: 'dm', name: 'alice', to: 'bob', text: 'my password is hunter2', origin: member('alice'), audience: [] }, c.now)));
      store.append(ev({ kind: 'edit', target: one, to: 'bob', author: 'alice', name: 'alice', text: 'see you at 6', audience: [] }, c.now + 1));
      store.append(del(two, { to: 'bob' }, 'alice', 'alice', c.now + 1));
      const talk = await store.recent({ between: ['BOB', 'alice'] }, 10);
      expect(talk.map((e) => [e.text, e.edited, e.deleted])).toEqual([
        ['see you at 6', c.now + 1, undefined],
        ['', undefined, true],
      ]);
      expect(await store.search('hunter2', { rooms: [], member: 'bob' }, 10)).toEqual([]);
      expect(ids(await store.search('see you', { rooms: [], member: 'alice' }, 10))).toEqual([one]);
    });

    it('an edit naming no message, or a row of another kind, changes nothing', async () => {
      const c = clock();
      const store = await (await engine.fresh()).open({ now: c.fn });
      const topic = idOf(store.append(ev({ kind: 'topic', room: '#dev', name: 'alice', topic: 'builds', audience: [] }, c.now)));
      store.append(edit(topic, '#dev', 'alice', 'hijacked', c.now + 1));
      store.append(edit(topic + 999, '#dev', 'alice', 'nothing', c.now + 1));
      store.append(del(topic, { room: '#dev' }, 'alice', 'alice', c.now + 1));
      const page = await store.recent({ room: '#dev' }, 10);
      expect(page.map((e) => [e.kind, e.text, e.deleted])).toEqual([['topic', 'builds', undefined]]);
    });
  });
}
