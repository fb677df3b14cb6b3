// Deletions and edits between the web (a real WebSocket client) and IRC: REDACT or NOTICE for the web's deletes, the web's delete event for an IRC REDACT, NOTICE (+draft/reply) for edits.
import { describe, expect, it } from 'vitest';
import type { ServerMessage, WireEvent } from '../src/doors/ws/messages.js';
import { REDACT_CAPS, editRigPerTest, sayWithId, tagsOf } from './helpers/irc-edits.js';

const start = editRigPerTest();

const eventOf = (m: ServerMessage): WireEvent | undefined => (m.type === 'event' ? m.event : undefined);

describe('IRC and the web: edits and deletions', () => {
  it('a web member deletes its message: the IRC client with the capability sees REDACT, the one without the NOTICE', async () => {
    const r = await start();
    const withCap = await r.irc('alice', REDACT_CAPS);
    const without = await r.irc('bob');
    const web = await r.ws('web');
    web.send({ type: 'say', text: 'posted by mistake' });
    // The web does not get its own message back: its id is the msgid IRC sees (the history id).
    const id = Number(tagsOf(await withCap.waitFor('PRIVMSG'))['msgid']);
    expect(id).toBeGreaterThan(0);
    await without.waitFor('PRIVMSG');

    web.send({ type: 'delete', id });
    expect((await withCap.waitFor('REDACT')).raw).toBe(`:web!web@ws.netroom REDACT #lobby ${id}`);
    expect((await without.waitFor('NOTICE')).raw).toBe(':irc.netroom NOTICE #lobby :* web deleted a message by web');
    expect(eventOf(await web.waitFor((m) => eventOf(m)?.kind === 'delete'))).toMatchObject({ kind: 'delete', target: id, room: '#lobby' });
  });

  it('an IRC REDACT of its own message reaches the web as a delete event; a refused one changes nothing there', async () => {
    const r = await start();
    const alice = await r.irc('alice', REDACT_CAPS);
    const web = await r.ws('web');
    const msgid = await sayWithId(alice, '#lobby', 'from irc');
    await web.waitFor((m) => eventOf(m)?.kind === 'message');
    web.send({ type: 'say', text: 'from the web' });
    const webId = tagsOf(await alice.waitFor((l) => l.command === 'PRIVMSG' && l.source?.startsWith('web!') === true))['msgid'] ?? '';
    expect((await alice.request(`REDACT #lobby ${webId}`, 'FAIL')).params).toEqual(['REDACT', 'REDACT_FORBIDDEN', '#lobby', webId, 'You are not authorised to delete this message']);

    alice.send(`REDACT #lobby ${msgid} :typo`);
    await alice.waitFor('REDACT');
    const deleted = eventOf(await web.waitFor((m) => eventOf(m)?.kind === 'delete'));
    expect(deleted).toMatchObject({ kind: 'delete', target: Number(msgid), room: '#lobby', author: 'alice', name: 'alice' });
    // Only that one delete reached the web.
    expect(web.events().filter((e) => e.kind === 'delete')).toHaveLength(1);
  });

  it("a web member's edit is a server NOTICE on IRC, with +draft/reply naming the message for message-tags clients", async () => {
    const r = await start();
    const tagged = await r.irc('alice', ['message-tags']);
    const plain = await r.irc('bob');
    const web = await r.ws('web');
    web.send({ type: 'say', text: 'teh answer' });
    const id = tagsOf(await tagged.waitFor('PRIVMSG'))['msgid'] ?? '';
    await plain.waitFor('PRIVMSG');

    web.send({ type: 'edit', id: Number(id), text: 'the answer' });
    const notice = await tagged.waitFor('NOTICE');
    expect(notice.raw).toBe(`@+draft/reply=${id} :irc.netroom NOTICE #lobby :* web edited a message: the answer`);
    expect((await plain.waitFor('NOTICE')).raw).toBe(':irc.netroom NOTICE #lobby :* web edited a message: the answer');

    // A direct message's edit: to the IRC side, addressed as the message was; a second line of it after `web | `.
    web.send({ type: 'say', to: 'alice', text: 'see you at 5' });
    const dm = await tagged.waitFor('PRIVMSG');
    expect(dm.params).toEqual(['alice', 'see you at 5']);
    const dmId = tagsOf(dm)['msgid'] ?? '';
    web.send({ type: 'edit', id: Number(dmId), text: 'see you at 6\nor 7' });
    expect((await tagged.waitFor('NOTICE')).raw).toBe(`@+draft/reply=${dmId} :irc.netroom NOTICE alice :* web edited a message: see you at 6`);
    expect((await tagged.waitFor('NOTICE')).raw).toBe(`@+draft/reply=${dmId} :irc.netroom NOTICE alice :web | or 7`);
    expect((await plain.sync()).map((l) => l.raw)).toEqual([]);
  });
});
