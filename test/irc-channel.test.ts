// IRC door integration: #lobby (JOIN, PART, NAMES, TOPIC, MODE), queries (WHO, WHOIS, ISON, USERHOST, AWAY), messages.
import { describe, expect, it } from 'vitest';
import { rigPerTest } from './helpers/irc.js';

const start = rigPerTest();

describe('IRC door: #lobby', () => {
  it('answers JOIN #lobby with the echo, the topic and the names of every door', async () => {
    const r = await start({ historySize: 0 });
    r.room.enter('webby', 'ws');
    const c = await r.client();
    await c.register('alice');
    c.send('JOIN #Lobby');
    const join = await c.waitFor('JOIN');
    expect(join.source).toBe('alice!alice@irc.netroom');
    expect(join.params).toEqual(['#lobby']);
    expect((await c.waitFor('332')).params.slice(1, 2)).toEqual(['#lobby']);
    expect((await c.waitFor('333')).params.slice(1, 3)).toEqual(['#lobby', 'irc.netroom']);
    expect((await c.waitFor('353')).params).toEqual(['alice', '=', '#lobby', 'webby alice']);
    expect((await c.waitFor('366')).params.slice(1)).toEqual(['#lobby', 'End of /NAMES list.']);
    // Joining again says nothing.
    c.send('JOIN #lobby');
    expect((await c.sync()).length).toBe(0);
  });

  it('sends 331 when there is no topic, and refuses to change it', async () => {
    const r = await start({ topic: '' });
    const c = await r.client();
    await c.register('alice');
    c.send('JOIN #lobby');
    expect((await c.waitFor('331')).params.slice(1)).toEqual(['#lobby', 'No topic is set']);
    expect((await c.request('TOPIC #lobby', '331')).params[1]).toBe('#lobby');
    expect((await c.request('TOPIC #lobby :new topic', '482')).params[1]).toBe('#lobby');
  });

  it('refuses every other channel with 403', async () => {
    const r = await start();
    const c = await r.client();
    await c.register('alice');
    expect((await c.request('JOIN #other', '403')).params.slice(0, 2)).toEqual(['alice', '#other']);
    c.send('JOIN #a,#lobby,&b');
    await c.waitFor((l) => l.command === '403' && l.params[1] === '#a');
    await c.waitFor('JOIN');
    await c.waitFor((l) => l.command === '403' && l.params[1] === '&b');
    expect((await c.request('PART #other', '403')).params[1]).toBe('#other');
    expect((await c.request('PRIVMSG #other :hi', '403')).params[1]).toBe('#other');
    expect((await c.request('MODE #other', '403')).params[1]).toBe('#other');
  });

  it('PART hides #lobby from that client only; the nick stays in the room until QUIT', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    const part = await a.request('PART #lobby :brb', 'PART');
    expect(part.source).toBe('alice!alice@irc.netroom');
    expect(part.params).toEqual(['#lobby', 'brb']);
    expect(r.room.find('alice')).toBeDefined();
    expect((await b.sync()).filter((l) => l.command !== 'JOIN')).toEqual([]);
    b.send('PRIVMSG #lobby :are you there?');
    await b.sync();
    expect((await a.request('PRIVMSG #lobby :hello', '404')).params[1]).toBe('#lobby');
    expect((await a.request('PART #lobby', '442')).params[1]).toBe('#lobby');
    // Nothing from the channel reached alice while parted (only her own numerics).
    expect((await a.sync()).filter((l) => l.command === 'PRIVMSG')).toEqual([]);
    a.send('JOIN #lobby');
    await a.waitFor('366');
    // Joining again replays what was said meanwhile (from history), then the channel is live again.
    expect((await a.waitFor('PRIVMSG')).params[1]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d UTC\] are you there\?$/u);
    b.send('PRIVMSG #lobby :welcome back');
    expect((await a.waitFor('PRIVMSG')).params).toEqual(['#lobby', 'welcome back']);
    a.send('JOIN 0');
    expect((await a.waitFor('PART')).params).toEqual(['#lobby']);
  });

  it('answers MODE queries and accepts +i on oneself', async () => {
    const r = await start();
    r.room.enter('webby', 'ws');
    const c = await r.member('alice');
    expect((await c.request('MODE #lobby', '324')).params.slice(1)).toEqual(['#lobby', '+nt']);
    expect((await c.waitFor('329')).params[1]).toBe('#lobby');
    expect((await c.request('MODE #lobby b', '368')).params[1]).toBe('#lobby');
    expect((await c.request('MODE #lobby +m', '482')).params[1]).toBe('#lobby');
    expect((await c.request('MODE alice', '221')).params).toEqual(['alice', '+']);
    const mode = await c.request('MODE alice +i', 'MODE');
    expect(mode.params).toEqual(['alice', '+i']);
    expect((await c.request('MODE ALICE', '221')).params).toEqual(['alice', '+i']);
    expect((await c.request('MODE alice +x', '501')).params[0]).toBe('alice');
    expect((await c.request('MODE webby', '502')).params[0]).toBe('alice');
    expect((await c.request('MODE nobody', '401')).params[1]).toBe('nobody');
  });

  it('lists the channel and repeats the MOTD', async () => {
    const r = await start();
    const c = await r.member('alice');
    expect((await c.request('LIST', '322')).params.slice(1, 3)).toEqual(['#lobby', '1']);
    await c.waitFor('323');
    c.send('MOTD');
    await c.waitFor('375');
    await c.waitFor('376');
  });
});

