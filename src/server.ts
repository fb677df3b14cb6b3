// Composes the core, the history store and the doors from a validated Config; start() listens, stop() closes.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAdminToken } from './admin-token.js';
import { UsageError, type Config } from './config.js';
import { Library, type LibraryChange } from './core/library.js';
import { Chat } from './core/chat/chat.js';
import type { Door, DoorAddress, DoorContext } from './doors/door.js';
import { FtpDoor } from './doors/ftp/door.js';
import { HttpDoor } from './doors/http/door.js';
import { IrcDoor } from './doors/irc/door.js';
import { SeedFilesDoor } from './doors/seedfiles/door.js';
import { UdpDoor } from './doors/udp/door.js';
import { wsPlugin } from './doors/ws/plugin.js';
import { prepareFolders, type PreparedFolder } from './folders.js';
import type { Logger } from './log.js';
import { Metrics } from './metrics.js';
import { connectionCaps, readFileLimit } from './net/file-limit.js';
import { ConnectionLimits } from './net/limits.js';
import { Access } from './core/access/access.js';
import { Moderation } from './core/chat/moderation.js';
import { Cluster } from './engine/cluster/cluster.js';
import { linkLibrary } from './engine/cluster/library-link.js';
import { linkSignInLimits } from './engine/cluster/limits-link.js';
import { openEngines, type Engines } from './engine/engines.js';
import { FileTlsSource, TlsFileError, type CertInfo } from './tls/files.js';

/** How each door of SPEC section 3 stands after start(): listening or turned off. */
export type DoorStatus =
  | { readonly door: string; readonly state: 'listening'; readonly address: DoorAddress }
  | { readonly door: string; readonly state: 'off' };

/** The package root: the nearest folder above this file with a package.json (from src/ or dist/src/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return dir;
}

/** The built web UI (`vite build` writes it to dist/web). */
export const WEB_ROOT = join(packageRoot(), 'dist', 'web');


/** One netroom server: the chat and its rooms, one library, one history, every configured door. */
export class NetroomServer {
  readonly chat: Chat;
  readonly library: Library;
  readonly metrics: Metrics;
  /** The store and the bus (after start()). */
  engines: Engines | undefined;
  /** The link to the other nodes, when the bus is shared (after start()). */
  cluster: Cluster | undefined;
  /** Accounts, sessions, invitations, bans (after start()). */
  access: Access | undefined;
  /** Kick, ban, mute (after start()). */
  moderation: Moderation | undefined;
  private readonly doors: Door[] = [];
  private stopping: Promise<void> | undefined;
  /** The administrator token (known after start()). */
  adminToken = '';
  /** Connection caps shared by the TCP doors (after start()). */
  connections: ConnectionLimits | null = null;
  /** The certificate of every TLS door (after start(), when --tls-cert/--tls-key are given). */
  tls: FileTlsSource | null = null;

  constructor(
    readonly config: Config,
    private readonly log: Logger,
  ) {
    this.chat = new Chat({
      flood: config.flood,
      rooms: config.rooms,
      onListenerError: (err) => log.error({ err }, 'chat listener failed'),
    });
    this.library = new Library(config.dir, {
      noOverwrite: config.noOverwrite,
      maxUpload: config.maxUpload,
      guests: config.guests,
      partialBudget: config.partialBudget,
      partialBudgetPerAddress: config.partialBudgetPerAddress,
      log: (fields, message) => log.info(fields, message),
      onListenerError: (err) => log.error({ err }, 'library listener failed'),
    });
    this.metrics = new Metrics(this.chat);
  }

