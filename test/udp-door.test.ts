// Integration tests of the seed UDP door through real sockets on 127.0.0.1 (SPEC 3.1).
import { isUtf8 } from 'node:buffer';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { LOBBY } from '../src/core/chat/types.js';
import { Library } from '../src/core/library.js';
import { UdpDoor } from '../src/doors/udp/door.js';
import { silentLogger } from '../src/log.js';
import { padded, udpRigPerTest, joinedMembers, type TestUdpClient } from './helpers/udp.js';

const start = udpRigPerTest();

/** Read datagrams until `expected` bytes have arrived; returns them in order. */
async function readBytes(client: TestUdpClient, expected: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < expected) {
    const chunk = await client.nextBuffer();
    chunks.push(chunk);
    total += chunk.length;
  }
  return chunks;
}

describe('UDP door: entering and notices', () => {
  it('says where it listens', async () => {
    const { door, port } = await start();
    expect(door.address()).toEqual({ door: 'udp', protocol: 'udp', host: '127.0.0.1', port });
    expect(port).toBeGreaterThan(0);
  });

  it('rejects listen() when the port is taken', async () => {
    const r = await start();
    const ctx = { chat: r.chat, library: new Library(tmpdir()), lang: 'en' as const, log: silentLogger() };
    const second = new UdpDoor(ctx, { host: '127.0.0.1', port: r.port });
    await expect(second.listen()).rejects.toThrow(/EADDRINUSE/);
    await second.close(); // nothing to close, no throw
  });

  it('answers OK and sends the join notice to the others only', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    expect(await a.next()).toBe('\nbob joined the room');
    await r.member('carol');
    expect(await a.next()).toBe('\ncarol joined the room');
    // bob's next datagram is carol's join: he never got his own.
    expect(await b.next()).toBe('\ncarol joined the room');
    expect(r.chat.members(LOBBY).map((m) => m.name)).toEqual(['alice', 'bob', 'carol']);
    expect(r.door.peers.size).toBe(3);
  });

  it('sends a message to everyone but its sender', async () => {
    const r = await start();
    const [a, b, c] = await joinedMembers(r, 'alice', 'bob', 'carol');
    a.send('C alice hello  there, 你好');
    expect(await b.next()).toBe('\nalice: hello  there, 你好');
    expect(await c.next()).toBe('\nalice: hello  there, 你好');
    b.send('C bob second');
    // alice's next datagram is bob's message: her own was not echoed.
    expect(await a.next()).toBe('\nbob: second');
  });

  it('accepts the name in another case or with a trailing newline (nc -u)', async () => {
    const r = await start();
    const [a, b] = await joinedMembers(r, 'Alice', 'bob');
    a.send('C alice lower case\r\n');
    expect(await b.next()).toBe('\nAlice: lower case');
    const c = await r.client();
    expect(await c.request('L carol\n')).toBe('OK');
  });

  it('sends EXIT to a quitter and the leave notice to the others; the name is free again', async () => {
    const r = await start();
    const [a, b] = await joinedMembers(r, 'alice', 'bob');
    expect(await b.request('Q bob')).toBe('EXIT');
    expect(await a.next()).toBe('\nbob left the room');
    expect(r.chat.find('bob')).toBeUndefined();
    expect(r.door.peers.size).toBe(1);
    expect(await b.request('L bob')).toBe('OK');
    expect(await a.next()).toBe('\nbob joined the room');
  });

  it('answers a repeated L from the same address with OK and no second join', async () => {
    const r = await start();
    const [a, b] = await joinedMembers(r, 'alice', 'bob');
    expect(await b.request('L bob')).toBe('OK'); // our first OK was "lost"
    expect(await b.request('L BOB')).toBe('OK');
    expect(await b.request('L other')).toMatch(/^ERROR ALREADY_IN_ROOM: .*bob/);
    await r.member('carol');
    expect(await a.next()).toBe('\ncarol joined the room');
    expect(r.chat.size).toBe(3);
  });
});

