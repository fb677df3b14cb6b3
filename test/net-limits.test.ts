// Units of the connection limits (issue 10 item 3): address keys, caps, the refusal log's windows, the file limit, the flags.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig, UsageError } from '../src/config.js';
import { connectionCaps, raiseFileLimit, readFileLimit } from '../src/net/file-limit.js';
import { addressKey, ConnectionLimits } from '../src/net/limits.js';
import { CLI } from './helpers/cli.js';
import { memoryLogger, type LogRecord } from './helpers/limits.js';

describe('addressKey', () => {
  it('counts IPv4 by address (also IPv4-mapped) and IPv6 by its /64', () => {
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('2001:db8:0:1::17')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8:0:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:0db8:0000:0001::1%eth0')).toBe('2001:db8:0:1::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey(undefined)).toBe('?');
  });
});

describe('ConnectionLimits', () => {
  it('caps per address per door and in total across doors; release gives the place back once', () => {
    const { log } = memoryLogger();
    const limits = new ConnectionLimits({ maxConnections: 5, maxPerAddress: 2, log });
    const a = limits.gate('a');
    const b = limits.gate('b');
    const one = a.admit('10.0.0.1');
    expect(one.ok).toBe(true);
    expect(a.admit('10.0.0.1').ok).toBe(true);
    expect(a.admit('10.0.0.1')).toEqual({ ok: false, reason: 'address' });
    // Another door counts that address on its own.
    expect(b.admit('10.0.0.1').ok).toBe(true);
    expect(b.admit('10.0.0.2').ok).toBe(true);
    expect(b.admit('10.0.0.3').ok).toBe(true);
    expect(limits.open).toBe(5);
    expect(b.admit('10.0.0.4')).toEqual({ ok: false, reason: 'server' });
    if (!one.ok) throw new Error('unreachable');
    one.release();
    one.release();
    expect(limits.open).toBe(4);
    expect(a.admit('10.0.0.1').ok).toBe(true);
    limits.close();
  });

  it('whenIdle() resolves at once with nothing open, else when the last connection is released', async () => {
    const limits = new ConnectionLimits({ maxConnections: 5, maxPerAddress: 5, log: memoryLogger().log });
    await limits.whenIdle();
    const gate = limits.gate('a');
    const one = gate.admit('10.0.0.1');
    const two = gate.admit('10.0.0.2');
    if (!one.ok || !two.ok) throw new Error('both fit');
    let idle = false;
    const waiting = limits.whenIdle().then(() => (idle = true));
    one.release();
    await Promise.resolve();
    expect(idle).toBe(false);
    two.release();
    await waiting;
    expect(limits.open).toBe(0);
    limits.close();
  });

  it("a door's own caps: its per-address cap replaces the server's, its total stays within the server's", () => {
    const { log } = memoryLogger();
    const limits = new ConnectionLimits({ maxConnections: 3, maxPerAddress: 1, log });
    const ftp = limits.gate('ftp', { maxPerAddress: 10, maxConnections: 100 });
    expect([1, 2, 3].map(() => ftp.admit('10.0.0.1').ok)).toEqual([true, true, true]);
    expect(ftp.admit('10.0.0.2')).toEqual({ ok: false, reason: 'server' });
    const small = new ConnectionLimits({ maxConnections: 100, maxPerAddress: 100, log }).gate('ftp', { maxConnections: 1 });
    expect(small.admit('10.0.0.1').ok).toBe(true);
    expect(small.admit('10.0.0.2')).toEqual({ ok: false, reason: 'door' });
    limits.close();
  });

  it('rejects caps that are not whole numbers of at least 1', () => {
    const { log } = memoryLogger();
    expect(() => new ConnectionLimits({ maxConnections: 0, maxPerAddress: 1, log })).toThrow(RangeError);
    expect(() => new ConnectionLimits({ maxConnections: 1, maxPerAddress: 1.5, log })).toThrow(RangeError);
  });
});

