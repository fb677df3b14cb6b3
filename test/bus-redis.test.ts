// The Redis bus against a real redis-server: ordered messages without echo, racing claims, presence, a killed node, a restarted Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PresenceRecord } from '../src/engine/bus/bus.js';
import { RedisBus, type BusLog, type RedisBusOptions } from '../src/engine/bus/redis/bus.js';
import { startRedis, type TestRedis } from './helpers/redis.js';

const BUILT_BUS = fileURLToPath(new URL('../dist/src/engine/bus/redis/bus.js', import.meta.url));

let redis: TestRedis;
const opened: RedisBus[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis.stop();
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(opened.splice(0).map((bus) => bus.close()));
});

/** A fresh key prefix per test, so tests on one Redis never see each other. */
function newPrefix(): string {
  return `t-${randomBytes(4).toString('hex')}`;
}

/** Log lines by level, for assertions (and to keep expected warnings off the console). */
function collectingLog(): BusLog & { lines: Array<{ level: string; message: string }> } {
  const lines: Array<{ level: string; message: string }> = [];
  return {
    lines,
    info: (_fields, message) => lines.push({ level: 'info', message }),
    warn: (_fields, message) => lines.push({ level: 'warn', message }),
    error: (_fields, message) => lines.push({ level: 'error', message }),
  };
}

async function startBus(prefix: string, options: Partial<RedisBusOptions> = {}): Promise<RedisBus> {
  const bus = new RedisBus({ url: redis.url, prefix, log: collectingLog(), ...options });
  opened.push(bus);
  await bus.start();
  return bus;
}

/** Resolves with the first value `subscribe` hands its handler that passes `test`. */
async function next<T>(subscribe: (handler: (value: T) => void) => () => void, test: (value: T) => boolean = () => true): Promise<T> {
  return await new Promise<T>((resolve) => {
    const off = subscribe((value) => {
      if (!test(value)) return;
      off();
      resolve(value);
    });
  });
}

function rawClient(url: string) {
  return createClient({ url });
}

/** A plain client on the test's Redis, for looking at (or tampering with) what the buses wrote. */
async function withRaw(use: (raw: ReturnType<typeof rawClient>) => Promise<void>, url = redis.url): Promise<void> {
  const raw = rawClient(url);
  raw.on('error', () => {});
  await raw.connect();
  try {
    await use(raw);
  } finally {
    await raw.close();
  }
}

function record(key: string, node: string): PresenceRecord {
  return { key, name: key, node, door: 'ws', since: 1, rooms: ['#lobby'], away: null };
}

