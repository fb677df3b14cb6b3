// `netroom ls|get|put|rm` driven through streams against a real server: output lines, SHA-256, resume, exit codes.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient } from '../src/client/http.js';
import { partPath } from '../src/client/download.js';
import { upload } from '../src/client/upload.js';
import { formatListing, registerGet, registerLs, registerPut, registerRm, runGet, runLs, runPut, runRm, type CommandIO } from '../src/cli/transfer.js';
import { Proxy, Screen, deadPort, eventually, makeFile, sha256, startNetroom, type NetroomRig } from './helpers/netroom.js';

let rig: NetroomRig;
let out: Screen;
let err: Screen;
let io: CommandIO;

beforeEach(async () => {
  rig = await startNetroom();
  out = new Screen();
  err = new Screen();
  // As the server's administrator (the admin token as a bearer token): guests may not remove what
  // others made, and these tests are about the commands, not the permissions.
  io = { output: out.stream, errorOutput: err.stream, cwd: rig.local, env: { NETROOM_TOKEN: rig.adminToken } };
});
afterEach(async () => {
  await rig.close();
});

describe('netroom ls', () => {
  it('lists a folder (size, date, name; folders end in /), JSON on request, a file as itself', async () => {
    await fs.mkdir(path.join(rig.root, 'docs'));
    await makeFile(rig.root, 'docs/report 2024.pdf', 100_000);
    await makeFile(rig.root, 'a.txt', Buffer.from('hi'));
    expect(await runLs(rig.base, {}, io)).toBe(0);
    expect(out.text).toMatch(/^2 B {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}a\.txt\n {2}- {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}docs\/\n$/u);
    out.text = '';
    expect(await runLs(`${rig.base}/files/docs/`, { json: true }, io)).toBe(0);
    expect(JSON.parse(out.text)).toMatchObject([{ name: 'report 2024.pdf', type: 'file', size: 100_000 }]);
    out.text = '';
    expect(await runLs(`${rig.base}/docs/report%202024.pdf`, {}, io)).toBe(0);
    expect(out.text).toMatch(/97\.7 KiB {2}.* report 2024\.pdf\n$/u);
    expect(err.text).toBe('');
  });

  it('exits 1 with the server reason, 2 on a bad URL', async () => {
    expect(await runLs(`${rig.base}/nope/`, {}, io)).toBe(1);
    expect(err.text).toBe('netroom ls: NOT_FOUND: no such file or folder: nope\n');
    expect(await runLs('gopher://x', {}, io)).toBe(2);
    expect(await runLs(`http://127.0.0.1:${await deadPort()}/`, {}, io)).toBe(1);
    expect(err.text.trim().split('\n')).toHaveLength(3);
    expect(err.text).toMatch(/netroom ls: cannot talk to 127\.0\.0\.1:\d+: connection refused/u);
  });

  it('formats sizes in one aligned column', () => {
    const lines = formatListing([
      { name: 'big', type: 'file', size: 5 * 1024 * 1024, mtime: 0 },
      { name: 'd', type: 'dir', size: 0, mtime: 0 },
    ]);
    expect(lines[0]).toMatch(/^5\.0 MiB {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}big$/u);
    expect(lines[1]).toMatch(/^ {6}- {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}d\/$/u);
  });
});

