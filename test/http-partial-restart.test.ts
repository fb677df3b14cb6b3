// Issue 10 item 5: a real `netroom serve` killed (SIGKILL) mid-upload leaves no unresumable hidden file after a restart.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliProcess } from './helpers/cli.js';
import { request, waitForHiddenFile } from './helpers/http.js';

let top = '';
const procs: CliProcess[] = [];

afterEach(async () => {
  for (const proc of procs.splice(0)) await proc.stop('SIGKILL');
  if (top !== '') await fs.rm(top, { recursive: true, force: true });
});

/** Start `netroom serve` with only the HTTP door on port 0; resolves with its port. */
async function serve(dir: string, data: string): Promise<{ proc: CliProcess; port: number }> {
  const proc = new CliProcess(['serve', '--port', 'off', '--http', '0', '--irc', 'off', '--ftp', 'off', '--dir', dir, '--data', data]);
  procs.push(proc);
  const port = Number((await proc.waitFor(/^http\s+listening on tcp:\/\/127\.0\.0\.1:(\d+)$/u))[1]);
  return { proc, port };
}

/** Resolves once the process has written a line matching `pattern` on stderr (the log is written asynchronously). */
async function stderrLine(proc: CliProcess, pattern: RegExp): Promise<void> {
  while (!pattern.test(proc.stderr)) {
    if (proc.child.exitCode !== null) throw new Error(`exited before logging ${String(pattern)}: ${proc.stderr}`);
    await once(proc.child.stderr, 'data');
  }
}

describe('HTTP uploads in flight when the server is killed (issue 10, item 5)', () => {
  it('are removed at the next start: HEAD /uploads says 404, no hidden file is left, a new upload works', async () => {
    top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-restart-'));
    const dir = path.join(top, 'files');
    const data = path.join(top, 'data');
    const first = await serve(dir, data);
    // Two uploads in flight, each having sent part of its body.
    const sockets: net.Socket[] = [];
    for (const name of ['one.bin', 'two.bin']) {
      const socket = net.connect({ host: '127.0.0.1', port: first.port });
      socket.on('error', () => undefined);
      await once(socket, 'connect');
      socket.write(`PUT /files/${name} HTTP/1.1\r\nHost: 127.0.0.1:${first.port}\r\nContent-Length: ${4 * 1024 * 1024}\r\n\r\n`);
      socket.write(randomBytes(256 * 1024));
      sockets.push(socket);
    }
    await waitForHiddenFile(dir, 256 * 1024);
    first.proc.child.kill('SIGKILL');
    await once(first.proc.child, 'exit');
    for (const socket of sockets) socket.destroy();
    const leftovers = (await fs.readdir(dir)).filter((n) => n.startsWith('.netroom-partial-'));
    expect(leftovers.length).toBeGreaterThan(0); // what the crash left behind

    const second = await serve(dir, data);
    expect(await fs.readdir(dir)).toEqual([]);
    await stderrLine(second.proc, /removed the unfinished uploads of a previous run/u);
    for (const name of ['one.bin', 'two.bin']) {
      expect((await request(`http://127.0.0.1:${second.port}/uploads/${name}`, { method: 'HEAD' })).status).toBe(404);
    }
    const put = await request(`http://127.0.0.1:${second.port}/files/one.bin`, { method: 'PUT', body: Buffer.from('whole') });
    expect(put.status).toBe(201);
    // Beside the library's own metadata (.netroom, the owner book).
    expect((await fs.readdir(dir)).filter((n) => n !== '.netroom')).toEqual(['one.bin']);
  });
});