describe('RedisBus messages', () => {
  it('delivers 1,000 numbered messages per sender in order, to every other node and never back to the sender', async () => {
    const prefix = newPrefix();
    const [a, b, c] = await Promise.all([startBus(prefix), startBus(prefix), startBus(prefix)]);
    const heard = new Map<RedisBus, Array<{ from: string; n: number }>>();
    const complete = [a, b, c].map(
      (bus, index) =>
        new Promise<void>((resolve) => {
          const got: Array<{ from: string; n: number }> = [];
          heard.set(bus, got);
          // a and b each send 1,000; a hears b's, b hears a's, c hears both.
          const expected = index === 2 ? 2_000 : 1_000;
          bus.subscribe('chat', (body, from) => {
            got.push({ from, n: (body as { n: number }).n });
            if (got.length === expected) resolve();
          });
        }),
    );
    for (let n = 1; n <= 1_000; n += 1) {
      expect(a.publish('chat', { n })).toBe(true);
      expect(b.publish('chat', { n })).toBe(true);
    }
    await Promise.all(complete);
    const numbers = (bus: RedisBus, from: RedisBus): number[] => heard.get(bus)!.filter((m) => m.from === from.nodeId).map((m) => m.n);
    const oneToThousand = Array.from({ length: 1_000 }, (_, i) => i + 1);
    expect(numbers(c, a)).toEqual(oneToThousand);
    expect(numbers(c, b)).toEqual(oneToThousand);
    expect(numbers(a, b)).toEqual(oneToThousand);
    expect(numbers(b, a)).toEqual(oneToThousand);
    expect(numbers(a, a)).toEqual([]);
    expect(numbers(b, b)).toEqual([]);
    expect(c.health()).toMatchObject({ engine: 'redis', up: true });
    expect(c.health().lagMs).not.toBeNull();
  });

  it('keeps channels apart and survives a handler that throws', async () => {
    const prefix = newPrefix();
    const log = collectingLog();
    const [a, b] = await Promise.all([startBus(prefix), startBus(prefix, { log })]);
    const library: unknown[] = [];
    b.subscribe('library', (body) => library.push(body));
    b.subscribe('control', () => {
      throw new Error('handler bug');
    });
    const control = next<unknown>((handler) => b.subscribe('control', handler));
    a.publish('control', { hello: 1 });
    expect(await control).toEqual({ hello: 1 });
    expect(library).toEqual([]);
    expect(log.lines).toContainEqual({ level: 'error', message: 'a bus message handler threw' });
  });

  it('rejects start() with a clear reason when Redis cannot be reached', async () => {
    const spare = await startRedis();
    const url = spare.url;
    await spare.stop();
    const bus = new RedisBus({ url, prefix: newPrefix(), log: collectingLog() });
    await expect(bus.start()).rejects.toThrow(`cannot reach Redis at ${url}`);
    await bus.close();
  });
});

describe('RedisBus name claims', () => {
  it('gives each of 1,000 names raced by three nodes to exactly one of them', async () => {
    const prefix = newPrefix();
    const buses = await Promise.all([startBus(prefix), startBus(prefix), startBus(prefix)]);
    const keys = Array.from({ length: 1_000 }, (_, i) => `name${i}`);
    const results = await Promise.all(buses.map(async (bus) => await Promise.all(keys.map(async (key) => await bus.claimName(key)))));
    for (let i = 0; i < keys.length; i += 1) {
      const outcomes = results.map((perBus) => perBus[i]);
      expect(outcomes.filter((outcome) => outcome === 'ok')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome === 'taken')).toHaveLength(2);
    }
    // Claiming again what a node holds is ok for it and still taken for the others.
    const winner = buses[results.findIndex((perBus) => perBus[0] === 'ok')]!;
    expect(await winner.claimName('name0')).toBe('ok');
    for (const bus of buses) if (bus !== winner) expect(await bus.claimName('name0')).toBe('taken');
  });

  it('frees a released name for another node', async () => {
    const prefix = newPrefix();
    const [a, b] = await Promise.all([startBus(prefix), startBus(prefix)]);
    expect(await a.claimName('alice')).toBe('ok');
    expect(await b.claimName('alice')).toBe('taken');
    a.releaseName('alice');
    // One connection runs a's commands in order: once this answers, the release has run.
    await a.presences();
    expect(await b.claimName('alice')).toBe('ok');
    expect(await a.claimName('alice')).toBe('taken');
  });

  it('reports a held name another node took while this one was cut off', async () => {
    const prefix = newPrefix();
    const a = await startBus(prefix, { ttlMs: 300 });
    expect(await a.claimName('bob')).toBe('ok');
    const lost = next<string>((handler) => a.onClaimLost(handler));
    await withRaw(async (raw) => {
      await raw.set(`netroom:${prefix}:name:bob`, 'some-other-node');
    });
    expect(await lost).toBe('bob');
    expect(await a.claimName('bob')).toBe('taken');
  });
  it('lets a name expire no later than its node\'s liveness key, so a lost node\'s names are free', async () => {
    const prefix = newPrefix();
    const a = await startBus(prefix);
    expect(await a.claimName('eve')).toBe('ok');
    await withRaw(async (raw) => {
      const [nameTtl, nodeTtl] = (await raw.multi().pTTL(`netroom:${prefix}:name:eve`).pTTL(`netroom:${prefix}:node:${a.nodeId}`).exec()) as unknown as [number, number];
      expect(nameTtl).toBeGreaterThan(0);
      expect(nameTtl).toBeLessThanOrEqual(nodeTtl);
    });
  });
});

