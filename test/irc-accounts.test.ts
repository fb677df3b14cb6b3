// IRC door and accounts over real sockets: PASS sign-in, registered nicks refused to guests, --guests off, bans at registration, account-tag, extended-join, WHOIS/WHOX, OPER with an admin account.
import { describe, expect, it } from 'vitest';
import { accessRigPerTest, plainResponse } from './helpers/irc-access.js';
import { ADMIN_TOKEN, type RawIrcClient } from './helpers/irc.js';

const start = accessRigPerTest();
const ACCOUNTS = { alice: ['alice-password', 'member'], root: ['root-password', 'admin'] } as const;

/** Register with CAP (so SASL can go first when `account` is given), up to 001. */
async function registerAs(c: RawIrcClient, nick: string, caps: string[], account?: readonly [string, string]): Promise<void> {
  c.send('CAP LS 302');
  await c.waitFor((l) => l.command === 'CAP' && l.params[1] === 'LS');
  c.send(`CAP REQ :${[...caps, ...(account ? ['sasl'] : [])].join(' ')}`);
  await c.waitFor((l) => l.command === 'CAP' && l.params[1] === 'ACK');
  if (account) {
    c.send('AUTHENTICATE PLAIN');
    await c.waitFor('AUTHENTICATE');
    c.send(`AUTHENTICATE ${plainResponse(account[0], account[1])}`);
    await c.waitFor('903');
  }
  c.send(`NICK ${nick}`);
  c.send(`USER ${nick.replace(/[^a-z]/giu, '') || 'u'} 0 * :Real ${nick}`);
  c.send('CAP END');
  await c.waitFor('001');
}

