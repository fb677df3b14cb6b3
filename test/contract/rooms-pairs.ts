// The rooms contract's cross-door cases: what a member of door A does, as a member of door B sees it (one server, one Chat).
import { expect } from 'vitest';
import { LOBBY } from '../../src/core/chat/types.js';
import { caseIf, isAnnounce, isDm, isMessage, lobbyMembers, member, presenceOf, RENDER } from './rooms-render.js';
import type { RoomsServer } from './rooms-server.js';
import { DM_SENDING, LIMITS, type DoorName, type RoomsClient, type Seen } from './rooms-types.js';

const DEV = '#dev';

/** The cases for `a -> b`, each on a server from `start` (closed by the caller's afterEach). */
export function pairCases(a: DoorName, b: DoorName, start: () => Promise<RoomsServer>): void {
  const roomsSkip = LIMITS[a].rooms ?? LIMITS[b].rooms;

  caseIf(`a message in #dev from ${a} reaches ${b}'s #dev member, and no #lobby-only member of any door`, roomsSkip, async () => {
    const s = await start();
    const speaker = await member(s, a, 'speaker', [LOBBY, DEV]);
    const listener = await member(s, b, 'listener', [DEV]);
    const lobby = await lobbyMembers(s, 'lobby');
    speaker.say(DEV, 'dev only');
    const got = await listener.waitFor(isMessage(DEV, 'speaker', 'dev only'));
    expect(got.raw).toBe(RENDER.message[b]('speaker', DEV, 'dev only'));
    // The marker takes the same path into #lobby after the #dev message.
    speaker.say(LOBBY, 'marker');
    for (const c of lobby) {
      await c.waitFor(isMessage(LOBBY, 'speaker', 'marker'));
      expect(c.seen().filter((x) => x.kind === 'message' && x.text === 'dev only'), `${c.door} #lobby-only member`).toEqual([]);
    }
    expect(speaker.seen().filter((x) => x.kind === 'message' && x.text === 'dev only'), 'not echoed to its author').toEqual([]);
    // And the other way: #dev's member (in #dev only) is not shown #lobby's marker.
    speaker.say(DEV, 'dev marker');
    await listener.waitFor(isMessage(DEV, 'speaker', 'dev marker'));
    expect(listener.seen().filter((x) => x.kind === 'message' && x.text === 'marker'), `${b} #dev-only member`).toEqual([]);
  });

  if (LIMITS[b].rooms === undefined) {
    caseIf(`join and part of #dev by ${a} are shown to ${b}'s #dev member naming #dev`, LIMITS[a].rooms, async () => {
      const s = await start();
      const watcher = await member(s, b, 'watcher', [DEV]);
      const joiner = await member(s, a, 'joiner', []);
      await joiner.join(DEV);
      const joined = await watcher.waitFor((x) => x.kind === 'join' && x.name === 'joiner');
      expect(joined).toMatchObject({ room: DEV, raw: RENDER.join[b]('joiner', DEV) });
      await joiner.part(DEV);
      const parted = await watcher.waitFor((x) => x.kind === 'leave' && x.name === 'joiner');
      expect(parted).toMatchObject({ room: DEV, quit: false, raw: RENDER.part[b]('joiner', DEV) });
    });
  } else {
    // The seeds' texts never name a room: a udp member sees #lobby's comings and goings only.
    caseIf(`join and part of #dev by ${a} are not shown to a ${b} member (${LIMITS[b].rooms}); #lobby's are, in the seeds' words`, LIMITS[a].rooms, async () => {
      const s = await start();
      const watcher = await member(s, b, 'watcher', [LOBBY]);
      const joiner = await member(s, a, 'joiner', [LOBBY]);
      await watcher.waitFor((x) => x.kind === 'join' && x.name === 'joiner');
      await joiner.join(DEV);
      await joiner.part(DEV);
      joiner.say(LOBBY, 'marker');
      await watcher.waitFor(isMessage(LOBBY, 'joiner', 'marker'));
      expect(presenceOf(watcher.seen(), 'joiner').map((x) => x.raw)).toEqual([RENDER.join[b]('joiner', LOBBY)]);
      await joiner.part(LOBBY);
      const parted = await watcher.waitFor((x) => x.kind === 'leave' && x.name === 'joiner');
      expect(parted.raw).toBe(RENDER.part[b]('joiner', LOBBY));
    });
  }

  // IRC members here are registered and in no room: a DM needs no shared room.
  const rooms = (door: DoorName): string[] => (door === 'irc' ? [] : [LOBBY]);
  caseIf(`a DM from ${a} (${DM_SENDING[a]}) reaches ${b}'s member as ${b} renders it, and nobody else`, undefined, async () => {
    const s = await start();
    const sender = await member(s, a, 'sender', rooms(a));
    const reader = await member(s, b, 'reader', rooms(b));
    const others = await lobbyMembers(s, 'by');
    sender.dm('reader', 'psst');
    const got = await reader.waitFor(isDm('sender', 'psst'));
    expect(got.raw).toBe(RENDER.dm[b]('sender', 'reader', 'psst'));
    // Markers by the same path, to each: once a marker is in, the DM would have been too.
    for (const c of [reader, ...others]) sender.dm(c.name, 'marker');
    for (const c of [reader, ...others]) {
      await c.waitFor(isDm('sender', 'marker'));
      expect(c.seen().filter(isDm('sender', 'psst')), `${c.door} ${c.name}`).toHaveLength(c === reader ? 1 : 0);
    }
    // The sender hears only its own copy where the door sends one (WebSocket: the conversation's copy, addressed to the reader).
    reader.dm('sender', 'got it');
    await sender.waitFor(isDm('reader', 'got it'));
    const copies = sender.seen().filter((x) => x.kind === 'dm' && x.text === 'psst');
    expect(copies).toEqual(a === 'ws' ? [expect.objectContaining({ from: 'sender', to: 'reader' })] : []);
  });

  const holderWhere = LIMITS[a].noRoom === undefined ? ` (${a}'s member registered, in no room)` : '';
  caseIf(`a name held on ${a}${holderWhere} cannot be taken on ${b} in any case, and the refused client may take another`, undefined, async () => {
    const s = await start();
    const holder = await s.client(a);
    expect(await holder.connect('Holder')).toEqual({ ok: true });
    const taker = await s.client(b);
    for (const name of ['holder', 'HOLDER']) {
      const refused = await taker.connect(name);
      expect(refused).toMatchObject({ ok: false, code: 'NAME_TAKEN' });
      expect(refused.ok ? '' : refused.raw).toMatch(RENDER.nameTaken[b](name));
    }
    expect(await taker.connect('taker')).toEqual({ ok: true });
    expect(s.chat.find('holder')?.name).toBe('Holder');
    expect(s.chat.roomsOf(s.chat.find('holder')!).map((r) => r.toLowerCase())).toEqual(a === 'irc' ? [] : [LOBBY]);
  });

  const leaverRooms = LIMITS[a].rooms === undefined ? [LOBBY, DEV] : [LOBBY];
  const leaverWhere = LIMITS[a].rooms === undefined ? 'in #lobby and #dev' : `in #lobby only (${LIMITS[a].rooms})`;
  // Leaving by request, or by dropping the connection (the door notices the close on its own).
  const ways = [
    { how: 'quits', drop: false, skipped: undefined },
    { how: 'drops its connection', drop: true, skipped: a === 'udp' ? 'udp has no connection to drop: its members leave by Q or missed heartbeats' : undefined },
  ] as const;
  for (const { how, drop, skipped } of ways) {
    const title = `a ${a} member ${leaverWhere} ${how}: ${b}'s members of those rooms see it leave once, others not at all`;
    caseIf(title, skipped, async () => {
      const s = await start();
      const watchers: { client: RoomsClient; rooms: string[] }[] = [{ client: await member(s, b, 'wlobby', [LOBBY]), rooms: [LOBBY] }];
      if (LIMITS[b].rooms === undefined) {
        watchers.push({ client: await member(s, b, 'wdev', [DEV]), rooms: [DEV] });
        watchers.push({ client: await member(s, b, 'wboth', [LOBBY, DEV]), rooms: [LOBBY, DEV] });
        watchers.push({ client: await member(s, b, 'wother', ['#other']), rooms: ['#other'] });
      }
      const leaver = await member(s, a, 'leaver', leaverRooms);
      if (drop) {
        leaver.close();
        // The server notices in its own time: once a watcher is told, the quit has happened.
        await watchers[0]?.client.waitFor((x) => x.kind === 'leave' && x.name === 'leaver');
      } else {
        await leaver.quit();
      }
      // The announcement follows the quit through every door, to every member.
      s.announce('marker');
      for (const { client: w, rooms: its } of watchers) {
        await w.waitFor(isAnnounce('marker'));
        const leaves = w.seen().filter((x): x is Extract<Seen, { kind: 'leave' }> => x.kind === 'leave' && x.name === 'leaver');
        const shared = its.filter((r) => leaverRooms.includes(r));
        const label = `${w.door} ${w.name} (in ${its.join(' ')})`;
        if (shared.length === 0) {
          expect(leaves, label).toEqual([]);
        } else if (b === 'irc') {
          expect(leaves.map((x) => x.raw.split(' ', 2).join(' ')), `${label}: one QUIT line`).toEqual([':leaver QUIT']);
        } else if (b === 'ws') {
          const perRoom = leaves.map((x) => [x.room, x.quit, x.raw]).sort();
          expect(perRoom, `${label}: one leave per shared room`).toEqual(shared.map((r) => [r, true, RENDER.part.ws('leaver', r)]).sort());
        } else {
          expect(leaves.map((x) => x.raw), label).toEqual([RENDER.part.udp('leaver')]);
        }
      }
    });
  }
}
