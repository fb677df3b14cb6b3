// `netroom serve`: the server (or, with --workers N, N of them sharing the ports); stdin lines are announcements; SIGINT/SIGTERM stop it, even mid-start.
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { DEFAULTS, resolveConfig, UsageError, type Config, type RawOptions } from '../config.js';
import { isNetroomError } from '../core/errors.js';
import { createLogger, stderrSink, type LogSink, type Logger } from '../log.js';
import type { DoorAddress } from '../doors/door.js';
import { NetroomServer, type DoorStatus } from '../server.js';
import { raiseFileLimit } from '../net/file-limit.js';
import { workerIndex } from '../net/worker-role.js';
import { dieOf, StopSignals } from './stop-signals.js';
import { WorkerLink } from './worker-link.js';
import { forwardAnnouncements, preparePrimary, Supervisor, WorkerStartError } from './workers.js';

/** Register `serve` and its flags (each also settable as a NETROOM_* environment variable). */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the server: chat room and file library behind every door')
    .option('--dir <dir>', `library root folder, created if missing (default ${DEFAULTS.dir}; NETROOM_DIR)`)
    .option('--data <dir>', `state folder for history (default ${DEFAULTS.data}; NETROOM_DATA)`)
    .option('--host <addr>', `address to listen on (default ${DEFAULTS.host}; NETROOM_HOST)`)
    .option('--port <port|off>', `seed doors: UDP chat and TCP files (default ${DEFAULTS.port}; NETROOM_PORT)`)
    .option('--http <port|off>', `HTTP door (default ${DEFAULTS.http}; NETROOM_HTTP)`)
    .option('--irc <port|off>', `IRC door (default ${DEFAULTS.irc}; NETROOM_IRC)`)
    .option('--ftp <port|off>', `FTP door (default ${DEFAULTS.ftp}; NETROOM_FTP)`)
    .option('--lang <en|zh>', `language of notices (default ${DEFAULTS.lang}; NETROOM_LANG)`)
    .option('--flood <rate:burst|off>', `per-member flood control (default ${DEFAULTS.flood}; NETROOM_FLOOD)`)
    .option('--rooms <open|admin>', `who creates rooms: anyone by joining, or administrators only (default ${DEFAULTS.rooms}; NETROOM_ROOMS)`)
    .option('--guests <on|read|off>', `what people without an account may do: on (chat, read, upload new files), read (chat and read), off (accounts only) (default ${DEFAULTS.guests}; NETROOM_GUESTS)`)
    .option('--allow-plaintext-passwords', 'accept passwords over unencrypted connections from other hosts (FTP USER/PASS, IRC PASS and SASL without TLS; NETROOM_ALLOW_PLAINTEXT_PASSWORDS=1)')
    .option('--no-overwrite', 'refuse uploads onto an existing name (NETROOM_NO_OVERWRITE=1)')
    .option('--max-upload <size>', `largest upload, e.g. 100M, 2G (default ${DEFAULTS.maxUpload}; NETROOM_MAX_UPLOAD)`)
    .option('--partial-budget <size|auto>', `disk kept for interrupted uploads in all, 0: keep none (default ${DEFAULTS.partialBudget}: 1G, at most a quarter of the disk; NETROOM_PARTIAL_BUDGET)`)
    .option('--partial-budget-per-address <size|auto>', `of which one client address may hold (default ${DEFAULTS.partialBudgetPerAddress}: a quarter; NETROOM_PARTIAL_BUDGET_PER_ADDRESS)`)
    .option('--heartbeat <ms>', `seed UDP heartbeat interval (default ${DEFAULTS.heartbeatMs}; NETROOM_HEARTBEAT)`)
    .option('--udp-max-members <n>', `seed UDP chat members at most (default ${DEFAULTS.udpMaxMembers}; NETROOM_UDP_MAX_MEMBERS)`)
    .option('--udp-max-per-address <n>', `seed UDP chat members from one IP address (default ${DEFAULTS.udpMaxPerAddress}; NETROOM_UDP_MAX_PER_ADDRESS)`)
    .option('--udp-error-rate <rate:burst>', `seed UDP error replies per address (default ${DEFAULTS.udpErrorRate}; NETROOM_UDP_ERROR_RATE)`)
    .option('--leave-grace <ms>', `how long a WebSocket member whose connection dropped keeps its place (default ${DEFAULTS.leaveGraceMs}, 0: off; NETROOM_LEAVE_GRACE)`)
    .option('--history <n>', `events replayed on entering, web/WebSocket/IRC (default ${DEFAULTS.historySize}; NETROOM_HISTORY)`)
    .option('--retention-count <n>', `history kept at most (default ${DEFAULTS.retentionCount}; NETROOM_RETENTION_COUNT)`)
    .option('--retention-days <n>', `history kept no longer (default ${DEFAULTS.retentionDays}; NETROOM_RETENTION_DAYS)`)
    .option('--admin-token <token>', 'administrator token (NETROOM_ADMIN_TOKEN; default: generated once into DATA/admin-token)')
    .option('--ftp-passive-ports <low-high>', 'FTP passive data ports, e.g. 50000-50100 (default: any free port; NETROOM_FTP_PASSIVE_PORTS)')
    .option('--ftp-public-host <host>', 'address advertised for FTP passive mode behind NAT (NETROOM_FTP_PUBLIC_HOST)')
    .option('--ftp-require-tls', 'FTP: no login and no clear data connection before AUTH TLS and PROT P (needs --tls-cert; NETROOM_FTP_REQUIRE_TLS=1)')
    .option('--ftp-anonymous <read|write|off>', `anonymous FTP access (default ${DEFAULTS.ftpAnonymous}; NETROOM_FTP_ANONYMOUS)`)
    .option('--ftp-max-clients <n>', 'FTP control connections at most (default: --max-connections; NETROOM_FTP_MAX_CLIENTS)')
    .option('--ftp-max-per-ip <n>', 'FTP control connections per client address (default: --max-per-address; NETROOM_FTP_MAX_PER_IP)')
    .option('--max-connections <n|auto>', 'open TCP connections across every door (default auto: half the open-file limit less a reserve; NETROOM_MAX_CONNECTIONS)')
    .option('--max-per-address <n|auto>', 'open connections from one address to one TCP door, an IPv6 /64 counting as one (default 512; NETROOM_MAX_PER_ADDRESS)')
    .option('--first-request-timeout <ms>', `HTTP: a request head must arrive this soon after connecting (default ${DEFAULTS.firstRequestTimeoutMs}; NETROOM_FIRST_REQUEST_TIMEOUT)`)
    .option('--login-timeout <ms>', `IRC registration, FTP login, the seed file door's first command (default ${DEFAULTS.loginTimeoutMs}; NETROOM_LOGIN_TIMEOUT)`)
    .option(
      '--public-url <url>',
      'address people open the web door at, e.g. https://chat.example.org; its host is accepted in Host, its origin may post and open the WebSocket (repeatable or comma-separated; default: only loopback and the --host address; NETROOM_PUBLIC_URL)',
      (value: string, previous: string | undefined) => (previous === undefined ? value : `${previous},${value}`),
    )
    .option('--tls-cert <file>', 'PEM certificate chain (e.g. fullchain.pem): HTTPS, IRC over TLS, FTPS; SIGHUP re-reads it (NETROOM_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert (NETROOM_TLS_KEY)')
    .option('--irc-name <host>', `IRC server name shown to clients (default ${DEFAULTS.ircName}; NETROOM_IRC_NAME)`)
    .option('--ircs <port|off>', `IRC over TLS (default ${DEFAULTS.ircs} with --tls-cert, else off; NETROOM_IRCS)`)
    .option('--database <url>', 'PostgreSQL for accounts, rooms and history, shared by every node, e.g. postgres://netroom:secret@db.example.org/netroom (default: SQLite in --data; NETROOM_DATABASE)')
    .option('--redis <url>', 'Redis for what is live between nodes: events, who is online, name claims, e.g. redis://127.0.0.1:6379 (needs --database; default: in-process; NETROOM_REDIS)')
    .option('--workers <n>', 'processes on this machine sharing the listening sockets (needs --redis and --database; default 1; NETROOM_WORKERS)')
    .option('--log-level <level>', `fatal|error|warn|info|debug|trace|silent (default ${DEFAULTS.logLevel}; NETROOM_LOG_LEVEL)`)
    .action(async (flags: RawOptions) => {
      await serve(flags);
    });
}

