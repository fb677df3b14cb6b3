// IRC door moderation over real sockets: KICK, MODE +b/-b and the ban list, KLINE/UNKLINE, KILL, mutes, and removal by the core (ERROR :Closing Link).
import { describe, expect, it } from 'vitest';
import { SYSTEM } from '../src/core/access/roles.js';
import { accessRigPerTest, type AccessRig } from './helpers/irc-access.js';
import { frameworkEvent, type RawIrcClient } from './helpers/irc.js';

const start = accessRigPerTest();
const ACCOUNTS = { root: ['root-password', 'admin'] } as const;

/** A registered client in `room`, its join burst consumed. */
async function inRoom(r: AccessRig, nick: string, room: string): Promise<RawIrcClient> {
  const c = await r.client();
  await c.register(nick);
  c.send(`JOIN ${room}`);
  await c.waitFor('366');
  await c.sync();
  return c;
}

/** A client made an operator with the admin account. */
async function oper(r: AccessRig, nick: string): Promise<RawIrcClient> {
  const c = await r.client();
  await c.register(nick);
  await c.request('OPER root root-password', '381');
  await c.sync();
  return c;
}

describe('IRC door: moderation', () => {
  it('KICK: the room operator removes a member (the room and the target hear it); 482, 441, 401, 403 otherwise', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const op = await inRoom(r, 'op', '#den');
    const bob = await inRoom(r, 'bob', '#den');
    const carol = await inRoom(r, 'carol', '#den');
    expect((await bob.request('KICK #den carol :no', (l) => /^\d{3}$/u.test(l.command))).command).toBe('482');
    op.send('KICK #den bob :behave');
    for (const c of [op, bob, carol]) {
      const kick = await c.waitFor('KICK');
      expect(kick.source).toMatch(/^op!/u);
      expect(kick.params).toEqual(['#den', 'bob', 'behave']);
    }
    expect(r.chat.members('#den').map((m) => m.name)).toEqual(['op', 'carol']);
    // Still connected, just out of the room.
    expect(r.chat.find('bob')).toBeDefined();
    // Without a reason, the kicker's nick (RFC 2812 3.2.8).
    op.send('KICK #den carol');
    expect((await carol.waitFor('KICK')).params).toEqual(['#den', 'carol', 'op']);
    expect((await op.request('KICK #den bob', '441')).params.slice(1, 3)).toEqual(['bob', '#den']);
    expect((await op.request('KICK #den nobody', '401')).params[1]).toBe('nobody');
    expect((await op.request('KICK #nowhere bob', '403')).params[1]).toBe('#nowhere');
  });

  it('MODE +b mask: echoed to the room, a banned joiner gets 474, the list shows it (367/368), -b lifts it; a non-operator gets 482', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const op = await inRoom(r, 'op', '#den');
    const mode = await op.request('MODE #den +b bad*!*@*', 'MODE');
    expect(mode.params).toEqual(['#den', '+b', 'bad*!*@*']);
    const bad = await r.client();
    await bad.register('badger');
    const refused = await bad.request('JOIN #den', '474');
    expect(refused.params.slice(1, 2)).toEqual(['#den']);
    op.send('MODE #den b');
    const entry = await op.waitFor('367');
    expect(entry.params.slice(1, 4)).toEqual(['#den', 'bad*!*@*', 'op']);
    await op.waitFor('368');
    expect((await bad.request('MODE #den +b x!*@*', (l) => /^\d{3}$/u.test(l.command))).command).toBe('482');
    expect((await op.request('MODE #den -b bad*!*@*', 'MODE')).params).toEqual(['#den', '-b', 'bad*!*@*']);
    await bad.request('JOIN #den', 'JOIN');
    // A ban on someone in the room removes them at once (a KICK).
    op.send('MODE #den +b badger');
    const kick = await bad.waitFor('KICK');
    expect(kick.params.slice(0, 2)).toEqual(['#den', 'badger']);
  });

  it('KLINE by an operator disconnects whoever matches with ERROR :Closing Link, refuses them at registration, and UNKLINE lifts it; others get 481', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const ops = await oper(r, 'ops');
    const bystander = await inRoom(r, 'bystander', '#lobby');
    const spammer = await inRoom(r, 'spammer', '#lobby');
    expect((await bystander.request('KLINE spammer!*@* :no', '481')).params[1]).toMatch(/not an IRC operator/u);
    ops.send('KLINE 1h spammer!*@* :spam | oper note');
    const closing = await spammer.waitFor('ERROR');
    expect(closing.params[0]).toMatch(/^Closing Link: 127\.0\.0\.1 \(banned by ops: spam\)$/u);
    await spammer.whenClosed();
    const quit = await bystander.waitFor('QUIT');
    expect(quit.source).toMatch(/^spammer!/u);
    expect((await ops.waitFor('NOTICE')).params[1]).toMatch(/spammer!\*@\* is banned from the server until/u);
    const again = await r.client();
    again.send('NICK spammer');
    again.send('USER s 0 * :S');
    expect((await again.waitFor('465')).params[1]).toMatch(/spam/u);
    await again.whenClosed();
    await ops.request('UNKLINE spammer!*@*', 'NOTICE');
    const back = await r.client();
    await back.register('spammer');
  });

  it('KILL: 481 for members, an operator removes anyone (ERROR to them, QUIT to their room mates)', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const ops = await oper(r, 'ops');
    const alice = await inRoom(r, 'alice', '#lobby');
    const bob = await inRoom(r, 'bob', '#lobby');
    await alice.request('KILL bob :nope', '481');
    ops.send('KILL bob :enough');
    expect((await bob.waitFor('ERROR')).params[0]).toMatch(/Closing Link: .*\(removed by ops: enough\)/u);
    await bob.whenClosed();
    expect((await alice.waitFor('QUIT')).params[0]).toBe('removed by ops: enough');
    expect(r.chat.find('bob')).toBeUndefined();
    expect((await ops.request('KILL nobody', '401')).params[1]).toBe('nobody');
  });

  it('a member removed from elsewhere (the console, the web) gets ERROR and is disconnected; a muted one gets 404', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const quiet = await inRoom(r, 'quiet', '#lobby');
    const loud = await inRoom(r, 'loud', '#lobby');
    r.moderation.restrict({ actor: SYSTEM }, { type: 'mute', kind: 'name', value: 'quiet', room: '#lobby', reason: 'cool down' });
    expect((await quiet.request('PRIVMSG #lobby :hello?', '404')).params[2]).toMatch(/muted.*cool down/u);
    r.moderation.kick({ actor: SYSTEM }, null, 'loud', 'bye');
    expect((await loud.waitFor('ERROR')).params[0]).toMatch(/Closing Link: .*\(removed by netroom: bye\)/u);
    await loud.whenClosed();
    expect((await quiet.waitFor('QUIT')).source).toMatch(/^loud!/u);
  });

  it('irc-framework hears a KICK as its kick event', async () => {
    const r = await start({ accounts: ACCOUNTS });
    const op = await inRoom(r, 'op', '#den');
    const fw = await r.framework('fw');
    fw.join('#den');
    await frameworkEvent(fw, 'join', (e) => e['nick'] === 'fw');
    const kicked = frameworkEvent(fw, 'kick');
    op.send('KICK #den fw :out');
    const event = await kicked;
    expect(event).toMatchObject({ kicked: 'fw', nick: 'op', channel: '#den', message: 'out' });
  });
});
