// After a reconnect: what happened while we were away, in every room we are in and every conversation, and joining again the rooms a restarted server forgot.
import { LOBBY } from '../core/chat/types.js';
import { roomKey } from '../core/chat/room-key.js';
import type { WireEvent } from '../doors/ws/messages.js';
import type { WsChatClient, Welcome } from './ws.js';
import { WsChatError } from './ws-errors.js';

/** A room we were in and could not join again after reconnecting, and why. */
export interface RoomLost {
  readonly room: string;
  readonly error: WsChatError;
}

/** What the client knew before the connection dropped. */
export interface CatchUpInput {
  readonly welcome: Welcome;
  /** The rooms we were in (and the key we joined each with). */
  readonly before: readonly { readonly name: string; readonly key?: string }[];
  /** The newest event id we had seen. */
  readonly lastSeen: number;
}

/**
 * Join again the rooms the server no longer has us in (a restart: a resumed member keeps its
 * rooms), and collect the events after `lastSeen` from #lobby's welcome history, the joined rooms'
 * histories, one page of every other room we are in and of every conversation with newer messages.
 * Never throws: a request that fails (the connection dropped again) just ends the catch-up.
 */
export async function catchUp(client: WsChatClient, input: CatchUpInput): Promise<{ missed: WireEvent[]; lost: RoomLost[] }> {
  const { welcome, before, lastSeen } = input;
  // The server never echoes our own joins, messages and leaves to us, so their ids say nothing
  // about what we saw; and our own (new) entrance is not news.
  const ours = (e: WireEvent): boolean => (e.kind === 'join' || e.kind === 'message' || e.kind === 'leave') && e.name === welcome.name;
  const found = new Map<number, WireEvent>();
  const keep = (events: readonly WireEvent[]): void => {
    for (const e of events) if (e.id > lastSeen && e.kind !== 'closing' && !ours(e)) found.set(e.id, e);
  };
  const lost: RoomLost[] = [];
  keep(welcome.history);
  try {
    const now = new Set(welcome.rooms.map((r) => roomKey(r.name)));
    for (const room of before) {
      if (now.has(roomKey(room.name))) continue;
      try {
        keep((await client.join(room.name, room.key)).history);
      } catch (err) {
        if (!(err instanceof WsChatError) || err.kind !== 'refused') throw err;
        lost.push({ room: room.name, error: err });
      }
    }
    for (const room of welcome.rooms) {
      if (roomKey(room.name) !== roomKey(LOBBY)) keep((await client.history({ room: room.name })).events);
    }
    for (const conversation of await client.conversations()) {
      if (conversation.lastId > lastSeen) keep((await client.history({ with: conversation.with })).events);
    }
  } catch {
    // The connection dropped again (a new reconnect is under way) or an answer timed out: show what we have.
  }
  return { missed: [...found.values()].sort((a, b) => a.id - b.id), lost };
}
