// Unit tests of atomic uploads (Library.beginUpload and src/core/upload.ts) on real temp dirs.
import { codeOf } from './helpers/errors.js';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NetroomError } from '../src/core/errors.js';
import { Library, type LibraryOptions } from '../src/core/library.js';
import { UPLOAD_PREFIX, Upload } from '../src/core/upload.js';

const MiB = 1024 * 1024;

let base: string;
let root: string;

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(os.tmpdir(), 'netroom-upload-'));
  root = path.join(base, 'root');
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

async function library(options: LibraryOptions = {}): Promise<Library> {
  const lib = new Library(root, options);
  await lib.init();
  return lib;
}

/** Every entry under the root, recursively, hidden ones included, as relative paths. */
async function tree(dir = root, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const rel = prefix + entry.name;
    out.push(rel);
    if (entry.isDirectory()) out.push(...(await tree(path.join(dir, entry.name), `${rel}/`)));
  }
  return out.sort();
}

function temps(entries: string[]): string[] {
  return entries.filter((e) => path.posix.basename(e).startsWith(UPLOAD_PREFIX));
}

/** A source of `data` in chunks of `size` bytes. */
function source(data: Buffer, size = 64 * 1024): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) chunks.push(data.subarray(at, at + size));
  return Readable.from(chunks);
}

/** A source that sends `first` and then fails, as a client that disconnects mid-upload. */
function failingSource(first: Buffer, error: Error): Readable {
  return Readable.from(
    (async function* () {
      yield first;
      await Promise.resolve();
      throw error;
    })(),
  );
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

describe('upload: the happy path', () => {
  it('pipeline + commit writes the file and reports its size and SHA-256', async () => {
    const lib = await library();
    const data = randomBytes(3 * MiB + 17);
    const upload = await lib.beginUpload('big.bin');
    expect(upload.path).toBe('big.bin');
    await pipeline(source(data), upload);
    expect(upload.received).toBe(data.length);
    const result = await upload.commit();
    expect(result).toEqual({ path: 'big.bin', size: data.length, sha256: sha256(data) });
    expect((await fs.readFile(path.join(root, 'big.bin'))).equals(data)).toBe(true);
    expect(await tree()).toEqual(['big.bin']);
  });

  it('the file is not visible before commit; the temp is hidden from list', async () => {
    const lib = await library();
    const data = Buffer.from('hello world');
    const upload = await lib.beginUpload('greeting.txt');
    await pipeline(source(data), upload);
    // Written and fsynced, not yet committed: the bytes exist only in the hidden temp.
    expect(await lib.list()).toEqual([]);
    expect(await codeOf(lib.stat('greeting.txt'))).toBe('NOT_FOUND');
    expect(await codeOf(lib.openRead('greeting.txt'))).toBe('NOT_FOUND');
    const onDisk = await fs.readdir(root);
    expect(onDisk).toHaveLength(1);
    expect(onDisk[0]?.startsWith(UPLOAD_PREFIX)).toBe(true);
    await upload.commit();
    expect((await lib.list()).map((e) => [e.name, e.size])).toEqual([['greeting.txt', 11]]);
  });

  it('commit ends the stream itself when bytes were written by hand', async () => {
    const lib = await library();
    const upload = await lib.beginUpload('hand.txt');
    upload.write('abc');
    upload.write(Buffer.from('def'));
    const result = await upload.commit();
    expect(result).toEqual({ path: 'hand.txt', size: 6, sha256: sha256(Buffer.from('abcdef')) });
    expect(await fs.readFile(path.join(root, 'hand.txt'), 'utf8')).toBe('abcdef');
  });

  it('an empty upload gives an empty file', async () => {
    const lib = await library();
    const upload = await lib.beginUpload('empty');
    const result = await upload.commit();
    expect(result).toEqual({ path: 'empty', size: 0, sha256: sha256(Buffer.alloc(0)) });
    expect((await fs.stat(path.join(root, 'empty'))).size).toBe(0);
  });

  it('uploads into a subfolder, with the temp beside the target', async () => {
    const lib = await library();
    await fs.mkdir(path.join(root, 'docs', 'deep'), { recursive: true });
    const upload = await lib.beginUpload('docs/./deep//报告.txt');
    expect(upload.path).toBe('docs/deep/报告.txt');
    upload.write('x');
    expect(temps(await tree())).toHaveLength(1);
    expect(temps(await tree())[0]?.startsWith('docs/deep/')).toBe(true);
    await upload.commit();
    expect(await tree()).toEqual(['docs', 'docs/deep', 'docs/deep/报告.txt']);
  });

  it('replaces an existing file by default', async () => {
    const lib = await library();
    await fs.writeFile(path.join(root, 'f.txt'), 'old content');
    const upload = await lib.beginUpload('f.txt');
    await pipeline(source(Buffer.from('new')), upload);
    expect(await fs.readFile(path.join(root, 'f.txt'), 'utf8')).toBe('old content');
    await upload.commit();
    expect(await fs.readFile(path.join(root, 'f.txt'), 'utf8')).toBe('new');
    expect(await tree()).toEqual(['f.txt']);
  });

  it('a reader that opened the old file keeps reading the old bytes after a replace', async () => {
    const lib = await library();
    const old = randomBytes(256 * 1024);
    await fs.writeFile(path.join(root, 'f.bin'), old);
    const reading = await lib.openRead('f.bin');
    const upload = await lib.beginUpload('f.bin');
    await pipeline(source(randomBytes(1000)), upload);
    await upload.commit();
    const chunks: Buffer[] = [];
    for await (const chunk of reading.stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).equals(old)).toBe(true);
  });
});

