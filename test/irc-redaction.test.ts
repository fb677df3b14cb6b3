// IRCv3 draft/message-redaction over raw IRC lines: REDACT deletes (own, a room operator's, in a conversation), the FAIL REDACT codes, the NOTICE for clients without the capability.
import { describe, expect, it } from 'vitest';
import { deleteNotice, editNotice, targetOf } from '../src/doors/irc/edits.js';
import { REDACT_CAPS, editRigPerTest, sayWithId, tagsOf } from './helpers/irc-edits.js';

const start = editRigPerTest();

describe('IRC REDACT (draft/message-redaction)', () => {
  it('offers the capability in CAP LS', async () => {
    const r = await start();
    const c = await r.irc('alice');
    const ls = await c.request('CAP LS 302', (l) => l.command === 'CAP' && l.params[1] === 'LS');
    expect(ls.params[2]?.split(' ')).toContain('draft/message-redaction');
    expect((await c.request('CAP REQ :draft/message-redaction', 'CAP')).params.slice(1)).toEqual(['ACK', 'draft/message-redaction']);
  });

  it("deletes one's own message: REDACT (with the reason) to clients with the capability, a server NOTICE to the others", async () => {
    const r = await start();
    const alice = await r.irc('alice', [...REDACT_CAPS, 'server-time']);
    const bob = await r.irc('bob', ['message-tags', 'draft/message-redaction']);
    const carol = await r.irc('carol');
    const msgid = await sayWithId(alice, '#lobby', 'oops, wrong room');
    expect((await bob.waitFor('PRIVMSG')).params[1]).toBe('oops, wrong room');
    expect((await carol.waitFor('PRIVMSG')).params[1]).toBe('oops, wrong room');

    alice.send(`REDACT #lobby ${msgid} :wrong room`);
    const mine = await alice.waitFor('REDACT');
    expect(mine.source).toBe('alice!alice@irc.netroom');
    expect(mine.params).toEqual(['#lobby', msgid, 'wrong room']);
    expect(tagsOf(mine)['time']).toMatch(/^\d{4}-\d\d-\d\dT/u);
    const theirs = await bob.waitFor('REDACT');
    expect(theirs.raw).toBe(`:alice!alice@irc.netroom REDACT #lobby ${msgid} :wrong room`);
    const notice = await carol.waitFor('NOTICE');
    expect(notice.raw).toBe(':irc.netroom NOTICE #lobby :* alice deleted a message by alice');
    // Nothing else: no error, no notice to the ones that had REDACT.
    expect(await alice.sync()).toEqual([]);
    expect(await bob.sync()).toEqual([]);

    expect(await r.history.get(Number(msgid))).toMatchObject({ deleted: true });
    expect(r.events.at(-1)).toMatchObject({ kind: 'delete', target: Number(msgid), room: '#lobby', author: 'alice', name: 'alice' });
    // The deleted message is gone from CHATHISTORY (the spec's first choice) and from a JOIN's replay.
    alice.send('CAP REQ :batch draft/chathistory');
    await alice.waitFor('CAP');
    alice.send('CHATHISTORY LATEST #lobby * 10');
    const page = await alice.sync();
    expect(page.filter((l) => l.command === 'PRIVMSG')).toEqual([]);
    const dave = await r.irc('dave');
    expect(dave.all.join('\n')).not.toContain('wrong room');
  });

  it("refuses someone else's message to a member who is no operator: FAIL REDACT REDACT_FORBIDDEN, nothing deleted", async () => {
    const r = await start();
    const alice = await r.irc('alice', REDACT_CAPS);
    const bob = await r.irc('bob', REDACT_CAPS);
    const msgid = await sayWithId(alice, '#lobby', 'mine');
    await bob.waitFor('PRIVMSG');
    const fail = await bob.request(`REDACT #lobby ${msgid}`, 'FAIL');
    expect(fail.source).toBe('irc.netroom');
    expect(fail.params).toEqual(['REDACT', 'REDACT_FORBIDDEN', '#lobby', msgid, 'You are not authorised to delete this message']);
    expect(await alice.sync()).toEqual([]);
    expect(await r.history.get(Number(msgid))).toMatchObject({ deleted: false });
  });

  it("lets a room's operator delete a member's message", async () => {
    const r = await start();
    const alice = await r.irc('alice', REDACT_CAPS);
    const bob = await r.irc('bob', REDACT_CAPS);
    alice.send('JOIN #dev');
    await alice.waitFor('366');
    bob.send('JOIN #dev');
    await bob.waitFor('366');
    const msgid = await sayWithId(bob, '#dev', 'buy cheap watches');
    await alice.waitFor('PRIVMSG');
    alice.send(`REDACT #dev ${msgid} :spam`);
    for (const c of [alice, bob]) {
      const line = await c.waitFor('REDACT');
      expect(line.source).toBe('alice!alice@irc.netroom');
      expect(line.params).toEqual(['#dev', msgid, 'spam']);
    }
  });

  it('answers UNKNOWN_MSGID for a msgid that is not one, is unknown, is in another target, or is deleted already', async () => {
    const r = await start();
    const alice = await r.irc('alice', REDACT_CAPS);
    alice.send('JOIN #dev');
    await alice.waitFor('366');
    const inDev = await sayWithId(alice, '#dev', 'said in dev');
    for (const msgid of ['nonexistent123', '0', '99999999', '-1', inDev]) {
      const fail = await alice.request(`REDACT #lobby ${msgid}`, 'FAIL');
      expect(fail.params).toEqual(['REDACT', 'UNKNOWN_MSGID', '#lobby', msgid, 'This message does not exist or is too old']);
    }
    // A join is history but no message.
    const join = (await r.history.recent({ room: '#dev' }, 10)).find((e) => e.kind === 'join');
    expect(join).toBeDefined();
    expect((await alice.request(`REDACT #dev ${join?.id ?? 0}`, 'FAIL')).params[1]).toBe('UNKNOWN_MSGID');
    expect(await r.history.get(Number(inDev))).toMatchObject({ deleted: false });
    alice.send(`REDACT #dev ${inDev}`);
    await alice.waitFor('REDACT');
    expect((await alice.request(`REDACT #dev ${inDev}`, 'FAIL')).params.slice(0, 4)).toEqual(['REDACT', 'UNKNOWN_MSGID', '#dev', inDev]);
  });

  it('answers INVALID_TARGET for a room that does not exist or that one is not in, and for what is no name', async () => {
    const r = await start();
    const alice = await r.irc('alice', REDACT_CAPS);
    const bob = await r.irc('bob', REDACT_CAPS);
    bob.send('JOIN #private');
    await bob.waitFor('366');
    const msgid = await sayWithId(bob, '#private', 'only for #private');
    for (const target of ['#nowhere', '#private', '$*', 'a,b']) {
      const fail = await alice.request(`REDACT ${target} ${msgid}`, 'FAIL');
      expect(fail.params).toEqual(['REDACT', 'INVALID_TARGET', target, `You cannot delete messages from ${target}`]);
    }
    expect((await alice.request('REDACT #lobby', '461')).params[1]).toBe('REDACT');
    expect(await r.history.get(Number(msgid))).toMatchObject({ deleted: false });
  });

  it('deletes a direct message: both sides see REDACT addressed as the PRIVMSG was, a side without the capability the NOTICE', async () => {
    const r = await start();
    const alice = await r.irc('alice', REDACT_CAPS);
    const bob = await r.irc('bob', REDACT_CAPS);
    const carol = await r.irc('carol', ['message-tags']);
    const toBob = await sayWithId(alice, 'bob', 'psst');
    expect((await bob.waitFor('PRIVMSG')).params).toEqual(['bob', 'psst']);
    // Bob may not delete what alice said to him; carol is no side of it at all.
    expect((await bob.request(`REDACT alice ${toBob}`, 'FAIL')).params[1]).toBe('REDACT_FORBIDDEN');
    expect((await carol.request(`REDACT alice ${toBob}`, 'FAIL')).params[1]).toBe('UNKNOWN_MSGID');
    alice.send(`REDACT bob ${toBob}`);
    expect((await alice.waitFor('REDACT')).raw).toBe(`:alice!alice@irc.netroom REDACT bob ${toBob}`);
    expect((await bob.waitFor('REDACT')).raw).toBe(`:alice!alice@irc.netroom REDACT bob ${toBob}`);

    const toCarol = await sayWithId(alice, 'carol', 'hi carol');
    await carol.waitFor('PRIVMSG');
    alice.send(`REDACT carol ${toCarol}`);
    await alice.waitFor('REDACT');
    expect((await carol.waitFor('NOTICE')).raw).toBe(':irc.netroom NOTICE carol :* alice deleted a message by alice');
  });

  it('lets an IRC operator (an administrator) delete any message in a room, and says who deleted whose', async () => {
    const r = await start();
    const alice = await r.irc('alice', REDACT_CAPS);
    const bob = await r.irc('bob');
    bob.send('PRIVMSG #lobby :rude words');
    const heard = await alice.waitFor('PRIVMSG');
    const msgid = tagsOf(heard)['msgid'] ?? '';
    await alice.request('OPER admin test-admin-token-0123456789', '381');
    alice.send(`REDACT #lobby ${msgid}`);
    expect((await alice.waitFor('REDACT')).params).toEqual(['#lobby', msgid]);
    expect((await bob.waitFor('NOTICE')).params).toEqual(['#lobby', '* alice deleted a message by bob']);
  });
});

