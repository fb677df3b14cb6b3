// Parsers of serve's flag and environment values: each returns the value or throws a one-line UsageError.
import type { GuestPolicy } from './core/access/roles.js';
import type { Config } from './config.js';
import type { Lang } from './core/i18n.js';
import type { RoomPolicy } from './core/chat/chat.js';
import { LANGS } from './core/i18n.js';
import { parseFlood, DEFAULT_FLOOD, type FloodLimit } from './core/limits.js';
import { LOG_LEVELS, type LogLevel } from './log.js';
import { DEFAULTS } from './config-defaults.js';
import { UsageError } from './usage-error.js';

/** `PORT` (0-65535; 0 picks a free one) or `off`. */
export function parsePort(value: string, flag: string): number | null {
  if (value === 'off') return null;
  if (!/^\d{1,5}$/u.test(value) || Number(value) > 65535) {
    throw new UsageError(`${flag} takes a port number (0-65535) or off, not "${value}"`);
  }
  return Number(value);
}

/** A byte size such as `1048576`, `512K`, `10M`, `2G` (powers of 1024), or `unlimited`. */
/** A budget in bytes: a size (0 turns it off), or `auto` (null: the server decides). */
export function parseBudget(value: string, flag: string): number | null {
  if (value === 'auto') return null;
  try {
    return parseSize(value, flag);
  } catch {
    throw new UsageError(`${flag} takes a size such as 512M or 2G, 0 (keep nothing) or auto, not "${value}"`);
  }
}

export function parseSize(value: string, flag: string): number {
  if (value === 'unlimited' || value === 'off') return Infinity;
  const match = /^(\d+)([KMGT]?)(i?B)?$/iu.exec(value);
  if (!match) throw new UsageError(`${flag} takes a size such as 100M, 2G or unlimited, not "${value}"`);
  const power = ' KMGT'.indexOf((match[2] ?? '').toUpperCase() || ' ');
  return Number(match[1]) * 1024 ** power;
}

export function parseHost(value: string): string {
  // An address to bind: IPv4, IPv6 or a name such as localhost; no ports, no spaces.
  if (!/^[A-Za-z0-9.:-]+$/u.test(value) || /^\d+$/u.test(value)) {
    throw new UsageError(`--host takes an address to listen on (e.g. 127.0.0.1, ::1, 0.0.0.0), not "${value}"`);
  }
  return value;
}

