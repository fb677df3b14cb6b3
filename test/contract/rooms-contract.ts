// The rooms and direct-messages contract: per door, and for every ordered pair of doors on one server (one Chat).
import { afterEach, describe, expect, it } from 'vitest';
import { LOBBY } from '../../src/core/chat/types.js';
import { caseIf, isAnnounce, isDm, isMessage, lobbyMembers, member, RENDER } from './rooms-render.js';
import { engineOptions, ENGINE_TITLE, type Engine } from './engine.js';
import { twoNodeRoomsServers } from './rooms-cluster.js';
import { startRoomsServer, type RoomsServer } from './rooms-server.js';
import { DM_SENDING, DOORS, LIMITS, type DoorName, type RoomsClient, type Seen } from './rooms-types.js';
import { pairCases } from './rooms-pairs.js';

const DEV = '#dev';

/** The engines the suite runs on; `two-nodes`: two nodes of one cluster, each case's clients spread over both. */
export type RoomsEngine = Engine | 'two-nodes';

const TITLE: Readonly<Record<RoomsEngine, string>> = { ...ENGINE_TITLE, 'two-nodes': ' (two nodes on PostgreSQL + Redis, clients alternating between them)' };

/** A start() for each test of the calling file (registering the engines' hooks where they need any). */
function starter(engine: RoomsEngine): () => Promise<RoomsServer> {
  if (engine === 'two-nodes') return twoNodeRoomsServers();
  const options = engineOptions(engine);
  return async () => startRoomsServer(await options());
}

/**
 * The rooms contract for `door`: its own cases (DM to an unknown name, history on joining, an
 * announcement in every room), then every pair `door -> other` for each door (itself included).
 * Every test starts its own server (fresh engines), so rooms and history start empty.
 */
export function roomsContract(door: DoorName, engine: RoomsEngine = 'embedded'): void {
  describe(`rooms contract: ${door}${TITLE[engine]}`, () => {
    const fresh = starter(engine);
    let server: RoomsServer | undefined;
    const start = async (): Promise<RoomsServer> => {
      server = await fresh();
      return server;
    };
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });

    it(`a DM to an unknown name is NO_SUCH_MEMBER as ${door} renders it, and reaches nobody (sent with ${DM_SENDING[door]})`, async () => {
      const s = await start();
      const sender = await member(s, door, 'sender', door === 'irc' ? [] : [LOBBY]);
      const others = await lobbyMembers(s, 'by');
      sender.dm('ghost', 'anyone there?');
      const refusal = await sender.waitForError();
      expect(refusal.code).toBe('NO_SUCH_MEMBER');
      expect(refusal.raw).toMatch(RENDER.noSuchMember[door]('sender', 'ghost'));
      // The announcement follows the refused DM through every door: once it is in, the DM would be too.
      s.announce('marker');
      for (const c of [sender, ...others]) {
        await c.waitFor(isAnnounce('marker'));
        expect(c.seen().filter((x) => x.kind === 'dm')).toEqual([]);
      }
      expect(sender.errors()).toHaveLength(1);
    });

    caseIf(`history on joining #dev shows #dev's recent messages only, #lobby's #lobby's (announcements in both), written from every door (read on ${door})`, LIMITS[door].history ?? LIMITS[door].rooms, async () => {
      const s = await start();
      const fromIrc = await member(s, 'irc', 'wirc', [LOBBY, DEV]);
      const fromWs = await member(s, 'ws', 'wws', [LOBBY, DEV]);
      const fromUdp = await member(s, 'udp', 'wudp', [LOBBY]);
      // Each waits for the one before, so the order in history is the order written.
      fromIrc.say(DEV, 'dev from irc');
      await fromWs.waitFor(isMessage(DEV, 'wirc', 'dev from irc'));
      fromWs.say(DEV, 'dev from ws');
      await fromIrc.waitFor(isMessage(DEV, 'wws', 'dev from ws'));
      fromIrc.say(LOBBY, 'lobby from irc');
      fromWs.say(LOBBY, 'lobby from ws');
      fromUdp.say(LOBBY, 'lobby from udp');
      fromIrc.dm('wws', 'private from irc');
      await fromWs.waitFor(isMessage(LOBBY, 'wudp', 'lobby from udp'));
      await fromWs.waitFor(isDm('wirc', 'private from irc'));
      // Announcements belong to every room's history.
      s.announce('to everyone');
      await fromWs.waitFor(isAnnounce('to everyone'));
      const reader = await member(s, door, 'reader', door === 'irc' ? [] : [LOBBY]);
      await reader.join(DEV);
      const history = reader.history(DEV);
      expect(history.filter((x) => x.kind === 'message').map((x) => x.raw)).toEqual([
        RENDER.message[door]('wirc', DEV, 'dev from irc'),
        RENDER.message[door]('wws', DEV, 'dev from ws'),
      ]);
      expect(history.filter(isAnnounce('to everyone')), 'the announcement').toHaveLength(1);
      // Nothing of #lobby, no direct message: whatever else the door replays (joins) is about #dev.
      const elsewhere = (room: string) => (x: Seen) => x.kind !== 'announce' && (!('room' in x) || x.room?.toLowerCase() !== room);
      expect(history.filter(elsewhere(DEV))).toEqual([]);
      // And #lobby's replay (IRC: on JOIN; WebSocket: in the welcome) is #lobby's, nothing of #dev.
      if (door === 'irc') await reader.join(LOBBY);
      const lobby = reader.history(LOBBY);
      expect(lobby.filter((x) => x.kind === 'message').map((x) => x.raw).sort()).toEqual(
        [RENDER.message[door]('wirc', LOBBY, 'lobby from irc'), RENDER.message[door]('wws', LOBBY, 'lobby from ws'), RENDER.message[door]('wudp', LOBBY, 'lobby from udp')].sort(),
      );
      expect(lobby.filter(isAnnounce('to everyone')), 'the announcement').toHaveLength(1);
      expect(lobby.filter(elsewhere(LOBBY))).toEqual([]);
    });

    const where = door === 'irc' ? '#lobby, #dev only, and no room (registered without joining)' : door === 'ws' ? '#lobby and #dev only' : `#lobby (${LIMITS.udp.rooms ?? ''})`;
    it(`an announcement reaches ${door}'s members in every room, once each: ${where}`, async () => {
      const s = await start();
      const members: RoomsClient[] = [await member(s, door, 'inlobby', [LOBBY])];
      if (LIMITS[door].rooms === undefined) members.push(await member(s, door, 'devonly', [DEV]));
      if (LIMITS[door].noRoom === undefined) members.push(await member(s, door, 'noroom', []));
      s.announce('hear ye');
      s.announce('marker');
      for (const c of members) {
        await c.waitFor(isAnnounce('marker'));
        const heard = c.seen().filter(isAnnounce('hear ye'));
        expect(heard, `${c.name} hears it once`).toHaveLength(1);
        expect(heard[0]?.raw).toMatch(RENDER.announce[door](c.name, 'hear ye'));
      }
    });

    for (const other of DOORS) describe(`${door} -> ${other}`, () => pairCases(door, other, start));
  });
}
