// Library paths typed by the user: a path that leaves the library (or that the server would refuse) is refused by the client, exit 2, before any request.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseLibraryUrl } from '../src/client/http.js';
import { remotePath, runHttpFiles } from '../src/cli/files.js';
import { runGet, runLs, runPut, runRm, type CommandIO } from '../src/cli/transfer.js';
import { Screen, makeFile, startNetroom, type NetroomRig } from './helpers/netroom.js';

let rig: NetroomRig;
let out: Screen;
let err: Screen;
let io: CommandIO;

beforeEach(async () => {
  rig = await startNetroom();
  out = new Screen();
  err = new Screen();
  io = { output: out.stream, errorOutput: err.stream, cwd: rig.local };
});
afterEach(async () => {
  await rig.close();
});

/** Paths after host:port that WHATWG URL parsing would quietly rewrite or that the server refuses. */
const ESCAPES = ['/../evil.bin', '/%2e%2e/evil.bin', '/%2E%2E/evil.bin', '/.%2e/evil.bin', '/..%2fevil.bin', '/docs/../../evil.bin', '/files/../evil.bin', '/..\\evil.bin', '/\\..\\evil.bin', '/a%00b', '/.x', '/docs/.hidden', '/%0aevil.bin', '//etc/passwd'];

/** Every file and folder under the library root and its parent (where an escape would land). */
async function everything(): Promise<string[]> {
  const top = path.dirname(rig.root);
  return (await fs.readdir(top, { recursive: true })).map(String).filter((p) => !p.startsWith('data')).sort();
}

describe('the client refuses a path that leaves the library, as the server would', () => {
  it('parseLibraryUrl: from the URL as typed, before new URL() drops the dot segments', () => {
    for (const tail of ESCAPES) {
      expect(() => parseLibraryUrl(`http://127.0.0.1:8080${tail}`), tail).toThrow(/^not a path inside the library: "http:\/\/127\.0\.0\.1:8080.*" \(.+\)$/u);
    }
    expect(() => parseLibraryUrl('http://h:1/../x')).toThrow('(".." is refused: ../x)');
    expect(() => parseLibraryUrl('http://h:1/.x')).toThrow('hidden names are refused');
    expect(() => parseLibraryUrl('http://h:1/a\\b')).toThrow('backslashes');
    expect(() => parseLibraryUrl('http://h:1/a%00b')).toThrow('NUL');
    expect(() => parseLibraryUrl('http://h:1/%0a')).not.toThrow(/\n/u); // one line even then
    // Single dots and doubled slashes inside are harmless and stay accepted.
    expect(parseLibraryUrl('http://h:1/a/./b/')).toMatchObject({ path: 'a/b', folder: true });
    expect(parseLibraryUrl('http://h:1/a//b')).toMatchObject({ path: 'a/b', folder: false });
    expect(parseLibraryUrl('h:1/files/x%2Fy')).toMatchObject({ path: 'x/y' });
  });

  it('put: exit 2 with one line and nothing stored, for each escaping path', async () => {
    const src = await makeFile(rig.local, 'f.bin', 100);
    const before = await everything();
    for (const tail of ESCAPES) {
      err.text = '';
      expect(await runPut(src.file, `${rig.base}${tail}`, {}, io), tail).toBe(2);
      expect(err.text, tail).toMatch(/^netroom put: not a path inside the library: .*\n$/u);
    }
    expect(await everything()).toEqual(before);
    expect(out.text).toBe('');
  });

  it('put into a folder: a hidden local name is refused the same way', async () => {
    const src = await makeFile(rig.local, '.secret', 10);
    expect(await runPut(src.file, `${rig.base}/`, {}, io)).toBe(2);
    expect(err.text).toBe('netroom put: not a path inside the library: ".secret" (hidden names are refused: .secret)\n');
    expect(await fs.readdir(rig.root)).toEqual([]);
  });

  it('get, ls and rm: exit 2 with one line, nothing fetched or removed', async () => {
    await makeFile(rig.root, 'evil.bin', Buffer.from('keep me'));
    for (const tail of ['/../evil.bin', '/%2e%2e/evil.bin', '/..%2fevil.bin', '/a/../../evil.bin']) {
      err.text = '';
      expect(await runGet(`${rig.base}${tail}`, {}, io), `get ${tail}`).toBe(2);
      expect(await runLs(`${rig.base}${tail}`, {}, io), `ls ${tail}`).toBe(2);
      expect(await runRm([`${rig.base}/evil.bin`, `${rig.base}${tail}`], io), `rm ${tail}`).toBe(2);
      const lines = err.text.trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[0]).toMatch(/^netroom get: not a path inside the library: /u);
      expect(lines[1]).toMatch(/^netroom ls: not a path inside the library: /u);
      expect(lines[2]).toMatch(/^netroom rm: not a path inside the library: /u);
    }
    expect(await fs.readdir(rig.local)).toEqual([]);
    expect(await fs.readFile(path.join(rig.root, 'evil.bin'), 'utf8')).toBe('keep me'); // rm checks every URL first
  });
});

