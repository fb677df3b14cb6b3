// Room names (SPEC section 1): `#` and 1-49 characters under the member name rules, unique case-insensitively.
import { NetroomError } from '../errors.js';
import { checkNameCharacters, foldName } from '../names.js';

/** Longest room name, `#` included (ISUPPORT CHANNELLEN). */
export const MAX_ROOM_NAME_LENGTH = 50;

/** Validate a room name: `#` then 1-49 characters, none of them blank, invisible or `! @ , * ? :`. Returns it in NFC. */
export function checkRoomName(raw: string): string {
  if (typeof raw !== 'string' || !raw.startsWith('#')) {
    throw new NetroomError('BAD_ROOM', 'a room name starts with #', { max: MAX_ROOM_NAME_LENGTH });
  }
  try {
    return '#' + checkNameCharacters(raw.slice(1), MAX_ROOM_NAME_LENGTH - 1, 'a room name');
  } catch (err) {
    // The member-name code would read as "your name is bad" on every door (IRC 432): say it is the room's.
    if (err instanceof NetroomError) throw new NetroomError('BAD_ROOM', err.message, { ...err.params, max: MAX_ROOM_NAME_LENGTH });
    throw err;
  }
}

/** The key under which a room is unique: `#Lobby`, `#LOBBY` and `#ｌｏｂｂｙ` are one room. Idempotent. */
export function roomKey(name: string): string {
  return '#' + foldName(name.startsWith('#') ? name.slice(1) : name);
}
