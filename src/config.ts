// Server configuration: flags over NETROOM_* environment variables over defaults, validated in one place.
import type { Lang } from './core/i18n.js';
import { LANGS } from './core/i18n.js';
import { parseFlood, DEFAULT_FLOOD, type FloodLimit } from './core/limits.js';
import { LOG_LEVELS, type LogLevel } from './log.js';

/** A bad flag or environment value: `serve` prints the message on one line and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Everything `netroom serve` needs, validated. A door port of null means the door is off. */
export interface Config {
  readonly dir: string;
  readonly data: string;
  readonly host: string;
  /** The seed doors' port (UDP chat and TCP files share the number). */
  readonly port: number | null;
  readonly http: number | null;
  readonly irc: number | null;
  readonly ftp: number | null;
  readonly lang: Lang;
  readonly flood: FloodLimit | null;
  readonly noOverwrite: boolean;
  readonly maxUpload: number;
  /** Bytes kept interrupted uploads may take in all; null: auto (1 GiB at most, a quarter of the disk at most); 0: keep none. */
  readonly partialBudget: number | null;
  /** Bytes the kept interrupted uploads of one client address may take; null: a quarter of the total. */
  readonly partialBudgetPerAddress: number | null;
  readonly logLevel: LogLevel;
  /** Seed UDP heartbeat interval (ms) for clients that send `H NAME`. */
  readonly heartbeatMs: number;
  /** Members through the seed UDP door at most, and from one source IP at most. */
  readonly udpMaxMembers: number;
  readonly udpMaxPerAddress: number;
  /** Error replies of the seed UDP door per source. */
  readonly udpErrorRate: FloodLimit;
  /** Events replayed to a member entering through a door that can show them. */
  readonly historySize: number;
  /** How long a WebSocket member whose connection dropped (reload, network blip) keeps its place (ms; 0: leaves at once). */
  readonly leaveGraceMs: number;
  /** History retention: at most this many events... */
  readonly retentionCount: number;
  /** ...and none older than this many days. */
  readonly retentionDays: number;
  /** The administrator token, when given by flag or environment; otherwise kept in DATA/admin-token. */
  readonly adminToken: string | undefined;
  /** FTP passive data ports [low, high]; undefined: any free port per transfer. */
  readonly ftpPassivePorts: readonly [number, number] | undefined;
  /** Address advertised in PASV replies (behind NAT); undefined: the control connection's local address. */
  readonly ftpPublicHost: string | undefined;
  /** Anonymous FTP access. */
  readonly ftpAnonymous: 'read' | 'write' | 'off';
  /** `--ftp-require-tls`: FTP logins and data connections only after AUTH TLS / PROT P (needs --tls-cert). */
  readonly ftpRequireTls: boolean;
  /** FTP's own caps under the shared ones; undefined: only --max-connections and --max-per-address apply. */
  readonly ftpMaxClients: number | undefined;
  readonly ftpMaxPerIp: number | undefined;
  /** Open TCP connections across every door at most; undefined: derived from the open-file limit at start. */
  readonly maxConnections: number | undefined;
  /** Open connections from one client address (IPv6: one /64) to one TCP door at most; undefined: the default for the file limit. */
  readonly maxPerAddress: number | undefined;
  /** HTTP: a request head must be complete this long (ms) after its connection (or request) started. */
  readonly firstRequestTimeoutMs: number;
  /** IRC registration, FTP login and the seed file door's first command: within this long (ms) of connecting. */
  readonly loginTimeoutMs: number;
  /** PEM files of the certificate chain and key (--tls-cert, --tls-key); null: no TLS on any door. */
  readonly tls: { readonly cert: string; readonly key: string } | null;
  /** IRC over TLS port (default 6697 when TLS is configured, off without it). */
  readonly ircs: number | null;
  /** `--public-url`: origins (scheme://host:port) people reach the web door by, beyond loopback and the bound address. */
  readonly publicUrls: readonly string[];
}

/** Defaults of SPEC sections 2-4: nothing here needs an external service. */
export const DEFAULTS = {
  dir: './netroom-files',
  data: './netroom-data',
  host: '127.0.0.1',
  port: 8888,
  http: 8080,
  irc: 6667,
  ftp: 2121,
  lang: 'en',
  flood: '10:20',
  maxUpload: 'unlimited',
  partialBudget: 'auto',
  partialBudgetPerAddress: 'auto',
  logLevel: 'info',
  heartbeatMs: 10_000,
  udpMaxMembers: 2000,
  udpMaxPerAddress: 256,
  udpErrorRate: '5:10',
  historySize: 50,
  leaveGraceMs: 15_000,
  retentionCount: 10_000,
  retentionDays: 30,
  ftpAnonymous: 'write',
  firstRequestTimeoutMs: 10_000,
  loginTimeoutMs: 20_000,
  ircs: 6697,
} as const;