describe('the files menu refuses the same paths', () => {
  async function menu(lines: string[], url = rig.base): Promise<{ code: number; out: string; err: string }> {
    const input = new PassThrough();
    const output = new Screen();
    const errors = new Screen();
    input.end(lines.map((l) => `${l}\n`).join(''));
    const code = await runHttpFiles({ url, input, output: output.stream, errorOutput: errors.stream, cwd: rig.local, terminal: false });
    return { code, out: output.text, err: errors.text };
  }

  it('a starting URL that leaves the library: exit 2, one line', async () => {
    for (const tail of ['/../', '/%2e%2e/', '/docs/..%2f..%2f', '/.x/']) {
      const run = await menu(['list'], `${rig.base}${tail}`);
      expect(run.code, tail).toBe(2);
      expect(run.err, tail).toMatch(/^netroom files: not a path inside the library: .*\n$/u);
      expect(run.out).toBe('');
    }
  });

  it('cd, get, put, rm, mkdir arguments that leave the library or name hidden files are refused; the menu goes on', async () => {
    await makeFile(rig.root, 'evil.bin', Buffer.from('keep me'));
    await fs.mkdir(path.join(rig.root, 'docs'));
    await makeFile(rig.local, '.env', 5);
    const run = await menu(['cd docs', 'cd ../..', 'get ../../evil.bin', 'put .env', 'rm ../evil.bin/../../evil.bin', 'mkdir ../../x', 'mkdir .cache', 'get a\\b', 'ls ../..', 'cd ..', 'list', 'quit']);
    expect(run.code).toBe(1); // a script: some commands failed
    expect(run.out).toContain('not a path inside the library: "../.." (it climbs above the root /)');
    expect(run.out).toContain('not a path inside the library: "../../evil.bin" (it climbs above the root /)');
    expect(run.out).toContain('not a path inside the library: ".env" (hidden names are refused: docs/.env)');
    expect(run.out).toContain('not a path inside the library: "../evil.bin/../../evil.bin" (it climbs above the root /)');
    expect(run.out).toContain('not a path inside the library: "../../x" (it climbs above the root /)');
    expect(run.out).toContain('not a path inside the library: ".cache" (hidden names are refused: docs/.cache)');
    expect(run.out).toContain('not a path inside the library: "a\\b" (a path cannot contain backslashes)');
    expect(run.out).toMatch(/evil\.bin\n\(\/: 1 folder, 1 file\)/u); // cd .. from docs still works
    expect(await fs.readdir(rig.local)).toEqual(['.env']);
    expect((await fs.readdir(rig.root)).sort()).toEqual(['docs', 'evil.bin']);
    expect(await fs.readdir(path.join(rig.root, 'docs'))).toEqual([]);
  });

  it('remotePath resolves . and .. inside the library and refuses climbing above the root', () => {
    expect(remotePath('docs', '..')).toBe('');
    expect(() => remotePath('docs', '../../..')).toThrow('it climbs above the root /');
    expect(() => remotePath('', '..')).toThrow('it climbs above the root /');
    expect(() => remotePath('docs', '/..')).toThrow('it climbs above the root /');
    expect(() => remotePath('docs', 'x/.git/config')).toThrow('hidden names are refused');
    expect(remotePath('docs/x', '../y/./z')).toBe('docs/y/z');
  });
});