describe('RedisBus presence', () => {
  it('shares what a node puts, and forgets what it removes', async () => {
    const prefix = newPrefix();
    const [a, b] = await Promise.all([startBus(prefix), startBus(prefix)]);
    a.putPresence('alice', record('alice', a.nodeId));
    b.putPresence('bob', record('bob', b.nodeId));
    await Promise.all([a.presences(), b.presences()]);
    const seen = await b.presences();
    expect(seen.map((r) => [r.key, r.node]).sort()).toEqual(
      [
        ['alice', a.nodeId],
        ['bob', b.nodeId],
      ].sort(),
    );
    expect(seen.find((r) => r.key === 'alice')).toEqual(record('alice', a.nodeId));
    a.putPresence('alice', null);
    await a.presences();
    expect((await b.presences()).map((r) => r.key)).toEqual(['bob']);
  });

  it('gives back every name and presence record on close', async () => {
    const prefix = newPrefix();
    const [a, b] = await Promise.all([startBus(prefix), startBus(prefix)]);
    expect(await a.claimName('carol')).toBe('ok');
    a.putPresence('carol', record('carol', a.nodeId));
    await a.close();
    expect(a.health().up).toBe(false);
    expect(a.publish('chat', {})).toBe(false);
    expect(await b.presences()).toEqual([]);
    expect(await b.claimName('carol')).toBe('ok');
  });
});