/** `--irc-name`: a host name with a dot (IRC puts it where clients expect a server, e.g. `irc.example.org`). */
export function parseServerName(value: string): string {
  if (!/^[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$/u.test(value) || value.length > 63) {
    throw new UsageError(`--irc-name must be a host name with a dot (letters, digits, - and .), at most 63 characters, not ${JSON.stringify(value)}`);
  }
  return value;
}

/** `--guests on|read|off`. */
export function parseGuestPolicy(value: string): GuestPolicy {
  if (value === 'on' || value === 'read' || value === 'off') return value;
  throw new UsageError(`--guests must be on, read or off, not ${JSON.stringify(value)}`);
}

/** `--rooms open|admin`. */
export function parseRoomPolicy(value: string): RoomPolicy {
  if (value === 'open' || value === 'admin') return value;
  throw new UsageError(`--rooms must be open or admin, not ${JSON.stringify(value)}`);
}

export function parseLang(value: string): Lang {
  if (!(LANGS as readonly string[]).includes(value)) throw new UsageError(`--lang takes en or zh, not "${value}"`);
  return value as Lang;
}

export function parseFloodFlag(value: string): FloodLimit | null {
  try {
    return value === DEFAULTS.flood ? DEFAULT_FLOOD : parseFlood(value);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `RATE:BURST` for a limit that cannot be turned off (e.g. `--udp-error-rate 5:10`). */
export function parseRate(value: string, flag: string): FloodLimit {
  let limit: FloodLimit | null;
  try {
    limit = parseFlood(value);
  } catch {
    limit = null;
  }
  if (limit === null) throw new UsageError(`${flag} takes RATE:BURST (e.g. 5:10), a rate above 0 and a burst of at least 1, not "${value}"`);
  return limit;
}

export function parseLogLevel(value: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new UsageError(`--log-level takes one of ${LOG_LEVELS.join(', ')}, not "${value}"`);
  }
  return value as LogLevel;
}

export function parseHeartbeat(value: string | undefined): number {
  if (value === undefined) return DEFAULTS.heartbeatMs;
  if (!/^\d+$/u.test(value) || Number(value) < 10) {
    throw new UsageError(`--heartbeat takes milliseconds (at least 10), not "${value}"`);
  }
  return Number(value);
}

export function parseCount(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/u.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not "${value}"`);
  }
  return Number(value);
}

/** A connection cap: a whole number, or `auto` (the same as leaving it out: derived at start). */
export function parseCap(value: string | undefined, flag: string): number | undefined {
  if (value === undefined || value === 'auto') return undefined;
  return parseCount(value, flag, 1, 10_000_000);
}

export function parsePortRange(value: string | undefined): readonly [number, number] | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,5})-(\d{1,5})$/u.exec(value);
  const low = Number(match?.[1]);
  const high = Number(match?.[2]);
  if (!match || low < 1024 || high > 65535 || low > high) {
    throw new UsageError(`--ftp-passive-ports takes LOW-HIGH within 1024-65535 (e.g. 50000-50100), not "${value}"`);
  }
  return [low, high];
}

export function parsePublicHost(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9.-]+$/u.test(value)) throw new UsageError(`--ftp-public-host takes an IPv4 address or a host name, not "${value}"`);
  return value;
}

/**
 * `--public-url`: comma-separated absolute http(s) URLs. A path is allowed (a proxy may serve netroom
 * under one) but only the origin counts; user info, query and fragment have no meaning here.
 */
export function parsePublicUrls(value: string | undefined): string[] {
  if (value === undefined) return [];
  const origins: string[] = [];
  for (const item of value.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    const example = 'e.g. https://chat.example.org or http://192.168.1.20:8080';
    let url: URL;
    try {
      url = new URL(item);
    } catch {
      throw new UsageError(`--public-url takes an address people open the server at (${example}), not "${item}"`);
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
      throw new UsageError(`--public-url takes an http:// or https:// address (${example}), not "${item}"`);
    }
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
      throw new UsageError(`--public-url takes scheme, host, port and path only (no user, ?query or #fragment), not "${item}"`);
    }
    if (!origins.includes(url.origin)) origins.push(url.origin);
  }
  return origins;
}

export function parseAnonymous(value: string): 'read' | 'write' | 'off' {
  if (value !== 'read' && value !== 'write' && value !== 'off') {
    throw new UsageError(`--ftp-anonymous takes read, write or off, not "${value}"`);
  }
  return value;
}

export function parseToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // Sent in an Authorization header: printable ASCII without spaces, and long enough to resist guessing.
  if (!/^[\x21-\x7e]{16,256}$/u.test(value)) {
    throw new UsageError('--admin-token takes 16 to 256 printable characters without spaces');
  }
  return value;
}

/** `--tls-cert` and `--tls-key` together or not at all; `--ircs` defaults on with them and needs them. The files are read at start. */
export function parseTls(cert: string | undefined, key: string | undefined, ircs: string | undefined): Pick<Config, 'tls' | 'ircs'> {
  if ((cert === undefined) !== (key === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together: give both (PEM files), or neither');
  }
  if (cert === undefined || key === undefined) {
    if (ircs !== undefined && ircs !== 'off') throw new UsageError('--ircs needs a certificate: give --tls-cert and --tls-key too');
    return { tls: null, ircs: null };
  }
  return {
    tls: { cert: nonEmptyFile(cert, '--tls-cert'), key: nonEmptyFile(key, '--tls-key') },
    ircs: parsePort(ircs ?? String(DEFAULTS.ircs), '--ircs'),
  };
}

export function nonEmptyFile(value: string, flag: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} needs a file`);
  return value;
}

export function parseBool(value: string, name: string): boolean {
  if (/^(1|true|yes|on)$/iu.test(value)) return true;
  if (/^(0|false|no|off|)$/iu.test(value)) return false;
  throw new UsageError(`${name} takes true or false, not "${value}"`);
}

export function nonEmpty(value: string, flag: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} needs a folder`);
  return value;
}
