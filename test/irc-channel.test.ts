// IRC door integration: #lobby as a channel (JOIN, PART, NAMES, TOPIC, MODE), queries (WHO, WHOIS, ISON, USERHOST, AWAY), messages.
import { describe, expect, it } from 'vitest';
import { rigPerTest } from './helpers/irc.js';

const start = rigPerTest();

describe('IRC door: #lobby', () => {
  it('answers JOIN #lobby with the echo and the names of every door; no topic line when there is none', async () => {
    const r = await start({ historySize: 0 });
    r.chat.enter('webby', 'ws');
    const c = await r.client();
    await c.register('alice');
    c.send('JOIN #Lobby');
    const join = await c.waitFor('JOIN');
    expect(join.source).toBe('alice!alice@irc.netroom');
    expect(join.params).toEqual(['#lobby']);
    const next = await c.next();
    expect(next.command).toBe('353');
    expect(next.params).toEqual(['alice', '=', '#lobby', 'webby alice']);
    expect((await c.waitFor('366')).params.slice(1)).toEqual(['#lobby', 'End of /NAMES list.']);
    // Joining again says nothing.
    c.send('JOIN #lobby');
    expect((await c.sync()).length).toBe(0);
  });

  it('TOPIC: 331 when there is none; +t lets only operators set it (the first one in); the room sees it; 332/333 after', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    // #lobby is everyone's room: no one gets operator status there by arriving first.
    expect((await a.request('TOPIC #lobby :mine', '482')).params[1]).toBe('#lobby');
    a.send('JOIN #dev');
    await a.waitFor('366');
    b.send('JOIN #dev');
    await b.waitFor('366');
    expect((await a.request('TOPIC #dev', '331')).params.slice(1)).toEqual(['#dev', 'No topic is set']);
    expect((await b.request('TOPIC #dev :mine', '482')).params[1]).toBe('#dev');
    a.send('TOPIC #dev :the new topic');
    const seen = await b.waitFor('TOPIC');
    expect(seen.source).toBe('alice!alice@irc.netroom');
    expect(seen.params).toEqual(['#dev', 'the new topic']);
    expect((await a.waitFor('TOPIC')).params[1]).toBe('the new topic');
    expect((await b.request('TOPIC #dev', '332')).params.slice(1)).toEqual(['#dev', 'the new topic']);
    expect((await b.waitFor('333')).params.slice(1, 3)).toEqual(['#dev', 'alice']);
    expect(r.chat.room('#dev')?.topic).toBe('the new topic');
    // -t: anyone in the room may set it.
    a.send('MODE #dev -t');
    expect((await b.waitFor('MODE')).params).toEqual(['#dev', '-t']);
    b.send('TOPIC #dev :bob was here');
    expect((await a.waitFor('TOPIC')).params).toEqual(['#dev', 'bob was here']);
  });

  it('answers 403 for what cannot be a channel, 479 for a refused name, 442 and 404 when not in a room', async () => {
    const r = await start();
    const c = await r.client();
    await c.register('alice');
    expect((await c.request('JOIN &other', '403')).params.slice(0, 2)).toEqual(['alice', '&other']);
    expect((await c.request('JOIN #a*b', '479')).params[1]).toBe('#a*b');
    expect((await c.request('PART #nowhere', '403')).params[1]).toBe('#nowhere');
    expect((await c.request('PRIVMSG #nowhere :hi', '403')).params[1]).toBe('#nowhere');
    expect((await c.request('MODE #nowhere', '403')).params[1]).toBe('#nowhere');
    expect((await c.request('PART #lobby', '442')).params[1]).toBe('#lobby');
    expect((await c.request('PRIVMSG #lobby :hi', '404')).params[1]).toBe('#lobby');
  });

  it('PART leaves the room for every door (with the reason); JOIN again replays what was said meanwhile; JOIN 0 parts all', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    const part = await a.request('PART #lobby :brb', 'PART');
    expect(part.source).toBe('alice!alice@irc.netroom');
    expect(part.params).toEqual(['#lobby', 'brb']);
    expect((await b.waitFor('PART')).params).toEqual(['#lobby', 'brb']);
    expect(r.chat.find('alice')).toBeDefined();
    expect(r.chat.members('#lobby').map((m) => m.name)).toEqual(['bob']);
    b.send('PRIVMSG #lobby :are you there?');
    await b.sync();
    expect((await a.sync()).filter((l) => l.command === 'PRIVMSG')).toEqual([]);
    a.send('JOIN #lobby');
    await a.waitFor('366');
    // Joining again replays what was said meanwhile (from history), then the channel is live again.
    expect((await a.waitFor('PRIVMSG')).params[1]).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d UTC\] are you there\?$/u);
    b.send('PRIVMSG #lobby :welcome back');
    expect((await a.waitFor('PRIVMSG')).params).toEqual(['#lobby', 'welcome back']);
    a.send('JOIN #second');
    await a.waitFor('366');
    a.send('JOIN 0');
    const parts = [await a.waitFor('PART'), await a.waitFor('PART')].map((l) => l.params[0]).sort();
    expect(parts).toEqual(['#lobby', '#second']);
    expect(r.chat.roomsOf(r.chat.find('alice')!)).toEqual([]);
  });

  it('answers MODE queries and accepts +i on oneself', async () => {
    const r = await start();
    r.chat.enter('webby', 'ws');
    const c = await r.member('alice');
    expect((await c.request('MODE #lobby', '324')).params.slice(1)).toEqual(['#lobby', '+nt']);
    expect((await c.waitFor('329')).params[1]).toBe('#lobby');
    expect((await c.request('MODE #lobby b', '368')).params[1]).toBe('#lobby');
    expect((await c.request('MODE #lobby +m', '482')).params[1]).toBe('#lobby');
    expect((await c.request('MODE #lobby +z', '472')).params[1]).toBe('z');
    expect((await c.request('MODE alice', '221')).params).toEqual(['alice', '+']);
    const mode = await c.request('MODE alice +i', 'MODE');
    expect(mode.params).toEqual(['alice', '+i']);
    expect((await c.request('MODE ALICE', '221')).params).toEqual(['alice', '+i']);
    expect((await c.request('MODE alice +x', '501')).params[0]).toBe('alice');
    expect((await c.request('MODE webby', '502')).params[0]).toBe('alice');
    expect((await c.request('MODE nobody', '401')).params[1]).toBe('nobody');
  });

  it('lists the rooms with member counts and repeats the MOTD', async () => {
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
    r.chat.enter('webby', 'ws');
    const a = await r.member('alice');
    const b = await r.member('bob');
    b.send('AWAY :lunch');
    await b.waitFor('306');
    a.send('WHO #lobby');
    expect((await a.waitFor('352')).params).toEqual(['alice', '#lobby', 'webby', 'ws.netroom', '*', 'webby', 'H', '0 netroom ws member']);
    expect((await a.waitFor('352')).params.slice(5, 7)).toEqual(['alice', 'H']);
    expect((await a.waitFor('352')).params.slice(5, 8)).toEqual(['bob', 'G', '0 Test bob']);
    expect((await a.waitFor('315')).params.slice(1)).toEqual(['#lobby', 'End of WHO list']);
    a.send('WHO B*');
    expect((await a.waitFor('352')).params[5]).toBe('bob');
    await a.waitFor('315');
    // +i hides from masks, not from the exact nick nor from room mates.
    const c = await r.client();
    await c.register('carol');
    c.send('MODE carol +i');
    await c.waitFor('MODE');
    expect((await a.sync()).length).toBe(0);
    a.send('WHO car*');
    expect((await a.next()).command).toBe('315');
    a.send('WHO carol');
    expect((await a.next()).command).toBe('352');
    await a.waitFor('315');
    expect((await a.request('ISON WEBBY nobody Bob', '303')).params[1]).toBe('webby bob');
    expect((await a.request('USERHOST bob webby', '302')).params[1]).toBe('bob=-bob@irc.netroom webby=+webby@ws.netroom');
    expect((await b.request('AWAY', '305')).params[0]).toBe('bob');
  });

  it('WHOIS tells the rooms, the door, the away text and idle time; 401 for nobody', async () => {
    const r = await start();
    r.chat.enter('webby', 'ws');
    const a = await r.member('alice');
    a.send('WHOIS webby');
    expect((await a.waitFor('311')).params).toEqual(['alice', 'webby', 'webby', 'ws.netroom', '*', 'netroom ws member']);
    expect((await a.waitFor('319')).params.slice(1)).toEqual(['webby', '#lobby']);
    expect((await a.waitFor('312')).params.slice(1, 3)).toEqual(['webby', 'irc.netroom']);
    expect((await a.waitFor('320')).params[2]).toBe('is connected through the ws door');
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

  it('to oneself the line comes back once; 401, 411, 412; the same target twice is said once; NOTICE gets no error', async () => {
    const r = await start();
    const a = await r.member('alice');
    expect((await a.request('PRIVMSG Alice :note to self', 'PRIVMSG')).params).toEqual(['alice', 'note to self']);
    expect((await a.request('PRIVMSG ghost :boo', '401')).params[1]).toBe('ghost');
    expect((await a.request('PRIVMSG', '411')).params[0]).toBe('alice');
    expect((await a.request('PRIVMSG #lobby', '412')).params[0]).toBe('alice');
    expect((await a.request('PRIVMSG #lobby :   ', '412')).params[0]).toBe('alice');
    a.send('NOTICE ghost :boo');
    a.send('NOTICE #nowhere :boo');
    expect(await a.sync()).toEqual([]);
    expect(r.events.filter((e) => e.kind === 'message')).toEqual([]);
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

  it('speaks Chinese announcements with --lang zh, to every member whether in a room or not', async () => {
    const r = await start({ lang: 'zh' });
    const a = await r.member('alice');
    const c = await r.client();
    await c.register('carol');
    r.chat.announce('大家好');
    expect((await a.waitFor('NOTICE')).params).toEqual(['alice', '管理员 说: 大家好']);
    expect((await c.waitFor('NOTICE')).params).toEqual(['carol', '管理员 说: 大家好']);
  });
});
