// The `netroom files` HTTP menu driven through streams against a real server: list, cd, get, put, rm, mkdir, quit.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remotePath, runHttpFiles } from '../src/cli/files.js';
import { deadPort, makeFile, sha256, startNetroom, type NetroomRig } from './helpers/netroom.js';

let rig: NetroomRig;
beforeEach(async () => {
  rig = await startNetroom();
});
afterEach(async () => {
  await rig.close();
});

/** Run the menu with `lines` as its input; resolves with the exit code and everything printed. */
async function menu(lines: string[], url = rig.base, terminal = false): Promise<{ code: number; out: string; err: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  const errorOutput = new PassThrough();
  let out = '';
  let err = '';
  output.on('data', (d: Buffer) => (out += d.toString()));
  errorOutput.on('data', (d: Buffer) => (err += d.toString()));
  input.end(lines.map((l) => `${l}\n`).join(''));
  // As the server's administrator: guests may not remove what others made, and these tests are about the menu.
  const code = await runHttpFiles({ url, input, output, errorOutput, cwd: rig.local, terminal, env: { NETROOM_TOKEN: rig.adminToken } });
  return { code, out, err };
}

describe('netroom files (HTTP menu)', () => {
  it('mkdir, cd, put, list, get, rm, cd .., quit: with sizes and SHA-256, exit 0', async () => {
    const src = await makeFile(rig.local, 'photo 1.jpg', 300_000);
    const run = await menu(['mkdir docs', 'cd docs', 'put photo 1.jpg', 'list', 'cd ..', 'list', 'quit']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('connected to http://127.0.0.1:');
    expect(run.out).toContain('cd DIR        go into DIR'); // the menu
    expect(run.out).toContain('created /docs/');
    expect(run.out).toContain(`sent photo 1.jpg -> docs/photo 1.jpg: 293.0 KiB (300000 bytes), sha256 ${src.sha256} (new, the server's SHA-256 matches)`);
    expect(run.out).toMatch(/293\.0 KiB {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}photo 1\.jpg\n\(\/docs: 0 folders, 1 file\)/u);
    expect(run.out).toMatch(/- {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}docs\/\n\(\/: 1 folder, 0 files\)/u);
    expect(run.out.trimEnd().endsWith('bye')).toBe(true);
    expect(sha256(await fs.readFile(path.join(rig.root, 'docs/photo 1.jpg')))).toBe(src.sha256);

    await fs.rm(src.file);
    const second = await menu(['get docs/photo 1.jpg', 'cd /docs', 'rm photo 1.jpg', 'list', 'cd /', 'rm docs']); // end of input quits
    expect(second.code).toBe(0);
    expect(second.out).toContain(`got docs/photo 1.jpg -> photo 1.jpg: 293.0 KiB (300000 bytes), sha256 ${src.sha256}`);
    expect(sha256(await fs.readFile(path.join(rig.local, 'photo 1.jpg')))).toBe(src.sha256);
    expect(second.out).toContain('removed /docs/photo 1.jpg');
    expect(second.out).toContain('(/docs: 0 folders, 0 files)');
    expect(second.out).toContain('removed /docs');
    // The library's own .netroom folder (who made each file) stays.
    expect((await fs.readdir(rig.root)).filter((name) => name !== '.netroom')).toEqual([]);
  });

  it('starts in the folder of the URL and shows it in the prompt on a terminal', async () => {
    await makeFile(rig.root, 'music/song.mp3', 10);
    const run = await menu(['list', 'quit'], `${rig.base}/files/music/`, true);
    expect(run.code).toBe(0);
    expect(run.out).toContain('files:/music> ');
    expect(run.out).toContain('song.mp3');
  });

  it('prints clear errors, keeps going, and exits 1 from a script when a command failed', async () => {
    await makeFile(rig.root, 'a.txt', Buffer.from('abc'));
    const run = await menu(['get missing.txt', 'cd a.txt', 'cd nowhere', 'put no-such-file', 'rm ../../etc', 'get', 'frobnicate', 'list', 'quit']);
    expect(run.code).toBe(1);
    expect(run.out).toContain('NOT_FOUND: no such file or folder: missing.txt');
    expect(run.out).toMatch(/NOT_A_DIRECTORY: .*a\.txt/u);
    expect(run.out).toContain('NOT_FOUND: no such file or folder: nowhere');
    expect(run.out).toMatch(/cannot read .*no-such-file: no such file/u);
    expect(run.out).toContain('get needs name: get NAME');
    expect(run.out).toContain('unknown command "frobnicate"');
    expect(run.out).toMatch(/a\.txt\n\(\/: 0 folders, 1 file\)/u); // still working after the errors
    expect(await fs.readdir(rig.local)).toEqual([]);
    expect(await fs.readFile(path.join(rig.root, 'a.txt'), 'utf8')).toBe('abc');
  });

  it('reports an unreachable server in one line and exits 1; a bad URL exits 2', async () => {
    const port = await deadPort();
    const run = await menu(['list'], `http://127.0.0.1:${port}`);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`netroom files: cannot talk to 127.0.0.1:${port}: connection refused (is the server running?)\n`);
    const bad = await menu(['list'], 'mailto:x');
    expect(bad.code).toBe(2);
  });

  it('resolves menu paths against the current folder', () => {
    expect(remotePath('', 'a')).toBe('a');
    expect(remotePath('docs', 'a b.txt')).toBe('docs/a b.txt');
    expect(remotePath('docs/x', '..')).toBe('docs');
    expect(remotePath('docs', '/music/')).toBe('music');
    expect(remotePath('docs', '..')).toBe('');
    expect(remotePath('docs', './y/../z')).toBe('docs/z');
  });
});
