// The admin token as a Bearer header, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `authorization` is `Bearer TOKEN` with the admin token. Both sides are hashed first so
 * timingSafeEqual compares equal-length buffers and the time taken says nothing about the token,
 * not even its length.
 */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/iu.exec(authorization ?? '');
  if (match === null || token === '') return false;
  const given = createHash('sha256').update(match[1] ?? '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}
