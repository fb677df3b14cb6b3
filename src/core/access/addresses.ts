// IP addresses and prefixes for bans: `203.0.113.7`, `203.0.113.0/24`, `2001:db8::1`, `2001:db8::/64`; pure, no sockets.

/** An address or prefix as bits: the family, the value as a bigint and the prefix length. */
interface Prefix {
  readonly v6: boolean;
  readonly bits: bigint;
  readonly length: number;
}

/** `::ffff:a.b.c.d` (an IPv4 client on a dual-stack socket) as `a.b.c.d`. */
export function plainAddress(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** The address or prefix in a canonical form, or null when `text` is neither. */
export function parseAddressPattern(text: string): string | null {
  const prefix = parse(text);
  if (prefix === null) return null;
  const full = prefix.v6 ? 128 : 32;
  return prefix.length === full ? plainAddress(text.split('/')[0] ?? '').toLowerCase() : `${plainAddress(text.split('/')[0] ?? '').toLowerCase()}/${prefix.length}`;
}

/** True when `address` (a client's) lies in `pattern` (an address or a prefix). */
export function addressMatches(pattern: string, address: string): boolean {
  const p = parse(pattern);
  const a = parse(plainAddress(address));
  if (p === null || a === null || p.v6 !== a.v6) return false;
  const full = p.v6 ? 128 : 32;
  const shift = BigInt(full - p.length);
  return a.bits >> shift === p.bits >> shift;
}

function parse(text: string): Prefix | null {
  const [host = '', len] = plainAddress(text.trim()).split('/');
  const v6 = host.includes(':');
  const bits = v6 ? v6Bits(host) : v4Bits(host);
  if (bits === null) return null;
  const full = v6 ? 128 : 32;
  const length = len === undefined ? full : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(length >= 0 && length <= full)) return null;
  return { v6, bits, length };
}

function v4Bits(host: string): bigint | null {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(p), 0n);
}

function v6Bits(host: string): bigint | null {
  if (!/^[0-9a-f:]+$/i.test(host)) return null;
  const halves = host.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] ?? '').split(':')) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
