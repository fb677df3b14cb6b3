// The `netroom files --seed` menu driven through streams: list, put, get with SHA-256, errors and exit codes.
import type { FileHandle } from 'node:fs/promises';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { filesCommand, registerFiles, runSeedFiles } from '../src/cli/files.js';
import { META_DIR } from '../src/core/library/owners.js';
import { makeFile, sha256File, startSeedDoor, type SeedFixture } from './helpers/seedfiles.js';
import { Screen } from './helpers/netroom.js';

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

describe('netroom files --seed onto a full disk', () => {
  /** From now on the library's uploads fail `method` (writing, or the fsync at commit) with ENOSPC, as on a full disk. */
  function fillTheDisk(method: 'write' | 'sync' = 'write'): void {
    const real = fx.library.beginUpload.bind(fx.library);
    vi.spyOn(fx.library, 'beginUpload').mockImplementation(async (name: string) => {
      const upload = await real(name);
      // The upload's file handle refuses every write, the way the kernel does when the disk is full.
      const handle = Reflect.get(upload, 'handle') as FileHandle;
      const full = new Proxy(handle, {
        get(target, prop) {
          if (prop === method) return () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }));
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      Reflect.set(upload, 'handle', full);
      return upload;
    });
  }

  it('reports DISK_FULL, connects again and carries on with the next commands', async () => {
    await makeFile(cwd, 'big.bin', 300_000);
    const small = await makeFile(cwd, 'small.txt', 10);
    await makeFile(fx.root, 'there.txt', 3);
    fillTheDisk();
    const input = new PassThrough();
    const output = new Screen();
    const errors = new Screen();
    const done = runSeedFiles({ host: '127.0.0.1', port: fx.port, input, output: output.stream, errorOutput: errors.stream, cwd });
    input.write('put big.bin\n');
    await output.waitFor('ERROR DISK_FULL: ');
    vi.restoreAllMocks(); // room on the disk again
    input.end('list\nput small.txt\nquit\n');
    expect(await done).toBe(1); // a script, and a command failed
    expect(errors.text).toBe('');
    expect(output.text).toMatch(/ERROR DISK_FULL: no space left on the server's disk for big\.bin\n\(the server closed the connection after that; connected again\)\n/u);
    expect(output.text).toMatch(/there\.txt\n\(1 file\)\n/u);
    expect(output.text).toContain(`sent small.txt: 10 B (10 bytes), sha256 ${small.sha256}`);
    expect(output.text.trimEnd().endsWith('bye')).toBe(true);
    expect((await fs.readdir(fx.root)).filter((n) => n !== META_DIR).sort()).toEqual(['small.txt', 'there.txt']); // no partial big.bin, no temp
  });

  it('a full disk found at commit, after `##`, is reported by that put, not as "sent"', async () => {
    await makeFile(cwd, 'late.bin', 1000);
    fillTheDisk('sync');
    const run = await menu(['put late.bin', 'list']);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/\nERROR DISK_FULL: [^\n]*late\.bin\n\(the server closed the connection after that; connected again\)\n/u);
    expect(run.out).not.toContain('sent late.bin');
    expect(run.out).toContain('ERROR EMPTY_LIBRARY'); // the next command ran on the new connection
    expect(run.err).toBe('');
  });

  it('ends with one line when the connection is lost and the server cannot be reached again', async () => {
    await makeFile(cwd, 'big.bin', 300_000);
    const input = new PassThrough();
    const output = new Screen();
    const errors = new Screen();
    const done = runSeedFiles({ host: '127.0.0.1', port: fx.port, input, output: output.stream, errorOutput: errors.stream, cwd });
    await output.waitFor('quit          leave');
    await fx.door.close(); // drops our connection and takes no new one
    input.end('put big.bin\nlist\n');
    expect(await done).toBe(1);
    expect(errors.text).toMatch(/^netroom files: the connection is lost: .+ \(cannot connect to 127\.0\.0\.1:\d+: connection refused\)\n$/u);
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

  it('registers `files [url] --seed <host:port> --token <token>` on the program', () => {
    const program = new Command('netroom');
    registerFiles(program);
    const files = program.commands.find((c) => c.name() === 'files');
    expect(files?.options.map((o) => o.long)).toEqual(['--seed', '--token']);
  });
});