async function serve(flags: RawOptions): Promise<void> {
  // On a terminal a person reads the logs: one line each. Piped or redirected they stay JSON lines.
  const pretty = process.stderr.isTTY === true;
  // Held until the banner is out: the doors log "listening" while they start.
  const sink = stderrSink({ pretty, color: pretty && process.env.NO_COLOR === undefined, hold: true });
  // With --workers, the primary also ends its workers at once on the second signal.
  let force: () => void = () => undefined;
  // Before any work: a signal must stop serve whatever it is doing, start-up included.
  const signals = new StopSignals(process, (signal) => {
    force();
    console.error(`netroom: ${signal} again: stopping at once`);
    sink.flushSync();
    dieOf(signal);
  });
  const config = resolveConfig(flags);
  if (config.engines.workers > 1 && cluster.isPrimary) {
    const log = createLogger(config.logLevel, sink).child({ role: 'primary' });
    const supervisor = new Supervisor(config.engines.workers, log);
    force = () => supervisor.kill();
    await superviseWorkers(config, supervisor, log, sink, signals);
    return;
  }
  const index = workerIndex();
  const link = index === null ? null : new WorkerLink(index);
  const root = createLogger(config.logLevel, sink);
  const log = index === null ? root : root.child({ worker: index });
  try {
    await serveNode(config, log, sink, signals, link);
  } catch (err) {
    if (link === null) throw err;
    // A cluster worker stays alive while its channel to the primary is open: end it here, with main's wording and codes.
    sink.release();
    console.error(`netroom: ${err instanceof Error ? err.message : String(err)}`);
    sink.flushSync();
    process.exit(err instanceof UsageError ? 2 : 1);
  }
}

