// End-to-end tests of the built `netroom serve`: door lines, stdin announcements, clean stop, exit codes.
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliProcess, runCli } from './helpers/cli.js';
import { TestUdpClient } from './helpers/udp.js';

let dir: string;
const running: CliProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'netroom-serve-'));
});

afterEach(async () => {
  for (const proc of running.splice(0)) await proc.stop('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

function serve(...extra: string[]): CliProcess {
  const proc = new CliProcess(['serve', '--port', '0', '--http', 'off', '--irc', 'off', '--ftp', 'off', '--dir', join(dir, 'files'), '--data', join(dir, 'data'), ...extra]);
  running.push(proc);
  return proc;
}

describe('netroom serve', () => {
  it('prints where each door listens, announces stdin lines, and on SIGTERM tells members and exits 0', async () => {
    const proc = serve('--log-level', 'silent');
    const udpPort = Number((await proc.waitFor(/^udp\s+listening on udp:\/\/127\.0\.0\.1:(\d+)$/u))[1]);
    await proc.waitFor(/^seed-files\s+listening on tcp:\/\/127\.0\.0\.1:\d+$/u);
    await proc.waitFor(/^http\s+off$/u);
    expect((await stat(join(dir, 'files'))).isDirectory()).toBe(true);

    const alice = await TestUdpClient.open(udpPort);
    try {
      alice.send('L alice');
      expect(await alice.next()).toBe('OK');
      proc.child.stdin.write('hello everyone\n');
      expect(await alice.next()).toBe('\n[admin] hello everyone');

      const exit = proc.stop('SIGTERM');
      expect(await alice.next()).toBe('\nthe server is closing');
      expect(await alice.next()).toBe('EXIT');
      expect(await exit).toBe(0);
      expect(proc.lines).toContain('netroom stopped');
    } finally {
      alice.socket.close();
    }
  });

  it('uses the seeds Chinese texts with --lang zh', async () => {
    const proc = serve('--log-level', 'silent', '--lang', 'zh');
    const udpPort = Number((await proc.waitFor(/^udp\s+listening on udp:\/\/[^:]+:(\d+)$/u))[1]);
    const a = await TestUdpClient.open(udpPort);
    const b = await TestUdpClient.open(udpPort);
    try {
      a.send('L 张三');
      expect(await a.next()).toBe('OK');
      b.send('L 李四');
      expect(await b.next()).toBe('OK');
      expect(await a.next()).toBe('\n欢迎 李四 进入聊天室');
      b.send('C 李四 你好');
      expect(await a.next()).toBe('\n李四 说: 你好');
      proc.child.stdin.write('注意\n');
      expect(await a.next()).toBe('\n管理员 说: 注意');
      expect(await b.next()).toBe('\n管理员 说: 注意');
      b.send('Q 李四');
      expect(await b.next()).toBe('EXIT');
      expect(await a.next()).toBe('\n李四 离开了聊天室');
      expect(await proc.stop('SIGINT')).toBe(0);
    } finally {
      a.socket.close();
      b.socket.close();
    }
  });

  it('opens the HTTP, IRC and FTP doors on free ports and prints the admin token', async () => {
    const proc = new CliProcess(['serve', '--port', 'off', '--http', '0', '--irc', '0', '--ftp', '0', '--dir', join(dir, 'f'), '--data', join(dir, 'd'), '--log-level', 'silent']);
    running.push(proc);
    const httpPort = Number((await proc.waitFor(/^http\s+listening on tcp:\/\/127\.0\.0\.1:(\d+)$/u))[1]);
    await proc.waitFor(/^irc\s+listening on tcp:\/\/127\.0\.0\.1:\d+$/u);
    await proc.waitFor(/^ftp\s+listening on tcp:\/\/127\.0\.0\.1:\d+$/u);
    await proc.waitFor(/^udp\s+off$/u);
    const token = (await proc.waitFor(/^admin token: (\S+)/u))[1];
    expect((await readFile(join(dir, 'd', 'admin-token'), 'utf8')).trim()).toBe(token);
    const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await proc.stop()).toBe(0);
  });

  it('writes one JSON log line per enter and leave', async () => {
    const proc = serve('--log-level', 'info');
    const udpPort = Number((await proc.waitFor(/^udp\s+listening on udp:\/\/[^:]+:(\d+)$/u))[1]);
    const a = await TestUdpClient.open(udpPort);
    try {
      a.send('L logged');
      expect(await a.next()).toBe('OK');
      a.send('Q logged');
      expect(await a.next()).toBe('EXIT');
    } finally {
      a.socket.close();
    }
    expect(await proc.stop()).toBe(0);
    const logs = proc.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg?: string; name?: string });
    const about = logs.filter((l) => JSON.stringify(l).includes('logged'));
    expect(about.length).toBeGreaterThanOrEqual(2);
  });

  it('exits 1 with a one-line reason when the port is taken', async () => {
    const blocker = createSocket('udp4');
    await new Promise<void>((resolve) => blocker.bind(0, '127.0.0.1', resolve));
    try {
      const port = String(blocker.address().port);
      const result = await runCli(['serve', '--port', port, '--http', 'off', '--irc', 'off', '--ftp', 'off', '--dir', join(dir, 'f'), '--data', join(dir, 'd'), '--log-level', 'silent']);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
      expect(result.stderr).toMatch(/udp door could not listen on 127\.0\.0\.1:\d+: the port is in use/u);
    } finally {
      blocker.close();
    }
  });

  it.each([
    [['serve', '--port', 'x']],
    [['serve', '--lang', 'fr']],
    [['serve', '--bogus']],
    [['nonsense']],
    [['chat', '--udp', 'nohost']],
    [['files', '--seed', 'h:99999']],
  ])('exits 2 with a one-line error for bad usage: %o', async (args) => {
    const result = await runCli([...args, '--dir', join(dir, 'f')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^netroom: |error/mu);
  });

  it('exits 0 for --help and --version', async () => {
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--max-upload');
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/u);
  });
});
