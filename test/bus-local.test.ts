// The local bus: one process, so claims are always ok, nothing is shared and nothing is ever lost.
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { LocalBus } from '../src/engine/bus/local.js';

describe('LocalBus', () => {
  it('answers at once for one process', async () => {
    const bus = new LocalBus();
    await bus.start();
    expect(bus.shared).toBe(false);
    expect(bus.nodeId.startsWith(`${hostname()}-${process.pid}-`)).toBe(true);
    expect(new LocalBus().nodeId).not.toBe(bus.nodeId);
    const heard: unknown[] = [];
    const off = bus.subscribe('chat', (body) => heard.push(body));
    expect(bus.publish('chat', { text: 'hi' })).toBe(true);
    expect(heard).toEqual([]);
    off();
    expect(await bus.claimName('alice')).toBe('ok');
    expect(await bus.claimName('alice')).toBe('ok');
    bus.releaseName('alice');
    bus.putPresence('alice', { key: 'alice', name: 'Alice', node: bus.nodeId, door: 'ws', since: 1, rooms: [], away: null });
    expect(await bus.presences()).toEqual([]);
    expect(await bus.claimReap('some-node')).toBe(false);
    expect(bus.health()).toEqual({ engine: 'local', up: true, latencyMs: null, lagMs: null });
    await bus.close();
  });

  it('keeps a given node id', () => {
    expect(new LocalBus({ nodeId: 'n1' }).nodeId).toBe('n1');
  });
});
