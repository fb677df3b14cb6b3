// IRC door integration on the rooms model: several rooms, modes (+k +l +i +m +s +o +v), invitations, DMs, WHOWAS, quits and renames.
import { describe, expect, it } from 'vitest';
import { rigPerTest, type RawIrcClient } from './helpers/irc.js';

const start = rigPerTest();

/** Connect and register one client per nick, in order (registration joins nothing). */
async function registered<N extends readonly string[]>(r: { client(): Promise<RawIrcClient> }, ...nicks: N): Promise<{ [K in keyof N]: RawIrcClient }> {
  const clients: RawIrcClient[] = [];
  for (const nick of nicks) {
    const c = await r.client();
    await c.register(nick);
    clients.push(c);
  }
  return clients as { [K in keyof N]: RawIrcClient };
}

/** JOIN a room and wait for the end of its names. */
async function join(c: RawIrcClient, room: string, key = ''): Promise<void> {
  c.send(`JOIN ${room}${key === '' ? '' : ' ' + key}`);
  await c.waitFor((l) => l.command === '366' && l.params[1]?.toLowerCase() === room.toLowerCase());
}

describe('IRC door: rooms', () => {
  it('joins several rooms in one JOIN (the first in is operator), NAMES per room with prefixes, PART with a reason', async () => {
    const r = await start();
    const [a, b] = await registered(r, 'alice', 'bob');
    a.send('JOIN #one,#two');
    await a.waitFor((l) => l.command === '366' && l.params[1] === '#one');
    await a.waitFor((l) => l.command === '366' && l.params[1] === '#two');
    await join(b, '#two');
    expect((await a.waitFor('JOIN')).params).toEqual(['#two']);
    expect((await b.request('NAMES #two', '353')).params.slice(1)).toEqual(['=', '#two', '@alice bob']);
    expect((await b.request('NAMES', '353')).params[2]).toBe('#two');
    b.send('PRIVMSG #two :only in two');
    expect((await a.waitFor('PRIVMSG')).params).toEqual(['#two', 'only in two']);
    expect((await b.request('PRIVMSG #one :not in one', '404')).params[1]).toBe('#one');
    b.send('PART #two :see you');
    expect((await a.waitFor('PART')).params).toEqual(['#two', 'see you']);
    expect(r.chat.members('#two').map((m) => m.name)).toEqual(['alice']);
    expect(r.events.filter((e) => e.kind === 'part').length).toBe(1);
  });

  it('LIST shows occupied rooms with counts and topics, hides secret ones from outsiders, filters by >n', async () => {
    const r = await start();
    const a = await r.member('alice');
    const b = await r.member('bob');
    await join(a, '#open');
    await join(b, '#open');
    await join(a, '#hidden');
    a.send('MODE #hidden +s');
    await a.waitFor('MODE');
    b.send('LIST');
    const rows: string[][] = [];
    for (;;) {
      const line = await b.waitFor((l) => l.command === '322' || l.command === '323');
      if (line.command === '323') break;
      rows.push(line.params.slice(1, 3));
    }
    expect(rows).toEqual([
      ['#lobby', '2'],
      ['#open', '2'],
    ]);
    a.send('LIST >1');
    const seen: string[] = [];
    for (;;) {
      const line = await a.waitFor((l) => l.command === '322' || l.command === '323');
      if (line.command === '323') break;
      seen.push(line.params[1]!);
    }
    expect(seen).toEqual(['#lobby', '#open']);
    // NAMES and WHO of a secret room say nothing to outsiders.
    expect((await b.request('NAMES #hidden', '366')).params[1]).toBe('#hidden');
    expect((await b.request('WHO #hidden', '315')).params[1]).toBe('#hidden');
    expect((await b.request('WHOIS alice', '319')).params[2]).toBe('#lobby @#open');
  });

  it('+k needs the key (475), +l caps the room (471), +i needs an invitation (473, then 341 and INVITE)', async () => {
    const r = await start();
    const [a, b, c] = await registered(r, 'alice', 'bob', 'carol');
    await join(a, '#club');
    a.send('MODE #club +kl sesame 2');
    expect((await a.waitFor('MODE')).params).toEqual(['#club', '+kl', 'sesame', '2']);
    expect((await b.request('JOIN #club', '475')).params[1]).toBe('#club');
    expect((await b.request('JOIN #club wrong', '475')).params[1]).toBe('#club');
    await join(b, '#club', 'sesame');
    expect((await c.request('JOIN #club sesame', '471')).params[1]).toBe('#club');
    expect((await a.request('MODE #club', '324')).params.slice(1)).toEqual(['#club', '+ntkl', 'sesame', '2']);
    expect((await c.request('MODE #club', '324')).params.slice(1)).toEqual(['#club', '+ntkl', '*', '2']);
    a.send('MODE #club -lk+i');
    expect((await a.waitFor('MODE')).params).toEqual(['#club', '-lk+i', '*']);
    expect((await c.request('JOIN #club', '473')).params[1]).toBe('#club');
    expect((await b.request('INVITE carol #club', '482')).params[1]).toBe('#club');
    expect((await a.request('INVITE carol #club', '341')).params.slice(1)).toEqual(['carol', '#club']);
    const invite = await c.waitFor('INVITE');
    expect(invite.source).toBe('alice!alice@irc.netroom');
    expect(invite.params).toEqual(['carol', '#club']);
    await join(c, '#club');
    expect((await a.request('INVITE bob #club', '443')).params.slice(1, 3)).toEqual(['bob', '#club']);
    expect((await a.request('INVITE ghost #club', '401')).params[1]).toBe('ghost');
  });

  it('+m lets only operators and voiced members speak; +o/+v by an operator; 441 and 472', async () => {
    const r = await start();
    const [a, b] = await registered(r, 'alice', 'bob');
    await join(a, '#talk');
    await join(b, '#talk');
    a.send('MODE #talk +m');
    expect((await b.waitFor('MODE')).params).toEqual(['#talk', '+m']);
    expect((await b.request('PRIVMSG #talk :may I?', '404')).params[1]).toBe('#talk');
    expect((await b.request('MODE #talk +v bob', '482')).params[1]).toBe('#talk');
    a.send('MODE #talk +v bob');
    const voiced = await b.waitFor('MODE');
    expect(voiced.source).toBe('alice!alice@irc.netroom');
    expect(voiced.params).toEqual(['#talk', '+v', 'bob']);
    b.send('PRIVMSG #talk :now I may');
    expect((await a.waitFor('PRIVMSG')).params).toEqual(['#talk', 'now I may']);
    expect((await a.request('NAMES #talk', '353')).params[3]).toBe('@alice +bob');
    a.send('MODE #talk +o bob');
    await b.waitFor('MODE');
    expect((await a.request('NAMES #talk', '353')).params[3]).toBe('@alice @bob');
    const c = await r.client();
    await c.register('carol', ['multi-prefix']);
    expect((await c.request('NAMES #talk', '353')).params[3]).toBe('@alice @+bob');
    expect((await a.request('MODE #talk +o carol', '441')).params.slice(1, 3)).toEqual(['carol', '#talk']);
    expect((await a.request('MODE #talk +y', '472')).params[1]).toBe('y');
    expect((await a.request('MODE #talk +b', '368')).params[1]).toBe('#talk');
  });
});