  /**
   * Check and create the folders, prepare the library and history, open every door; on failure,
   * closes what was opened and rethrows (a bad folder as a UsageError, before anything is created).
   */
  async start(): Promise<DoorStatus[]> {
    const { config } = this;
    // A bad certificate or key is a usage error, found before any folder is created.
    if (config.tls) {
      this.tls = await FileTlsSource.load(config.tls.cert, config.tls.key).catch((err: unknown) => {
        throw err instanceof TlsFileError ? new UsageError(err.message) : err;
      });
      const { info } = this.tls;
      if (info.expired) this.log.warn({ subject: info.subject, validTo: info.validTo }, 'tls certificate has expired: clients will refuse it');
      this.log.info({ subject: info.subject, names: info.names, chain: info.chain, validTo: info.validTo, fingerprint: info.fingerprint }, 'tls certificate loaded');
    }
    const tls = this.tls ?? undefined;
    // Checked (and created) by us first: a bad folder is a usage error, and the recursive mkdir the
    // library and the history use afterwards then has nothing left to do.
    const folders = await prepareFolders([
      { flag: '--dir', path: config.dir },
      { flag: '--data', path: config.data, private: true },
    ]);
    warnIfShared(folders, this.log);
    await this.library.init();
    // Every change to the library, from every door, logged once here with who and from where.
    this.library.subscribe((change) => this.log.info(describeChange(change), 'library changed'));
    const engines = await openEngines(config, this.log);
    this.engines = engines;
    this.metrics.useEngines(engines);
    const { history, bus } = engines;
    this.chat.restore(history);
    // Edits and deletes find their message here; get() sees rows still queued (an edit of a message just sent).
    this.chat.useMessages({ find: (id) => history.get(id) });
    const access = new Access(engines.access, { guests: config.guests });
    this.access = access;
    this.chat.useAccess(access);
    const moderation = new Moderation(this.chat, (act) => this.log.info({ ...act }, 'moderation'));
    this.moderation = moderation;
    // The CLI changed accounts or bans in the shared store: roles, deletions and new bans apply at once.
    access.onExternalChange(() => {
      moderation.refreshAccounts();
      moderation.enforceAll();
    });
    // Subscribed before any door, so a door reacting to an event already finds it in recent().
    this.chat.subscribe((event) => {
      // Every store leaves `remote` events unwritten (another node wrote them; a notice for one member is not history).
      history.append(event);
      if (event.kind === 'message') this.metrics.countMessage(event.origin?.door ?? 'server');
    });
    if (bus.shared) {
      // After the history's listener (the cluster sends the stored id) and before any door opens.
      this.cluster = new Cluster(this.chat, bus, history, this.log);
      await this.cluster.start();
      linkLibrary(this.library, bus, this.log);
      linkSignInLimits(access.signInLimiter, bus);
    }
    this.adminToken = (await loadAdminToken(config.data, config.adminToken)).token;
    // Read now, after serve raised it: the caps keep every door together below it, with room for files (SPEC 4).
    const fileLimit = readFileLimit();
    const caps = connectionCaps(fileLimit, { maxConnections: config.maxConnections, maxPerAddress: config.maxPerAddress });
    if (fileLimit !== null && caps.maxConnections > fileLimit.soft - 64) {
      this.log.warn({ ...caps, fileLimit: fileLimit.soft }, '--max-connections is close to the open-file limit: a flood can still run the process out of descriptors');
    }
    this.log.info({ ...caps, fileLimit: fileLimit?.soft ?? null }, 'connection limits');
    const connections = new ConnectionLimits({ ...caps, log: this.log });
    this.connections = connections;
    const ctx: DoorContext = {
      chat: this.chat,
      library: this.library,
      lang: config.lang,
      log: this.log,
      history,
      metrics: this.metrics,
      connections,
      access,
      moderation,
      allowPlaintextPasswords: config.allowPlaintextPasswords,
    };
    const { host, port, heartbeatMs } = config;
    const statuses: DoorStatus[] = [];
    if (config.http !== null) {
      this.doors.push(
        new HttpDoor(ctx, {
          host,
          port: config.http,
          adminToken: this.adminToken,
          publicUrls: config.publicUrls,
          ...(tls ? { tls } : {}),
          ...(existsSync(join(WEB_ROOT, 'index.html')) ? { webRoot: WEB_ROOT } : {}),
          thumbs: { dir: join(config.data, 'thumbs') },
          plugins: [wsPlugin(ctx, { historySize: config.historySize, leaveGraceMs: config.leaveGraceMs })],
          firstRequestTimeoutMs: config.firstRequestTimeoutMs,
        }),
      );
    }
    if (config.irc !== null || config.ircs !== null) {
      this.doors.push(
        new IrcDoor(ctx, {
          host,
          port: config.irc,
          adminToken: this.adminToken,
          serverName: config.ircName,
          historySize: config.historySize,
          registrationTimeoutMs: config.loginTimeoutMs,
          ...(tls && config.ircs !== null ? { tls: { port: config.ircs, source: tls } } : {}),
        }),
      );
    }
    if (config.ftp !== null) {
      this.doors.push(
        new FtpDoor(ctx, {
          host,
          port: config.ftp,
          anonymous: config.ftpAnonymous,
          maxClients: config.ftpMaxClients,
          maxPerIp: config.ftpMaxPerIp,
          loginTimeoutMs: config.loginTimeoutMs,
          ...(config.ftpPassivePorts ? { passivePorts: config.ftpPassivePorts } : {}),
          ...(config.ftpPublicHost ? { publicHost: config.ftpPublicHost } : {}),
          ...(tls ? { tls } : {}),
          requireTls: config.ftpRequireTls,
        }),
      );
    }
    if (port !== null) {
      // Same port number, two protocols, as in the seeds. With port 0 each door picks its own free port.
      this.doors.push(
        new UdpDoor(ctx, {
          host,
          port,
          heartbeatMs,
          maxMembers: config.udpMaxMembers,
          maxPerAddress: config.udpMaxPerAddress,
          errorRate: config.udpErrorRate,
        }),
      );
      this.doors.push(new SeedFilesDoor(ctx, { host, port, firstCommandTimeoutMs: config.loginTimeoutMs }));
    }
    try {
      for (const door of this.doors) {
        await door.listen().catch((err: unknown) => {
          // Node's listen errors name the port: the IRC door has two (plain and TLS).
          const port = (err as { port?: unknown } | null)?.port;
          throw new Error(`${door.name} door could not listen on ${host}:${String(typeof port === 'number' ? port : portOf(door.name, config))}: ${describe(err)}`);
        });
        if (!(door instanceof IrcDoor) || config.irc !== null) statuses.push({ door: door.name, state: 'listening', address: door.address() });
        const secure = door instanceof IrcDoor ? door.tlsAddress() : null;
        if (secure) statuses.push({ door: 'ircs', state: 'listening', address: secure });
      }
    } catch (err) {
      await this.closeDoors();
      this.cluster?.stop();
      await engines.close();
      throw err;
    }
    if (config.http === null) statuses.push({ door: 'http', state: 'off' });
    if (port === null) statuses.push({ door: 'udp', state: 'off' }, { door: 'seed-files', state: 'off' });
    if (config.irc === null) statuses.push({ door: 'irc', state: 'off' });
    if (config.ircs === null) statuses.push({ door: 'ircs', state: 'off' });
    if (config.ftp === null) statuses.push({ door: 'ftp', state: 'off' });
    return statuses;
  }

