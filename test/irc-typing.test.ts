// IRCv3 +typing over raw IRC lines and across doors: TAGMSG in rooms and to nicks, only message-tags clients hear it, the web hears IRC typing and IRC hears the web's.
import { describe, expect, it } from 'vitest';
import { editRigPerTest, tagsOf } from './helpers/irc-edits.js';

const start = editRigPerTest();

describe('IRC +typing', () => {
  it('advertises +typing as the one client-only tag relayed (CLIENTTAGDENY=*,-typing)', async () => {
    const r = await start();
    const c = await r.irc('alice');
    const tokens = c.all.filter((l) => / 005 /u.test(l)).join(' ');
    expect(tokens).toContain(' CLIENTTAGDENY=*,-typing ');
  });

  it('relays a room TAGMSG +typing to message-tags clients only, with their tags; echo-message echoes it', async () => {
    const r = await start();
    const alice = await r.irc('alice', ['message-tags', 'echo-message']);
    const bob = await r.irc('bob', ['message-tags', 'server-time']);
    const carol = await r.irc('carol', ['server-time']);
    await alice.sync();
    alice.send('@+typing=active;+draft/react=x TAGMSG #lobby');
    const heard = await bob.waitFor('TAGMSG');
    expect(heard.source).toBe('alice!alice@irc.netroom');
    expect(heard.params).toEqual(['#lobby']);
    const tags = tagsOf(heard);
    // Only +typing crosses; the other client tag is dropped, as CLIENTTAGDENY says.
    expect(Object.keys(tags).sort()).toEqual(['+typing', 'time']);
    expect(tags['+typing']).toBe('active');
    const echo = await alice.waitFor('TAGMSG');
    expect(echo.raw).toBe('@+typing=active :alice!alice@irc.netroom TAGMSG #lobby');
    alice.send('@+typing=done TAGMSG #lobby');
    expect(tagsOf(await bob.waitFor('TAGMSG'))['+typing']).toBe('done');
    expect(r.events.filter((e) => e.kind === 'typing').map((e) => (e.kind === 'typing' ? e.state : ''))).toEqual(['active', 'done']);
    // Carol negotiated no message-tags: she may not be sent TAGMSG at all.
    expect((await carol.sync()).map((l) => l.command)).toEqual([]);
  });

  it('relays typing to a nick, and drops it without a word from a client without message-tags, with a bad state or no +typing', async () => {
    const r = await start();
    const alice = await r.irc('alice', ['message-tags']);
    const bob = await r.irc('bob', ['message-tags']);
    const carol = await r.irc('carol');
    alice.send('@+typing=paused TAGMSG bob');
    expect((await bob.waitFor('TAGMSG')).raw).toBe('@+typing=paused :alice!alice@irc.netroom TAGMSG bob');
    carol.send('@+typing=active TAGMSG #lobby');
    alice.send('@+typing=typing TAGMSG #lobby');
    alice.send('@+draft/react=x TAGMSG #lobby');
    alice.send('@+typing=active TAGMSG nobody');
    const notJoins = async (c: typeof alice): Promise<string[]> => (await c.sync()).filter((l) => l.command !== 'JOIN').map((l) => l.raw);
    expect(await notJoins(carol)).toEqual([]);
    expect(await notJoins(alice)).toEqual([]);
    expect(await notJoins(bob)).toEqual([]);
    expect(r.events.filter((e) => e.kind === 'typing')).toHaveLength(1);
  });

  it('web typing reaches IRC as TAGMSG, and IRC typing reaches the web as typing events', async () => {
    const r = await start();
    const alice = await r.irc('alice', ['message-tags']);
    const carol = await r.irc('carol');
    const web = await r.ws('web');
    await alice.waitFor((l) => l.command === 'JOIN' && l.source?.startsWith('web!') === true);
    web.send({ type: 'typing', room: '#lobby', state: 'active' });
    expect((await alice.waitFor('TAGMSG')).raw).toBe('@+typing=active :web!web@ws.netroom TAGMSG #lobby');
    web.send({ type: 'typing', to: 'alice', state: 'paused' });
    expect((await alice.waitFor('TAGMSG')).raw).toBe('@+typing=paused :web!web@ws.netroom TAGMSG alice');
    expect((await carol.sync()).filter((l) => l.command !== 'JOIN')).toEqual([]);

    alice.send('@+typing=active TAGMSG #lobby');
    const inRoom = await web.waitFor((m) => m.type === 'event' && m.event.kind === 'typing');
    expect(inRoom.type === 'event' ? inRoom.event : undefined).toMatchObject({ kind: 'typing', room: '#lobby', name: 'alice', state: 'active' });
    alice.send('@+typing=done TAGMSG web');
    const direct = await web.waitFor((m) => m.type === 'event' && m.event.kind === 'typing');
    expect(direct.type === 'event' ? direct.event : undefined).toMatchObject({ kind: 'typing', to: 'web', name: 'alice', state: 'done' });
  });
});
