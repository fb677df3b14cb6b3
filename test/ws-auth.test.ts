// Signing in on the WebSocket door over real sockets: the session cookie and Bearer secrets at the upgrade, enter under the account, reserved names, --guests off.
import { describe, expect, it } from 'vitest';
import { TestWsClient, wsRigPerTest, type WsRig } from './helpers/ws.js';

const start = wsRigPerTest();

/** A rig with accounts: alice (member) and root (admin), and a session and a token for alice. */
async function withAccounts(guests: 'on' | 'off' = 'on'): Promise<{ r: WsRig; session: string; token: string }> {
  const r = await start({ access: { guests } });
  const access = r.access;
  if (!access) throw new Error('no access');
  await access.accounts.add('alice', 'correct horse battery', 'member');
  const session = access.credentials.create('alice', 'session', 'test browser').secret;
  const token = access.credentials.create('alice', 'token', 'test terminal').secret;
  return { r, session, token };
}

/** Open a connection with these upgrade headers and wait for hello. */
async function open(r: WsRig, headers: Record<string, string> = {}): Promise<TestWsClient> {
  const c = await r.client({ headers });
  await c.nextOf('hello');
  return c;
}

describe('WS sign-in at the upgrade', () => {
  it('the session cookie signs the connection in: enter without a name uses the account, who carries account, role and address', async () => {
    const { r, session } = await withAccounts();
    const c = await open(r, { cookie: `theme=dark; netroom_session=${session}` });
    c.send({ type: 'enter' });
    const welcome = await c.nextOf('welcome');
    expect(welcome).toMatchObject({ name: 'alice', account: { name: 'alice', role: 'member' } });
    const member = r.chat.find('alice');
    expect(member).toMatchObject({ account: 'alice', role: 'member', address: '127.0.0.1', door: 'ws' });
  });

  it('a Bearer token signs in too; entering under another free name keeps the account', async () => {
    const { r, token, session } = await withAccounts();
    const c = await open(r, { authorization: `Bearer ${token}` });
    expect(await c.enter('alice_laptop')).toMatchObject({ name: 'alice_laptop', account: { name: 'alice', role: 'member' } });
    expect(r.chat.find('alice_laptop')?.account).toBe('alice');
    // A Bearer session secret works as well as a token.
    const d = await open(r, { authorization: `Bearer ${session}` });
    d.send({ type: 'enter' });
    expect(await d.nextOf('welcome')).toMatchObject({ name: 'alice', account: { name: 'alice' } });
  });

  it('revoking the session or token that signed a connection in ends that connection (NOT_SIGNED_IN, 4003), here or from another process', async () => {
    const { r, session, token } = await withAccounts();
    const access = r.access;
    if (!access) throw new Error('no access');
    const byCookie = await open(r, { cookie: `netroom_session=${session}` });
    byCookie.send({ type: 'enter' });
    await byCookie.nextOf('welcome');
    const byToken = await open(r, { authorization: `Bearer ${token}` });
    await byToken.enter('alice_laptop');
    const guest = await open(r);
    await guest.enter('gus');
    access.credentials.revoke('alice', access.credentials.idOf(session));
    expect(await byCookie.nextOf('error')).toMatchObject({ code: 'NOT_SIGNED_IN' });
    expect(await byCookie.closed).toEqual({ code: 4003, reason: 'signed out' });
    // Gone at once, not parked for the leave grace: the session that held the name has ended.
    expect(r.chat.find('alice')).toBeUndefined();
    // The token is revoked by another process (the CLI) on the same store: seen at the next poll.
    const { SqliteAccessStore } = await import('../src/store/access-sqlite.js');
    const { Access } = await import('../src/core/access/access.js');
    const file = (access.store as unknown as { db: { name: string } }).db.name;
    const cli = new Access(SqliteAccessStore.open(file));
    cli.credentials.revoke('alice', cli.credentials.idOf(token));
    cli.close();
    access.poll();
    expect(await byToken.closed).toEqual({ code: 4003, reason: 'signed out' });
    // A guest connection is not touched.
    guest.send({ type: 'say', text: 'still here' });
    expect(r.chat.find('gus')).toBeDefined();
  });

  it('a Bearer secret that signs nobody in is refused at the upgrade with 401 NOT_SIGNED_IN', async () => {
    const { r, token } = await withAccounts();
    r.access?.credentials.revoke('alice', r.access.credentials.idOf(token));
    for (const secret of [token, `nrt_${'A'.repeat(43)}`, 'not-a-secret']) {
      await expect(TestWsClient.open(r.url, { headers: { authorization: `Bearer ${secret}` } })).rejects.toThrow(/401/u);
    }
    expect(r.chat.size).toBe(0);
  });

  it('a stale session cookie is a guest (the browser still gets the feed); a guest needs a name', async () => {
    const { r, session } = await withAccounts();
    r.access?.credentials.revoke('alice', r.access.credentials.idOf(session));
    const c = await open(r, { cookie: `netroom_session=${session}` });
    expect(await c.ask({ type: 'enter' }, 'welcome')).toMatchObject({ type: 'error', code: 'BAD_REQUEST', about: 'enter' });
    expect(await c.ask({ type: 'enter', name: 'alice' }, 'welcome')).toMatchObject({ type: 'error', code: 'NAME_RESERVED', about: 'enter' });
    expect((await c.enter('visitor')).account).toBeNull();
    expect(r.chat.find('visitor')).toMatchObject({ role: 'guest', address: '127.0.0.1' });
  });

  it('a guest may not take an account name in any case, width or look-alike spelling, even while its owner is away', async () => {
    const { r } = await withAccounts();
    const guest = await open(r);
    // ALICE, full-width, Cyrillic а, Greek-free Latin look-alike with a dotless ı.
    for (const name of ['ALICE', 'Alice', 'ａｌｉｃｅ', '\u0430lice', 'al\u0131ce']) {
      expect(await guest.ask({ type: 'enter', name }, 'welcome'), name).toMatchObject({ type: 'error', code: 'NAME_RESERVED', about: 'enter' });
    }
    expect(r.chat.size).toBe(0);
  });

  it('a resume token does not bring a signed-in member back on a guest connection (signed out)', async () => {
    const { r, session } = await withAccounts();
    const signedIn = await open(r, { cookie: `netroom_session=${session}` });
    signedIn.send({ type: 'enter' });
    const welcome = await signedIn.nextOf('welcome');
    const guest = await open(r);
    expect(await guest.ask({ type: 'enter', name: 'alice', resume: welcome.resume }, 'welcome')).toMatchObject({ type: 'error', code: 'NAME_RESERVED' });
    // The signed-in connection is untouched; its own account resumes with the token.
    const again = await open(r, { cookie: `netroom_session=${session}` });
    again.send({ type: 'enter', resume: welcome.resume });
    expect(await again.nextOf('welcome')).toMatchObject({ name: 'alice', account: { name: 'alice' } });
    expect((await signedIn.closed).code).toBe(4000);
  });

  it('--guests off: a guest is refused with ACCOUNTS_ONLY, an account enters', async () => {
    const { r, token } = await withAccounts('off');
    const guest = await open(r);
    expect(await guest.ask({ type: 'enter', name: 'visitor' }, 'welcome')).toMatchObject({ type: 'error', code: 'ACCOUNTS_ONLY', about: 'enter' });
    const alice = await open(r, { authorization: `Bearer ${token}` });
    alice.send({ type: 'enter' });
    expect(await alice.nextOf('welcome')).toMatchObject({ name: 'alice' });
  });
});