describe('IRC door: who is here', () => {
  it('WHO lists every member with door, away and operator flags; NAMES and ISON agree', async () => {
    const r = await start();
    r.room.enter('webby', 'ws');
    const a = await r.member('alice');
    const b = await r.member('bob');
    b.send('AWAY :lunch');
    await b.waitFor('306');
    a.send('WHO #lobby');
    const alice = await a.waitFor('352');
    expect(alice.params).toEqual(['alice', '#lobby', 'webby', 'ws.netroom', 'irc.netroom', 'webby', 'H', '0 netroom ws member']);
    expect((await a.waitFor('352')).params.slice(5, 7)).toEqual(['alice', 'H']);
    expect((await a.waitFor('352')).params.slice(5, 8)).toEqual(['bob', 'G', '0 Test bob']);
    expect((await a.waitFor('315')).params.slice(1)).toEqual(['#lobby', 'End of WHO list']);
    a.send('WHO B*');
    expect((await a.waitFor('352')).params[5]).toBe('bob');
    await a.waitFor('315');
    expect((await a.request('ISON WEBBY nobody Bob', '303')).params[1]).toBe('webby bob');
    expect((await a.request('USERHOST bob webby', '302')).params[1]).toBe('bob=-bob@irc.netroom webby=+webby@ws.netroom');
    expect((await b.request('AWAY', '305')).params[0]).toBe('bob');
  });

  it('WHOIS tells the door, the away text and idle time; 401 for nobody', async () => {
    const r = await start();
    r.room.enter('webby', 'ws');
    const a = await r.member('alice');
    a.send('WHOIS webby');
    expect((await a.waitFor('311')).params).toEqual(['alice', 'webby', 'webby', 'ws.netroom', '*', 'netroom ws member']);
    expect((await a.waitFor('319')).params.slice(1)).toEqual(['webby', '#lobby']);
    expect((await a.waitFor('312')).params.slice(1, 3)).toEqual(['webby', 'irc.netroom']);
    expect((await a.waitFor('320')).params[2]).toBe('is in the room through the ws door');
    await a.waitFor('318');
    a.send('WHOIS irc.netroom ALICE');
    await a.waitFor('311');
    expect((await a.waitFor('317')).params[1]).toBe('alice');
    await a.waitFor('318');
    a.send('WHOIS ghost');
    expect((await a.waitFor('401')).params[1]).toBe('ghost');
    expect((await a.waitFor('318')).params[1]).toBe('ghost');
  });
});