/** One node: a single `serve` process, or one worker of `serve --workers N` (then `link` is its channel to the primary). */
async function serveNode(config: Config, log: Logger, sink: LogSink, signals: StopSignals, link: WorkerLink | null): Promise<void> {
  // A worker also stops when the primary asks (it got the signal; a terminal's Ctrl-C reaches both).
  const stopRequested: Promise<NodeJS.Signals> = link === null ? signals.signalled : Promise.race([signals.signalled, link.stopRequested.then(() => 'SIGTERM' as const)]);
  // Before any door opens: the connection caps are derived from the limit in force (SPEC 4).
  await raiseFileLimit(log);
  const server = new NetroomServer(config, log);
  // A certificate renewal hook sends SIGHUP. Without TLS, SIGHUP keeps its default: the process ends.
  if (config.tls) process.on('SIGHUP', () => reloadCertificate(server, log));

  const started = server.start().then((statuses) => ({ statuses }));
  const first = await Promise.race([started, stopRequested.then((signal) => ({ signal }))]).catch((err: unknown) => {
    // Start-up failed: what the doors logged on the way goes out before main prints the reason.
    sink.release();
    throw err;
  });
  if ('signal' in first) {
    // Nothing has been served yet, and start-up may be stuck (a hung disk): end now, not cleanly.
    sink.release();
    log.info({ signal: first.signal }, 'stopped during start-up');
    // A worker's primary says it once for all.
    if (link === null) console.error(`netroom: ${first.signal} during start-up: stopped`);
    sink.flushSync();
    dieOf(first.signal);
    return;
  }
  const { statuses } = first;
  const banner = bannerLines(server, statuses, config);
  if (link === null) {
    for (const line of banner) console.log(line);
    console.log(PROMPT_LINE);
  } else {
    link.ready(banner, statuses);
  }
  sink.release();
  // One field per door (`http: tcp://127.0.0.1:8080`, `irc: off`): the doors logged their details already.
  log.info({ doors: Object.fromEntries(statuses.map((s) => [s.door, s.state === 'off' ? 'off' : addressOf(s.address)])) }, 'netroom started');

  const announce = (line: string): void => {
    const text = line.trim();
    if (text === '') return;
    try {
      server.announce(text);
      log.info({ text }, 'announcement');
    } catch (err) {
      console.error(`netroom: announcement not sent: ${isNetroomError(err) ? err.message : String(err)}`);
    }
  };
  // A worker's announcements come from the primary, which alone reads stdin.
  const input = link === null ? createInterface({ input: process.stdin, terminal: false }) : null;
  input?.on('line', announce);
  // End of standard input (a service started with </dev/null) is not a reason to stop serving.
  input?.on('error', () => undefined);
  link?.onAnnounce(announce);

  const signal = await stopRequested;
  log.info({ signal }, 'stopping');
  input?.close();
  link?.close();
  await server.stop().catch((err: unknown) => log.error({ err }, 'stop failed'));
  if (link === null) console.log('netroom stopped');
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  // stdin (or the channel to the primary) may still hold the event loop open; the server is closed, so leave now.
  process.exit(0);
}