describe('upload: abort and failures leave nothing behind', () => {
  it('abort before any byte', async () => {
    const lib = await library();
    const upload = await lib.beginUpload('a.txt');
    await upload.abort();
    expect(await tree()).toEqual([]);
  });

  it('abort after some bytes, before the end', async () => {
    const lib = await library();
    const upload = await lib.beginUpload('a.txt');
    await new Promise<void>((resolve, reject) => upload.write(randomBytes(100_000), (err) => (err ? reject(err) : resolve())));
    expect(temps(await tree())).toHaveLength(1);
    await upload.abort();
    expect(await tree()).toEqual([]);
  });

  it('abort after the pipeline finished but before commit', async () => {
    const lib = await library();
    const upload = await lib.beginUpload('a.txt');
    await pipeline(source(randomBytes(10_000)), upload);
    await upload.abort();
    expect(await tree()).toEqual([]);
    expect(await codeOf(upload.commit())).toBe('UPLOAD_ABORTED');
    expect(await tree()).toEqual([]);
  });

  it('abort is safe twice, and concurrently', async () => {
    const lib = await library();
    const upload = await lib.beginUpload('a.txt');
    upload.write('x');
    await Promise.all([upload.abort(), upload.abort()]);
    await upload.abort();
    expect(await tree()).toEqual([]);
  });

  it('abort after commit changes nothing', async () => {
    const lib = await library();
    const upload = await lib.beginUpload('a.txt');
    upload.write('kept');
    await upload.commit();
    await upload.abort();
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe('kept');
  });

  it('abort while commit waits for the data to be flushed: commit fails with UPLOAD_ABORTED', async () => {
    const lib = await library();
    const upload = await lib.beginUpload('a.txt');
    upload.write(randomBytes(2 * MiB));
    const committing = upload.commit();
    await upload.abort();
    expect(await codeOf(committing)).toBe('UPLOAD_ABORTED');
    expect(await tree()).toEqual([]);
  });

  it('commit twice: the second is refused and the first result stands', async () => {
    const lib = await library();
    const upload = await lib.beginUpload('a.txt');
    upload.write('once');
    const [first, second] = await Promise.allSettled([upload.commit(), upload.commit()]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    expect(second.status === 'rejected' && (second.reason as NetroomError).code).toBe('UPLOAD_ABORTED');
    expect(await codeOf(upload.commit())).toBe('UPLOAD_ABORTED');
    expect(await tree()).toEqual(['a.txt']);
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe('once');
  });

  it('a source that fails mid-way rejects the pipeline and leaves nothing', async () => {
    const lib = await library();
    await fs.writeFile(path.join(root, 'a.txt'), 'previous');
    const upload = await lib.beginUpload('a.txt');
    const boom = new Error('client went away');
    await expect(pipeline(failingSource(randomBytes(200_000), boom), upload)).rejects.toBe(boom);
    expect(await tree()).toEqual(['a.txt']);
    expect(await fs.readFile(path.join(root, 'a.txt'), 'utf8')).toBe('previous');
    expect(await codeOf(upload.commit())).toBe('UPLOAD_ABORTED');
    await upload.abort();
    expect(await tree()).toEqual(['a.txt']);
  });

  it('a source destroyed without an error (premature close) leaves nothing', async () => {
    const lib = await library();
    const upload = await lib.beginUpload('a.txt');
    const src = new Readable({ read() {} });
    const piping = pipeline(src, upload);
    src.push(randomBytes(1000));
    src.destroy();
    await expect(piping).rejects.toThrow();
    expect(await tree()).toEqual([]);
  });

  it('maxUpload: exactly the limit is fine, one byte more is TOO_LARGE and leaves nothing', async () => {
    const lib = await library({ maxUpload: 100_000 });
    const ok = await lib.beginUpload('ok.bin');
    await pipeline(source(randomBytes(100_000), 30_000), ok);
    expect((await ok.commit()).size).toBe(100_000);

    await fs.writeFile(path.join(root, 'big.bin'), 'previous');
    const big = await lib.beginUpload('big.bin');
    expect(await codeOf(pipeline(source(randomBytes(100_001), 30_000), big))).toBe('TOO_LARGE');
    expect(await tree()).toEqual(['big.bin', 'ok.bin']);
    expect(await fs.readFile(path.join(root, 'big.bin'), 'utf8')).toBe('previous');
    expect(await codeOf(big.commit())).toBe('UPLOAD_ABORTED');
  });

  it('maxUpload 0 allows only empty files', async () => {
    const lib = await library({ maxUpload: 0 });
    expect((await (await lib.beginUpload('e')).commit()).size).toBe(0);
    const one = await lib.beginUpload('one');
    expect(await codeOf(pipeline(source(Buffer.from('x')), one))).toBe('TOO_LARGE');
    expect(await tree()).toEqual(['e']);
  });
});

describe('upload: refusals at begin', () => {
  it('a missing folder is NOT_FOUND, a file as folder NOT_A_DIRECTORY, a folder as target NOT_A_FILE', async () => {
    const lib = await library();
    await fs.writeFile(path.join(root, 'file'), 'x');
    await fs.mkdir(path.join(root, 'dir'));
    expect(await codeOf(lib.beginUpload('missing/x.txt'))).toBe('NOT_FOUND');
    expect(await codeOf(lib.beginUpload('missing/deeper/x.txt'))).toBe('NOT_FOUND');
    expect(await codeOf(lib.beginUpload('file/x.txt'))).toBe('NOT_A_DIRECTORY');
    expect(await codeOf(lib.beginUpload('dir'))).toBe('NOT_A_FILE');
    expect(await codeOf(lib.beginUpload(''))).toBe('BAD_PATH');
    expect(await codeOf(lib.beginUpload('.hidden'))).toBe('HIDDEN_PATH');
    expect(await codeOf(lib.beginUpload('../x'))).toBe('OUTSIDE_ROOT');
    expect(await tree()).toEqual(['dir', 'file']);
  });
});

describe('upload: --no-overwrite', () => {
  it('refuses an existing name at begin with ALREADY_EXISTS', async () => {
    const lib = await library({ noOverwrite: true });
    await fs.writeFile(path.join(root, 'f.txt'), 'mine');
    expect(await codeOf(lib.beginUpload('f.txt'))).toBe('ALREADY_EXISTS');
    expect(await tree()).toEqual(['f.txt']);
  });

  it('allows a new name', async () => {
    const lib = await library({ noOverwrite: true });
    const upload = await lib.beginUpload('new.txt');
    upload.write('fresh');
    await upload.commit();
    expect(await fs.readFile(path.join(root, 'new.txt'), 'utf8')).toBe('fresh');
    expect(await tree()).toEqual(['new.txt']);
  });

  it('refuses at commit when the name appeared after begin, keeping the other file', async () => {
    const lib = await library({ noOverwrite: true });
    const upload = await lib.beginUpload('race.txt');
    await pipeline(source(randomBytes(50_000)), upload);
    await fs.writeFile(path.join(root, 'race.txt'), 'got there first');
    expect(await codeOf(upload.commit())).toBe('ALREADY_EXISTS');
    expect(await fs.readFile(path.join(root, 'race.txt'), 'utf8')).toBe('got there first');
    expect(await tree()).toEqual(['race.txt']);
  });

  it('of many concurrent uploads of one name exactly one wins', async () => {
    const lib = await library({ noOverwrite: true });
    const contents = Array.from({ length: 10 }, () => randomBytes(64 * 1024));
    const uploads = await Promise.all(contents.map(() => lib.beginUpload('one.bin')));
    await Promise.all(uploads.map((u, i) => pipeline(source(contents[i] ?? Buffer.alloc(0)), u)));
    const results = await Promise.allSettled(uploads.map((u) => u.commit()));
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as NetroomError).code).toBe('ALREADY_EXISTS');
    }
    const final = await fs.readFile(path.join(root, 'one.bin'));
    expect(final.equals(contents[won[0] ?? -1] ?? Buffer.alloc(0))).toBe(true);
    expect(await tree()).toEqual(['one.bin']);
  });
});