describe('the refusal log', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the first refusal at once, then one line per window with the count, per address', () => {
    vi.useFakeTimers();
    const { log, records } = memoryLogger();
    const limits = new ConnectionLimits({ maxConnections: 100, maxPerAddress: 1, log, logEveryMs: 10_000 });
    const gate = limits.gate('http');
    gate.admit('10.0.0.1');
    gate.admit('10.0.0.2');
    for (let i = 0; i < 50; i++) gate.admit('10.0.0.1');
    gate.admit('10.0.0.2');
    const refusals = (): LogRecord[] => records.filter((r) => r.msg.includes('refused'));
    expect(refusals().map((r) => [r.address, r.refused])).toEqual([
      ['10.0.0.1', 1],
      ['10.0.0.2', 1],
    ]);
    vi.advanceTimersByTime(10_000);
    expect(refusals().slice(2).map((r) => [r.address, r.refused])).toEqual([['10.0.0.1', 49]]);
    // A quiet window ends the entry; the next refusal is written at once again.
    vi.advanceTimersByTime(20_000);
    expect(refusals()).toHaveLength(3);
    gate.admit('10.0.0.1');
    expect(refusals()).toHaveLength(4);
    limits.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('refusals by the total cap share one line whatever the address, and past 1000 addresses the rest share one', () => {
    vi.useFakeTimers();
    const { log, records } = memoryLogger();
    const full = new ConnectionLimits({ maxConnections: 1, maxPerAddress: 1, log });
    const gate = full.gate('irc');
    gate.admit('10.0.0.1');
    for (let i = 0; i < 300; i++) gate.admit(`10.1.${i >> 8}.${i & 255}`);
    expect(records.filter((r) => r.msg.includes('refused'))).toHaveLength(1);
    full.close();
    const many = new ConnectionLimits({ maxConnections: 100_000, maxPerAddress: 1, log });
    const door = many.gate('ftp');
    for (let i = 0; i < 1200; i++) door.admit(`10.2.${i >> 8}.${i & 255}`);
    for (let i = 0; i < 1200; i++) door.admit(`10.2.${i >> 8}.${i & 255}`);
    const lines = records.filter((r) => r.door === 'ftp');
    expect(lines).toHaveLength(1001);
    expect(lines.at(-1)).toMatchObject({ address: 'other addresses' });
    many.close();
  });
});

describe('the open-file limit and the caps derived from it', () => {
  it('reads /proc/self/limits', () => {
    const text = 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n';
    expect(readFileLimit(text)).toEqual({ soft: 1024, hard: 524288 });
    expect(readFileLimit('nothing here')).toBeNull();
    const mine = readFileLimit();
    expect(mine?.soft).toBeGreaterThan(0);
  });

  it('keeps connections below the limit with room for files, and one address to an eighth of them', () => {
    expect(connectionCaps({ soft: 20_000, hard: 20_000 })).toEqual({ maxConnections: 9488, maxPerAddress: 512 });
    expect(connectionCaps({ soft: 1024, hard: 1024 })).toEqual({ maxConnections: 384, maxPerAddress: 48 });
    expect(connectionCaps(null)).toEqual({ maxConnections: 384, maxPerAddress: 48 });
    expect(connectionCaps({ soft: 20_000, hard: 20_000 }, { maxConnections: 100 })).toEqual({ maxConnections: 100, maxPerAddress: 12 });
    expect(connectionCaps({ soft: 20_000, hard: 20_000 }, { maxPerAddress: 5000 })).toEqual({ maxConnections: 9488, maxPerAddress: 5000 });
  });
});

