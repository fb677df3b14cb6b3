// The chat contract suite: enter, clash, say, leave, announce, flood control, history; run against every chat door.
import { afterEach, describe, expect, it } from 'vitest';
import type { FloodLimit } from '../../src/core/limits.js';

/** The answer to entering: welcome, or the stable error code the door gave. */
export type EnterResult = { readonly ok: true } | { readonly ok: false; readonly code: string };

/** One person at one door, whatever the wire protocol. */
export interface ContractClient {
  enter(name: string): Promise<EnterResult>;
  /** Send a chat message (no answer is awaited: success is silent on every door). */
  say(text: string): void;
  /** The next room notice (as the door renders it, e.g. "bob: hi") that matches. */
  waitForNotice(match: (notice: string) => boolean): Promise<string>;
  /** The next error code this client is told. */
  waitForError(): Promise<string>;
  /** Every notice received so far. */
  notices(): readonly string[];
  /** Every error code received so far. */
  errors(): readonly string[];
  /** The notices replayed on entering (history), oldest first; empty where the door has none. */
  history(): readonly string[];
  /** Leave the room the door's way, resolving once the door confirmed. */
  leave(): Promise<void>;
}

/** A room and one door on 127.0.0.1 port 0, with clients of that door. */
export interface ContractHarness {
  client(): Promise<ContractClient>;
  /** An administrator announcement (the server console / `netroom announce`). */
  announceFromServer(text: string): void;
  close(): Promise<void>;
}

/** How the suite wants the room: flood control (null = off). */
export interface HarnessOptions {
  readonly flood: FloodLimit | null;
}

/** What the door can do; a missing capability skips its case with the reason in the test name. */
export interface ContractCapabilities {
  /** Why the door cannot replay history on entering; absent when it can. */
  readonly noHistory?: string;
  /** Why the door's replay leaves out joins and leaves (it shows the conversation); absent when it replays them. */
  readonly historyWithoutPresence?: string;
}

/** Run the contract suite against one door. */
export function chatContract(
  name: string,
  makeHarness: (options: HarnessOptions) => Promise<ContractHarness>,
  capabilities: ContractCapabilities = {},
): void {
  describe(`chat contract: ${name}`, () => {
    let harness: ContractHarness | undefined;
    const start = async (flood: FloodLimit | null = null): Promise<ContractHarness> => {
      harness = await makeHarness({ flood });
      return harness;
    };
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    /** Clients that have entered as `names` (by name), each having seen the last one join. */
    async function members<N extends string>(h: ContractHarness, ...names: N[]): Promise<Record<N, ContractClient>> {
      const clients = {} as Record<N, ContractClient>;
      for (const n of names) {
        const c = await h.client();
        expect(await c.enter(n)).toEqual({ ok: true });
        clients[n] = c;
      }
      const last = names.at(-1) as N;
      for (const n of names) if (n !== last) await clients[n].waitForNotice((x) => x === `${last} joined the room`);
      return clients;
    }

    it('enter: welcomed, and the others are told', async () => {
      const h = await start();
      const a = await h.client();
      expect(await a.enter('alice')).toEqual({ ok: true });
      const b = await h.client();
      expect(await b.enter('bob')).toEqual({ ok: true });
      expect(await a.waitForNotice((n) => n === 'bob joined the room')).toBeTruthy();
    });

    it('a name is unique in any case, across clients', async () => {
      const h = await start();
      const a = await h.client();
      expect(await a.enter('Clash')).toEqual({ ok: true });
      const b = await h.client();
      expect(await b.enter('clash')).toEqual({ ok: false, code: 'NAME_TAKEN' });
      expect(await b.enter('CLASH')).toEqual({ ok: false, code: 'NAME_TAKEN' });
      expect(await b.enter('other')).toEqual({ ok: true });
      expect(await a.waitForNotice((n) => n === 'other joined the room')).toBeTruthy();
    });

    it('say reaches the others, not the sender', async () => {
      const h = await start();
      const { alice: a, bob: b, carol: c } = await members(h, 'alice', 'bob', 'carol');
      a.say('hello all');
      expect(await b.waitForNotice((n) => n === 'alice: hello all')).toBeTruthy();
      expect(await c.waitForNotice((n) => n === 'alice: hello all')).toBeTruthy();
      // carol speaks after alice: once alice has that, she would have had her own message before it.
      c.say('marker');
      await a.waitForNotice((n) => n === 'carol: marker');
      expect(a.notices()).not.toContain('alice: hello all');
    });

    it('leave: the others are told', async () => {
      const h = await start();
      const { alice: a, bob: b } = await members(h, 'alice', 'bob');
      await b.leave();
      expect(await a.waitForNotice((n) => n === 'bob left the room')).toBeTruthy();
    });

    it('an announcement reaches everyone, marked as from the administrator', async () => {
      const h = await start();
      const { alice: a, bob: b } = await members(h, 'alice', 'bob');
      h.announceFromServer('hear ye');
      for (const c of [a, b]) expect(await c.waitForNotice((n) => n === '[admin] hear ye')).toBeTruthy();
    });

    it('flood control: an error to the sender only, nothing lost for the others', async () => {
      const h = await start({ rate: 0.001, burst: 2 });
      const { alice: a, bob: b } = await members(h, 'alice', 'bob');
      a.say('one');
      a.say('two');
      a.say('three');
      expect(await a.waitForError()).toBe('RATE_LIMITED');
      await b.waitForNotice((n) => n === 'alice: two');
      h.announceFromServer('marker');
      await b.waitForNotice((n) => n === '[admin] marker');
      expect(b.notices().filter((n) => n.startsWith('alice:'))).toEqual(['alice: one', 'alice: two']);
      expect(b.errors()).toEqual([]);
    });

    const historyTitle = 'history: the recent events on entering';
    it.skipIf(capabilities.noHistory !== undefined)(
      capabilities.noHistory !== undefined
        ? `${historyTitle} (skipped: ${capabilities.noHistory})`
        : capabilities.historyWithoutPresence !== undefined
          ? `${historyTitle} (the conversation only: ${capabilities.historyWithoutPresence})`
          : historyTitle,
      async () => {
        const h = await start();
        const { alice: a, watcher: w } = await members(h, 'alice', 'watcher');
        a.say('remember me');
        await w.waitForNotice((n) => n === 'alice: remember me');
        const b = await h.client();
        expect(await b.enter('bob')).toEqual({ ok: true });
        if (capabilities.historyWithoutPresence !== undefined) {
          expect(b.history(), capabilities.historyWithoutPresence).toEqual(['alice: remember me']);
          return;
        }
        expect(b.history()).toEqual(expect.arrayContaining(['alice joined the room', 'alice: remember me']));
        expect(b.history().indexOf('alice: remember me')).toBeGreaterThan(b.history().indexOf('alice joined the room'));
      },
    );
  });
}