/** A bus in a child process (the built code), holding `name` and its presence; killed with SIGKILL by the test. */
async function childBus(prefix: string, name: string): Promise<{ child: ChildProcess; nodeId: string }> {
  const program = `
    const { RedisBus } = await import(${JSON.stringify(BUILT_BUS)});
    const bus = new RedisBus({ url: ${JSON.stringify(redis.url)}, prefix: ${JSON.stringify(prefix)}, ttlMs: 1000 });
    await bus.start();
    if ((await bus.claimName(${JSON.stringify(name)})) !== 'ok') throw new Error('claim refused');
    bus.putPresence(${JSON.stringify(name)}, { key: ${JSON.stringify(name)}, name: ${JSON.stringify(name)}, node: bus.nodeId, door: 'irc', since: 1, rooms: [], away: null });
    await bus.presences();
    console.log('ready ' + bus.nodeId);
    setInterval(() => {}, 60_000);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', program], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const nodeId = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('ready ')) resolve(line.slice('ready '.length));
    });
    child.once('exit', (code) => reject(new Error(`the child bus exited (${code}) before it was ready: ${stderr}`)));
  });
  return { child, nodeId };
}

describe('RedisBus node loss', () => {
  it('tells survivors when a node is killed, frees its names, and lets exactly one survivor reap it', async () => {
    const prefix = newPrefix();
    const [a, b] = await Promise.all([startBus(prefix, { ttlMs: 1_000 }), startBus(prefix, { ttlMs: 1_000 })]);
    const { child, nodeId } = await childBus(prefix, 'zed');
    expect(await a.claimName('zed')).toBe('taken');
    expect((await a.presences()).map((r) => [r.key, r.node])).toEqual([['zed', nodeId]]);
    const lostOnA = next<string>((handler) => a.onNodeLost(handler));
    const lostOnB = next<string>((handler) => b.onNodeLost(handler));
    child.kill('SIGKILL');
    expect(await lostOnA).toBe(nodeId);
    expect(await lostOnB).toBe(nodeId);
    // Its names lapse with its liveness key, and a dead node's presence is no longer listed.
    expect(await a.claimName('zed')).toBe('ok');
    expect(await b.presences()).toEqual([]);
    const wins = await Promise.all([a.claimReap(nodeId), b.claimReap(nodeId)]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    // The winner removed its record from the hash itself, not only from the filtered view.
    await withRaw(async (raw) => {
      expect(await raw.hKeys(`netroom:${prefix}:presence`)).toEqual([]);
      expect(await raw.sIsMember(`netroom:${prefix}:nodes`, nodeId)).toBe(0);
    });
  });

  it('lets exactly one node reap a node that is saying goodbye', async () => {
    const prefix = newPrefix();
    const [a, b, leaving] = await Promise.all([startBus(prefix), startBus(prefix), startBus(prefix)]);
    leaving.putPresence('dora', record('dora', leaving.nodeId));
    await leaving.presences();
    const wins = await Promise.all([a.claimReap(leaving.nodeId), b.claimReap(leaving.nodeId)]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await a.presences()).toEqual([]);
  });
  it('rewrites its presence and reports down then up when its own liveness key lapsed (others may have reaped it)', async () => {
    const prefix = newPrefix();
    const [a, b] = await Promise.all([startBus(prefix, { ttlMs: 300 }), startBus(prefix)]);
    a.putPresence('fay', record('fay', a.nodeId));
    await a.presences();
    const statuses: boolean[] = [];
    a.onStatus((up) => statuses.push(up));
    const back = next<boolean>((handler) => a.onStatus(handler), (up) => up);
    // What a survivor's reap leaves behind after this node stalled past its TTL.
    await withRaw(async (raw) => {
      await raw.del(`netroom:${prefix}:node:${a.nodeId}`);
      await raw.hDel(`netroom:${prefix}:presence`, 'fay');
    });
    await back;
    expect(statuses).toEqual([false, true]);
    expect((await b.presences()).map((r) => r.key)).toEqual(['fay']);
  });
});

describe('RedisBus when Redis restarts', () => {
  it('reports down and up, refuses to publish meanwhile, then re-claims, rewrites presence and carries messages again', async () => {
    const own = await startRedis();
    try {
      const prefix = newPrefix();
      const options = { url: own.url, ttlMs: 1_000 };
      const [a, b] = await Promise.all([startBus(prefix, options), startBus(prefix, options)]);
      expect(await a.claimName('amy')).toBe('ok');
      a.putPresence('amy', record('amy', a.nodeId));
      await a.presences();

      const downA = next<boolean>((handler) => a.onStatus(handler));
      const downB = next<boolean>((handler) => b.onStatus(handler));
      own.kill();
      expect(await downA).toBe(false);
      expect(await downB).toBe(false);
      expect(a.publish('chat', { n: 1 })).toBe(false);
      expect(await a.claimName('ann')).toBe('unavailable');
      await expect(a.presences()).rejects.toThrow(/unreachable/);
      expect(a.health()).toMatchObject({ engine: 'redis', up: false });
      expect(a.health().error).toBeTruthy();
      // Changed while down: applied from the local copy once Redis is back.
      a.putPresence('abe', record('abe', a.nodeId));

      const upA = next<boolean>((handler) => a.onStatus(handler));
      const upB = next<boolean>((handler) => b.onStatus(handler));
      await own.restart();
      expect(await upA).toBe(true);
      expect(await upB).toBe(true);
      expect(a.health()).toMatchObject({ up: true });
      expect(a.health().error).toBeUndefined();

      expect(await b.claimName('amy')).toBe('taken');
      expect((await b.presences()).map((r) => r.key).sort()).toEqual(['abe', 'amy']);
      const heard = next<unknown>((handler) => b.subscribe('chat', handler));
      expect(a.publish('chat', { n: 2 })).toBe(true);
      expect(await heard).toEqual({ n: 2 });
    } finally {
      await Promise.all(opened.splice(0).map((bus) => bus.close()));
      await own.stop();
    }
  });
});
