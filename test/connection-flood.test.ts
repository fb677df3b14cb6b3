// Issue 10 items 3-4: a flood of idle connections from one address is capped on every TCP door, logged, and never locks others out; silent connections go.
import { afterEach, describe, expect, it } from 'vitest';
import { connectFrom, startDoors, type DoorsRig, type RawClient } from './helpers/limits.js';

const CAP = 20;
const FLOOD = 25;

let rig: DoorsRig | null = null;
const clients: RawClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.destroy();
  await rig?.close();
  rig = null;
});

/** Open `count` connections one after the other (so the server accepts them in this order). */
async function flood(port: number, count: number, from = '127.0.0.1'): Promise<RawClient[]> {
  const opened: RawClient[] = [];
  for (let i = 0; i < count; i++) {
    const client = await connectFrom(port, from);
    opened.push(client);
    clients.push(client);
  }
  return opened;
}

/** What each door says when it refuses (a regexp over everything the refused client received). */
const REFUSALS = {
  http: /^HTTP\/1\.1 503 Service Unavailable\r\n[^]*Too many connections from your address/u,
  irc: /^ERROR :Too many connections from your address\r\n$/u,
  ftp: /^421 Too many connections from your address/u,
  seed: /^$/u,
} as const;

describe('connection caps on every TCP door (issue 10 item 3)', () => {
  it(`refuses the ${CAP + 1}st and later idle connections from one address on each door, still serves another address, and logs once`, async () => {
    rig = await startDoors({ limits: { maxConnections: 1000, maxPerAddress: CAP } });
    const { ports } = rig;
    for (const door of ['http', 'irc', 'ftp', 'seed'] as const) {
      const opened = await flood(ports[door], FLOOD);
      // Accepted in order: the refused ones are the last five, closed by the server with the door's reply.
      const refused = opened.slice(CAP);
      for (const client of refused) expect(await client.closed, door).toMatch(REFUSALS[door]);
      // The 25th was handled after the first 20, so they have been admitted (and are still open).
      for (const client of opened.slice(0, CAP)) expect(client.socket.destroyed, door).toBe(false);
      if (door === 'ftp') for (const client of opened.slice(0, CAP)) await client.waitFor(/^220 /u);
    }
    expect(rig.limits.open).toBe(4 * CAP);

    // Another address (127.0.0.2 is loopback too) is served by every door.
    const web = await connectFrom(ports.http, '127.0.0.2');
    clients.push(web);
    web.socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${ports.http}\r\nConnection: close\r\n\r\n`);
    expect(await web.closed).toMatch(/^HTTP\/1\.1 200 /u);
    const irc = await connectFrom(ports.irc, '127.0.0.2');
    clients.push(irc);
    irc.socket.write('NICK carol\r\nUSER carol 0 * :Carol\r\n');
    await irc.waitFor(/ 001 carol /u);
    const ftp = await connectFrom(ports.ftp, '127.0.0.2');
    clients.push(ftp);
    await ftp.waitFor(/^220 /u);
    const seed = await connectFrom(ports.seed, '127.0.0.2');
    clients.push(seed);
    seed.socket.write('L\n');
    await seed.waitFor(/hello\.txt/u);

    // One line for the flood from 127.0.0.1 (twenty refusals over four doors), the rest counted.
    const lines = rig.records.filter((r) => r.msg.startsWith('connection refused'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ door: 'http', reason: 'address', address: '127.0.0.1', cap: CAP, refused: 1, level: 40 });
    rig.limits.close(); // the window's end: the count not yet written comes out now
    const summary = rig.records.filter((r) => r.msg.startsWith('connections refused'));
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ address: '127.0.0.1', reason: 'address', refused: 4 * (FLOOD - CAP) - 1 });
  });

  it('frees a place when a connection closes', async () => {
    rig = await startDoors({ limits: { maxConnections: 1000, maxPerAddress: 2 } });
    const [first] = await flood(rig.ports.ftp, 2);
    const [third] = await flood(rig.ports.ftp, 1);
    expect(await third!.closed).toMatch(REFUSALS.ftp);
    first!.socket.destroy();
    await first!.closed;
    // The server sees the close a moment after the client: an attempt in between may still be refused.
    let reply = '';
    for (let tries = 0; tries < 100 && !reply.startsWith('220 '); tries++) {
      const [again] = await flood(rig.ports.ftp, 1);
      reply = await Promise.race([again!.waitFor(/^220 /u), again!.closed]);
    }
    expect(reply).toMatch(/^220 /u);
  });

  it('caps connections across all doors together, with the server-wide reply', async () => {
    rig = await startDoors({ limits: { maxConnections: 30, maxPerAddress: 100 } });
    await flood(rig.ports.http, 20);
    const irc = await flood(rig.ports.irc, 11);
    expect(await irc[10]!.closed).toBe('ERROR :Too many connections on this server\r\n');
    const [ftp] = await flood(rig.ports.ftp, 1, '127.0.0.3');
    expect(await ftp!.closed).toMatch(/^421 Too many connections on this server/u);
    expect(rig.records.filter((r) => r.msg.startsWith('connection refused'))).toEqual([
      expect.objectContaining({ door: 'irc', reason: 'server', cap: 30 }),
      expect.objectContaining({ door: 'ftp', reason: 'server', cap: 30 }),
    ]);
  });

  it("FTP's own caps still apply under the shared ones (--ftp-max-per-ip)", async () => {
    rig = await startDoors({ limits: { maxConnections: 1000, maxPerAddress: 100 }, ftp: { maxPerIp: 3 } });
    const opened = await flood(rig.ports.ftp, 4);
    expect(await opened[3]!.closed).toMatch(REFUSALS.ftp);
    const http = await flood(rig.ports.http, 4);
    expect(http.every((c) => !c.socket.destroyed)).toBe(true);
  });
});

describe('time to first request or login on every TCP door (issue 10 items 3-4)', () => {
  const SHORT = 300;

  it('closes a connection that sends nothing: HTTP 408, IRC ERROR, FTP 421, seed files silently', async () => {
    rig = await startDoors({
      limits: { maxConnections: 1000, maxPerAddress: 100 },
      http: { firstRequestTimeoutMs: SHORT },
      irc: { registrationTimeoutMs: SHORT },
      ftp: { loginTimeoutMs: SHORT },
      seed: { firstCommandTimeoutMs: SHORT },
    });
    const [http] = await flood(rig.ports.http, 1);
    const [irc] = await flood(rig.ports.irc, 1);
    const [ftp] = await flood(rig.ports.ftp, 1);
    const [seed] = await flood(rig.ports.seed, 1);
    expect(await http!.closed).toMatch(/^HTTP\/1\.1 408 /u);
    expect(await irc!.closed).toMatch(/^ERROR :Closing link: \*\[[^\]]*\] \(Registration timeout\)\r\n$/u);
    expect(await ftp!.closed).toMatch(/^220 .*\r\n421 Login timeout/u);
    expect(await seed!.closed).toBe('');
    // The server's side of each socket closes after the client saw it: wait for every place to be given back.
    await rig.limits.whenIdle();
    expect(rig.limits.open).toBe(0);
  });

  it('an HTTP request head sent too slowly is cut the same way (slowloris)', async () => {
    rig = await startDoors({ limits: { maxConnections: 1000, maxPerAddress: 100 }, http: { firstRequestTimeoutMs: SHORT } });
    const [http] = await flood(rig.ports.http, 1);
    http!.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect(await http!.closed).toMatch(/^HTTP\/1\.1 408 /u);
  });

  it('FTP lockout (item 4): idle connections from four addresses that fill the door go after the login timeout, and a fifth address gets in', async () => {
    rig = await startDoors({ limits: { maxConnections: 1000, maxPerAddress: 100 }, ftp: { maxClients: 8, loginTimeoutMs: SHORT } });
    const idle: RawClient[] = [];
    for (const from of ['127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14']) idle.push(...(await flood(rig.ports.ftp, 2, from)));
    const [locked] = await flood(rig.ports.ftp, 1, '127.0.0.15');
    expect(await locked!.closed).toMatch(/^421 Too many connections on this server/u);
    for (const client of idle) expect(await client.closed).toMatch(/^220 .*\r\n421 Login timeout/u);
    // Each session's place is given back when its socket closes on the server side, just after the client sees it.
    let reply = '';
    for (let tries = 0; tries < 100 && !reply.startsWith('220 '); tries++) {
      const [fifth] = await flood(rig.ports.ftp, 1, '127.0.0.15');
      reply = await Promise.race([fifth!.waitFor(/^220 /u), fifth!.closed]);
    }
    expect(reply).toMatch(/^220 /u);
  });

  it('keeps a client that logged in (FTP) or registered (IRC) past the login timeout', async () => {
    rig = await startDoors({
      limits: { maxConnections: 1000, maxPerAddress: 100 },
      irc: { registrationTimeoutMs: SHORT },
      ftp: { loginTimeoutMs: SHORT },
    });
    const [ftp] = await flood(rig.ports.ftp, 1);
    await ftp!.waitFor(/^220 /u);
    ftp!.socket.write('USER anonymous\r\nPASS guest@\r\n');
    await ftp!.waitFor(/\r\n230 /u);
    const [irc] = await flood(rig.ports.irc, 1);
    irc!.socket.write('NICK dave\r\nUSER dave 0 * :Dave\r\n');
    await irc!.waitFor(/ 001 dave /u);
    // Opened after both logged in: once these are timed out, the first two's timers have run too.
    const [lateFtp] = await flood(rig.ports.ftp, 1);
    const [lateIrc] = await flood(rig.ports.irc, 1);
    await Promise.all([lateFtp!.closed, lateIrc!.closed]);
    ftp!.socket.write('NOOP\r\n');
    await ftp!.waitFor(/\r\n200 /u);
    irc!.socket.write('PING :still-here\r\n');
    await irc!.waitFor(/PONG .*still-here/u);
  });
});
