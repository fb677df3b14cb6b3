// Compatibility with the seeds' own Python programs (seed 003), unchanged: their client on our door, our client on their server.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { SeedFilesClient } from '../src/client/seedfiles.js';
import {
  SEED_FTP_CLIENT,
  SEED_FTP_SERVER,
  hasPython,
  makeFile,
  nextEvent,
  sha256File,
  startSeedDoor,
  tempDir,
  type SeedFixture,
} from './helpers/seedfiles.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Run a Python script to its end in `cwd`; resolves with its exit code and outputs. */
async function python(script: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = path.join(cwd, '..', `script-${Math.random().toString(36).slice(2)}.py`);
  await fs.writeFile(file, script);
  const child = spawn('python3', [file, ...args], { cwd, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe.skipIf(!hasPython())('the seeds’ Python programs', () => {
  it('the seed FtpClient lists, puts and gets through our door byte-exact', async () => {
    const fx: SeedFixture = await startSeedDoor();
    cleanups.push(() => fx.close());
    const up = path.join(fx.dir, 'up');
    const down = path.join(fx.dir, 'down');
    await fs.mkdir(up);
    await fs.mkdir(down);
    const big = await makeFile(up, 'big.bin', 300 * 1024 + 7);
    const marked = await makeFile(up, 'marked.txt', Buffer.from('ends with the marker ##'));
    await makeFile(fx.root, 'hello.txt', Buffer.from('hello'));

    const stored = nextEvent(fx.chat, (e) => e.kind === 'file' && e.path === 'marked.txt');
    const first = await python(SEED_FTP_CLIENT, [String(fx.port), 'list', 'put big.bin', 'put marked.txt'], up);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('hello.txt\n');
    expect(first.stdout).toContain('big.bin上传完毕');
    expect(first.stdout).toContain('marked.txt上传完毕');
    await stored; // the seed client reads no acknowledgement: the room event says the commit is done
    expect(await sha256File(path.join(fx.root, 'big.bin'))).toBe(big.sha256);
    expect(await sha256File(path.join(fx.root, 'marked.txt'))).toBe(marked.sha256);

    const second = await python(SEED_FTP_CLIENT, [String(fx.port), 'list', 'get big.bin', 'get marked.txt', 'get nope', 'quit'], down);
    expect(second.code).toBe(1); // sys.exit('谢谢使用') exits with status 1
    expect(second.stderr).toContain('谢谢使用');
    expect(second.stdout).toMatch(/big\.bin\nhello\.txt\nmarked\.txt\n/u);
    expect(second.stdout).toContain('ERROR NOT_FOUND');
    expect(await sha256File(path.join(down, 'big.bin'))).toBe(big.sha256);
    expect(await sha256File(path.join(down, 'marked.txt'))).toBe(marked.sha256);
  });

  it('our client lists, puts and gets against the seed FtpServer', async () => {
    const dir = await tempDir('netroom-seedserver-');
    const lib = path.join(dir, 'lib');
    await fs.mkdir(lib);
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    await makeFile(lib, 'there.txt', Buffer.from('already there'));
    const script = path.join(dir, 'server.py');
    await fs.writeFile(script, SEED_FTP_SERVER);
    const server: ChildProcessWithoutNullStreams = spawn('python3', [script, lib], { stdio: 'pipe' });
    cleanups.push(async () => {
      if (server.exitCode === null) {
        server.kill();
        await once(server, 'exit');
      }
    });
    const [line] = (await once(createInterface({ input: server.stdout }), 'line')) as [string];
    const port = Number(line);

    const client = new SeedFilesClient();
    await client.connect('127.0.0.1', port);
    cleanups.push(() => Promise.resolve(client.destroy()));
    expect(await client.list()).toEqual(['there.txt']);
    const f = await makeFile(dir, 'mine.bin', 200 * 1024 + 3);
    expect(await client.put(f.file)).toEqual({ size: f.size, sha256: f.sha256 });
    const got = await client.get('mine.bin', path.join(dir, 'back.bin'));
    expect(got).toEqual({ size: f.size, sha256: f.sha256 });
    expect(await sha256File(path.join(lib, 'mine.bin'))).toBe(f.sha256);
    await expect(client.get('missing', path.join(dir, 'missing'))).rejects.toThrow('文件不存在');
    expect((await client.list()).sort()).toEqual(['mine.bin', 'there.txt']);
    await client.quit();
  });
});
