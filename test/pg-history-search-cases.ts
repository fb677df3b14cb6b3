// The search cases of the HistoryStore contract (words, Chinese, odd input, scope, paging), run against every history engine.
import { describe, expect, it } from 'vitest';
import type { SearchScope } from '../src/store/history.js';
import { announce, dm, ev, say } from './helpers/store.js';
import { attempt, texts, type AnyHistory, type Engine } from './pg-history-cases.js';

/** The search cases, for one engine (called by historyCases). */
export function searchCases(engine: Engine): void {
  describe(`${engine.name}: search`, () => {
    const alice: SearchScope = { rooms: ['#lobby', '#dev'], member: 'alice' };
    async function filled(): Promise<AnyHistory> {
      const store = await (await engine.fresh()).open();
      store.append(say('#lobby', 'bob', 'Hello world from the lobby'));
      store.append(say('#dev', 'bob', 'the build is green again'));
      store.append(say('#lobby', 'zhang', '大家你好呀'));
      store.append(say('#lobby', 'zhang', '今天天气很好'));
      store.append(say('#secret', 'eve', 'hello from the secret room'));
      store.append(dm('bob', 'carol', 'hello carol, this is private'));
      store.append(dm('Bob', 'ALICE', 'hello alice, between us'));
      store.append(announce('hello everyone: restart at noon'));
      store.append(ev({ kind: 'topic', room: '#lobby', name: 'bob', topic: 'hello topic', audience: [] }));
      store.append(say('#lobby', 'odd', 'quotes " and (((parens))) and a * star and 50% off_sale'));
      store.append(say('#lobby', 'odd', 'cats OR dogs'));
      return store;
    }

    it('finds words case-insensitively, newest first, every word required', async () => {
      const store = await filled();
      expect(texts(await store.search('HELLO', alice, 10))).toEqual(['hello everyone: restart at noon', 'hello alice, between us', 'Hello world from the lobby']);
      expect(texts(await store.search('hello lobby', alice, 10))).toEqual(['Hello world from the lobby']);
      expect(texts(await store.search('  build   GREEN ', alice, 10))).toEqual(['the build is green again']);
      expect(await store.search('hello nowhere', alice, 10)).toEqual([]);
    });

    it('finds Chinese words inside sentences without spaces', async () => {
      const store = await filled();
      expect(texts(await store.search('你好', alice, 10))).toEqual(['大家你好呀']);
      expect(texts(await store.search('家你好', alice, 10))).toEqual(['大家你好呀']);
      expect(texts(await store.search('天气', alice, 10))).toEqual(['今天天气很好']);
      expect(texts(await store.search('你', alice, 10))).toEqual(['大家你好呀']);
      expect(await store.search('你坏', alice, 10)).toEqual([]);
    });

    it('treats quotes, operators, parentheses and wildcards as text to find, never as syntax', async () => {
      const store = await filled();
      const odd = 'quotes " and (((parens))) and a * star and 50% off_sale';
      for (const query of ['"', '(((', '*', '%', ')))', '(((parens)))', '" and', '50%', 'off_']) {
        expect(texts(await store.search(query, alice, 10)), query).toEqual([odd]);
      }
      // `OR` is a word here, not an operator: both words must be there.
      expect(texts(await store.search('cats OR', alice, 10))).toEqual(['cats OR dogs']);
      expect(await store.search('cats OR birds', alice, 10)).toEqual([]);
      for (const query of ['', '   ', '""', 'NEAR(', 'NEAR(a b)', 'AND', 'NOT', '^', ':', '-', "'", '\\', 'col:hello', '\u0000', '!!', '-cats', 'a & b | !c']) {
        await expect(attempt(() => store.search(query, alice, 10)), JSON.stringify(query)).resolves.toBeInstanceOf(Array);
      }
      // A LIKE wildcard in the query matches only itself, not everything.
      expect(await store.search('%%', alice, 10)).toEqual([]);
      expect(await store.search('', alice, 10)).toEqual([]);
    });

    it('does not search topics, joins or file notices', async () => {
      const store = await filled();
      store.append(ev({ kind: 'file', room: '#lobby', name: 'bob', path: 'hello.txt', size: 1, audience: [] }));
      expect(await store.search('topic', alice, 10)).toEqual([]);
      expect(await store.search('hello.txt', alice, 10)).toEqual([]);
    });

    it('never finds a room outside the scope, nor a conversation between two others', async () => {
      const store = await filled();
      const found = texts(await store.search('hello', alice, 50));
      expect(found).not.toContain('hello from the secret room');
      expect(found).not.toContain('hello carol, this is private');
      expect(texts(await store.search('hello', { rooms: [], member: 'CAROL' }, 50))).toEqual(['hello everyone: restart at noon', 'hello carol, this is private']);
      expect(await store.search('private', { rooms: ['#lobby', '#dev', '#secret'] }, 50)).toEqual([]);
      expect(texts(await store.search('secret', { rooms: ['#SECRET'] }, 50))).toEqual(['hello from the secret room']);
      // Direct messages from before the searcher's own cut are not theirs.
      const all = await store.search('hello', alice, 50);
      const cut = (all.find((e) => e.kind === 'dm')?.at ?? 0) + 1;
      expect(texts(await store.search('hello', { ...alice, memberSince: cut }, 50))).not.toContain('hello alice, between us');
    });

    it('pages the results with limit and before', async () => {
      const store = await (await engine.fresh()).open();
      for (let i = 1; i <= 12; i++) store.append(say('#lobby', 'x', `needle number ${i}`));
      const first = await store.search('needle', alice, 5);
      expect(texts(first)).toEqual([12, 11, 10, 9, 8].map((i) => `needle number ${i}`));
      const next = await store.search('needle', alice, 5, first.at(-1)?.id);
      expect(texts(next)).toEqual([7, 6, 5, 4, 3].map((i) => `needle number ${i}`));
      expect(await store.search('needle', alice, 0)).toEqual([]);
    });
  });

}