describe('netroom get / put / rm', () => {
  it('put then get round-trip with SHA-256 lines; rm removes', async () => {
    const src = await makeFile(rig.local, 'data.bin', 2 * 1024 * 1024 + 5);
    await fs.mkdir(path.join(rig.root, 'in'));
    expect(await runPut('data.bin', `${rig.base}/in/`, {}, io)).toBe(0);
    expect(out.text).toBe(`sent data.bin -> in/data.bin: 2.0 MiB (2097157 bytes), sha256 ${src.sha256} (new, the server's SHA-256 matches)\n`);
    expect(await runPut('data.bin', `${rig.base}/files/in/renamed.bin`, {}, io)).toBe(0);
    expect(sha256(await fs.readFile(path.join(rig.root, 'in/renamed.bin')))).toBe(src.sha256);

    out.text = '';
    expect(await runGet(`${rig.base}/in/data.bin`, { output: 'copy.bin' }, io)).toBe(0);
    expect(out.text).toBe(`got in/data.bin -> copy.bin: 2.0 MiB (2097157 bytes), sha256 ${src.sha256}\n`);
    expect((await fs.readFile(path.join(rig.local, 'copy.bin'))).equals(src.data)).toBe(true);
    await fs.mkdir(path.join(rig.local, 'sub'));
    expect(await runGet(`${rig.base}/in/renamed.bin`, { output: 'sub' }, io)).toBe(0); // into a folder: keeps the name
    expect(await fs.readdir(path.join(rig.local, 'sub'))).toEqual(['renamed.bin']);

    out.text = '';
    expect(await runRm([`${rig.base}/in/data.bin`, `${rig.base}/files/in/renamed.bin`], io)).toBe(0);
    expect(out.text).toBe('removed in/data.bin\nremoved in/renamed.bin\n');
    expect(await fs.readdir(path.join(rig.root, 'in'))).toEqual([]);
    expect(err.text).toBe('');
  });

  it('get --parallel 4 is byte-exact and says it used 4 connections', async () => {
    const src = await makeFile(rig.root, 'movie.bin', 5 * 1024 * 1024 + 1);
    expect(await runGet(`${rig.base}/movie.bin`, { parallel: '4' }, io)).toBe(0);
    expect(out.text).toBe(`got movie.bin -> movie.bin: 5.0 MiB (5242881 bytes), sha256 ${src.sha256} (4 connections)\n`);
    expect((await fs.readFile(path.join(rig.local, 'movie.bin'))).equals(src.data)).toBe(true);
  });

  it('get --continue resumes a truncated local file', async () => {
    const src = await makeFile(rig.root, 'iso.bin', 3 * 1024 * 1024);
    await fs.writeFile(path.join(rig.local, 'iso.bin'), src.data.subarray(0, 1_000_000));
    expect(await runGet(`${rig.base}/iso.bin`, { continue: true }, io)).toBe(0);
    expect(out.text).toBe(`got iso.bin -> iso.bin: 3.0 MiB (3145728 bytes), sha256 ${src.sha256} (resumed after 1000000 bytes)\n`);
    expect((await fs.readFile(path.join(rig.local, 'iso.bin'))).equals(src.data)).toBe(true);
    expect(await fs.readdir(rig.local)).toEqual(['iso.bin']);
  });

  it('a cancelled get keeps its bytes and says how to resume; --continue finishes it', async () => {
    const src = await makeFile(rig.root, 'long.bin', 4 * 1024 * 1024);
    const proxy = await Proxy.start(rig.port);
    try {
      proxy.stallAfter(1024 * 1024); // the download stalls after about 1 MiB
      const controller = new AbortController();
      const part = partPath(path.join(rig.local, 'long.bin'));
      // Cancel once the temp file has bytes (as Ctrl-C would).
      const watch = eventually('bytes in the temp file', async () => ((await fs.stat(part).catch(() => null))?.size ?? 0) > 0 || undefined).then(() =>
        controller.abort(),
      );
      const code = await runGet(`${proxy.base}/long.bin`, {}, { ...io, signal: controller.signal });
      await watch;
      expect(code).toBe(1);
      expect(err.text).toMatch(/^netroom get: cancelled \(\d+ bytes kept in .*\.long\.bin\.netroom-part; the same command with --continue resumes\)\n$/u);
      await expect(fs.stat(path.join(rig.local, 'long.bin'))).rejects.toMatchObject({ code: 'ENOENT' });
      const kept = (await fs.stat(part)).size;
      expect(await runGet(`${rig.base}/long.bin`, { continue: true }, io)).toBe(0);
      expect(out.text).toContain(`(resumed after ${kept} bytes)\n`);
      expect(sha256(await fs.readFile(path.join(rig.local, 'long.bin')))).toBe(src.sha256);
    } finally {
      await proxy.close();
    }
  });

  it('put resumes an upload the server kept from an interrupted one', async () => {
    const src = await makeFile(rig.local, 'backup.tar', 12 * 1024 * 1024);
    const client = new HttpClient(rig.base);
    try {
      const controller = new AbortController();
      await upload(client, src.file, 'backup.tar', {
        signal: controller.signal,
        retries: 0,
        onProgress: (bytes) => {
          if (bytes >= 3 * 1024 * 1024) controller.abort();
        },
      }).catch(() => undefined);
      const kept = await eventually('the kept upload', async () => (await client.uploadOffset('backup.tar')) ?? undefined);
      expect(await runPut('backup.tar', `${rig.base}/`, {}, io)).toBe(0);
      expect(out.text).toBe(`sent backup.tar -> backup.tar: 12.0 MiB (12582912 bytes), sha256 ${src.sha256} (new, the server's SHA-256 matches, resumed after ${kept.offset} bytes)\n`);
      expect(sha256(await fs.readFile(path.join(rig.root, 'backup.tar')))).toBe(src.sha256);
    } finally {
      client.close();
    }
  });

  it('exit codes: 1 with the reason for runtime failures, 2 for bad usage', async () => {
    await makeFile(rig.root, 'x.txt', Buffer.from('x'));
    await makeFile(rig.local, 'x.txt', Buffer.from('y'));
    const cases: Array<[() => Promise<number>, number, RegExp]> = [
      [() => runGet(`${rig.base}/missing.txt`, {}, io), 1, /^netroom get: NOT_FOUND: /u],
      [() => runGet(`${rig.base}/`, {}, io), 2, /names a folder/u],
      [() => runGet(`${rig.base}/x.txt`, { parallel: '0' }, io), 2, /--parallel takes/u],
      [() => runGet(`${rig.base}/x.txt`, { parallel: '2', continue: true }, io), 2, /do not combine/u],
      [() => runPut('x.txt', `${rig.base}/x.txt`, { overwrite: false }, io), 1, /^netroom put: ALREADY_EXISTS: /u],
      [() => runPut('nope.txt', `${rig.base}/`, {}, io), 1, /^netroom put: cannot read .*nope\.txt: no such file/u],
      [() => runPut('x.txt', `${rig.base}/.secret`, {}, io), 2, /^netroom put: not a path inside the library: .*hidden names are refused/u], // refused before asking the server
      [() => runPut('x.txt', 'nonsense://', {}, io), 2, /^netroom put: /u],
      [() => runPut('x.txt', `${rig.base}/`, { retries: 'many' }, io), 2, /--retries takes/u],
      [() => runRm([`${rig.base}/`], io), 2, /library root/u],
      [() => runRm([`${rig.base}/gone.txt`], io), 1, /^netroom rm: NOT_FOUND: /u],
    ];
    for (const [run, code, reason] of cases) {
      err.text = '';
      expect(await run()).toBe(code);
      expect(err.text).toMatch(reason);
      expect(err.text.split('\n')).toHaveLength(2); // one line
    }
    expect(await fs.readFile(path.join(rig.root, 'x.txt'), 'utf8')).toBe('x'); // not overwritten
    expect((await fs.readdir(rig.local)).sort()).toEqual(['x.txt']); // no temp files
  });

  it('rm goes on after a failure and exits 1', async () => {
    await makeFile(rig.root, 'keep/a.txt', Buffer.from('a'));
    await makeFile(rig.root, 'b.txt', Buffer.from('b'));
    expect(await runRm([`${rig.base}/keep`, `${rig.base}/b.txt`], io)).toBe(1);
    expect(err.text).toMatch(/^netroom rm: NOT_EMPTY: folder not empty: keep\n$/u);
    expect(out.text).toBe('removed b.txt\n');
  });
});

describe('registration', () => {
  it('registers ls, get, put and rm with their options', () => {
    const program = new Command('netroom');
    registerLs(program);
    registerGet(program);
    registerPut(program);
    registerRm(program);
    const options = Object.fromEntries(program.commands.map((c) => [c.name(), c.options.map((o) => o.long)]));
    expect(options).toEqual({
      ls: ['--json', '--token'],
      get: ['--output', '--continue', '--parallel', '--token'],
      put: ['--no-overwrite', '--retries', '--token'],
      rm: ['--token'],
    });
    const help = program.commands.find((c) => c.name() === 'get')?.helpInformation() ?? '';
    expect(help).toContain('--parallel <n>');
  });
});
