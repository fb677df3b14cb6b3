// The `netroom files --seed` menu driven through streams: list, put, get with SHA-256, errors and exit codes.
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { filesCommand, registerFiles, runSeedFiles } from '../src/cli/files.js';
import { makeFile, sha256File, startSeedDoor, type SeedFixture } from './helpers/seedfiles.js';

let fx: SeedFixture;
let cwd: string;

beforeEach(async () => {
  fx = await startSeedDoor();
  cwd = path.join(fx.dir, 'cwd');
  await fs.mkdir(cwd);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fx.close();
});

/** Run the menu with `lines` as its input; resolves with the exit code and everything printed. */
async function menu(lines: string[], port = fx.port): Promise<{ code: number; out: string; err: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  const errorOutput = new PassThrough();
  let out = '';
  let err = '';
  output.on('data', (d: Buffer) => (out += d.toString()));
  errorOutput.on('data', (d: Buffer) => (err += d.toString()));
  input.end(lines.map((l) => `${l}\n`).join(''));
  const code = await runSeedFiles({ host: '127.0.0.1', port, input, output, errorOutput, cwd });
  return { code, out, err };
}

describe('netroom files --seed (runSeedFiles)', () => {
  it('puts, lists and gets, printing sizes and SHA-256, and exits 0', async () => {
    const f = await makeFile(cwd, 'report 2024.pdf', 100_000);
    await makeFile(fx.root, '中文.txt', Buffer.from('你好'));
    const first = await menu(['put report 2024.pdf', 'list', 'quit']);
    expect(first.code).toBe(0);
    expect(first.out).toContain('list          the files in the library'); // the menu
    expect(first.out).toContain(`sent report 2024.pdf: 97.7 KiB (100000 bytes), sha256 ${f.sha256}`);
    expect(first.out).toMatch(/report 2024\.pdf\n中文\.txt\n\(2 files\)/u);
    expect(first.out).toContain('bye');
    expect(await sha256File(path.join(fx.root, 'report 2024.pdf'))).toBe(f.sha256);

    await fs.rm(f.file);
    const second = await menu(['help', 'get report 2024.pdf', 'get 中文.txt']); // end of input also quits
    expect(second.code).toBe(0);
    expect(second.out).toContain(`got report 2024.pdf: 97.7 KiB (100000 bytes), sha256 ${f.sha256}`);
    expect(await sha256File(path.join(cwd, 'report 2024.pdf'))).toBe(f.sha256);
    expect(await fs.readFile(path.join(cwd, '中文.txt'), 'utf8')).toBe('你好');
  });

  it('prints clear errors, keeps going, and exits 1 from a script when a command failed', async () => {
    await makeFile(fx.root, 'a.txt', 3);
    const run = await menu(['get missing.txt', 'get ../etc/passwd', 'put no-such-file', 'frobnicate', 'list', 'quit']);
    expect(run.code).toBe(1);
    expect(run.out).toContain('ERROR NOT_FOUND: no such file or folder: missing.txt');
    expect(run.out).toContain('"../etc/passwd" is not a plain file name');
    expect(run.out).toMatch(/cannot read .*no-such-file: no such file/u);
    expect(run.out).toContain('unknown command "frobnicate"');
    expect(run.out).toMatch(/a\.txt\n\(1 file\)/u); // still connected after the errors
    expect(await fs.readdir(cwd)).toEqual([]);
  });

  it('reports a connection failure in one line and exits 1', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const run = await menu(['list'], port);
    expect(run.code).toBe(1);
    expect(run.err).toBe(`netroom files: cannot connect to 127.0.0.1:${port}: connection refused\n`);
  });
});

describe('netroom files (command line)', () => {
  function captureStderr(): () => string {
    let text = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      text += chunk.toString();
      return true;
    });
    return () => text;
  }

  it('an empty --seed: one line, exit 2 (without --seed it is the HTTP menu, see cli-files.test.ts)', async () => {
    const stderr = captureStderr();
    expect(await filesCommand(undefined, { seed: '' })).toBe(2);
    expect(stderr()).toBe('netroom files: --seed: expected HOST:PORT (e.g. 127.0.0.1:8888 or [::1]:8888), not ""\n');
  });

  it('a bad HOST:PORT or a URL with --seed: one line, exit 2', async () => {
    const stderr = captureStderr();
    expect(await filesCommand(undefined, { seed: 'localhost' })).toBe(2);
    expect(await filesCommand(undefined, { seed: 'host:99999' })).toBe(2);
    expect(await filesCommand('http://x', { seed: '127.0.0.1:1' })).toBe(2);
    expect(stderr().trim().split('\n')).toHaveLength(3);
  });

  it('registers `files [url] --seed <host:port>` on the program', () => {
    const program = new Command('netroom');
    registerFiles(program);
    const files = program.commands.find((c) => c.name() === 'files');
    expect(files?.options.map((o) => o.long)).toEqual(['--seed']);
  });
});
