// Integration tests of the WebSocket door's leave grace (issue 9 item 18): a reload or a blip with the resume token is silent.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../src/core/chat/types.js';
import type { WsDoor } from '../src/doors/ws/door.js';
import { DEFAULT_LEAVE_GRACE_MS, resolveWsOptions } from '../src/doors/ws/options.js';
import { wsRigPerTest, type TestWsClient, type WsRig } from './helpers/ws.js';

const start = wsRigPerTest();

/** Every chat event from now on. */
function record(r: WsRig): ChatEvent[] {
  const heard: ChatEvent[] = [];
  r.chat.subscribe((e) => heard.push(e));
  return heard;
}

/** Cut a client's connection the way a reload or a blip does (no `leave`), and wait until the door has parked its member. */
async function cut(door: WsDoor, client: TestWsClient): Promise<string> {
  const parked = once(door, 'parked') as Promise<[string]>;
  client.ws.terminate();
  const [name] = await parked;
  return name;
}

describe('WS door: leave grace', () => {
  it('defaults to 15 s; 0 turns it off; a negative or absurd grace is refused', () => {
    expect(DEFAULT_LEAVE_GRACE_MS).toBe(15_000);
    expect(resolveWsOptions().leaveGraceMs).toBe(15_000);
    expect(resolveWsOptions({ leaveGraceMs: 0 }).leaveGraceMs).toBe(0);
    expect(() => resolveWsOptions({ leaveGraceMs: -1 })).toThrow(RangeError);
    expect(() => resolveWsOptions({ leaveGraceMs: Number.NaN })).toThrow(RangeError);
    expect(() => resolveWsOptions({ leaveGraceMs: 2 ** 31 })).toThrow(RangeError);
  });

  it('a reload within the grace takes the name back with its token: nobody sees a leave or a join', async () => {
    const r = await start({ history: true });
    const heard = record(r);
    const watcher = await r.member('watcher');
    const old = await r.client();
    const first = await old.enter('alice');
    await watcher.notice('alice joined the room');

    expect(await cut(r.plugin.door, old)).toBe('alice');
    // Within the grace the member is still in: listed, counted, and its name is taken.
    expect(r.chat.online().map((m) => m.name)).toEqual(['watcher', 'alice']);
    expect(r.plugin.door.size).toBe(2);
    watcher.send({ type: 'who' });
    expect((await watcher.nextOf('members')).members).toEqual(['watcher', 'alice']);
    const intruder = await r.client();
    expect(await intruder.tryEnter('Alice')).toMatchObject({ type: 'error', code: 'NAME_TAKEN' });
    expect(await intruder.tryEnter('alice', 'bm90LXRoZS10b2tlbi1hdC1hbGw')).toMatchObject({ type: 'error', code: 'NAME_TAKEN' });
    // What happens meanwhile reaches no connection for alice; her welcome replays it.
    r.chat.announce('said while you were away');

    const fresh = await r.client();
    const welcome = await fresh.enter('alice', first.resume);
    expect(welcome.name).toBe('alice');
    expect(welcome.members).toEqual(['watcher', 'alice']);
    expect(welcome.resume).not.toBe(first.resume);
    expect(welcome.history.map((e) => e.notice)).toContain('[admin] said while you were away');
    fresh.send({ type: 'say', text: 'back after the reload' });
    await watcher.notice('alice: back after the reload');
    // Alice neither left nor joined again.
    expect(watcher.notices().filter((n) => n.startsWith('alice'))).toEqual(['alice joined the room', 'alice: back after the reload']);
    expect(heard.filter((e) => (e.kind === 'join' || e.kind === 'quit') && e.name === 'alice').map((e) => e.kind)).toEqual(['join']);
    // The resumed connection hears live events; the old token is spent.
    watcher.send({ type: 'say', text: 'welcome back' });
    expect(await fresh.notice('watcher: welcome back')).toBeTruthy();
    const late = await r.client();
    expect(await late.tryEnter('alice', first.resume)).toMatchObject({ type: 'error', code: 'NAME_TAKEN' });
    expect(r.plugin.door.size).toBe(2);
  });

  it('without a reconnect the member leaves (disconnect) once the grace ends; its token then enters anew', async () => {
    const r = await start({ ws: { leaveGraceMs: 100 } });
    const watcher = await r.member('watcher');
    const old = await r.client();
    const first = await old.enter('bob');
    await watcher.notice('bob joined the room');
    await cut(r.plugin.door, old);
    const left = await watcher.waitFor((m) => m.type === 'event' && m.event.kind === 'leave');
    expect(left).toMatchObject({ event: { name: 'bob', reason: 'disconnect', notice: 'bob left the room' } });
    expect(r.chat.online().map((m) => m.name)).toEqual(['watcher']);
    expect(r.plugin.door.size).toBe(1);
    const again = await r.client();
    expect((await again.enter('bob', first.resume)).name).toBe('bob');
    expect(await watcher.notice('bob joined the room')).toBeTruthy(); // the second join: the first was consumed above
  });

  it('an explicit leave leaves at once, well before the grace; closing afterwards adds nothing', async () => {
    const r = await start(); // the default 15 s grace: a leave seen within the 5 s wait did not wait for it
    const heard = record(r);
    const watcher = await r.member('watcher');
    const quitter = await r.member('dave');
    quitter.send({ type: 'leave' });
    const left = await watcher.waitFor((m) => m.type === 'event' && m.event.kind === 'leave');
    expect(left).toMatchObject({ event: { name: 'dave', reason: 'quit' } });
    quitter.close();
    await quitter.closed;
    watcher.send({ type: 'who' });
    expect((await watcher.nextOf('members')).members).toEqual(['watcher']);
    expect(heard.filter((e) => e.kind === 'quit')).toHaveLength(1);
  });

  it('with leaveGraceMs 0 a closed connection leaves at once', async () => {
    const r = await start({ ws: { leaveGraceMs: 0 } });
    const watcher = await r.member('watcher');
    const gone = await r.member('erin');
    gone.ws.terminate();
    const left = await watcher.waitFor((m) => m.type === 'event' && m.event.kind === 'leave');
    expect(left).toMatchObject({ event: { name: 'erin', reason: 'disconnect' } });
    expect(r.plugin.door.size).toBe(1);
  });

  it('the door closing makes members within their grace leave (shutdown); the chat closing just forgets them', async () => {
    const r = await start();
    const heard = record(r);
    const old = await r.member('frank');
    await cut(r.plugin.door, old);
    await r.close();
    expect(heard.filter((e) => e.kind === 'quit').map((e) => e.kind === 'quit' && [e.name, e.reason])).toEqual([['frank', 'shutdown']]);
    expect(r.chat.online()).toEqual([]);

    const second = await start();
    const secondHeard = record(second);
    const gone = await second.member('grace');
    await cut(second.plugin.door, gone);
    second.chat.close();
    expect(second.chat.online()).toEqual([]);
    expect(second.plugin.door.size).toBe(0);
    expect(secondHeard.map((e) => e.kind)).toEqual(['join', 'closing']); // no leave
  });
});