/** Raw values as they come from the command line (commander) or the environment; all optional. */
export interface RawOptions {
  dir?: string;
  data?: string;
  host?: string;
  port?: string;
  http?: string;
  irc?: string;
  ftp?: string;
  lang?: string;
  flood?: string;
  overwrite?: boolean;
  ftpRequireTls?: boolean;
  maxUpload?: string;
  partialBudget?: string;
  partialBudgetPerAddress?: string;
  logLevel?: string;
  heartbeat?: string;
  udpMaxMembers?: string;
  udpMaxPerAddress?: string;
  udpErrorRate?: string;
  history?: string;
  leaveGrace?: string;
  retentionCount?: string;
  retentionDays?: string;
  adminToken?: string;
  ftpPassivePorts?: string;
  ftpPublicHost?: string;
  ftpAnonymous?: string;
  ftpMaxClients?: string;
  ftpMaxPerIp?: string;
  maxConnections?: string;
  maxPerAddress?: string;
  firstRequestTimeout?: string;
  loginTimeout?: string;
  tlsCert?: string;
  tlsKey?: string;
  ircs?: string;
  /** One or more URLs, comma-separated (serve joins repeated flags this way). */
  publicUrl?: string;
}

const ENV_NAMES: Record<keyof RawOptions, string> = {
  dir: 'NETROOM_DIR',
  data: 'NETROOM_DATA',
  host: 'NETROOM_HOST',
  port: 'NETROOM_PORT',
  http: 'NETROOM_HTTP',
  irc: 'NETROOM_IRC',
  ftp: 'NETROOM_FTP',
  lang: 'NETROOM_LANG',
  flood: 'NETROOM_FLOOD',
  overwrite: 'NETROOM_NO_OVERWRITE',
  ftpRequireTls: 'NETROOM_FTP_REQUIRE_TLS',
  maxUpload: 'NETROOM_MAX_UPLOAD',
  partialBudget: 'NETROOM_PARTIAL_BUDGET',
  partialBudgetPerAddress: 'NETROOM_PARTIAL_BUDGET_PER_ADDRESS',
  logLevel: 'NETROOM_LOG_LEVEL',
  heartbeat: 'NETROOM_HEARTBEAT',
  udpMaxMembers: 'NETROOM_UDP_MAX_MEMBERS',
  udpMaxPerAddress: 'NETROOM_UDP_MAX_PER_ADDRESS',
  udpErrorRate: 'NETROOM_UDP_ERROR_RATE',
  history: 'NETROOM_HISTORY',
  leaveGrace: 'NETROOM_LEAVE_GRACE',
  retentionCount: 'NETROOM_RETENTION_COUNT',
  retentionDays: 'NETROOM_RETENTION_DAYS',
  adminToken: 'NETROOM_ADMIN_TOKEN',
  ftpPassivePorts: 'NETROOM_FTP_PASSIVE_PORTS',
  ftpPublicHost: 'NETROOM_FTP_PUBLIC_HOST',
  ftpAnonymous: 'NETROOM_FTP_ANONYMOUS',
  ftpMaxClients: 'NETROOM_FTP_MAX_CLIENTS',
  ftpMaxPerIp: 'NETROOM_FTP_MAX_PER_IP',
  maxConnections: 'NETROOM_MAX_CONNECTIONS',
  maxPerAddress: 'NETROOM_MAX_PER_ADDRESS',
  firstRequestTimeout: 'NETROOM_FIRST_REQUEST_TIMEOUT',
  loginTimeout: 'NETROOM_LOGIN_TIMEOUT',
  tlsCert: 'NETROOM_TLS_CERT',
  tlsKey: 'NETROOM_TLS_KEY',
  ircs: 'NETROOM_IRCS',
  publicUrl: 'NETROOM_PUBLIC_URL',
};

/** The environment variable behind each option, for help texts and the README. */
export function envName(option: keyof RawOptions): string {
  return ENV_NAMES[option];
}

