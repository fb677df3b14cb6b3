// How each door renders what the rooms contract checks, and the helpers that put members in rooms across doors.
import { expect, it } from 'vitest';
import { LOBBY } from '../../src/core/chat/types.js';
import type { RoomsServer } from './rooms-server.js';
import type { DoorName, RoomsClient, Seen } from './rooms-types.js';

/** Escape a literal for a RegExp. */
const lit = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');

/** WebSocket notices name their room except #lobby's, which keep the seeds' texts for old single-room clients (src/doors/ws/wire.ts). */
const named = (room: string): boolean => room.toLowerCase() !== LOBBY;

/**
 * Each door's own rendering. IRC: the line with the source cut to the nick; WebSocket: the
 * event's notice ("[#dev] alice: hi", "alice joined #dev"; in #lobby the seeds' texts, the
 * event's `room` field naming it); UDP: the seeds' texts.
 */
export const RENDER = {
  message: {
    irc: (name: string, room: string, text: string) => `:${name} PRIVMSG ${room} :${text}`,
    ws: (name: string, room: string, text: string) => (named(room) ? `[${room}] ${name}: ${text}` : `${name}: ${text}`),
    udp: (name: string, _room: string, text: string) => `${name}: ${text}`,
  },
  join: {
    irc: (name: string, room: string) => `:${name} JOIN ${room}`,
    ws: (name: string, room: string) => (named(room) ? `${name} joined ${room}` : `${name} joined the room`),
    udp: (name: string) => `${name} joined the room`,
  },
  part: {
    irc: (name: string, room: string) => `:${name} PART ${room}`,
    ws: (name: string, room: string) => (named(room) ? `${name} left ${room}` : `${name} left the room`),
    udp: (name: string) => `${name} left the room`,
  },
  dm: {
    irc: (from: string, to: string, text: string) => `:${from} PRIVMSG ${to} :${text}`,
    ws: (from: string, _to: string, text: string) => `${from} (private): ${text}`,
    udp: (from: string, _to: string, text: string) => `${from} (private): ${text}`,
  },
  announce: {
    irc: (to: string, text: string) => new RegExp(`^:[^!\\s]+ NOTICE ${lit(to)} :${lit(`[admin] ${text}`)}$`, 'u'),
    ws: (_to: string, text: string) => new RegExp(`^${lit(`[admin] ${text}`)}$`, 'u'),
    udp: (_to: string, text: string) => new RegExp(`^${lit(`[admin] ${text}`)}$`, 'u'),
  },
  /** NO_SUCH_MEMBER: IRC 401 (ERR_NOSUCHNICK), WebSocket an error about `say`, UDP the error text. */
  noSuchMember: {
    irc: (me: string, to: string) => new RegExp(`^:\\S+ 401 ${lit(me)} ${lit(to)} :`, 'u'),
    ws: () => /^\{"type":"error","code":"NO_SUCH_MEMBER","message":"[^"]+","about":"say"\}$/u,
    udp: () => /^ERROR NO_SUCH_MEMBER: ./u,
  },
  /** NAME_TAKEN: IRC 433 (ERR_NICKNAMEINUSE, `*` before registration), WebSocket an error about `enter`, UDP the reply to L. */
  nameTaken: {
    irc: (name: string) => new RegExp(`^:\\S+ 433 \\* ${lit(name)} :`, 'u'),
    ws: () => /^\{"type":"error","code":"NAME_TAKEN","message":"[^"]+","about":"enter"\}$/u,
    udp: () => /^ERROR NAME_TAKEN: ./u,
  },
} as const;

/**
 * A member of `door` named `name`, connected and in exactly `rooms` where the door allows it:
 * IRC joins each (none: registered only); WebSocket enters #lobby, joins the others, parts #lobby
 * unless listed; UDP is in #lobby and nowhere else.
 */
export async function member(server: RoomsServer, door: DoorName, name: string, rooms: readonly string[]): Promise<RoomsClient> {
  const c = await server.client(door);
  expect(await c.connect(name), `${door} ${name} connects`).toEqual({ ok: true });
  if (door === 'udp') {
    if (rooms.length !== 1 || rooms[0] !== LOBBY) throw new Error(`a udp member is in #lobby only, not ${rooms.join(' ')}`);
    return c;
  }
  for (const room of rooms) if (door === 'irc' || room !== LOBBY) await c.join(room);
  if (door === 'ws' && !rooms.includes(LOBBY)) await c.part(LOBBY);
  return c;
}

/** One #lobby-only member per door, named `${prefix}irc`, `${prefix}ws`, `${prefix}udp`. */
export async function lobbyMembers(server: RoomsServer, prefix: string): Promise<RoomsClient[]> {
  return [await member(server, 'irc', `${prefix}irc`, [LOBBY]), await member(server, 'ws', `${prefix}ws`, [LOBBY]), await member(server, 'udp', `${prefix}udp`, [LOBBY])];
}

export const isMessage =
  (room: string, name: string, text: string) =>
  (s: Seen): boolean =>
    s.kind === 'message' && s.room.toLowerCase() === room.toLowerCase() && s.name === name && s.text === text;

export const isDm =
  (from: string, text: string) =>
  (s: Seen): boolean =>
    s.kind === 'dm' && s.from === from && s.text === text;

export const isAnnounce =
  (text: string) =>
  (s: Seen): boolean =>
    s.kind === 'announce' && s.text === text;

/** Joins and leaves of `name` (any room). */
export const presenceOf = (seen: readonly Seen[], name: string): Seen[] => seen.filter((s) => (s.kind === 'join' || s.kind === 'leave') && s.name === name);

/** A case that runs, or is skipped with the reason in its name. */
export function caseIf(title: string, skipped: string | undefined, fn: () => Promise<void>): void {
  it.skipIf(skipped !== undefined)(skipped === undefined ? title : `${title} (skipped: ${skipped})`, fn);
}