describe('UDP door: refusals', () => {
  it('refuses a name already taken, in any case, and the seed client can try again', async () => {
    const r = await start();
    await r.member('Alice');
    const b = await r.client();
    // Padded as netroom's client sends it: the full text fits (issue 10 item 7; see udp-guard.test.ts).
    const reply = await b.request(padded('L alice'));
    expect(reply).toMatch(/^ERROR NAME_TAKEN: /);
    expect(reply).not.toContain('OK');
    expect(await b.request('L alice2')).toBe('OK');
  });

  it('refuses reserved and malformed names', async () => {
    const r = await start();
    const c = await r.client();
    for (const name of ['admin', '管理员', 'ADMIN', 'Server', 'netroom']) {
      expect(await c.request(padded(`L ${name}`))).toMatch(/^ERROR RESERVED_NAME: /);
    }
    expect(await c.request(padded('L Zhang San'))).toMatch(/^ERROR BAD_NAME: .*spaces/);
    expect(await c.request(padded('L '))).toMatch(/^ERROR BAD_NAME: /);
    expect(await c.request(padded('L a@b'))).toMatch(/^ERROR BAD_NAME: /);
    expect(await c.request(padded(`L ${'x'.repeat(33)}`))).toMatch(/^ERROR BAD_NAME: /);
    expect(r.chat.size).toBe(0);
  });

  it('refuses impersonation: C and Q with a name bound to another address', async () => {
    const r = await start();
    const [alice, mallory] = await joinedMembers(r, 'alice', 'mallory');
    const stranger = await r.client();
    expect(await mallory.request('C alice I am alice')).toMatch(/^\nERROR NOT_IN_ROOM: .*mallory/);
    expect(await mallory.request('Q alice')).toMatch(/^\nERROR NOT_IN_ROOM: /);
    // A stranger gets no more bytes than it sent: `C alice hi` (10 bytes) has room for a word only.
    expect(await stranger.request('C alice hi')).toBe('ERROR');
    expect(await stranger.request(padded('Q alice'))).toMatch(/^ERROR NOT_IN_ROOM: /);
    expect(await stranger.request(padded('H alice'))).toMatch(/^ERROR NOT_IN_ROOM: /);
    expect(r.chat.find('alice')).toBeDefined();
    mallory.send('C mallory ok');
    // Nothing of the above reached alice: her next datagram is mallory's honest message.
    expect(await alice.next()).toBe('\nmallory: ok');
  });

  it('answers garbage with an error no longer than the garbage and keeps working', async () => {
    const r = await start();
    const a = await r.member('alice');
    const g = await r.client();
    const garbage: [Buffer, string | RegExp][] = [
      [Buffer.from([0xff, 0x00, 0x13, 0x37, 0xfe, 0x80]), 'ERROR'],
      [Buffer.from([0x4c, 0x20, 0xc3, 0x28]), 'NO'], // "L " + invalid UTF-8
      [Buffer.from('X foo'), 'ERROR'],
      [Buffer.from('Lalice'), 'ERROR'],
      [Buffer.from('hello'), 'ERROR'],
      [Buffer.from('Z' + 'z'.repeat(200)), /^ERROR BAD_REQUEST: /],
      [Buffer.alloc(60_000, 0x41), /^ERROR BAD_REQUEST: /],
    ];
    for (const [datagram, answer] of garbage) {
      const reply = await g.request(datagram);
      expect(Buffer.byteLength(reply)).toBeLessThanOrEqual(datagram.length);
      if (typeof answer === 'string') expect(reply).toBe(answer);
      else expect(reply).toMatch(answer);
    }
    // An empty datagram has no room for any answer: silence (the OK below is the next datagram).
    g.send(Buffer.alloc(0));
    // A member sending garbage gets the error notice-style (leading newline), in full.
    expect(await a.request('Z')).toMatch(/^\nERROR BAD_REQUEST: /);
    expect(await g.request('L gina')).toBe('OK');
    expect(await a.next()).toBe('\ngina joined the room');
  });

  it('refuses empty and oversize messages to the sender only', async () => {
    const r = await start();
    const [a, b] = await joinedMembers(r, 'alice', 'bob');
    expect(await a.request('C alice ')).toMatch(/^\nERROR EMPTY_MESSAGE: /);
    expect(await a.request('C alice    ')).toMatch(/^\nERROR EMPTY_MESSAGE: /);
    expect(await a.request(`C alice ${'x'.repeat(2001)}`)).toMatch(/^\nERROR MESSAGE_TOO_LONG: /);
    a.send('C alice fine');
    expect(await b.next()).toBe('\nalice: fine');
  });

  it('refuses a flood to the flooder only', async () => {
    const r = await start({ flood: { rate: 0.001, burst: 2 } });
    const [a, b, c] = await joinedMembers(r, 'alice', 'bob', 'carol');
    a.send('C alice one');
    a.send('C alice two');
    expect(await a.request('C alice three')).toMatch(/^\nERROR RATE_LIMITED: /);
    expect(await b.next()).toBe('\nalice: one');
    expect(await b.next()).toBe('\nalice: two');
    c.send('C carol after');
    expect(await b.next()).toBe('\ncarol: after');
  });
});