describe('upload: concurrency', () => {
  it('10 concurrent uploads of one name: the result is exactly one of them, and no temps remain', async () => {
    const lib = await library();
    const contents = Array.from({ length: 10 }, (_, i) => Buffer.alloc(MiB, i + 1));
    const results = await Promise.all(
      contents.map(async (data) => {
        const upload = await lib.beginUpload('same.bin');
        await pipeline(source(data, 16 * 1024), upload);
        return upload.commit();
      }),
    );
    const final = await fs.readFile(path.join(root, 'same.bin'));
    expect(final.length).toBe(MiB);
    const matches = contents.filter((c) => c.equals(final));
    expect(matches).toHaveLength(1);
    expect(results.map((r) => r.sha256)).toContain(sha256(final));
    expect(await tree()).toEqual(['same.bin']);
  });
});

describe('upload: system errors reach the caller as clear errors', () => {
  /** An Upload on a real temp file whose handle fails `method` with errno `code`. */
  async function failingUpload(method: 'write' | 'sync', code: string): Promise<{ upload: Upload; temp: string }> {
    await fs.mkdir(root, { recursive: true });
    const temp = path.join(root, `${UPLOAD_PREFIX}test`);
    const handle = await fs.open(temp, 'wx');
    const failing = new Proxy(handle, {
      get(target, prop, receiver) {
        if (prop === method) return () => Promise.reject(Object.assign(new Error(code), { code }));
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const init: ConstructorParameters<typeof Upload>[0] = {
      handle: failing,
      temp,
      target: path.join(root, 'target.bin'),
      rel: 'target.bin',
      maxSize: Infinity,
      noOverwrite: false,
    };
    return { upload: new Upload(init), temp };
  }

  it('a full disk while writing gives DISK_FULL and removes the temp', async () => {
    const { upload } = await failingUpload('write', 'ENOSPC');
    expect(await codeOf(pipeline(source(randomBytes(1000)), upload))).toBe('DISK_FULL');
    expect(await tree()).toEqual([]);
  });

  it('a failing fsync gives an error at commit and removes the temp', async () => {
    const { upload } = await failingUpload('sync', 'EIO');
    upload.write('data');
    expect(await codeOf(upload.commit())).toBe('IO_ERROR');
    expect(await tree()).toEqual([]);
  });

  it('a failing fsync during the pipeline rejects it and removes the temp', async () => {
    const { upload } = await failingUpload('sync', 'EDQUOT');
    expect(await codeOf(pipeline(source(randomBytes(1000)), upload))).toBe('DISK_FULL');
    expect(await tree()).toEqual([]);
    expect(await codeOf(upload.commit())).toBe('UPLOAD_ABORTED');
  });
});
