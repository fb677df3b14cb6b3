// IRC and WebSocket clients on several nodes, and waits that end on what the nodes show (never on a clock), for the cluster tests.
import pg from 'pg';
import type { ServerMessage, WireEvent } from '../../src/doors/ws/messages.js';
import type { TestNode } from './cluster.js';
import { RawIrcClient, type Line } from './irc.js';
import { TestWsClient } from './ws.js';

/** IRC clients opened by one test, closed together. */
export class Clients {
  private readonly open: RawIrcClient[] = [];

  /** A registered client called `nick` on the IRC door at `port`, answering PINGs. */
  async irc(port: number, nick: string): Promise<RawIrcClient> {
    const c = await RawIrcClient.open(port);
    this.open.push(c);
    c.autoPong = true;
    await c.register(nick);
    return c;
  }

  /** A client that is not registered yet. */
  async raw(port: number): Promise<RawIrcClient> {
    const c = await RawIrcClient.open(port);
    this.open.push(c);
    c.autoPong = true;
    return c;
  }

  closeAll(): void {
    for (const c of this.open.splice(0)) c.close();
  }
}

/**
 * Join `rooms`, waiting for each 366 (end of NAMES) and then a PING round trip: the history replay
 * (read from the store after the 366) is over before the test's live lines start.
 */
export async function joinAll(c: RawIrcClient, rooms: readonly string[]): Promise<void> {
  for (const room of rooms) {
    c.send(`JOIN ${room}`);
    await c.waitFor((l) => l.command === '366' && l.params[1]?.toLowerCase() === room.toLowerCase());
    await c.sync();
  }
}

/**
 * Wait until `check` holds. Each try is one PING round trip through `c`, which lets the event loop
 * run the bus in between: bounded in count, not in time. A round trip on loopback can take well under
 * a millisecond while Redis works through a backlog, so the default bound is generous.
 */
export async function until(check: () => boolean, what: string, c: RawIrcClient, tries = 5_000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (check()) return;
    await c.sync();
  }
  throw new Error(`never saw: ${what}`);
}

/** Wait for one line matching each of `tests` (in any order, other lines skipped); returns them in the order of `tests`. */
export async function waitEach(c: RawIrcClient, tests: readonly ((line: Line) => boolean)[], timeoutMs: number): Promise<Line[]> {
  const found: (Line | undefined)[] = tests.map(() => undefined);
  while (found.some((f) => f === undefined)) {
    const line = await c.waitFor((l) => tests.some((t, i) => found[i] === undefined && t(l)), timeoutMs);
    const index = tests.findIndex((t, i) => found[i] === undefined && t(line));
    found[index] = line;
  }
  return found as Line[];
}

/** Does `line` come from `nick`? */
export function from(nick: string): (line: Line) => boolean {
  const prefix = `${nick.toLowerCase()}!`;
  return (line) => line.source?.toLowerCase().startsWith(prefix) === true;
}

/** One query on the shared database (a short-lived connection). */
export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A WebSocket member entered as `name` on `node`. */
export async function wsMember(node: TestNode, name: string): Promise<TestWsClient> {
  const c = await TestWsClient.open(`ws://127.0.0.1:${node.http}/ws`);
  await c.nextOf('hello');
  await c.enter(name);
  return c;
}

/** The next chat event `c` receives that `match` accepts (10 s: it may cross a Redis hop and a PostgreSQL write). */
export async function nextEvent(c: TestWsClient, match: (e: WireEvent) => boolean): Promise<WireEvent> {
  return (await c.waitFor<Extract<ServerMessage, { type: 'event' }>>((m) => m.type === 'event' && match(m.event), 10_000)).event;
}
