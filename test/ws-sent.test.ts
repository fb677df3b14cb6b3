// `say` with a `ref` over real WebSocket clients: the `sent` answer's id is the one the others see and history keeps; refusals carry the ref; no ref, no answer.
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../src/doors/ws/messages.js';
import { wsRigPerTest, type TestWsClient } from './helpers/ws.js';

const start = wsRigPerTest();

type EventMessage = Extract<ServerMessage, { type: 'event' }>;
type Sent = Extract<ServerMessage, { type: 'sent' }>;
type ErrorMessage = Extract<ServerMessage, { type: 'error' }>;

/** The `sent` or the error answering the say with `ref`. */
async function answerTo(client: TestWsClient, ref: string): Promise<Sent | ErrorMessage> {
  return client.waitFor<Sent | ErrorMessage>((m) => (m.type === 'sent' || m.type === 'error') && m.ref === ref);
}

/** The event carrying `text` that `client` hears. */
async function heard(client: TestWsClient, text: string): Promise<EventMessage['event']> {
  return (await client.waitFor<EventMessage>((m) => m.type === 'event' && m.event.text === text)).event;
}

/** A `who` answered: every frame sent before it has arrived. */
async function settled(client: TestWsClient): Promise<void> {
  await client.ask({ type: 'who' }, 'members');
}