describe('IRC door: messages', () => {
  it('echoes messages back only to clients that enabled echo-message', async () => {
    const r = await start();
    const a = await r.member('alice', ['echo-message']);
    const b = await r.member('bob');
    a.send('PRIVMSG #lobby :with echo');
    const echo = await a.waitFor('PRIVMSG');
    expect(echo.source).toBe('alice!alice@irc.netroom');
    expect(echo.params).toEqual(['#lobby', 'with echo']);
    expect((await b.waitFor('PRIVMSG')).params[1]).toBe('with echo');
    b.send('PRIVMSG #lobby :without echo');
    expect((await a.waitFor('PRIVMSG')).source).toBe('bob!bob@irc.netroom');
    expect((await b.sync()).filter((l) => l.command === 'PRIVMSG')).toEqual([]);
    expect(r.events.filter((e) => e.kind === 'message').map((e) => (e.kind === 'message' ? e.text : ''))).toEqual(['with echo', 'without echo']);
  });

  it('turns CTCP ACTION into "/me" and strips formatting; other CTCPs are refused with a NOTICE', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    a.send('PRIVMSG #lobby :\x01ACTION waves\x01');
    expect((await b.waitFor('PRIVMSG')).params[1]).toBe('\x01ACTION waves\x01');
    a.send('PRIVMSG #lobby :\x02bold\x02 and \x0304red\x03');
    expect((await b.waitFor('PRIVMSG')).params[1]).toBe('bold and red');
    expect(r.events.filter((e) => e.kind === 'message').map((e) => (e.kind === 'message' ? e.text : ''))).toEqual(['/me waves', 'bold and red']);
    expect((await a.request('PRIVMSG #lobby :\x01VERSION\x01', 'NOTICE')).params[1]).toContain('CTCP VERSION is not supported');
  });

  it('has no private messages: a NOTICE says so; to oneself the line comes back; 401, 411, 412', async () => {
    const r = await start();
    r.room.enter('webby', 'ws');
    const a = await r.member('alice');
    expect((await a.request('PRIVMSG webby :psst', 'NOTICE')).params[1]).toContain('no private messages');
    expect((await a.request('PRIVMSG Alice :note to self', 'PRIVMSG')).params).toEqual(['alice', 'note to self']);
    expect((await a.request('PRIVMSG ghost :boo', '401')).params[1]).toBe('ghost');
    expect((await a.request('PRIVMSG', '411')).params[0]).toBe('alice');
    expect((await a.request('PRIVMSG #lobby', '412')).params[0]).toBe('alice');
    expect((await a.request('PRIVMSG #lobby :   ', '412')).params[0]).toBe('alice');
    expect(r.events.filter((e) => e.kind === 'message')).toEqual([]);
    // The same channel twice in one target list is said once.
    a.send('PRIVMSG #lobby,#LOBBY :once');
    await a.sync();
    expect(r.events.filter((e) => e.kind === 'message').length).toBe(1);
  });

  it('reports flood control as a NOTICE, never silently', async () => {
    const r = await start({ flood: { rate: 0.001, burst: 2 } });
    const a = await r.member('alice');
    const b = await r.member('bob');
    for (const n of [1, 2, 3]) a.send(`PRIVMSG #lobby :message ${n}`);
    const notice = await a.waitFor('NOTICE');
    expect(notice.params[1]).toMatch(/^ERROR RATE_LIMITED: /u);
    expect((await b.waitFor('PRIVMSG')).params[1]).toBe('message 1');
    expect((await b.waitFor('PRIVMSG')).params[1]).toBe('message 2');
    expect((await b.sync()).filter((l) => l.command === 'PRIVMSG')).toEqual([]);
  });

  it('speaks Chinese room notices with --lang zh', async () => {
    const r = await start({ lang: 'zh' });
    const a = await r.member('alice');
    r.room.announce('大家好');
    expect((await a.waitFor('NOTICE')).params).toEqual(['#lobby', '管理员 说: 大家好']);
  });
});
