// IRC door integration, IRCv3: labeled-response, batch, draft/chathistory, msgid, extended-join, away-notify, userhost-in-names, invite-notify.
import { describe, expect, it } from 'vitest';
import { rigPerTest, type Line, type RawIrcClient } from './helpers/irc.js';

const start = rigPerTest();

/** Parse `a=b;c` tags. */
function tagsOf(line: Line): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (line.tags ?? '').split(';')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    out[eq < 0 ? part : part.slice(0, eq)] = eq < 0 ? '' : part.slice(eq + 1);
  }
  return out;
}

/** Everything from `BATCH +id` to `BATCH -id`, the inner lines. */
async function batch(c: RawIrcClient, type: string): Promise<{ start: Line; inner: Line[] }> {
  const open = await c.waitFor((l) => l.command === 'BATCH' && l.params[0]?.startsWith('+') === true && l.params[1] === type);
  const id = open.params[0]!.slice(1);
  const inner: Line[] = [];
  for (;;) {
    const line = await c.next();
    if (line.command === 'BATCH' && line.params[0] === `-${id}`) return { start: open, inner };
    expect(tagsOf(line)['batch']).toBe(id);
    inner.push(line);
  }
}

const CAPS = ['batch', 'labeled-response', 'message-tags', 'server-time', 'echo-message', 'draft/chathistory'];

describe('IRC door: labeled-response', () => {
  it('labels a one-line reply, ACKs a silent command, and wraps several lines in a labeled-response batch', async () => {
    const r = await start();
    const a = await r.client();
    await a.register('alice', CAPS);
    const pong = await a.request('@label=one PING tok', 'PONG');
    expect(tagsOf(pong)['label']).toBe('one');
    const ack = await a.request('@label=two PONG x', 'ACK');
    expect(tagsOf(ack)['label']).toBe('two');
    a.send('@label=three JOIN #lab');
    const { start: open, inner } = await batch(a, 'labeled-response');
    expect(tagsOf(open)['label']).toBe('three');
    expect(inner.map((l) => l.command)).toEqual(['JOIN', '353', '366']);
    // Errors are labelled too.
    const err = await a.request('@label=four PART #nowhere', '403');
    expect(tagsOf(err)['label']).toBe('four');
    // A labelled message to a room: the echo carries the label, the others do not see it.
    const b = await r.client();
    await b.register('bob', ['message-tags']);
    b.send('JOIN #lab');
    await b.waitFor('366');
    a.send('@label=five PRIVMSG #lab :hello');
    const echo = await a.waitFor('PRIVMSG');
    expect(tagsOf(echo)['label']).toBe('five');
    const got = await b.waitFor('PRIVMSG');
    expect(tagsOf(got)['label']).toBeUndefined();
    expect(tagsOf(got)['msgid']).toBe(tagsOf(echo)['msgid']);
    expect(tagsOf(got)['msgid']).toMatch(/^\d+$/u);
  });
});