describe('IRC texts of edits and deletions', () => {
  const base = { id: 0, at: 0, audience: [] } as const;
  it('addresses a direct message the way its PRIVMSG was: the other side as the one who acted sees it', () => {
    expect(targetOf({ ...base, kind: 'delete', target: 7, to: 'bob', author: 'alice', name: 'Alice' })).toBe('bob');
    expect(targetOf({ ...base, kind: 'delete', target: 7, to: 'bob', author: 'alice', name: 'bob' })).toBe('alice');
    expect(targetOf({ ...base, kind: 'edit', target: 7, room: '#dev', author: 'alice', name: 'alice', text: 'x' })).toBe('#dev');
  });

  it('says them in the server language', () => {
    const del = { ...base, kind: 'delete', target: 7, room: '#dev', author: 'alice', name: 'bob' } as const;
    expect(deleteNotice('en', del)).toBe('* bob deleted a message by alice');
    expect(deleteNotice('zh', del)).toBe('* bob 删除了 alice 的一条消息');
    const edit = { ...base, kind: 'edit', target: 7, room: '#dev', author: 'alice', name: 'alice', text: 'one\ntwo' } as const;
    expect(editNotice('en', edit)).toBe('* alice edited a message: one\nalice | two');
    expect(editNotice('zh', edit)).toBe('* alice 修改了消息: one\nalice | two');
  });
});
