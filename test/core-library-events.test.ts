// Units of the library's change events (issue 9 item 19): one typed change per completed change, from every core path.
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Continuations } from '../src/core/append.js';
import { withoutSource } from '../src/core/library-events.js';
import { Library, type LibraryChange } from '../src/core/library.js';
import { moveEntry } from '../src/core/move.js';
import { PartialStore } from '../src/core/partial.js';
import { codeOf } from './helpers/errors.js';

let base: string;
let root: string;
let library: Library;
let changes: LibraryChange[];
let listenerErrors: unknown[];

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'netroom-events-'));
  root = path.join(base, 'root');
  listenerErrors = [];
  library = new Library(root, { onListenerError: (err) => listenerErrors.push(err) });
  await library.init();
  changes = [];
  library.subscribe((change) => changes.push(change));
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

/** The file's mtime as the library reports it: whole milliseconds. */
async function mtimeOf(rel: string): Promise<number> {
  return Math.trunc((await fs.stat(path.join(root, rel))).mtimeMs);
}

async function write(stream: NodeJS.WritableStream, data: Buffer): Promise<void> {
  await new Promise<void>((resolve, reject) => stream.write(data, (err) => (err ? reject(err) : resolve())));
}

describe('Library change events', () => {
  it('mkdir, remove (file and folder) and moveEntry each emit one change once done', async () => {
    await library.mkdir('docs');
    expect(changes).toEqual([{ kind: 'mkdir', path: 'docs', mtime: await mtimeOf('docs') }]);
    await fs.writeFile(path.join(root, 'docs', 'a.txt'), 'a');
    await moveEntry(library, 'docs/a.txt', 'b.txt');
    await moveEntry(library, 'docs', 'papers');
    await library.remove('b.txt');
    await library.remove('papers');
    expect(changes.slice(1)).toEqual([
      { kind: 'rename', from: 'docs/a.txt', to: 'b.txt', type: 'file' },
      { kind: 'rename', from: 'docs', to: 'papers', type: 'dir' },
      { kind: 'delete', path: 'b.txt', type: 'file' },
      { kind: 'delete', path: 'papers', type: 'dir' },
    ]);
    for (const change of changes) if ('mtime' in change) expect(Number.isInteger(change.mtime)).toBe(true);
  });

  it('a refused operation changes nothing and emits nothing', async () => {
    await library.mkdir('full');
    await fs.writeFile(path.join(root, 'full', 'x'), 'x');
    changes.length = 0;
    expect(await codeOf(library.remove('full'))).toBe('NOT_EMPTY');
    expect(await codeOf(library.mkdir('full'))).toBe('ALREADY_EXISTS');
    expect(await codeOf(library.remove('missing'))).toBe('NOT_FOUND');
    expect(await codeOf(moveEntry(library, 'missing', 'other'))).toBe('NOT_FOUND');
    expect(await codeOf(moveEntry(library, 'full', 'full/inside'))).toBe('BAD_REQUEST');
    expect(changes).toEqual([]);
    expect(await fs.readdir(path.join(root, 'full'))).toEqual(['x']);
  });

  it('an upload through beginUpload emits put with its size and mtime once renamed into place', async () => {
    const upload = await library.beginUpload('up.bin');
    await pipeline(Readable.from([Buffer.alloc(1000, 1)]), upload);
    expect(changes).toEqual([]); // nothing is visible before commit
    await upload.commit();
    expect(changes).toEqual([{ kind: 'put', path: 'up.bin', size: 1000, mtime: await mtimeOf('up.bin') }]);
    const aborted = await library.beginUpload('never.bin');
    await aborted.abort();
    expect(changes).toHaveLength(1);
  });

  it('resumable (HTTP) and continued (FTP) uploads emit put when committed, not when kept', async () => {
    const partials = new PartialStore(library);
    const kept = await partials.begin('p.bin', { total: 10 });
    await write(kept, Buffer.alloc(4));
    await kept.keep();
    expect(changes).toEqual([]);
    const rest = await partials.begin('p.bin', { total: 10, start: 4 });
    await write(rest, Buffer.alloc(6));
    await rest.commit();
    const continuations = new Continuations(library);
    const appended = await continuations.begin('p.bin', 'end');
    await write(appended, Buffer.from('more'));
    await appended.commit();
    expect(changes).toEqual([
      { kind: 'put', path: 'p.bin', size: 10, mtime: expect.any(Number) as number },
      { kind: 'put', path: 'p.bin', size: 14, mtime: await mtimeOf('p.bin') },
    ]);
  });

  it('a failing listener is reported, the others still hear the change, and the operation succeeds', async () => {
    library.subscribe(() => {
      throw new Error('listener bug');
    });
    const after: LibraryChange[] = [];
    const unsubscribe = library.subscribe((change) => after.push(change));
    await library.mkdir('ok');
    expect((await fs.stat(path.join(root, 'ok'))).isDirectory()).toBe(true);
    expect(listenerErrors).toHaveLength(1);
    expect(after).toHaveLength(1);
    unsubscribe();
    await library.remove('ok');
    expect(after).toHaveLength(1);
    expect(changes.map((c) => c.kind)).toEqual(['mkdir', 'delete']);
  });
});

describe('who made a change (issue 10, item 13)', () => {
  it('every core path carries the source it was given, and withoutSource strips it for clients', async () => {
    const by = { door: 'test', address: '192.0.2.7', name: 'alice' };
    await library.mkdir('docs', by);
    const upload = await library.beginUpload('docs/a.txt', by);
    await pipeline(Readable.from([Buffer.from('one')]), upload);
    await upload.commit();
    const partial = await new PartialStore(library).begin('b.txt', { total: 3, by });
    await write(partial, Buffer.from('two'));
    await partial.commit();
    const continued = await new Continuations(library).begin('c.txt', 0, by);
    await write(continued, Buffer.from('three'));
    await continued.commit();
    await moveEntry(library, 'c.txt', 'docs/c.txt', by);
    await library.remove('b.txt', by);
    expect(changes.map((c) => [c.kind, c.by])).toEqual([
      ['mkdir', by],
      ['put', by],
      ['put', by],
      ['put', by],
      ['rename', by],
      ['delete', by],
    ]);
    const stripped = withoutSource(changes[0]!);
    expect(stripped).toEqual({ kind: 'mkdir', path: 'docs', mtime: (changes[0] as { mtime: number }).mtime });
    expect('by' in stripped).toBe(false);
    // Without a source, nothing is added.
    await library.mkdir('plain');
    expect('by' in changes.at(-1)!).toBe(false);
  });
});
