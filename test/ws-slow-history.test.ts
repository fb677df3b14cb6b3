// WS door over a history store that answers late (as a networked one may): replies keep their order, live events follow the reply that shows the room, nothing shows twice.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../src/doors/ws/messages.js';
import { SlowHistory } from './helpers/slow-history.js';
import { startWsRig, type TestWsClient, type WsRig } from './helpers/ws.js';

const rigs: WsRig[] = [];
let slow: SlowHistory;
async function start(): Promise<WsRig> {
  const r = await startWsRig({ history: true, wrapHistory: (store) => (slow = new SlowHistory(store)) });
  rigs.push(r);
  return r;
}
afterEach(async () => {
  slow.release();
  for (const r of rigs.splice(0).reverse()) await r.close();
});

/** Every text said in `room` that `client` was shown: in a welcome's or joined's history, or live. */
function shown(client: TestWsClient, room: string): string[] {
  return client.log.flatMap((m: ServerMessage) => {
    const events = m.type === 'event' ? [m.event] : m.type === 'joined' || m.type === 'welcome' ? m.history : [];
    return events.filter((e) => e.kind === 'message' && e.room === room).map((e) => e.text ?? '');
  });
}

/** Where in the client's log the first message matching `match` is (-1: none). */
function at(client: TestWsClient, match: (m: ServerMessage) => boolean): number {
  return client.log.findIndex(match);
}

describe('WS door: a history store that answers late', () => {
  it('sends `joined` before the room events said while its history was read, each once, and the next request after it', async () => {
    const r = await start();
    const alice = await r.member('alice');
    const carol = await r.member('carol');
    alice.send({ type: 'join', room: '#dev' });
    await alice.nextOf('joined');
    carol.send({ type: 'join', room: '#dev' });
    await carol.nextOf('joined');
    alice.send({ type: 'say', room: '#dev', text: 'before' });
    await carol.notice('[#dev] alice: before');
    const bob = await r.member('bob');

    slow.hold();
    bob.send({ type: 'join', room: '#dev' });
    bob.send({ type: 'who', room: '#dev' });
    await slow.reads(1);
    alice.send({ type: 'say', room: '#dev', text: 'while bob waits' });
    await carol.notice('[#dev] alice: while bob waits');
    slow.release();

    const joined = await bob.nextOf('joined');
    expect(joined.room.name).toBe('#dev');
    await bob.notice('[#dev] alice: while bob waits');
    const members = await bob.nextOf('members');
    expect(members.members).toContain('bob');
    const joinedAt = at(bob, (m) => m.type === 'joined');
    // Nothing of #dev before the reply that shows bob in it; the `who` answered after it.
    expect(at(bob, (m) => m.type === 'event' && m.event.room === '#dev')).toBeGreaterThan(joinedAt);
    expect(at(bob, (m) => m.type === 'members')).toBeGreaterThan(joinedAt);
    // The read answered after the message was stored: it is shown once (live), not in the history too.
    expect(shown(bob, '#dev')).toEqual(['before', 'while bob waits']);
  });

  it('sends the welcome before the #lobby events said while its history was read, each once', async () => {
    const r = await start();
    const alice = await r.member('alice');
    const watcher = await r.member('watcher');
    alice.send({ type: 'say', text: 'earlier' });
    await watcher.notice('alice: earlier');

    slow.hold();
    const bob = await r.client();
    await bob.nextOf('hello');
    bob.send({ type: 'enter', name: 'bob' });
    await slow.reads(1);
    alice.send({ type: 'say', text: 'meanwhile' });
    await watcher.notice('alice: meanwhile');
    slow.release();

    await bob.nextOf('welcome');
    await bob.notice('alice: meanwhile');
    expect(at(bob, (m) => m.type === 'event')).toBeGreaterThan(at(bob, (m) => m.type === 'welcome'));
    expect(shown(bob, '#lobby')).toEqual(['earlier', 'meanwhile']);
  });

  it('answers STORE_UNAVAILABLE when the store fails a read, and still lets a member join (with no history)', async () => {
    const r = await start();
    const bob = await r.member('bob');

    slow.hold();
    bob.send({ type: 'history', room: '#lobby' });
    await slow.reads(1);
    slow.fail();
    const error = await bob.nextOf('error');
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', about: 'history' });

    slow.hold();
    bob.send({ type: 'join', room: '#dev' });
    await slow.reads(1);
    slow.fail();
    const joined = await bob.nextOf('joined');
    expect(joined.history).toEqual([]);
    expect(joined.members).toEqual(['bob']);
  });
});