/** Merge flags over the environment over defaults and validate; throws UsageError on any bad value. */
export function resolveConfig(flags: RawOptions, env: NodeJS.ProcessEnv = process.env): Config {
  const pick = (key: Exclude<keyof RawOptions, 'overwrite' | 'ftpRequireTls'>): string | undefined => flags[key] ?? env[ENV_NAMES[key]];
  const noOverwriteEnv = env.NETROOM_NO_OVERWRITE;
  const noOverwrite = flags.overwrite === false || (noOverwriteEnv !== undefined && parseBool(noOverwriteEnv, 'NETROOM_NO_OVERWRITE'));
  const config: Config = {
    dir: nonEmpty(pick('dir') ?? DEFAULTS.dir, '--dir'),
    data: nonEmpty(pick('data') ?? DEFAULTS.data, '--data'),
    host: parseHost(pick('host') ?? DEFAULTS.host),
    port: parsePort(pick('port') ?? String(DEFAULTS.port), '--port'),
    http: parsePort(pick('http') ?? String(DEFAULTS.http), '--http'),
    irc: parsePort(pick('irc') ?? String(DEFAULTS.irc), '--irc'),
    ftp: parsePort(pick('ftp') ?? String(DEFAULTS.ftp), '--ftp'),
    lang: parseLang(pick('lang') ?? DEFAULTS.lang),
    flood: parseFloodFlag(pick('flood') ?? DEFAULTS.flood),
    noOverwrite,
    ftpRequireTls: flags.ftpRequireTls === true || (env.NETROOM_FTP_REQUIRE_TLS !== undefined && parseBool(env.NETROOM_FTP_REQUIRE_TLS, 'NETROOM_FTP_REQUIRE_TLS')),
    maxUpload: parseSize(pick('maxUpload') ?? DEFAULTS.maxUpload, '--max-upload'),
    partialBudget: parseBudget(pick('partialBudget') ?? DEFAULTS.partialBudget, '--partial-budget'),
    partialBudgetPerAddress: parseBudget(pick('partialBudgetPerAddress') ?? DEFAULTS.partialBudgetPerAddress, '--partial-budget-per-address'),
    logLevel: parseLogLevel(pick('logLevel') ?? DEFAULTS.logLevel),
    heartbeatMs: parseHeartbeat(pick('heartbeat')),
    udpMaxMembers: parseCount(pick('udpMaxMembers') ?? String(DEFAULTS.udpMaxMembers), '--udp-max-members', 1, 1_000_000),
    udpMaxPerAddress: parseCount(pick('udpMaxPerAddress') ?? String(DEFAULTS.udpMaxPerAddress), '--udp-max-per-address', 1, 1_000_000),
    udpErrorRate: parseRate(pick('udpErrorRate') ?? DEFAULTS.udpErrorRate, '--udp-error-rate'),
    historySize: parseCount(pick('history') ?? String(DEFAULTS.historySize), '--history', 0, 1000),
    leaveGraceMs: parseCount(pick('leaveGrace') ?? String(DEFAULTS.leaveGraceMs), '--leave-grace', 0, 600_000),
    retentionCount: parseCount(pick('retentionCount') ?? String(DEFAULTS.retentionCount), '--retention-count', 1, 10_000_000),
    retentionDays: parseCount(pick('retentionDays') ?? String(DEFAULTS.retentionDays), '--retention-days', 1, 36_500),
    adminToken: parseToken(pick('adminToken')),
    ftpPassivePorts: parsePortRange(pick('ftpPassivePorts')),
    ftpPublicHost: parsePublicHost(pick('ftpPublicHost')),
    ftpAnonymous: parseAnonymous(pick('ftpAnonymous') ?? DEFAULTS.ftpAnonymous),
    ftpMaxClients: parseCap(pick('ftpMaxClients'), '--ftp-max-clients'),
    ftpMaxPerIp: parseCap(pick('ftpMaxPerIp'), '--ftp-max-per-ip'),
    maxConnections: parseCap(pick('maxConnections'), '--max-connections'),
    maxPerAddress: parseCap(pick('maxPerAddress'), '--max-per-address'),
    firstRequestTimeoutMs: parseCount(pick('firstRequestTimeout') ?? String(DEFAULTS.firstRequestTimeoutMs), '--first-request-timeout', 100, 3_600_000),
    loginTimeoutMs: parseCount(pick('loginTimeout') ?? String(DEFAULTS.loginTimeoutMs), '--login-timeout', 100, 3_600_000),
    ...parseTls(pick('tlsCert'), pick('tlsKey'), pick('ircs')),
    publicUrls: parsePublicUrls(pick('publicUrl')),
  };
  if (config.ftpRequireTls && config.tls === null) throw new UsageError('--ftp-require-tls needs a certificate: give --tls-cert and --tls-key too');
  // With every door off nobody could reach the server, and nothing would keep it running.
  if (config.http === null && config.irc === null && config.ftp === null && config.port === null && config.ircs === null) {
    throw new UsageError('every door is off (--http, --irc, --ftp, --port): turn at least one on');
  }
  return config;
}

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