/** The primary of `serve --workers N`: start the workers, print one banner, pass stdin on, stop them all on a signal. */
async function superviseWorkers(config: Config, supervisor: Supervisor, log: Logger, sink: LogSink, signals: StopSignals): Promise<void> {
  const count = config.engines.workers;
  // A certificate renewal hook signals the primary (MAINPID): each worker reloads its own copy.
  if (config.tls) process.on('SIGHUP', () => supervisor.signal('SIGHUP'));
  await preparePrimary(config);
  log.info({ workers: count }, 'starting workers');
  const first = await Promise.race([supervisor.start().then((ready) => ({ ready })), signals.signalled.then((signal) => ({ signal }))]).catch(async (err: unknown) => {
    sink.release();
    await supervisor.stop();
    // The worker printed its reason; main prints this one too, with the worker's exit code.
    if (err instanceof WorkerStartError) {
      console.error(`netroom: ${err.message}`);
      sink.flushSync();
      process.exit(err.exitCode);
    }
    throw err;
  });
  if ('signal' in first) {
    sink.release();
    log.info({ signal: first.signal }, 'stopped during start-up');
    await supervisor.stop();
    console.error(`netroom: ${first.signal} during start-up: stopped`);
    sink.flushSync();
    dieOf(first.signal);
    return;
  }
  for (const line of first.ready.banner) console.log(line);
  const pids = supervisor.pids();
  console.log(`workers: ${count} processes sharing these ports (pids ${pids.join(', ')}); the seed UDP door is served by the first`);
  console.log(PROMPT_LINE);
  sink.release();
  log.info({ workers: count, pids }, 'netroom started');
  const closeInput = forwardAnnouncements(supervisor, log);

  const ended = await Promise.race([signals.signalled.then((signal) => ({ signal })), supervisor.whenGivenUp().then((index) => ({ index }))]);
  closeInput();
  if ('signal' in ended) log.info({ signal: ended.signal }, 'stopping the workers');
  await supervisor.stop();
  const failed = 'index' in ended;
  console.log(failed ? `netroom stopped: worker ${ended.index} kept dying` : 'netroom stopped');
  await new Promise<void>((resolve) => log.flush(() => resolve()));
  process.exit(failed ? 1 : 0);
}

const PROMPT_LINE = 'type a line and press Enter to announce it to the room; Ctrl-C stops the server';

/** What `serve` prints once started, before the prompt line: the doors, TLS, the library, the admin token, first-run advice. */
function bannerLines(server: NetroomServer, statuses: DoorStatus[], config: Config): string[] {
  const lines = describeDoors(statuses);
  if (server.tls) {
    const { info } = server.tls;
    lines.push(`tls: ${info.subject}${info.names ? ` (${info.names})` : ''}, valid until ${info.validTo.toISOString()}; SIGHUP reloads it`);
  }
  lines.push(`library: ${server.library.root}`);
  lines.push(`admin token: ${server.adminToken} (for netroom announce and IRC OPER admin)`);
  lines.push(...firstRunLines(server, config.data));
  return lines;
}

/** SIGHUP: read the certificate files again; a bad file leaves the old certificate in service. */
function reloadCertificate(server: NetroomServer, log: Logger): void {
  if (!server.tls) {
    log.info('SIGHUP during start-up: the certificate files are being read now');
    return;
  }
  server.reloadTls().then(
    (info) => {
      if (info.expired) log.warn({ subject: info.subject, validTo: info.validTo }, 'tls certificate has expired: clients will refuse it');
      log.info({ subject: info.subject, names: info.names, validTo: info.validTo, fingerprint: info.fingerprint }, 'tls certificate reloaded');
    },
    (err: unknown) => log.error({ reason: err instanceof Error ? err.message : String(err) }, 'tls certificate reload failed: keeping the old certificate'),
  );
}

/**
 * On a data folder without accounts: how to create the first administrator (the data folder
 * quoted when it needs it, so the line can be pasted). Nothing once an account exists.
 */
export function firstRunLines(server: Pick<NetroomServer, 'access'>, dataDir: string): string[] {
  if (server.access === undefined || server.access.accounts.list().length > 0) return [];
  const dir = resolve(dataDir);
  const data = /^[\w@%+=:,./-]+$/u.test(dir) ? dir : `'${dir.replace(/'/gu, `'\\''`)}'`;
  return [`no accounts yet: create the first administrator with: netroom user add NAME --role admin --data ${data}`];
}

/** One line per door, e.g. "udp         listening on udp://127.0.0.1:8888". */
export function describeDoors(statuses: DoorStatus[]): string[] {
  return statuses.map((s) => {
    const name = s.door.padEnd(11);
    switch (s.state) {
      case 'listening':
        return `${name} listening on ${addressOf(s.address)}`;
      case 'off':
        return `${name} off`;
    }
  });
}

/** `udp://127.0.0.1:8888`, `tcp://[::1]:8080`. */
function addressOf(address: DoorAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${address.protocol}://${host}:${address.port}`;
}
