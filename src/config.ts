// Server configuration: flags over NETROOM_* environment variables over defaults, validated in one place.
import { parseEngines, type EngineConfig } from './config-engines.js';
import type { Lang } from './core/i18n.js';
import type { FloodLimit } from './core/limits.js';
import type { GuestPolicy } from './core/access/roles.js';
import type { RoomPolicy } from './core/chat/chat.js';
import type { LogLevel } from './log.js';
import {
  nonEmpty,
  parseAnonymous,
  parseBool,
  parseBudget,
  parseCap,
  parseCount,
  parseFloodFlag,
  parseHeartbeat,
  parseHost,
  parseLang,
  parseLogLevel,
  parsePort,
  parsePortRange,
  parsePublicHost,
  parsePublicUrls,
  parseRate,
  parseRoomPolicy,
  parseGuestPolicy,
  parseServerName,
  parseSize,
  parseTls,
  parseToken,
} from './config-values.js';
import { DEFAULTS } from './config-defaults.js';
import { UsageError } from './usage-error.js';

export { UsageError };

/** Everything `netroom serve` needs, validated. A door port of null means the door is off. */
export interface Config {
  readonly dir: string;
  readonly data: string;
  readonly host: string;
  /** The seed doors' port (UDP chat and TCP files share the number). */
  readonly port: number | null;
  readonly http: number | null;
  readonly irc: number | null;
  /** The IRC door's server name (001/004, PONG, WHOIS 312): a host name with a dot. */
  readonly ircName: string;
  readonly ftp: number | null;
  readonly lang: Lang;
  readonly flood: FloodLimit | null;
  /** Who creates rooms: anyone by joining (open) or administrators only (admin). */
  readonly rooms: RoomPolicy;
  /** `--guests`: what people without an account may do (on: chat, read, upload new; read; off: accounts only). */
  readonly guests: GuestPolicy;
  /** `--allow-plaintext-passwords`: accept passwords over unencrypted non-loopback connections (FTP, IRC PASS). */
  readonly allowPlaintextPasswords: boolean;
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
  /** `--database`, `--redis`, `--workers`: the engines (null: embedded). */
  readonly engines: EngineConfig;
}

export { DEFAULTS };

/** Raw values as they come from the command line (commander) or the environment; all optional. */
export interface RawOptions {
  dir?: string;
  data?: string;
  host?: string;
  port?: string;
  http?: string;
  irc?: string;
  ircName?: string;
  ftp?: string;
  lang?: string;
  flood?: string;
  rooms?: string;
  guests?: string;
  allowPlaintextPasswords?: boolean;
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
  database?: string;
  redis?: string;
  workers?: string;
}

const ENV_NAMES: Record<keyof RawOptions, string> = {
  dir: 'NETROOM_DIR',
  data: 'NETROOM_DATA',
  host: 'NETROOM_HOST',
  port: 'NETROOM_PORT',
  http: 'NETROOM_HTTP',
  irc: 'NETROOM_IRC',
  ircName: 'NETROOM_IRC_NAME',
  ftp: 'NETROOM_FTP',
  lang: 'NETROOM_LANG',
  flood: 'NETROOM_FLOOD',
  rooms: 'NETROOM_ROOMS',
  guests: 'NETROOM_GUESTS',
  allowPlaintextPasswords: 'NETROOM_ALLOW_PLAINTEXT_PASSWORDS',
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
  database: 'NETROOM_DATABASE',
  redis: 'NETROOM_REDIS',
  workers: 'NETROOM_WORKERS',
};

/** The environment variable behind each option, for help texts and the README. */
export function envName(option: keyof RawOptions): string {
  return ENV_NAMES[option];
}

/** Merge flags over the environment over defaults and validate; throws UsageError on any bad value. */
export function resolveConfig(flags: RawOptions, env: NodeJS.ProcessEnv = process.env): Config {
  const pick = (key: Exclude<keyof RawOptions, 'overwrite' | 'ftpRequireTls' | 'allowPlaintextPasswords'>): string | undefined => flags[key] ?? env[ENV_NAMES[key]];
  const noOverwriteEnv = env.NETROOM_NO_OVERWRITE;
  const noOverwrite = flags.overwrite === false || (noOverwriteEnv !== undefined && parseBool(noOverwriteEnv, 'NETROOM_NO_OVERWRITE'));
  const config: Config = {
    dir: nonEmpty(pick('dir') ?? DEFAULTS.dir, '--dir'),
    data: nonEmpty(pick('data') ?? DEFAULTS.data, '--data'),
    host: parseHost(pick('host') ?? DEFAULTS.host),
    port: parsePort(pick('port') ?? String(DEFAULTS.port), '--port'),
    http: parsePort(pick('http') ?? String(DEFAULTS.http), '--http'),
    irc: parsePort(pick('irc') ?? String(DEFAULTS.irc), '--irc'),
    ircName: parseServerName(pick('ircName') ?? DEFAULTS.ircName),
    ftp: parsePort(pick('ftp') ?? String(DEFAULTS.ftp), '--ftp'),
    lang: parseLang(pick('lang') ?? DEFAULTS.lang),
    flood: parseFloodFlag(pick('flood') ?? DEFAULTS.flood),
    rooms: parseRoomPolicy(pick('rooms') ?? DEFAULTS.rooms),
    guests: parseGuestPolicy(pick('guests') ?? DEFAULTS.guests),
    allowPlaintextPasswords:
      flags.allowPlaintextPasswords === true ||
      (env.NETROOM_ALLOW_PLAINTEXT_PASSWORDS !== undefined && parseBool(env.NETROOM_ALLOW_PLAINTEXT_PASSWORDS, 'NETROOM_ALLOW_PLAINTEXT_PASSWORDS')),
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
    engines: parseEngines(pick('database'), pick('redis'), pick('workers')),
  };
  if (config.ftpRequireTls && config.tls === null) throw new UsageError('--ftp-require-tls needs a certificate: give --tls-cert and --tls-key too');
  // With every door off nobody could reach the server, and nothing would keep it running.
  if (config.http === null && config.irc === null && config.ftp === null && config.port === null && config.ircs === null) {
    throw new UsageError('every door is off (--http, --irc, --ftp, --port): turn at least one on');
  }
  return config;
}

// Moved to config-values.ts; re-exported so importers of config.js keep working.
export { parsePort, parseBudget, parseSize, parsePublicUrls } from './config-values.js';