describe('IRC door: conformance details', () => {
  it('refuses a bad +k or +l with 696 (the mode, `*`, the reason) and changes nothing', async () => {
    const r = await start();
    const [a] = await registered(r, 'alice');
    await join(a, '#m');
    expect((await a.request('MODE #m +k :has spaces', '696')).params.slice(1, 4)).toEqual(['#m', 'k', '*']);
    for (const bad of ['0', '-1', 'ten', ':']) expect((await a.request(`MODE #m +l ${bad}`, '696')).params.slice(1, 4)).toEqual(['#m', 'l', '*']);
    expect(r.chat.room('#m')?.modes).toMatchObject({ key: null, limit: null });
  });

  it('NAMES #a,#b: the names of each, then one 366 naming the list', async () => {
    const r = await start();
    const [a] = await registered(r, 'alice');
    await join(a, '#a');
    await join(a, '#b');
    a.send('NAMES #a,#b');
    expect((await a.next()).params.slice(2)).toEqual(['#a', '@alice']);
    expect((await a.next()).params.slice(2)).toEqual(['#b', '@alice']);
    const end = await a.next();
    expect([end.command, end.params[1]]).toEqual(['366', '#a,#b']);
  });

  it('cuts (not splits) a line from an IRC client that the added source pushes past 512 bytes', async () => {
    const r = await start();
    const [a, b] = await registered(r, 'alice', 'bob');
    const head = 'PRIVMSG bob :';
    const text = 'a'.repeat(510 - head.length - 4) + '😃';
    a.send(head + text);
    const got = await b.waitFor('PRIVMSG');
    expect(Buffer.byteLength(got.raw) + 2).toBeLessThanOrEqual(512);
    expect(text.startsWith(got.params[1]!)).toBe(true);
    expect(got.params[1]!.length).toBeLessThan(text.length);
    expect((await b.sync()).filter((l) => l.command === 'PRIVMSG')).toEqual([]);
    // The chat (other doors, history) keeps the whole text.
    expect(r.events.at(-1)).toMatchObject({ kind: 'dm', text });
  });
});