describe('WS door: say with a ref', () => {
  it('a room message: `sent` has the id the other member sees and history keeps, and the author can edit by it at once', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    alice.send({ type: 'say', text: 'first', ref: 'a-1' });
    alice.send({ type: 'say', text: 'second', ref: 'a-2' });
    const first = await answerTo(alice, 'a-1');
    const second = await answerTo(alice, 'a-2');
    const theirs = await heard(bob, 'first');
    expect(first).toEqual({ type: 'sent', ref: 'a-1', id: theirs.id, at: theirs.at });
    expect(second.type === 'sent' && second.id).toBe((await heard(bob, 'second')).id);
    expect(theirs.id).toBeGreaterThan(0);
    // The author still gets no event of its own message.
    expect(alice.events().filter((e) => e.kind === 'message')).toEqual([]);

    const page = await alice.ask({ type: 'history', room: '#lobby' }, 'history');
    if (page.type !== 'history' || first.type !== 'sent') throw new Error(JSON.stringify(page));
    expect(page.events.filter((e) => e.kind === 'message').map((e) => [e.id, e.text])).toEqual([
      [first.id, 'first'],
      [second.type === 'sent' ? second.id : -1, 'second'],
    ]);
    alice.send({ type: 'edit', id: first.id, text: 'first!' });
    expect((await bob.waitFor<EventMessage>((m) => m.type === 'event' && m.event.kind === 'edit')).event).toMatchObject({ target: first.id, text: 'first!' });
  });

  it('in another room too; a direct message answers `sent` before the sender\'s copy, with the same id both sides see', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    for (const c of [alice, bob]) {
      c.send({ type: 'join', room: '#dev' });
      await c.nextOf('joined');
    }
    alice.send({ type: 'say', room: '#dev', text: 'in dev', ref: 'dev' });
    const inDev = await answerTo(alice, 'dev');
    expect(inDev).toMatchObject({ type: 'sent', id: (await heard(bob, 'in dev')).id });

    alice.send({ type: 'say', to: 'bob', text: 'psst', ref: 'dm-1' });
    const sent = await answerTo(alice, 'dm-1');
    const copy = await heard(alice, 'psst');
    const bobs = await heard(bob, 'psst');
    expect(sent).toEqual({ type: 'sent', ref: 'dm-1', id: bobs.id, at: bobs.at });
    expect(copy.id).toBe(bobs.id);
    expect(alice.log.indexOf(sent)).toBeLessThan(alice.log.findIndex((m) => m.type === 'event' && m.event.text === 'psst'));
    const conversation = await alice.ask({ type: 'history', with: 'bob' }, 'history');
    expect(conversation).toMatchObject({ type: 'history', events: [{ id: bobs.id, kind: 'dm', text: 'psst' }] });
  });

  it('without a ref nothing changes: no `sent` for a room message or a direct message', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    alice.send({ type: 'say', text: 'plain' });
    alice.send({ type: 'say', to: 'bob', text: 'plain dm' });
    await heard(bob, 'plain');
    await heard(bob, 'plain dm');
    await heard(alice, 'plain dm');
    await settled(alice);
    expect(alice.log.filter((m) => m.type === 'sent')).toEqual([]);
  });

  it('a refused say answers an error with `about:"say"` and its ref, and no `sent`', async () => {
    const r = await start({ history: true, flood: { rate: 0.01, burst: 2 } });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    const cases: [object, string][] = [
      [{ type: 'say', room: '#nowhere', text: 'hello?', ref: 'r-room' }, 'NO_SUCH_ROOM'],
      [{ type: 'say', to: 'nobody', text: 'hello?', ref: 'r-dm' }, 'NO_SUCH_MEMBER'],
      [{ type: 'say', text: '   ', ref: 'r-empty' }, 'EMPTY_MESSAGE'],
      // A frame the codec refuses for another field still names its (valid) ref.
      [{ type: 'say', room: '#lobby', to: 'bob', text: 'both', ref: 'r-both' }, 'BAD_REQUEST'],
    ];
    for (const [say, code] of cases) {
      const ref = (say as { ref: string }).ref;
      alice.send(say);
      expect(await answerTo(alice, ref)).toEqual({ type: 'error', code, message: expect.any(String) as string, about: 'say', ref });
    }
    // The flood limit: two go through, the third is refused by its ref.
    for (const ref of ['f-1', 'f-2', 'f-3']) alice.send({ type: 'say', text: ref, ref });
    expect(await answerTo(alice, 'f-1')).toMatchObject({ type: 'sent' });
    expect(await answerTo(alice, 'f-2')).toMatchObject({ type: 'sent' });
    expect(await answerTo(alice, 'f-3')).toMatchObject({ type: 'error', code: 'RATE_LIMITED', about: 'say', ref: 'f-3' });
    await heard(bob, 'f-2');
    await settled(alice);
    expect(alice.log.filter((m) => m.type === 'sent').map((m) => (m.type === 'sent' ? m.ref : ''))).toEqual(['f-1', 'f-2']);
    expect(bob.events().filter((e) => e.kind === 'message').map((e) => e.text)).toEqual(['f-1', 'f-2']);
  });

  it('a ref that is not 1 to 64 characters of a string is a BAD_REQUEST and nothing is said', async () => {
    const r = await start({ history: true });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    for (const ref of ['x'.repeat(65), '', 7, { id: 1 }]) {
      const answer = await alice.ask({ type: 'say', text: 'bad ref', ref }, 'error');
      expect(answer).toEqual({ type: 'error', code: 'BAD_REQUEST', message: expect.stringContaining('"ref"') as string, about: 'say' });
    }
    const longest = 'y'.repeat(64);
    alice.send({ type: 'say', text: 'good ref', ref: longest });
    expect(await answerTo(alice, longest)).toMatchObject({ type: 'sent', id: (await heard(bob, 'good ref')).id });
    expect(bob.events().filter((e) => e.text === 'bad ref')).toEqual([]);
  });

  it('without a history store the message is not kept: id 0', async () => {
    const r = await start({ history: false });
    const alice = await r.member('alice');
    const bob = await r.member('bob');
    alice.send({ type: 'say', text: 'ephemeral', ref: 'e' });
    const sent = await answerTo(alice, 'e');
    const theirs = await heard(bob, 'ephemeral');
    expect(sent).toEqual({ type: 'sent', ref: 'e', id: 0, at: theirs.at });
  });
});
