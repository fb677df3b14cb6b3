// Room mode changes (IRC's `+t +s +i +m +k +l +o +v`): parsed requests in, the applied change out, rules in one place.
import { NetroomError } from '../errors.js';
import type { RoomModes } from './types.js';

/** One requested change: `+k secret`, `-l`, `+o alice`. */
export interface ModeRequest {
  readonly mode: string;
  readonly on: boolean;
  readonly arg?: string;
}

/** The room flags this core knows, by IRC letter. */
export const FLAG_MODES: Readonly<Record<string, keyof RoomModes>> = {
  n: 'noExternal',
  t: 'topicLocked',
  s: 'secret',
  i: 'inviteOnly',
  m: 'moderated',
};

/** Mode letters a room knows, as ISUPPORT CHANMODES groups them (A: lists, B: always an argument, C: argument to set, D: flags). */
export const CHANMODES = { A: 'b', B: 'k', C: 'l', D: 'imnst' } as const;
/** Member modes with their prefixes, strongest first (ISUPPORT PREFIX). */
export const MEMBER_MODES = [
  { mode: 'o', prefix: '@' },
  { mode: 'v', prefix: '+' },
] as const;

/** Longest room key (`+k`). */
export const MAX_KEY_LENGTH = 32;
/** Largest `+l` limit accepted. */
export const MAX_LIMIT = 100_000;

/** A key as `+k` takes it: 1-32 visible characters with no space, comma or colon (IRC would split them). */
export function checkKey(raw: string | undefined): string {
  const key = raw ?? '';
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || /[\s,:\u0000-\u001f]/u.test(key)) {
    throw new NetroomError('BAD_KEY', `a room key is 1-${MAX_KEY_LENGTH} characters without spaces, commas or colons`);
  }
  return key;
}

/** A `+l` argument: a whole number from 1 to MAX_LIMIT. */
export function checkLimit(raw: string | undefined): number {
  const n = Number(raw);
  if (!/^\d+$/u.test(raw ?? '') || !(n >= 1) || n > MAX_LIMIT) {
    throw new NetroomError('BAD_REQUEST', `a room limit is a whole number from 1 to ${MAX_LIMIT}`);
  }
  return n;
}

/** Render applied changes as IRC does: `+tk-l` with arguments in order. */
export function renderChange(applied: readonly ModeRequest[]): { change: string; args: string[] } {
  let change = '';
  let sign = '';
  const args: string[] = [];
  for (const request of applied) {
    const s = request.on ? '+' : '-';
    if (s !== sign) {
      change += s;
      sign = s;
    }
    change += request.mode;
    if (request.arg !== undefined) args.push(request.arg);
  }
  return { change, args };
}

/** `+nt...` with its arguments for a room's current modes (`MODE #room` query, 324). */
export function describeModes(modes: RoomModes, showKey: boolean): { change: string; args: string[] } {
  let change = '+';
  for (const [letter, field] of Object.entries(FLAG_MODES)) if (modes[field]) change += letter;
  const args: string[] = [];
  if (modes.key !== null) {
    change += 'k';
    args.push(showKey ? modes.key : '*');
  }
  if (modes.limit !== null) {
    change += 'l';
    args.push(String(modes.limit));
  }
  return { change, args };
}
