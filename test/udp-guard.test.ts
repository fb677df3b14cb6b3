// Issue 10 items 6 and 7 on the seed UDP door: member caps, no amplification, error replies rate-limited.
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Library } from '../src/core/library.js';
import { Chat } from '../src/core/chat/chat.js';
import { UdpDoor } from '../src/doors/udp/door.js';
import { LogThrottle, ReplyBudgets } from '../src/doors/udp/guard.js';
import { hasPython } from './helpers/seedfiles.js';
import { TestUdpClient, padded, udpRigPerTest, joinedMembers } from './helpers/udp.js';
import { SEED_LOGIN_DEF } from './helpers/seed-login.js';

const start = udpRigPerTest();

/** Plenty of error replies, for tests about something else than their rate. */
const UNLIMITED = { rate: 1_000_000, burst: 1_000_000 };

describe('UDP door: member caps (issue 10 item 6)', () => {
  it('admits at most --udp-max-members in all: 15 sockets, cap 10; a place freed is a place taken', async () => {
    const r = await start({ maxMembers: 10, maxPerAddress: 100 });
    const clients = await Promise.all(Array.from({ length: 15 }, () => r.client()));
    const replies: string[] = [];
    for (const [i, c] of clients.entries()) replies.push(await c.request(padded(`L u${i}`)));
    expect(replies.slice(0, 10)).toEqual(Array(10).fill('OK'));
    for (const reply of replies.slice(10)) expect(reply).toMatch(/^ERROR TOO_MANY_MEMBERS: the UDP door is full \(10 members\)/);
    expect(r.door.peers.size).toBe(10);
    expect(r.chat.size).toBe(10);
    // A refused client unpadded (as the seeds' client sends) gets what fits in its 5 bytes.
    expect(await clients[14]!.request('L u14')).toBe('ERROR');
    clients[0]!.send('Q u0');
    await clients[0]!.waitFor('EXIT');
    expect(await clients[14]!.request('L u14')).toBe('OK');
    expect(r.door.peers.size).toBe(10);
  });

  it('admits at most --udp-max-per-address from one IP, whatever the ports; another IP still enters', async () => {
    const r = await start({ maxPerAddress: 3 });
    const replies: string[] = [];
    for (let i = 0; i < 5; i++) replies.push(await (await r.client()).request(padded(`L p${i}`)));
    expect(replies.slice(0, 3)).toEqual(['OK', 'OK', 'OK']);
    for (const reply of replies.slice(3)) expect(reply).toMatch(/^ERROR TOO_MANY_MEMBERS: 3 members already entered from this address/);
    const other = await TestUdpClient.open(r.port, '127.0.0.1', '127.0.0.2');
    try {
      expect(await other.request('L elsewhere')).toBe('OK');
    } finally {
      other.close();
    }
    expect(r.door.peers.size).toBe(4);
    expect(r.door.peers.countAt('127.0.0.1')).toBe(3);
  });

  it('logs refusals, once per interval with a count instead of once per datagram', async () => {
    const lines: { msg: string; suppressed?: number }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as { msg: string });
        done();
      },
    });
    const chat = new Chat({ flood: null });
    const ctx = { chat, library: new Library(tmpdir()), lang: 'en' as const, log: pino({ level: 'info' }, sink) };
    const door = new UdpDoor(ctx, { host: '127.0.0.1', port: 0, maxMembers: 1, errorRate: UNLIMITED });
    await door.listen();
    const a = await TestUdpClient.open(door.address().port);
    const b = await TestUdpClient.open(door.address().port);
    try {
      await a.enter('first');
      for (let i = 0; i < 20; i++) expect(await b.request(padded(`L n${i}`))).toMatch(/^ERROR TOO_MANY_MEMBERS: /);
      const refusals = lines.filter((l) => l.msg.startsWith('udp enter refused: the UDP door is full'));
      // One line for the first refusal; the rest are counted into the next line (10 s later).
      expect(refusals.length).toBeGreaterThanOrEqual(1);
      expect(refusals.length).toBeLessThanOrEqual(2);
    } finally {
      a.close();
      b.close();
      await door.close();
    }
  });
});

/** A small deterministic generator, so a failing datagram can be found again. */
function* pseudoRandomDatagrams(count: number): Generator<Buffer> {
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  for (let i = 0; i < count; i++) {
    const buf = Buffer.alloc(next() % 65);
    for (let j = 0; j < buf.length; j++) buf[j] = next() & 0xff;
    // Never a real `L` (the probe must stay a stranger); C, Q and H from a stranger are fine.
    if (buf[0] === 0x4c) buf[0] = 0x43;
    yield buf;
  }
}

