// Message text rules of SPEC section 1: 1 to 2000 characters, not blank, no control characters but tab and newline.
import { NetroomError } from '../errors.js';

/** Longest message, in Unicode code points. */
export const MAX_MESSAGE_LENGTH = 2000;

// Control characters other than tab and newline would corrupt line-based doors.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const BAD_MESSAGE_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f]/u;

/** Validate message text: 1 to 2000 characters, not only whitespace, no control characters. */
export function checkMessage(text: string): string {
  // Doors decode JSON and wire formats; a non-string must be a clear error, not a TypeError.
  if (typeof text !== 'string') throw new NetroomError('BAD_MESSAGE', 'a message must be text');
  if (text.trim().length === 0) throw new NetroomError('EMPTY_MESSAGE', 'the message is empty');
  // UTF-16 length bounds the code point count from above, so the costly count is rarely needed.
  const length = text.length <= MAX_MESSAGE_LENGTH ? text.length : [...text].length;
  if (length > MAX_MESSAGE_LENGTH) {
    throw new NetroomError('MESSAGE_TOO_LONG', `a message is at most ${MAX_MESSAGE_LENGTH} characters (this one has ${length})`, {
      max: MAX_MESSAGE_LENGTH,
      length,
    });
  }
  if (BAD_MESSAGE_CHARS.test(text)) throw new NetroomError('BAD_MESSAGE', 'the message contains control characters');
  return text;
}
