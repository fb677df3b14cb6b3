// Failed sign-ins are counted across nodes: guessing spread over two nodes stops at the same count as on one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterEngines, type ClusterEngines } from './helpers/cluster.js';

let engines: ClusterEngines;
beforeAll(async () => {
  engines = await clusterEngines();
}, 60_000);
afterAll(async () => {
  await engines?.stop();
});

/** Resolves after `count` sign-in notices reached a node through the bus. */
function notices(node: ClusterEngines extends never ? never : Awaited<ReturnType<ClusterEngines['start']>>['nodes'][number], count: number): Promise<void> {
  return new Promise((resolve) => {
    let heard = 0;
    const stop = node.server.engines!.bus.subscribe('control', (body) => {
      if ((body as { op?: unknown }).op === 'sign-in' && ++heard === count) {
        stop();
        resolve();
      }
    });
  });
}

describe('sign-in limits across nodes', () => {
  it('failures on node one count on node two; the owner signing in on node two is trusted on node one', async () => {
    const cluster = await engines.start(2);
    try {
      const [one, two] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
      // Node two learns of the account through the shared store's change notice.
      const known = new Promise<void>((resolve) => {
        const stop = two.server.access!.onExternalChange(() => {
          if (two.server.access!.accounts.find('alice') !== undefined) {
            stop();
            resolve();
          }
        });
      });
      await one.server.access!.accounts.add('alice', 'correct horse battery', 'member');
      await known;
      const address = '203.0.113.7';
      const heard = notices(two, 5);
      for (let i = 0; i < 5; i++) {
        await expect(one.server.access!.accounts.verify('alice', `wrong ${i}`, address)).rejects.toMatchObject({ code: 'BAD_CREDENTIALS' });
      }
      await heard;
      // The sixth try, on the other node, is refused before the password is even looked at.
      await expect(two.server.access!.accounts.verify('alice', 'correct horse battery', address)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
      // Another address is not held back.
      const elsewhere = '198.51.100.9';
      const trusted = notices(one, 1);
      await expect(two.server.access!.accounts.verify('alice', 'correct horse battery', elsewhere)).resolves.toMatchObject({ name: 'alice' });
      await trusted;
      expect(one.server.access!.signInLimiter.retryAfter('alice', elsewhere)).toBe(0);
    } finally {
      await cluster.close();
    }
  }, 60_000);
});
