// PgAccessStore as several nodes see it: changes reach the others by NOTIFY, races end with one winner, an outage queues writes, migrations run once.
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Access } from '../src/core/access/access.js';
import { foldName } from '../src/core/names.js';
import { PgAccessStore } from '../src/engine/store/postgres/access.js';
import type { Logger } from '../src/log.js';
import { account, credential, invitation, restriction } from './contract/access-store-contract.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

const opened: Array<{ close(): void | Promise<void> }> = [];
afterEach(async () => {
  for (const s of opened.splice(0).reverse()) await s.close();
});

/** A logger that keeps its lines, so a test can see what was said. */
function captured(): { log: Logger; lines: Array<{ msg: string }> } {
  const lines: Array<{ msg: string }> = [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line) as { msg: string }) });
  return { log, lines };
}

async function node(url: string, log = captured().log): Promise<PgAccessStore> {
  const store = await PgAccessStore.open(url, { log });
  opened.push({ close: () => store.shutdown() });
  return store;
}

/** Resolves once `check` holds, re-checked at each version change of `store` (a reload), failing after 10 s. */
async function until(store: PgAccessStore, check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out waiting for ${what}`);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([store.nextVersion(), new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
    clearTimeout(timer);
  }
}

async function sql<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('PgAccessStore across nodes', () => {
  it('an account added on one node is seen on the other after its notice', async () => {
    const url = await server.newDatabase();
    const [a, b] = [await node(url), await node(url)];
    const before = b.version();
    a.addAccount(account('bob'));
    await until(b, () => b.account('bob') !== undefined, 'bob on node b');
    expect(b.account('bob')).toEqual(account('bob'));
    expect(b.version()).toBeGreaterThan(before);
    // A node's own writes do not bump its version (SQLite's data_version does not either).
    expect(a.version()).toBe(0);
  });

  it('a ban added on one node reaches Access on the other (its poll sees the new version)', async () => {
    const url = await server.newDatabase();
    const [a, b] = [await node(url), await node(url)];
    const access = new Access(b);
    const changed = new Promise<void>((resolve) => access.onExternalChange(resolve));
    expect(access.restrictions.find('ban', { name: 'mallory' }, null)).toBeUndefined();
    const ban = a.addRestriction(restriction(foldName('mallory')));
    await changed;
    expect(access.restrictions.find('ban', { name: 'mallory' }, null)).toEqual(ban);
    access.close(); // closes b too; the afterEach shutdown is then a no-op wait
  });

  it('the same account made on two nodes at once: one stands in PostgreSQL and on both nodes, the loser drops what it queued for it', async () => {
    const url = await server.newDatabase();
    const logA = captured();
    const logB = captured();
    const [a, b] = [await node(url, logA.log), await node(url, logB.log)];
    a.addAccount(account('carol', { hash: 'from-a' }));
    b.addAccount(account('carol', { hash: 'from-b' }));
    a.addCredential(credential('session-a', 'carol'));
    b.addCredential(credential('session-b', 'carol'));
    expect(await a.settled()).toBe(0);
    expect(await b.settled()).toBe(0);
    const rows = await sql<{ hash: string }>(url, 'SELECT hash FROM accounts');
    expect(rows).toHaveLength(1);
    const winner = rows[0]?.hash === 'from-a' ? 'a' : 'b';
    const loser = winner === 'a' ? b : a;
    await until(loser, () => loser.account('carol')?.hash === `from-${winner}`, 'the winner on the loser');
    expect(await sql(url, 'SELECT hash FROM credentials')).toEqual([{ hash: `session-${winner}` }]);
    expect(loser.credential(`session-${winner === 'a' ? 'b' : 'a'}`)).toBeUndefined();
    const loserLines = (winner === 'a' ? logB : logA).lines.map((l) => l.msg);
    expect(loserLines.some((m) => m.includes('another node created this account name first'))).toBe(true);
  });

  it('an invitation used on two nodes at once: one account stands, the other node undoes its own', async () => {
    const url = await server.newDatabase();
    const [a, b] = [await node(url), await node(url)];
    a.addInvitation(invitation('inv'));
    await until(b, () => b.invitation('inv') !== undefined, 'the invitation on b');
    // What Invitations.redeem does on each node: make the account, then use the invitation.
    a.addAccount(account('dora'));
    b.addAccount(account('eve'));
    const at = invitation('inv').createdAt + 10;
    expect(a.useInvitation('inv', at, 'dora')).toBe(true);
    expect(b.useInvitation('inv', at, 'eve')).toBe(true);
    expect(await a.settled()).toBe(0);
    expect(await b.settled()).toBe(0);
    const [used] = await sql<{ used_by: string }>(url, 'SELECT used_by FROM invitations');
    const accounts = await sql<{ name: string }>(url, 'SELECT name FROM accounts');
    expect(accounts).toEqual([{ name: used?.used_by }]);
    for (const s of [a, b]) await until(s, () => s.accounts().length === 1 && s.invitation('inv')?.usedBy === used?.used_by, 'one account everywhere');
  });

  it('while PostgreSQL is down, writes wait in order and land once it is back; nothing throws', async () => {
    const url = await server.newDatabase();
    const logs = captured();
    const a = await node(url, logs.log);
    a.addAccount(account('frank'));
    expect(await a.settled()).toBe(0);
    await server.down();
    try {
      a.updateAccount('frank', { role: 'admin' });
      a.addCredential(credential('f1', 'frank'));
      const ban = a.addRestriction(restriction('mallory'));
      a.deleteCredential('frank', 'id-f1');
      a.addAccount(account('gus'));
      expect(a.pendingWrites()).toBe(5);
      // The node answers from its mirror meanwhile.
      expect(a.account('frank')?.role).toBe('admin');
      expect(a.restrictions()).toEqual([ban]);
    } finally {
      await server.up();
    }
    expect(await a.settled(20_000)).toBe(0);
    expect(logs.lines.some((l) => l.msg.includes('trying again'))).toBe(true);
    const fresh = await node(url);
    expect(fresh.accounts().map((x) => [x.name, x.role])).toEqual([
      ['frank', 'admin'],
      ['gus', 'member'],
    ]);
    expect(fresh.credentials('frank')).toEqual([]);
    expect(fresh.restrictions().map((r) => r.value)).toEqual(['mallory']);
    // The LISTEN connection came back too: a change from another node reaches `a` again.
    fresh.addAccount(account('hal'));
    await until(a, () => a.account('hal') !== undefined, 'hal on a after the outage');
  });

  it('runs the migrations once when two nodes open the same empty database together', async () => {
    const url = await server.newDatabase();
    const [a, b] = await Promise.all([PgAccessStore.open(url), PgAccessStore.open(url)]);
    opened.push({ close: () => a.shutdown() }, { close: () => b.shutdown() });
    expect(await sql(url, 'SELECT component, version FROM netroom_migrations')).toEqual([{ component: 'access', version: 1 }]);
    a.addAccount(account('ida'));
    await until(b, () => b.account('ida') !== undefined, 'ida on b');
  });
});
