// IRC door: SASL PLAIN sign-in (IRCv3 sasl-3.1/3.2) over real sockets - 900/903, 904-908, chunks, aborts, plaintext rules, irc-framework.
import { connect as tlsConnect } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { makeTestCert } from './helpers/tls.js';
import { accessRigPerTest, outsideAddress, plainResponse } from './helpers/irc-access.js';
import type { RawIrcClient } from './helpers/irc.js';

const start = accessRigPerTest();
const ACCOUNTS = { alice: ['alice-password', 'member'], root: ['root-password', 'admin'] } as const;

/** CAP LS 302, CAP REQ sasl, AUTHENTICATE PLAIN up to `AUTHENTICATE +`. */
async function beginSasl(c: RawIrcClient): Promise<void> {
  c.send('CAP LS 302');
  await c.waitFor((l) => l.command === 'CAP' && l.params[1] === 'LS');
  c.send('CAP REQ :sasl');
  await c.waitFor((l) => l.command === 'CAP' && l.params[1] === 'ACK');
  c.send('AUTHENTICATE PLAIN');
  const plus = await c.waitFor('AUTHENTICATE');
  expect(plus.params).toEqual(['+']);
}

describe('IRC door: SASL PLAIN', () => {
  it('offers sasl=PLAIN, account-tag and account-notify (with values only to CAP LS 302)', async () => {
    const r = await start();
    const c = await r.client();
    const ls302 = await c.request('CAP LS 302', 'CAP');
    expect(ls302.params[2]?.split(' ')).toEqual(expect.arrayContaining(['sasl=PLAIN', 'account-tag', 'account-notify', 'extended-join']));
    const ls = await c.request('CAP LS', 'CAP');
    expect(ls.params[2]?.split(' ')).toContain('sasl');
    expect(ls.params[2]).not.toContain('sasl=');
  });

  it('signs in before registration: 900 then 903, and the member is the account (with its role)', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const c = await r.client();
    await beginSasl(c);
    c.send(`AUTHENTICATE ${plainResponse('Alice', 'alice-password')}`);
    const loggedIn = await c.next();
    expect(loggedIn.command).toBe('900');
    expect(loggedIn.params.slice(0, 3)).toEqual(['*', '*!*@irc.netroom', 'alice']);
    expect((await c.next()).command).toBe('903');
    // An account may go by another nick; its name is still its own.
    c.send('NICK wonder');
    c.send('USER al 0 * :Alice');
    c.send('CAP END');
    await c.waitFor('001');
    expect(r.chat.find('wonder')).toMatchObject({ account: 'alice', role: 'member' });
    await c.sync();
    // Signed in already: 907; after registration a guest gets 462 (sign in before registering).
    expect((await c.request('AUTHENTICATE PLAIN', (l) => /^\d{3}$/u.test(l.command))).command).toBe('907');
  });

  it('refuses a wrong password with 904, lets the client retry, and answers 462 after registration', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const c = await r.client();
    await beginSasl(c);
    c.send(`AUTHENTICATE ${plainResponse('alice', 'wrong-password')}`);
    expect((await c.next()).command).toBe('904');
    c.send('AUTHENTICATE PLAIN');
    expect((await c.next()).params).toEqual(['+']);
    // An authzid that is not the authcid: nobody signs in on behalf of someone else.
    c.send(`AUTHENTICATE ${plainResponse('alice', 'alice-password', 'root')}`);
    expect((await c.next()).params[1]).toMatch(/^SASL authentication failed: .*authzid/u);
    c.send('AUTHENTICATE PLAIN');
    await c.waitFor('AUTHENTICATE');
    c.send(`AUTHENTICATE ${plainResponse('alice', 'alice-password', 'alice')}`);
    expect((await c.next()).command).toBe('900');
    expect((await c.next()).command).toBe('903');

    const guest = await r.client();
    await guest.register('bystander', ['sasl']);
    expect((await guest.request('AUTHENTICATE PLAIN', '462')).params[1]).toMatch(/before registration/u);
    expect(r.chat.find('bystander')?.account).toBeUndefined();
  });

  it('takes the response in 400-byte chunks ending with + when the last is exactly 400; 905 for a longer chunk', async () => {
    const password = 'p'.repeat(593); // with "\0alice\0" that is 600 bytes: 800 in base64
    const r = await start({ accounts: { alice: [password, 'member'] } });
    const c = await r.client();
    await beginSasl(c);
    const good = plainResponse('alice', password);
    expect(good).toHaveLength(800);
    c.send(`AUTHENTICATE ${good.slice(0, 400)}`);
    c.send(`AUTHENTICATE ${good.slice(400)}`);
    c.send('AUTHENTICATE +');
    expect((await c.next()).command).toBe('900');
    expect((await c.next()).command).toBe('903');

    const other = await r.client();
    await beginSasl(other);
    other.send(`AUTHENTICATE ${'A'.repeat(401)}`);
    expect((await other.next()).command).toBe('905');
  });

  it('aborts with 906 (AUTHENTICATE *, or registration mid-exchange) and lists its mechanisms in 908', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const c = await r.client();
    await beginSasl(c);
    expect((await c.request('AUTHENTICATE *', '906')).command).toBe('906');
    const mechs = await c.request('AUTHENTICATE SCRAM-SHA-256', '908');
    expect(mechs.params.slice(1, 2)).toEqual(['PLAIN']);
    expect((await c.next()).command).toBe('904');
    c.send('AUTHENTICATE PLAIN');
    await c.waitFor('AUTHENTICATE');
    c.send('NICK midway');
    c.send('USER m 0 * :M');
    c.send('CAP END');
    await c.waitFor('906');
    await c.waitFor('001');
    expect(r.chat.find('midway')?.account).toBeUndefined();
  });

  it('holds the lines sent behind the response until the password is checked', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const c = await r.client();
    await beginSasl(c);
    // One write: the response, CAP END, NICK, USER and a JOIN right behind it.
    c.send(`AUTHENTICATE ${plainResponse('root', 'root-password')}\r\nNICK root\r\nUSER r 0 * :Root\r\nCAP END\r\nJOIN #ops`);
    await c.waitFor('903');
    await c.waitFor('001');
    const join = await c.waitFor('JOIN');
    expect(join.params[0]).toBe('#ops');
    expect(r.chat.find('root')).toMatchObject({ account: 'root', role: 'admin' });
  });

  it('says why when sign-ins are rate-limited', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const c = await r.client();
    await beginSasl(c);
    let last = '';
    for (let i = 0; i < 8 && !/too many/u.test(last); i++) {
      c.send(`AUTHENTICATE ${plainResponse('alice', `wrong-${i}-password`)}`);
      const fail = await c.waitFor('904');
      last = fail.params[1] ?? '';
      c.send('AUTHENTICATE PLAIN');
      await c.waitFor('AUTHENTICATE');
    }
    expect(last).toMatch(/too many failed sign-ins: try again in \d+ s/u);
  });

  it('refuses a password over plain text from a non-loopback address unless --allow-plaintext-passwords', async () => {
    const outside = outsideAddress();
    if (outside === undefined) return; // no network interface but loopback: nothing to test from
    for (const allow of [false, true]) {
      const r = await start({ accounts: ACCOUNTS, host: '0.0.0.0', allowPlaintextPasswords: allow });
      const c = await r.client(outside);
      await beginSasl(c);
      c.send(`AUTHENTICATE ${plainResponse('alice', 'alice-password')}`);
      const answer = await c.next();
      if (allow) expect(answer.command).toBe('900');
      else expect(answer.params[1]).toMatch(/^SASL authentication failed: passwords are not accepted over an unencrypted connection/u);
      if (!allow) await r.close(); // the last one is closed after the test
    }
  });

  it('accepts a password over TLS (the ircs port) from a non-loopback address', async () => {
    const outside = outsideAddress();
    if (outside === undefined) return;
    const cert = await makeTestCert();
    try {
      const r = await start({ accounts: ACCOUNTS, host: '0.0.0.0', port: null, tls: { port: 0, source: cert.source } });
      const socket = tlsConnect({ host: outside, port: r.door.tlsAddress()!.port, rejectUnauthorized: false });
      socket.setEncoding('utf8');
      let text = '';
      const answered = new Promise<string>((resolve, reject) => {
        socket.on('data', (chunk: string) => {
          text += chunk;
          const done = /^:\S+ (90[34]) .*$/mu.exec(text);
          if (done) resolve(done[1]!);
        });
        socket.on('error', reject);
      });
      socket.write(`CAP REQ :sasl\r\nAUTHENTICATE PLAIN\r\nAUTHENTICATE ${plainResponse('alice', 'alice-password')}\r\n`);
      expect(await answered).toBe('903');
      expect(text).toMatch(/ 900 \* \S+ alice /u);
      socket.destroy();
    } finally {
      await cert.remove();
    }
  });

  it('signs irc-framework in with its account option (SASL PLAIN)', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const client = await r.framework('alice', { account: { account: 'alice', password: 'alice-password' } });
    expect(client.network.cap.enabled).toContain('sasl');
    expect(r.chat.find('alice')).toMatchObject({ account: 'alice', role: 'member' });
  });
});
