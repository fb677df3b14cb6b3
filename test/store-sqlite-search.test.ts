// Tests of the history's full-text search (FTS5, trigram): words in any language, odd input as text, the searcher's scope.
import { afterEach, describe, expect, it } from 'vitest';
import type { SearchScope, StoredEvent } from '../src/store/history.js';
import type { SqliteHistory } from '../src/store/sqlite.js';
import { announce, cleanUp, dm, ev, written, open, say, tempDir } from './helpers/store.js';

afterEach(cleanUp);

const texts = (events: StoredEvent[]): (string | undefined)[] => events.map((e) => e.text);
const alice: SearchScope = { rooms: ['#lobby', '#dev'], member: 'alice' };

async function filled(): Promise<SqliteHistory> {
  const store = open(await tempDir());
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

describe('SqliteHistory.search: words', () => {
  it('finds English words case-insensitively, newest first, every word required', async () => {
    const store = await filled();
    expect(texts(await store.search('HELLO', alice, 10))).toEqual([
      'hello everyone: restart at noon',
      'hello alice, between us',
      'Hello world from the lobby',
    ]);
    expect(texts(await store.search('hello lobby', alice, 10))).toEqual(['Hello world from the lobby']);
    expect(texts(await store.search('  build   GREEN ', alice, 10))).toEqual(['the build is green again']);
    expect(await store.search('hello nowhere', alice, 10)).toEqual([]);
  });

  it('finds Chinese words inside sentences without spaces, of two characters or more', async () => {
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
    for (const query of ['"', '(((', '*', '%', '_sa', ')))', '(((parens)))', '" and', '50%', 'off_']) {
      expect(texts(await store.search(query, alice, 10)), query).toEqual([odd]);
    }
    // `OR` is a word here, not an operator: both words must be there.
    expect(texts(await store.search('cats OR', alice, 10))).toEqual(['cats OR dogs']);
    expect(texts(await store.search('a OR', alice, 10))).toEqual(['cats OR dogs']);
    expect(await store.search('cats OR birds', alice, 10)).toEqual([]);
    for (const query of ['', '   ', '""', 'NEAR(', 'NEAR(a b)', 'AND', 'NOT', '^', ':', '-', "'", '\\', 'col:hello', '\u0000']) {
      await expect(store.search(query, alice, 10), JSON.stringify(query)).resolves.toBeDefined();
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
});

describe('SqliteHistory.search: scope', () => {
  it('never finds a room outside the scope, nor a conversation between two others', async () => {
    const store = await filled();
    const found = await store.search('hello', alice, 50);
    expect(texts(found)).not.toContain('hello from the secret room');
    expect(texts(found)).not.toContain('hello carol, this is private');
    // Carol finds her conversation with bob and not alice's; without a member, no direct messages.
    expect(texts(await store.search('hello', { rooms: [], member: 'CAROL' }, 50))).toEqual([
      'hello everyone: restart at noon',
      'hello carol, this is private',
    ]);
    expect(texts(await store.search('private', { rooms: ['#lobby', '#dev', '#secret'] }, 50))).toEqual([]);
    // Room names in the scope are folded like everywhere else.
    expect(texts(await store.search('secret', { rooms: ['#SECRET'] }, 50))).toEqual(['hello from the secret room']);
    // A short word (LIKE path) is scoped the same way.
    expect(texts(await store.search('lo', { rooms: ['#secret'], member: 'bob' }, 50))).toEqual([
      'hello everyone: restart at noon',
      'hello alice, between us',
      'hello carol, this is private',
      'hello from the secret room',
    ]);
    expect(texts(await store.search('lo', { rooms: ['#secret'] }, 50))).toEqual(['hello everyone: restart at noon', 'hello from the secret room']);
  });

  it('pages the results with limit and before', async () => {
    const store = open(await tempDir());
    for (let i = 1; i <= 12; i++) store.append(say('#lobby', 'x', `needle number ${i}`));
    const first = await store.search('needle', alice, 5);
    expect(texts(first)).toEqual([12, 11, 10, 9, 8].map((i) => `needle number ${i}`));
    const next = await store.search('needle', alice, 5, first.at(-1)?.id);
    expect(texts(next)).toEqual([7, 6, 5, 4, 3].map((i) => `needle number ${i}`));
    expect(await store.search('needle', alice, 0)).toEqual([]);
    await expect(store.search('needle', alice, 5, Number.NaN)).rejects.toThrow(RangeError);
  });

  it('finds what was appended this turn, what is written but not yet indexed, and what survived a restart', async () => {
    const dir = await tempDir();
    const store = open(dir);
    store.append(say('#lobby', 'x', 'fresh words'));
    expect(texts(await store.search('fresh', alice, 5))).toEqual(['fresh words']);
    await written();
    store.append(say('#lobby', 'x', 'second fresh'));
    await written(); // written, the index step not yet run
    expect(texts(await store.search('fresh', alice, 5))).toEqual(['second fresh', 'fresh words']);
    store.close();
    const again = open(dir);
    expect(texts(await again.search('fresh', alice, 5))).toEqual(['second fresh', 'fresh words']);
  });
});