describe('UDP door: long notices and languages', () => {
  it('splits a 2000-character Chinese message into datagrams of at most 1024 bytes', async () => {
    const r = await start();
    const [a, b] = await joinedMembers(r, 'alice', 'bob');
    const text = '中文消息😀'.repeat(400); // 2000 code points, 6400 bytes (> the 1024 a seed client reads)
    expect([...text].length).toBe(2000);
    a.send(`C alice ${text}`);
    const expected = Buffer.from(`\nalice: ${text}`);
    const chunks = await readBytes(b, expected.length);
    expect(chunks.length).toBeGreaterThanOrEqual(7);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(1024);
      expect(isUtf8(chunk)).toBe(true);
    }
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
  });

  it('uses the seeds\' Chinese texts with --lang zh', async () => {
    const r = await start({ lang: 'zh' });
    const a = await r.member('alice');
    const b = await r.member('张三');
    expect(await a.next()).toBe('\n欢迎 张三 进入聊天室');
    b.send('C 张三 你好 大家');
    expect(await a.next()).toBe('\n张三 说: 你好 大家');
    r.chat.announce('今天休息');
    expect(await a.next()).toBe('\n管理员 说: 今天休息');
    expect(await b.next()).toBe('\n管理员 说: 今天休息');
    const c = await r.client();
    expect(await c.request(padded('L alice'))).toBe('该用户已存在 (NAME_TAKEN)');
    // The seeds' own client does not pad: `L alice` (7 bytes) gets the longest text that fits.
    expect(await c.request('L alice')).toBe('错误');
    expect(await b.request('Q 张三')).toBe('EXIT');
    expect(await a.next()).toBe('\n张三 离开了聊天室');
  });

  it('sends announcements and file notices to every member, their origin included', async () => {
    const r = await start();
    const [a, b] = await joinedMembers(r, 'alice', 'bob');
    r.chat.announce('maintenance at noon');
    expect(await a.next()).toBe('\n[admin] maintenance at noon');
    expect(await b.next()).toBe('\n[admin] maintenance at noon');
    r.chat.fileShared('docs/a.txt', 2048, 'alice');
    expect(await a.next()).toBe('\nalice shared docs/a.txt (2.0 KiB)');
    expect(await b.next()).toBe('\nalice shared docs/a.txt (2.0 KiB)');
  });
});

describe('UDP door: leaving by other paths', () => {
  it('expires a heartbeating client after three missed intervals, never a silent seed client', async () => {
    const r = await start({ heartbeatMs: 50 });
    const a = await r.member('alice');
    const b = await r.member('bob');
    await r.member('carol');
    await b.waitFor('\ncarol joined the room');
    a.send('H alice'); // a good heartbeat gets no reply...
    a.send('C alice beat');
    expect(await b.next()).toBe('\nalice: beat');
    // ...then alice goes silent.
    expect(await b.next()).toBe('\nalice left the room');
    expect(r.chat.find('alice')).toBeUndefined();
    expect(r.door.peers.size).toBe(2);
    // bob and carol never sent H: still in, after at least three intervals.
    expect(r.chat.members(LOBBY).map((m) => m.name)).toEqual(['bob', 'carol']);
    // alice's next heartbeat tells her she is out, so a client can enter again.
    a.send(padded('H alice'));
    expect(await a.waitFor((t) => t.startsWith('ERROR'))).toMatch(/^ERROR NOT_IN_ROOM: /);
    expect(await a.request('L alice')).toBe('OK');
  });

  it('forgets a member that left through the chat, so the address can enter again', async () => {
    const r = await start();
    const [a, b] = await joinedMembers(r, 'alice', 'bob');
    const bob = r.chat.find('bob');
    if (!bob) throw new Error('bob is not in the room');
    r.chat.disconnect(bob, 'disconnect');
    expect(await a.next()).toBe('\nbob left the room');
    expect(r.door.peers.size).toBe(1);
    // No longer a member: the answer fits in the 17 bytes it sent (issue 10 item 7).
    expect(await b.request('C bob still here?')).toBe('ERROR NOT_IN_ROOM');
    expect(await b.request('L bob')).toBe('OK');
    expect(await a.next()).toBe('\nbob joined the room');
    expect(r.chat.find('bob')).toBeDefined();
  });

  it('sends the closing notice then EXIT to everyone when the chat closes', async () => {
    const r = await start();
    const [a, b] = await joinedMembers(r, 'alice', 'bob');
    r.chat.close();
    for (const c of [a, b]) {
      expect(await c.next()).toBe('\nthe server is closing');
      expect(await c.next()).toBe('EXIT');
    }
    expect(r.door.peers.size).toBe(0);
    await Promise.all([r.door.close(), r.door.close()]); // concurrent calls share one shutdown
    await r.door.close(); // and later ones are no-ops
  });

  it('dismisses its members with EXIT when the door closes but the chat goes on', async () => {
    const r = await start();
    const a = await r.member('alice');
    const leaves: string[] = [];
    r.chat.subscribe((e) => {
      if (e.kind === 'quit') leaves.push(`${e.name}:${e.reason}:${e.rooms.join(',')}`);
    });
    await r.door.close();
    expect(await a.next()).toBe('EXIT');
    expect(leaves).toEqual(['alice:shutdown:#lobby']);
    expect(r.chat.size).toBe(0);
  });

  it('keeps serving when a member vanished without a word (ICMP port unreachable)', async () => {
    const r = await start();
    const gone = await r.member('ghost');
    const b = await r.member('bob');
    const c = await r.member('carol');
    await b.waitFor('\ncarol joined the room');
    gone.close();
    b.send('C bob anyone?');
    expect(await c.next()).toBe('\nbob: anyone?');
    b.send('C bob again');
    expect(await c.next()).toBe('\nbob: again');
    expect(r.chat.find('ghost')).toBeDefined(); // a seed client that vanished keeps its name
  });
});