  /**
   * Read --tls-cert/--tls-key again (SIGHUP): new handshakes on every TLS door get the new
   * certificate, open connections keep theirs. Rejects, keeping the old certificate, if a file is bad.
   */
  async reloadTls(): Promise<CertInfo> {
    if (!this.tls) throw new Error('no certificate to reload: TLS is off');
    return this.tls.reload();
  }

  /** An administrator announcement to every member of every door. */
  announce(text: string): void {
    this.chat.announce(text);
  }

  /** Tell members the server is closing, then close every door and the history. Safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // The other nodes hear this one leave at once (its members' leaves), rather than at the TTL.
      this.cluster?.stop();
      this.chat.close();
      await this.closeDoors();
      this.connections?.close();
      this.access?.close();
      await this.engines?.close();
    })();
    return this.stopping;
  }

  private async closeDoors(): Promise<void> {
    const results = await Promise.allSettled(this.doors.map((door) => door.close()));
    for (const result of results) {
      if (result.status === 'rejected') this.log.error({ err: result.reason as unknown }, 'door failed to close');
    }
  }
}

/** The fields of a library change's log line: what changed, and who (or "anonymous") from which door and address. */
export function describeChange(change: LibraryChange): Record<string, unknown> {
  const { by, ...what } = change;
  return { ...what, door: by?.door ?? 'server', address: by?.address ?? null, who: by?.name ?? 'anonymous' };
}

/**
 * A --data folder made by its owner keeps its mode (it may be shared with a backup group on purpose);
 * its files are 0600 anyway, but others can still see their names and sizes: say so once at start.
 */
function warnIfShared(folders: readonly PreparedFolder[], log: Logger): void {
  for (const folder of folders) {
    if (folder.spec.private !== true || folder.created || (folder.mode & 0o077) === 0) continue;
    const mode = folder.mode.toString(8).padStart(4, '0');
    log.warn({ folder: folder.abs, mode }, `${folder.spec.flag} is open to other users (mode ${mode}); its files are kept 0600, chmod 700 the folder to hide them entirely`);
  }
}

function portOf(door: string, config: Config): number | null {
  if (door === 'http') return config.http;
  if (door === 'irc') return config.irc ?? config.ircs;
  if (door === 'ftp') return config.ftp;
  return config.port;
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return 'the port is in use';
  if (code === 'EACCES') return 'permission denied (ports below 1024 need privileges)';
  if (code === 'EADDRNOTAVAIL') return 'that address is not on this machine';
  return err instanceof Error ? err.message : String(err);
}