function parseHost(value: string): string {
  // An address to bind: IPv4, IPv6 or a name such as localhost; no ports, no spaces.
  if (!/^[A-Za-z0-9.:-]+$/u.test(value) || /^\d+$/u.test(value)) {
    throw new UsageError(`--host takes an address to listen on (e.g. 127.0.0.1, ::1, 0.0.0.0), not "${value}"`);
  }
  return value;
}

function parseLang(value: string): Lang {
  if (!(LANGS as readonly string[]).includes(value)) throw new UsageError(`--lang takes en or zh, not "${value}"`);
  return value as Lang;
}

function parseFloodFlag(value: string): FloodLimit | null {
  try {
    return value === DEFAULTS.flood ? DEFAULT_FLOOD : parseFlood(value);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `RATE:BURST` for a limit that cannot be turned off (e.g. `--udp-error-rate 5:10`). */
function parseRate(value: string, flag: string): FloodLimit {
  let limit: FloodLimit | null;
  try {
    limit = parseFlood(value);
  } catch {
    limit = null;
  }
  if (limit === null) throw new UsageError(`${flag} takes RATE:BURST (e.g. 5:10), a rate above 0 and a burst of at least 1, not "${value}"`);
  return limit;
}

function parseLogLevel(value: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new UsageError(`--log-level takes one of ${LOG_LEVELS.join(', ')}, not "${value}"`);
  }
  return value as LogLevel;
}

function parseHeartbeat(value: string | undefined): number {
  if (value === undefined) return DEFAULTS.heartbeatMs;
  if (!/^\d+$/u.test(value) || Number(value) < 10) {
    throw new UsageError(`--heartbeat takes milliseconds (at least 10), not "${value}"`);
  }
  return Number(value);
}

function parseCount(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/u.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not "${value}"`);
  }
  return Number(value);
}

/** A connection cap: a whole number, or `auto` (the same as leaving it out: derived at start). */
function parseCap(value: string | undefined, flag: string): number | undefined {
  if (value === undefined || value === 'auto') return undefined;
  return parseCount(value, flag, 1, 10_000_000);
}

function parsePortRange(value: string | undefined): readonly [number, number] | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,5})-(\d{1,5})$/u.exec(value);
  const low = Number(match?.[1]);
  const high = Number(match?.[2]);
  if (!match || low < 1024 || high > 65535 || low > high) {
    throw new UsageError(`--ftp-passive-ports takes LOW-HIGH within 1024-65535 (e.g. 50000-50100), not "${value}"`);
  }
  return [low, high];
}

function parsePublicHost(value: string | undefined): string | undefined {
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

function parseAnonymous(value: string): 'read' | 'write' | 'off' {
  if (value !== 'read' && value !== 'write' && value !== 'off') {
    throw new UsageError(`--ftp-anonymous takes read, write or off, not "${value}"`);
  }
  return value;
}

function parseToken(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // Sent in an Authorization header: printable ASCII without spaces, and long enough to resist guessing.
  if (!/^[\x21-\x7e]{16,256}$/u.test(value)) {
    throw new UsageError('--admin-token takes 16 to 256 printable characters without spaces');
  }
  return value;
}

/** `--tls-cert` and `--tls-key` together or not at all; `--ircs` defaults on with them and needs them. The files are read at start. */
function parseTls(cert: string | undefined, key: string | undefined, ircs: string | undefined): Pick<Config, 'tls' | 'ircs'> {
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

function nonEmptyFile(value: string, flag: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} needs a file`);
  return value;
}

function parseBool(value: string, name: string): boolean {
  if (/^(1|true|yes|on)$/iu.test(value)) return true;
  if (/^(0|false|no|off|)$/iu.test(value)) return false;
  throw new UsageError(`${name} takes true or false, not "${value}"`);
}

function nonEmpty(value: string, flag: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} needs a folder`);
  return value;
}
