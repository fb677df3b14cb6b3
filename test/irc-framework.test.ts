// The IRC door with a real client library (irc-framework): CAP negotiation, join, talk, actions, echo, nick clashes.
import { describe, expect, it } from 'vitest';
import { frameworkEvent, rigPerTest } from './helpers/irc.js';

const start = rigPerTest();

describe('IRC door with irc-framework', () => {
  it('negotiates the IRCv3 capabilities and reads ISUPPORT', async () => {
    const r = await start();
    const c = await r.framework('alice', { enable_echomessage: true });
    expect([...c.network.cap.enabled]).toEqual(expect.arrayContaining(['echo-message', 'message-tags', 'multi-prefix', 'server-time', 'away-notify', 'extended-join', 'userhost-in-names', 'batch']));
    expect(c.network.options).toMatchObject({ CASEMAPPING: 'rfc8265', NETWORK: 'netroom', NICKLEN: '32' });
    expect(r.chat.find('alice')?.door).toBe('irc');
  });

  it('joins #lobby, sees who is there, and talks with another IRC client and a UDP member', async () => {
    const r = await start();
    const udp = await r.udpClient();
    await udp.enter('udo');
    const alice = await r.framework('alice');
    const users = frameworkEvent(alice, 'userlist', (e) => e.channel === '#lobby');
    const joined = frameworkEvent(alice, 'join', (e) => e.nick === 'alice');
    alice.join('#lobby');
    await joined;
    const list = (await users).users as Array<{ nick: string }>;
    expect(list.map((u) => u.nick).sort()).toEqual(['alice', 'udo']);

    // bob is in the room (so on #lobby for everyone else) from registration on; his JOIN only opens it for him.
    const bobJoined = frameworkEvent(alice, 'join', (e) => e.nick === 'bob');
    const bob = await r.framework('bob');
    const bobIn = frameworkEvent(bob, 'join', (e) => e.nick === 'bob');
    bob.join('#lobby');
    await bobIn;
    expect(await bobJoined).toMatchObject({ ident: 'fw', hostname: 'irc.netroom', channel: '#lobby' });

    const heard = frameworkEvent(bob, 'privmsg', (e) => e.nick === 'alice');
    alice.say('#lobby', 'hello everyone');
    const msg = await heard;
    expect(msg).toMatchObject({ target: '#lobby', message: 'hello everyone' });
    // server-time: the library reads the time from the tag.
    expect(typeof msg.time).toBe('number');
    expect(Math.abs((msg.time as number) - Date.now())).toBeLessThan(60_000);
    expect(await udp.waitFor('\nalice: hello everyone')).toBeTruthy();

    const fromUdp = frameworkEvent(alice, 'privmsg', (e) => e.nick === 'udo');
    udp.send('C udo hi from the seeds');
    expect(await fromUdp).toMatchObject({ hostname: 'udp.netroom', target: '#lobby', message: 'hi from the seeds' });

    const action = frameworkEvent(bob, 'action', (e) => e.nick === 'alice');
    alice.action('#lobby', 'waves');
    expect(await action).toMatchObject({ message: 'waves' });
    expect(await udp.waitFor('\nalice: /me waves')).toBeTruthy();
  });

  it('echoes its own messages with echo-message', async () => {
    const r = await start();
    const alice = await r.framework('alice', { enable_echomessage: true });
    const joined = frameworkEvent(alice, 'join', (e) => e.nick === 'alice');
    alice.join('#lobby');
    await joined;
    const echo = frameworkEvent(alice, 'privmsg', (e) => e.nick === 'alice');
    alice.say('#lobby', 'echo?');
    expect(await echo).toMatchObject({ message: 'echo?', target: '#lobby' });
  });

  it('sees other doors come and go, and announcements', async () => {
    const r = await start();
    const alice = await r.framework('alice');
    const joined = frameworkEvent(alice, 'join', (e) => e.nick === 'alice');
    alice.join('#lobby');
    await joined;
    const webJoin = frameworkEvent(alice, 'join', (e) => e.nick === 'webby');
    const webby = r.chat.enter('webby', 'ws');
    expect(await webJoin).toMatchObject({ hostname: 'ws.netroom', channel: '#lobby' });
    const announce = frameworkEvent(alice, 'notice', (e) => e.from_server === true && e.target === 'alice' && String(e.message).startsWith('[admin]'));
    r.chat.announce('tea is ready');
    expect(await announce).toMatchObject({ message: '[admin] tea is ready' });
    const quit = frameworkEvent(alice, 'quit', (e) => e.nick === 'webby');
    r.chat.disconnect(webby, 'timeout');
    expect(await quit).toMatchObject({ message: 'Ping timeout' });
  });

  it('is told "nick in use" when another door holds the name, in another case', async () => {
    const r = await start();
    r.chat.enter('Zoe', 'ws');
    const alice = await r.framework('alice');
    const inUse = frameworkEvent(alice, 'nick in use', () => true);
    alice.changeNick('zoe');
    expect(await inUse).toMatchObject({ nick: 'zoe' });
    const changed = frameworkEvent(alice, 'nick', (e) => e.new_nick === 'alicia');
    alice.changeNick('alicia');
    await changed;
    expect(alice.user.nick).toBe('alicia');
    expect(r.chat.find('alicia')).toBeDefined();
    expect(r.chat.find('alice')).toBeUndefined();
  });

  it('quits with a message that the chat hears as a quit', async () => {
    const r = await start();
    const alice = await r.framework('alice');
    const gone = new Promise<void>((resolve) => alice.once('close', () => resolve()));
    alice.quit('bye now');
    await gone;
    expect(r.events.at(-1)).toMatchObject({ kind: 'quit', name: 'alice', reason: 'quit' });
  });
});
