// Unit tests of the WebSocket chat fan-out by audience (audience-fanout.ts), with fake sockets.
import { describe, expect, it } from 'vitest';
import type { Member } from '../src/core/chat/types.js';
import { AudienceFanOut, type AudienceTarget } from '../src/doors/ws/audience-fanout.js';
import { FakeConnection } from './helpers/fake-connection.js';

/** A fake connection (see FakeConnection) with the audience fan-out's fields. */
class FakeTarget extends FakeConnection implements AudienceTarget {
  fanTurn = 0;
  fanOwed: (readonly number[])[] = [];
}

const member = (name: string): Member => ({ name, key: name, door: 'ws', since: 0 });
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function rig(names: string[], maxBuffered = 1 << 20): { fan: AudienceFanOut<FakeTarget>; m: Member[]; t: FakeTarget[]; slow: FakeTarget[] } {
  const slow: FakeTarget[] = [];
  const fan = new AudienceFanOut<FakeTarget>(maxBuffered, (target) => slow.push(target));
  const m = names.map(member);
  const t = m.map((x) => new FakeTarget(x));
  m.forEach((x, i) => fan.add(x, t[i] as FakeTarget));
  return { fan, m, t, slow };
}

describe('AudienceFanOut', () => {
  it('one audience per turn: one write per target, its own frames left out', async () => {
    const { fan, m, t } = rig(['a', 'b', 'c']);
    const room = [...m];
    fan.push(b('A1'), room, m[0]);
    fan.push(b('B1'), room, m[1]);
    fan.push(b('X1'), room);
    fan.push(b('A2'), room, m[0]);
    expect(t[2]?.chunks).toHaveLength(0); // nothing before the end of the turn
    await turn();
    expect(t.map((x) => x.received)).toEqual(['B1X1', 'A1X1A2', 'A1B1X1A2']);
    expect(t.map((x) => x.chunks.length)).toEqual([1, 1, 1]);
  });

  it('mixed audiences in one turn: each target gets only its rooms, in order, still one write', async () => {
    const { fan, m, t } = rig(['a', 'b', 'c']);
    const [a, bb, c] = m as [Member, Member, Member];
    const dev = [a, bb];
    const ops = [bb, c];
    fan.push(b('d1'), dev, a);
    fan.push(b('o1'), ops);
    fan.push(b('d2'), dev);
    fan.push(b('dm'), [a, c]);
    fan.push(b('o2'), ops, c);
    await turn();
    expect(t.map((x) => x.received)).toEqual(['d2dm', 'd1o1d2o2', 'o1dm']);
    expect(t.map((x) => x.chunks.length)).toEqual([1, 1, 1]);
  });

  it('members of the audience without a target here are ignored; an audience with none queues nothing', async () => {
    const { fan, m, t } = rig(['a']);
    fan.push(b('x'), [member('elsewhere'), m[0] as Member]);
    fan.push(b('y'), [member('elsewhere')]);
    await turn();
    expect(t[0]?.received).toBe('x');
  });

  it('a target added mid-turn gets only frames pushed after; one removed mid-turn gets what it was owed at once', async () => {
    const { fan, m, t } = rig(['early']);
    const late = member('late');
    const lateTarget = new FakeTarget(late);
    const room = [m[0] as Member, late];
    fan.push(b('1'), room);
    fan.add(late, lateTarget);
    fan.push(b('2'), room);
    fan.remove(m[0] as Member);
    expect(t[0]?.received).toBe('12');
    fan.push(b('3'), room);
    await turn();
    expect(t[0]?.received).toBe('12');
    expect(lateTarget.received).toBe('23');
    expect(fan.size).toBe(1);
  });

  it('re-resolves a cached audience when targets change (a resume moves a member to another connection)', async () => {
    const { fan, m, t } = rig(['a', 'b']);
    const room = [...m];
    fan.push(b('1'), room);
    await turn();
    const again = new FakeTarget(m[0]);
    fan.remove(m[0] as Member);
    fan.add(m[0] as Member, again);
    fan.push(b('2'), room);
    await turn();
    expect(t[0]?.received).toBe('1');
    expect(again.received).toBe('2');
    expect(t[1]?.received).toBe('12');
  });

  it('skips closing targets and reports slow ones after the loop', () => {
    const { fan, m, t, slow } = rig(['ok', 'closing', 'lagging'], 100);
    (t[1] as FakeTarget).open = false;
    (t[2] as FakeTarget).backlog.bytes = 101;
    fan.push(b('hi'), m);
    fan.flush();
    expect(t.map((x) => x.received)).toEqual(['hi', '', 'hi']);
    expect(slow).toEqual([t[2]]);
  });

  it('broadcastNow writes what is queued, then the frame to every target', () => {
    const { fan, m, t } = rig(['a', 'b']);
    fan.push(b('mine'), m, m[0]);
    fan.push(b('x'), [m[1] as Member]);
    fan.broadcastNow(b('bye'));
    expect(t.map((x) => x.received)).toEqual(['bye', 'minexbye']);
  });
});