describe('flags', () => {
  const base = { dir: '/tmp/x', data: '/tmp/y' };

  it('--max-connections, --max-per-address (number or auto), --first-request-timeout, --login-timeout', () => {
    const config = resolveConfig(base, {});
    expect(config).toMatchObject({ maxConnections: undefined, maxPerAddress: undefined, firstRequestTimeoutMs: 10_000, loginTimeoutMs: 20_000 });
    expect(config.ftpMaxClients).toBeUndefined();
    expect(config.ftpMaxPerIp).toBeUndefined();
    expect(resolveConfig({ ...base, maxConnections: '5000', maxPerAddress: 'auto', firstRequestTimeout: '2500', loginTimeout: '15000' }, {})).toMatchObject({
      maxConnections: 5000,
      maxPerAddress: undefined,
      firstRequestTimeoutMs: 2500,
      loginTimeoutMs: 15_000,
    });
    expect(resolveConfig(base, { NETROOM_MAX_PER_ADDRESS: '64', NETROOM_LOGIN_TIMEOUT: '5000' })).toMatchObject({ maxPerAddress: 64, loginTimeoutMs: 5000 });
  });

  it('refuses bad values with the flag named', () => {
    expect(() => resolveConfig({ ...base, maxConnections: '0' }, {})).toThrow(/--max-connections takes a whole number/u);
    expect(() => resolveConfig({ ...base, maxPerAddress: 'lots' }, {})).toThrow(UsageError);
    expect(() => resolveConfig({ ...base, loginTimeout: '20s' }, {})).toThrow(/--login-timeout/u);
    expect(() => resolveConfig({ ...base, firstRequestTimeout: '5' }, {})).toThrow(/--first-request-timeout takes a whole number from 100/u);
  });
});

describe('raising the soft file limit to the hard one (prlimit)', () => {
  const hard = readFileLimit()?.hard ?? 0;
  const low = Math.min(1024, hard);

  /** A process started with a lowered soft limit (prlimit execs it, the limit stays), killed afterwards. */
  async function withLowProcess(run: (pid: number) => Promise<void>): Promise<void> {
    // prlimit sets the limit and execs sh, which says so and execs sleep: one PID throughout.
    const child = spawn('/usr/bin/prlimit', [`--nofile=${low}:${hard}`, '--', 'sh', '-c', 'echo ready; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await once(child.stdout, 'data');
      await run(child.pid!);
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    }
  }

  it.skipIf(hard <= 1024)('raises it with prlimit and says so', async () => {
    await withLowProcess(async (pid) => {
      expect(readFileLimit(undefined, pid)).toEqual({ soft: low, hard });
      const { log, records } = memoryLogger();
      expect(await raiseFileLimit(log, { pid })).toEqual({ soft: hard, hard });
      expect(readFileLimit(undefined, pid)).toEqual({ soft: hard, hard });
      expect(records).toContainEqual(expect.objectContaining({ msg: 'open-file limit raised to the hard limit', from: low, to: hard }));
    });
  });

  it.skipIf(hard <= 1024)('without prlimit: a warning, the limit as it was, no failure', async () => {
    await withLowProcess(async (pid) => {
      const { log, records } = memoryLogger();
      expect(await raiseFileLimit(log, { pid, command: '/nonexistent/prlimit' })).toEqual({ soft: low, hard });
      expect(records).toContainEqual(expect.objectContaining({ level: 40, soft: low, hard, reason: 'prlimit (util-linux) is not installed' }));
    });
  });

  it('nothing to do when the soft limit is the hard one already (Node raises it at start-up on Linux)', async () => {
    const { log, records } = memoryLogger();
    const before = readFileLimit();
    expect(await raiseFileLimit(log, { command: '/nonexistent/prlimit' })).toEqual(before);
    if (before !== null && before.soft >= before.hard) expect(records).toEqual([]);
  });

  it.skipIf(hard <= 1024)('netroom serve started with a low soft limit runs at the hard one, its caps derived from it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'netroom-nofile-'));
    const args = ['serve', '--port', 'off', '--http', '0', '--irc', 'off', '--ftp', 'off', '--dir', join(dir, 'f'), '--data', join(dir, 'd'), '--log-level', 'info'];
    const child = spawn('/usr/bin/prlimit', [`--nofile=${low}:${hard}`, '--', process.execPath, CLI, ...args], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.resume();
    try {
      while (!stderr.includes('"netroom started"')) {
        if (child.exitCode !== null) throw new Error(`serve exited: ${stderr}`);
        await once(child.stderr, 'data');
      }
      expect(readFileLimit(undefined, child.pid)).toEqual({ soft: hard, hard });
      const records = stderr.trim().split('\n').map((l) => JSON.parse(l) as LogRecord);
      expect(records).toContainEqual(expect.objectContaining({ msg: 'connection limits', fileLimit: hard, ...connectionCaps({ soft: hard, hard }) }));
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
