// Room mode requests checked and planned as a whole before anything changes (Chat.setModes applies the plan).
import { NetroomError } from '../errors.js';
import { FLAG_MODES, checkKey, checkLimit, type ModeRequest } from './modes.js';
import type { RoomState } from './room-state.js';
import type { Member, RoomModes } from './types.js';

/** What a set of mode requests will do: the new modes, the member-mode changes, and what changed, in IRC order. */
export interface ModePlan {
  readonly modes: RoomModes;
  readonly members: readonly { readonly set: Set<Member>; readonly target: Member; readonly on: boolean }[];
  readonly applied: ModeRequest[];
}

/**
 * Check every request against `room` and plan it, changing nothing. Requests that alter nothing
 * are left out of `applied`. Throws NO_SUCH_MEMBER, NOT_IN_ROOM, BAD_KEY or BAD_REQUEST for the
 * first refused request; the room is then untouched.
 */
export function planModes(room: RoomState, requests: readonly ModeRequest[], find: (name: string) => Member | undefined): ModePlan {
  const applied: ModeRequest[] = [];
  const members: { set: Set<Member>; target: Member; on: boolean }[] = [];
  let modes = room.modes;
  for (const request of requests) {
    const flag = FLAG_MODES[request.mode];
    if (flag) {
      if (modes[flag] !== request.on) {
        modes = { ...modes, [flag]: request.on };
        applied.push({ mode: request.mode, on: request.on });
      }
    } else if (request.mode === 'k') {
      if (request.on) {
        const key = checkKey(request.arg);
        if (modes.key !== key) {
          modes = { ...modes, key };
          applied.push({ mode: 'k', on: true, arg: key });
        }
      } else if (modes.key !== null) {
        modes = { ...modes, key: null };
        applied.push({ mode: 'k', on: false, arg: '*' });
      }
    } else if (request.mode === 'l') {
      if (request.on) {
        const limit = checkLimit(request.arg);
        if (modes.limit !== limit) {
          modes = { ...modes, limit };
          applied.push({ mode: 'l', on: true, arg: String(limit) });
        }
      } else if (modes.limit !== null) {
        modes = { ...modes, limit: null };
        applied.push({ mode: 'l', on: false });
      }
    } else if (request.mode === 'o' || request.mode === 'v') {
      const target = request.arg === undefined ? undefined : find(request.arg);
      if (!target) throw new NetroomError('NO_SUCH_MEMBER', `nobody called ${request.arg ?? ''} is here`, { name: request.arg ?? '' });
      if (!room.has(target)) throw new NetroomError('NOT_IN_ROOM', `${target.name} is not in ${room.name}`, { room: room.name, name: target.name });
      const set = request.mode === 'o' ? room.ops : room.voiced;
      // What the set will hold once the earlier requests of this call are applied.
      const planned = members.filter((m) => m.set === set && m.target === target).at(-1);
      const holds = planned ? planned.on : set.has(target);
      if (holds !== request.on) {
        members.push({ set, target, on: request.on });
        applied.push({ mode: request.mode, on: request.on, arg: target.name });
      }
    } else {
      throw new NetroomError('BAD_REQUEST', `unknown room mode ${request.mode}`, { mode: request.mode });
    }
  }
  return { modes, members, applied };
}
