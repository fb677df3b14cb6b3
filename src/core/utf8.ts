// UTF-8 helpers shared by the line and datagram codecs: cut byte buffers only between characters.

/**
 * Length of the longest prefix of `buf[start, start + max)` that ends on a UTF-8 character
 * boundary: back up over continuation bytes (10xxxxxx) so a multi-byte character is never cut.
 */
export function utf8Boundary(buf: Buffer, start: number, max: number): number {
  let end = start + max;
  if (end >= buf.length) return buf.length - start;
  // At most 3 continuation bytes precede a character start; if the cut is not inside one, keep it.
  let back = 0;
  while (back < 3 && ((buf[end - back] ?? 0) & 0xc0) === 0x80) back += 1;
  end -= back;
  // A pathological (non-UTF-8) run of continuation bytes: cut at max rather than loop forever.
  return end > start ? end - start : max;
}