describe('UDP door: no amplification (issue 10 item 7, SPEC section 4)', () => {
  it('never answers an address that has not entered with more bytes than it sent; silence when nothing fits', async () => {
    const r = await start({ errorRate: UNLIMITED });
    await r.member('alice');
    const probe = await r.client();
    // The marker: a padded request whose full error ends each round, so silence can be observed.
    const marker = padded('H nobody');
    const fixed = ['', 'x', 'L', 'C', 'Q', 'H', 'L ', 'C a', 'Q a', 'H a', 'Lx', 'L alice', 'L ALICE', 'L admin', 'L a@b', 'C alice hi', `L ${'x'.repeat(40)}`];
    const inputs = [...fixed.map((t) => Buffer.from(t, 'utf8')), ...pseudoRandomDatagrams(200)];
    const answers = new Map<string, string[]>();
    for (const input of inputs) {
      probe.send(input);
      probe.send(marker);
      const got: string[] = [];
      for (;;) {
        const reply = await probe.nextBuffer();
        if (reply.toString('utf8').startsWith('ERROR NOT_IN_ROOM: nobody')) break;
        expect(reply.length, `answer to ${input.toString('hex')}`).toBeLessThanOrEqual(input.length);
        got.push(reply.toString('utf8'));
      }
      expect(got.length).toBeLessThanOrEqual(1);
      answers.set(input.toString('utf8'), got);
    }
    expect(answers.get('')).toEqual([]);
    expect(answers.get('x')).toEqual([]);
    expect(answers.get('L ')).toEqual(['NO']);
    expect(answers.get('L alice')).toEqual(['ERROR']);
    expect(answers.get('L admin')).toEqual(['ERROR']);
    expect(answers.get('C alice hi')).toEqual(['ERROR']);
    expect(r.door.peers.size).toBe(1);
  });

  it('rate-limits error replies per source IP: a burst of 10, then silence; another IP is not affected', async () => {
    const r = await start({ errorRate: { rate: 0.001, burst: 10 } });
    const bad = Buffer.from('Z' + 'z'.repeat(200));
    const g = await r.client();
    for (let i = 0; i < 30; i++) g.send(bad);
    // The OK to a good L is no error reply: it comes whatever the budget, and ends the count.
    g.send(padded('L gina'));
    let errors = 0;
    for (let reply = await g.next(); reply !== 'OK'; reply = await g.next()) {
      expect(reply).toMatch(/^ERROR BAD_REQUEST: /);
      errors += 1;
    }
    expect(errors).toBe(10);
    // Another port of the same IP shares the stranger budget (a forged source costs nothing)...
    const h = await r.client();
    h.send(bad);
    expect(await h.request(padded('L hank'))).toBe('OK');
    // ...another IP has its own.
    const other = await TestUdpClient.open(r.port, '127.0.0.1', '127.0.0.3');
    try {
      expect(await other.request(bad)).toMatch(/^ERROR BAD_REQUEST: /);
    } finally {
      other.close();
    }
  });

  it('keeps a budget per member for members, so one noisy member behind a NAT does not silence the others', async () => {
    const r = await start({ errorRate: { rate: 0.001, burst: 10 } });
    const [a, b] = await joinedMembers(r, 'alice', 'bob');
    for (let i = 0; i < 20; i++) a.send('Z');
    a.send('L alice'); // our OK "lost": answered again, no error, so it ends the count
    let errors = 0;
    for (let reply = await a.next(); reply !== 'OK'; reply = await a.next()) {
      expect(reply).toMatch(/^\nERROR BAD_REQUEST: /);
      errors += 1;
    }
    expect(errors).toBe(10);
    expect(await b.request('Z')).toMatch(/^\nERROR BAD_REQUEST: /);
  });

  it('forgets idle budgets: the table stays bounded under a flood of sources', () => {
    const budgets = new ReplyBudgets({ rate: 5, burst: 10 });
    for (let i = 0; i < 25_000; i++) budgets.take(`10.0.${i >> 8}.${i & 255}`, i);
    expect(budgets.size).toBeLessThanOrEqual(10_000);
    const throttle = new LogThrottle(1000);
    expect(throttle.allow('x', 0)).toEqual({ log: true, suppressed: 0 });
    expect(throttle.allow('x', 10).log).toBe(false);
    expect(throttle.allow('x', 20).log).toBe(false);
    expect(throttle.allow('x', 1000)).toEqual({ log: true, suppressed: 2 });
  });
});

/** The seeds' client login (seed 002 `login`, verbatim), then the name it entered with. */
const SEED_LOGIN = `
import socket, sys

${SEED_LOGIN_DEF}
# Driver (not in the seed): log in, say which name, leave.
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ADDR = ('127.0.0.1', int(sys.argv[1]))
name = login(s, ADDR)
print("NAME=" + name)
s.sendto(("Q " + name).encode(), ADDR)
`;

async function seedLogin(port: number, names: readonly string[]): Promise<string[]> {
  const child = spawn('python3', ['-c', SEED_LOGIN, String(port)], { stdio: 'pipe' });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (stdout += d));
  child.stdin.end(names.map((n) => n + '\n').join(''));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(0);
  // input() prompts have no newline: split the answers from them.
  return stdout.split('请输入用户名:').join('').split('\n').filter((l) => l !== '');
}

describe.skipIf(!hasPython())("the seeds' client flow with the size rule", () => {
  it('gets a refusal it prints for a taken name (as long as its `L NAME` allows), then enters with the next name', async () => {
    const r = await start();
    await r.member('alice');
    await r.member('张三');
    await r.member('alexander_the_great');
    const out = await seedLogin(r.port, ['alice', '张三', 'alexander_the_great', 'bob']);
    // L alice: 7 bytes; L 张三: 8; L alexander_the_great: 21.
    expect(out).toEqual(['ERROR', 'ERROR', 'ERROR NAME_TAKEN', '@进入聊天室@', 'NAME=bob']);
  });

  it('in Chinese: the seeds’ own text when it fits, a short one otherwise', async () => {
    const r = await start({ lang: 'zh' });
    await r.member('alice');
    await r.member('alexander_the_great');
    const out = await seedLogin(r.port, ['alice', 'alexander_the_great', '李四']);
    expect(out).toEqual(['错误', '该用户已存在', '@进入聊天室@', 'NAME=李四']);
  });
});