describe('IRC door: draft/chathistory', () => {
  it('pages a room with LATEST, BEFORE, AFTER, AROUND and BETWEEN by msgid and timestamp, in chathistory batches', async () => {
    const r = await start();
    const a = await r.client();
    await a.register('alice', CAPS);
    a.send('JOIN #h');
    await a.waitFor('366');
    const ids: string[] = [];
    const times: string[] = [];
    for (let i = 0; i < 10; i++) {
      a.send(`PRIVMSG #h :m${i}`);
      const echo = await a.waitFor('PRIVMSG');
      ids.push(tagsOf(echo)['msgid']!);
      times.push(tagsOf(echo)['time']!);
    }
    const texts = async (request: string): Promise<string[]> => {
      a.send(request);
      const { start: open, inner } = await batch(a, 'chathistory');
      expect(open.params[2]).toBe('#h');
      for (const line of inner) expect(ids).toContain(tagsOf(line)['msgid']);
      return inner.map((l) => l.params[1] ?? '');
    };
    expect(await texts('CHATHISTORY LATEST #h * 3')).toEqual(['m7', 'm8', 'm9']);
    expect(await texts(`CHATHISTORY LATEST #h msgid=${ids[7]} 10`)).toEqual(['m8', 'm9']);
    expect(await texts(`CHATHISTORY BEFORE #h msgid=${ids[5]} 2`)).toEqual(['m3', 'm4']);
    expect(await texts(`CHATHISTORY AFTER #h msgid=${ids[5]} 2`)).toEqual(['m6', 'm7']);
    expect(await texts(`CHATHISTORY AROUND #h msgid=${ids[5]} 3`)).toEqual(['m4', 'm5', 'm6']);
    expect(await texts(`CHATHISTORY BETWEEN #h msgid=${ids[1]} msgid=${ids[5]} 10`)).toEqual(['m2', 'm3', 'm4']);
    expect(await texts(`CHATHISTORY BETWEEN #h msgid=${ids[5]} msgid=${ids[1]} 2`)).toEqual(['m3', 'm4']);
    expect(await texts(`CHATHISTORY BEFORE #h timestamp=${times[0]} 10`)).toEqual([]);
    const fail = await a.request('CHATHISTORY LATEST #elsewhere * 10', 'FAIL');
    expect(fail.params.slice(0, 3)).toEqual(['CHATHISTORY', 'INVALID_TARGET', 'LATEST']);
    expect((await a.request('CHATHISTORY LATEST #h bogus 10', 'FAIL')).params[1]).toBe('INVALID_PARAMS');
  });

  it('pages a conversation with a nick, and lists TARGETS; no automatic replay on JOIN with draft/chathistory', async () => {
    const r = await start();
    const a = await r.client();
    await a.register('alice', CAPS);
    const b = await r.client();
    await b.register('bob');
    b.send('PRIVMSG alice :one');
    b.send('PRIVMSG alice :two');
    await a.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'two');
    a.send('CHATHISTORY LATEST bob * 10');
    const { start: open, inner } = await batch(a, 'chathistory');
    expect(open.params[2]).toBe('bob');
    expect(inner.map((l) => [l.source, ...l.params])).toEqual([
      ['bob!bob@irc.netroom', 'alice', 'one'],
      ['bob!bob@irc.netroom', 'alice', 'two'],
    ]);
    // The batch names the nick as asked for (irctest asks in upper case), the rows are the same.
    a.send('CHATHISTORY LATEST BOB * 10');
    const upper = await batch(a, 'chathistory');
    expect(upper.start.params[2]).toBe('BOB');
    expect(upper.inner).toHaveLength(2);
    a.send(`CHATHISTORY TARGETS timestamp=${new Date(0).toISOString()} timestamp=${new Date(Date.now() + 60_000).toISOString()} 10`);
    const targets = await batch(a, 'draft/chathistory-targets');
    expect(targets.inner.map((l) => l.params.slice(0, 2))).toEqual([['TARGETS', 'bob']]);
    // The latest message's time as a bare timestamp (IRCv3 chathistory: `TARGETS <target> <timestamp>`).
    expect(targets.inner[0]?.params[2]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/u);
    b.send('JOIN #quiet');
    await b.waitFor('366');
    b.send('PRIVMSG #quiet :before alice');
    await b.sync();
    a.send('JOIN #quiet');
    await a.waitFor('366');
    expect((await a.sync()).filter((l) => l.command === 'PRIVMSG' || l.command === 'BATCH')).toEqual([]);
  });

  it('replays history on JOIN inside a chathistory batch for a client with batch but not draft/chathistory', async () => {
    const r = await start();
    const webby = r.chat.enter('webby', 'ws');
    r.chat.say(webby, '#lobby', 'earlier');
    const a = await r.client();
    await a.register('alice', ['batch', 'server-time']);
    a.send('JOIN #lobby');
    await a.waitFor('366');
    const { start: open, inner } = await batch(a, 'chathistory');
    expect(open.params[2]).toBe('#lobby');
    expect(inner.map((l) => l.params)).toEqual([['#lobby', 'earlier']]);
  });
});

describe('IRC door: other IRCv3 capabilities', () => {
  it('extended-join, userhost-in-names, away-notify and invite-notify', async () => {
    const r = await start();
    const a = await r.client();
    await a.register('alice', ['extended-join', 'userhost-in-names', 'away-notify', 'invite-notify']);
    a.send('JOIN #caps');
    await a.waitFor('366');
    const b = await r.client();
    await b.register('bob');
    b.send('JOIN #caps');
    const joined = await a.waitFor('JOIN');
    expect(joined.params).toEqual(['#caps', '*', 'Test bob']);
    expect((await a.request('NAMES #caps', '353')).params[3]).toBe('@alice!alice@irc.netroom bob!bob@irc.netroom');
    b.send('AWAY :brb');
    const away = await a.waitFor('AWAY');
    expect(away.source).toBe('bob!bob@irc.netroom');
    expect(away.params).toEqual(['brb']);
    b.send('AWAY');
    expect((await a.waitFor('AWAY')).params).toEqual([]);
    const c = await r.client();
    await c.register('carol');
    a.send('MODE #caps +i');
    await a.waitFor('MODE');
    // bob is no operator: under +i only operators invite.
    expect((await b.request('INVITE carol #caps', '482')).params[1]).toBe('#caps');
    a.send('MODE #caps +o bob');
    await a.waitFor('MODE');
    b.send('INVITE carol #caps');
    await b.waitFor('341');
    const notify = await a.waitFor('INVITE');
    expect(notify.source).toBe('bob!bob@irc.netroom');
    expect(notify.params).toEqual(['carol', '#caps']);
  });
});