describe('IRC door: direct messages', () => {
  it('carries PRIVMSG and NOTICE between IRC nicks, with 301 for an away addressee; stored for both', async () => {
    const r = await start();
    const [a, b] = await registered(r, 'alice', 'bob');
    a.send('PRIVMSG Bob :hi bob');
    const got = await b.waitFor('PRIVMSG');
    expect(got.source).toBe('alice!alice@irc.netroom');
    expect(got.params).toEqual(['bob', 'hi bob']);
    b.send('NOTICE alice :a notice');
    expect((await a.waitFor('NOTICE')).params).toEqual(['alice', 'a notice']);
    b.send('AWAY :out');
    await b.waitFor('306');
    expect((await a.request('PRIVMSG bob :still there?', '301')).params.slice(1)).toEqual(['bob', 'out']);
    expect((await r.history.recent({ between: ['alice', 'bob'] }, 10)).map((e) => e.text)).toEqual(['hi bob', 'a notice', 'still there?']);
  });

  it('reaches members of other doors and brings their messages back as PRIVMSG from name!name@door.netroom', async () => {
    const r = await start();
    const webby = r.chat.enter('webby', 'ws');
    const [a] = await registered(r, 'alice');
    a.send('PRIVMSG webby :hello web');
    await a.sync();
    expect(r.events.at(-1)).toMatchObject({ kind: 'dm', name: 'alice', to: 'webby', text: 'hello web' });
    r.chat.dm(webby, 'alice', 'hello irc');
    const got = await a.waitFor('PRIVMSG');
    expect(got.source).toBe('webby!webby@ws.netroom');
    expect(got.params).toEqual(['alice', 'hello irc']);
  });
});

describe('IRC door: leaving and renaming', () => {
  it('a quit is heard once by someone sharing several rooms, and WHOWAS remembers it (406 for strangers)', async () => {
    const r = await start();
    const [a, b] = await registered(r, 'alice', 'bob');
    for (const room of ['#x', '#y', '#z']) {
      await join(a, room);
      await join(b, room);
    }
    b.send('QUIT :off');
    expect((await a.waitFor('QUIT')).params).toEqual(['Quit: off']);
    expect((await a.sync()).filter((l) => l.command === 'QUIT')).toEqual([]);
    expect((await a.request('WHOWAS bob', '314')).params.slice(1, 6)).toEqual(['bob', 'bob', 'irc.netroom', '*', 'Test bob']);
    expect((await a.waitFor('369')).params[1]).toBe('bob');
    expect((await a.request('WHOWAS nobody', '406')).params[1]).toBe('nobody');
    expect((await a.waitFor('369')).params[1]).toBe('nobody');
  });

  it('a nick change is one NICK for each room mate, however many rooms they share, and none for strangers', async () => {
    const r = await start();
    const [a, b, c] = await registered(r, 'alice', 'bob', 'carol');
    await join(a, '#x');
    await join(a, '#y');
    await join(b, '#x');
    await join(b, '#y');
    a.send('NICK alicia');
    expect((await a.waitFor('NICK')).params).toEqual(['alicia']);
    const nick = await b.waitFor('NICK');
    expect(nick.source).toBe('alice!alice@irc.netroom');
    expect((await b.sync()).filter((l) => l.command === 'NICK')).toEqual([]);
    expect((await c.sync()).filter((l) => l.command === 'NICK')).toEqual([]);
    expect((await b.request('NAMES #y', '353')).params[3]).toBe('@alicia bob');
  });

  it('replays each room its own history on JOIN', async () => {
    const r = await start();
    const webby = r.chat.enter('webby', 'ws');
    r.chat.join(webby, '#red');
    r.chat.join(webby, '#blue');
    r.chat.say(webby, '#red', 'said in red');
    r.chat.say(webby, '#blue', 'said in blue');
    const a = await r.client();
    await a.register('alice', ['server-time']);
    a.send('JOIN #blue');
    await a.waitFor('366');
    const replay = await a.sync();
    expect(replay.map((l) => [l.command, ...l.params])).toEqual([['PRIVMSG', '#blue', 'said in blue']]);
    expect(replay[0]?.tags).toMatch(/^time=/u);
  });
});