describe('IRC door: accounts', () => {
  it('signs in with PASS account:password, or a bare PASS for the account holding the nick', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const a = await r.client();
    a.send('PASS alice:alice-password');
    a.send('NICK wanderer');
    a.send('USER a 0 * :A');
    await a.waitFor('001');
    expect(r.chat.find('wanderer')).toMatchObject({ account: 'alice', role: 'member', address: '127.0.0.1', user: 'a' });
    const b = await r.client();
    b.send('PASS root-password');
    b.send('NICK Root');
    b.send('USER r 0 * :R');
    await b.waitFor('001');
    expect(r.chat.find('root')).toMatchObject({ account: 'root', role: 'admin' });
    // A bare PASS when no account holds the nick is what PASS always was: ignored.
    const c = await r.client();
    c.send('PASS whatever');
    await c.register('guesty');
    expect(r.chat.find('guesty')?.account).toBeUndefined();
  });

  it('closes the connection after 464 for a wrong PASS', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const c = await r.client();
    c.send('PASS alice:not-her-password');
    c.send('NICK alice');
    c.send('USER a 0 * :A');
    expect((await c.waitFor('464')).params[1]).toMatch(/^Password incorrect/u);
    expect((await c.waitFor('ERROR')).params[0]).toMatch(/Bad password/u);
    await c.whenClosed();
    expect(r.chat.find('alice')).toBeUndefined();
  });

  it('refuses a registered nick to a guest, in any case, width or look-alike spelling, with 433 saying it is registered', async () => {
    const r = await start({ accounts: ACCOUNTS });
    for (const nick of ['alice', 'ALICE', 'ａｌｉｃｅ', 'аlice']) {
      const c = await r.client();
      c.send(`NICK ${nick}`);
      c.send('USER x 0 * :X');
      const refused = await c.waitFor('433');
      expect(refused.params[2]).toMatch(/registered to an account/u);
      // The client may pick another nick and carry on as a guest.
      c.send(`NICK guest${Math.random().toString(36).slice(2, 8)}`);
      await c.waitFor('001');
    }
    // Registered as a guest, a NICK change to it is refused the same way.
    const g = await r.client();
    await g.register('someone');
    expect((await g.request('NICK Alice', '433')).params[2]).toMatch(/registered/u);
    // Signed in as alice, the nick is hers.
    const owner = await r.client();
    await registerAs(owner, 'alice', [], ['alice', 'alice-password']);
    expect(r.chat.find('alice')?.account).toBe('alice');
  });

  it('with --guests off closes a guest with ERROR and the reason, and lets an account in', async () => {
    const r = await start({ accounts: ACCOUNTS, guests: 'off' });
    const g = await r.client();
    g.send('NICK drifter');
    g.send('USER d 0 * :D');
    expect((await g.waitFor('ERROR')).params[0]).toMatch(/accounts only/u);
    await g.whenClosed();
    const a = await r.client();
    await registerAs(a, 'alice', [], ['alice', 'alice-password']);
  });

  it('answers 465 and closes for a server-wide ban at registration', async () => {
    const r = await start({ accounts: ACCOUNTS });
    r.access.restrictions.add({ type: 'ban', kind: 'mask', value: 'mallory!*@*', reason: 'spam' }, 'root', null);
    const c = await r.client();
    c.send('NICK mallory');
    c.send('USER m 0 * :M');
    expect((await c.waitFor('465')).params[1]).toMatch(/banned from this server.*spam/u);
    await c.waitFor('ERROR');
    await c.whenClosed();
  });

  it('tags messages from signed-in members with account= for account-tag clients only, and shows accounts in extended-join, WHOIS and WHOX', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const watcher = await r.client();
    await registerAs(watcher, 'watcher', ['account-tag', 'extended-join']);
    watcher.send('JOIN #lobby');
    await watcher.waitFor('366');
    const plain = await r.client();
    await plain.joinLobby('plain');
    const alice = await r.client();
    await registerAs(alice, 'alice', [], ['alice', 'alice-password']);
    alice.send('JOIN #lobby');
    const join = await watcher.waitFor((l) => l.command === 'JOIN' && l.source?.startsWith('alice!') === true);
    expect(join.params).toEqual(['#lobby', 'alice', 'Real alice']);
    expect(join.tags).toBe('account=alice');
    alice.send('PRIVMSG #lobby :hello');
    expect((await watcher.waitFor('PRIVMSG')).tags).toBe('account=alice');
    const heard = await plain.waitFor('PRIVMSG');
    expect(heard.tags).toBeUndefined();
    // A guest's messages carry no account; its extended-join says `*`.
    plain.send('PRIVMSG #lobby :me too');
    expect((await watcher.waitFor('PRIVMSG')).tags).toBeUndefined();
    watcher.send('JOIN #other');
    await watcher.waitFor('366');
    plain.send('JOIN #other');
    const guestJoin = await watcher.waitFor((l) => l.command === 'JOIN' && l.source?.startsWith('plain!') === true);
    expect(guestJoin.params).toEqual(['#other', '*', 'Test plain']);
    const whois = await watcher.request('WHOIS alice', '330');
    expect(whois.params.slice(1, 3)).toEqual(['alice', 'alice']);
    await watcher.waitFor('318');
    watcher.send('WHO #lobby %na');
    const rows: string[][] = [];
    await watcher.waitFor((l) => {
      if (l.command === '354') rows.push(l.params.slice(1));
      return l.command === '315';
    });
    expect(rows).toEqual(expect.arrayContaining([['alice', 'alice'], ['plain', '0'], ['watcher', '0']]));
  });

  it('makes an admin account an operator with OPER NAME PASSWORD; a member account gets 491, a wrong password 464; the token still works', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const c = await r.client();
    await c.register('opme');
    expect((await c.request('OPER alice alice-password', (l) => /^4\d\d$/u.test(l.command))).command).toBe('491');
    expect((await c.request('OPER root wrong-password', (l) => /^4\d\d$/u.test(l.command))).command).toBe('464');
    await c.request('OPER root root-password', '381');
    expect(r.chat.isAdmin(r.chat.find('opme')!)).toBe(true);
    const t = await r.client();
    await t.register('tokenop');
    await t.request(`OPER admin ${ADMIN_TOKEN}`, '381');
  });
});
