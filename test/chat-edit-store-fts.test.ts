// The SQLite history's full-text index stays consistent through edits, deletes and the retention that later removes those rows (FTS5 integrity-check).
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_FILE } from '../src/store/sqlite-options.js';
import { cleanUp, ev, open, say, tempDir } from './helpers/store.js';

afterEach(cleanUp);

/**
 * The FTS index, term by term and row by row, against an index built afresh from the rows' text now:
 * equal unless an edit or delete left old words behind (or dropped new ones). Also FTS5's own check.
 */
function integrity(dir: string): void {
  const db = new Database(join(dir, HISTORY_FILE));
  try {
    db.prepare("INSERT INTO events_fts (events_fts) VALUES ('integrity-check')").run();
    db.exec(`
      CREATE VIRTUAL TABLE temp.fresh USING fts5(text, tokenize = 'trigram remove_diacritics 1');
      INSERT INTO temp.fresh (rowid, text) SELECT id, text FROM events WHERE kind IN ('message', 'dm', 'announce') AND text IS NOT NULL;
      CREATE VIRTUAL TABLE temp.kept_terms USING fts5vocab(main, events_fts, instance);
      CREATE VIRTUAL TABLE temp.fresh_terms USING fts5vocab(temp, fresh, instance);
    `);
    const terms = (table: string): unknown[] => db.prepare(`SELECT term, doc, offset FROM temp.${table} ORDER BY term, doc, offset`).all();
    const kept = terms('kept_terms');
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(terms('fresh_terms'));
  } finally {
    db.close();
  }
}

describe('SQLite history: edits and the FTS index', () => {
  it('stays consistent when edited and deleted rows (indexed or not) are later pruned', async () => {
    const dir = await tempDir();
    const store = open(dir, { maxEvents: 3 });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(store.append(say('#dev', 'alice', `indexed line ${i}`))?.id ?? 0);
    expect(await store.search('indexed', { rooms: ['#dev'] }, 10)).toHaveLength(4);
    for (let i = 0; i < 2; i++) ids.push(store.append(say('#dev', 'alice', `fresh line ${i}`))?.id ?? 0);
    const change = (kind: 'edit' | 'delete', target: number): void => {
      store.append(kind === 'edit' ? ev({ kind, target, room: '#dev', author: 'alice', name: 'alice', text: `changed ${target}`, audience: [] }) : ev({ kind, target, room: '#dev', author: 'alice', name: 'alice', audience: [] }));
    };
    change('edit', ids[0] ?? 0);
    change('delete', ids[1] ?? 0);
    change('edit', ids[4] ?? 0);
    change('delete', ids[5] ?? 0);
    expect((await store.search('changed', { rooms: ['#dev'] }, 10)).map((e) => e.id)).toEqual([ids[4], ids[0]]);
    store.prune(); // keeps the newest 3: the edited and deleted old rows go
    expect((await store.search('changed', { rooms: ['#dev'] }, 10)).map((e) => e.id)).toEqual([ids[4]]);
    store.close();
    integrity(dir);
  });
});
