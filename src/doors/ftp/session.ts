// One FTP control connection: login, working folder, the ordered command loop, data setup and the running transfer.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { guest, type Actor, type GuestPolicy } from '../../core/access/roles.js';
import { isNetroomError } from '../../core/errors.js';
import type { ChangeSource } from '../../core/library-events.js';
import { changeSource } from '../change-source.js';
import type { DoorContext } from '../door.js';
import { CommandDecoder, canonicalHost, formatReply, type FtpCommand } from './codec.js';
import { COMMANDS, KNOWN_UNIMPLEMENTED, type CommandHandler } from './commands/index.js';
import { FACTS, type Fact } from './listing.js';
import { stillAdmitted } from './login.js';
import { resolveVirtual, toLibrary } from './paths.js';
import type { DataSetup, RunningTransfer, SessionOptions, SessionShared } from './session-types.js';
import { errorReply } from './replies.js';

export type { DataSetup, RunningTransfer, SessionOptions, SessionShared, TransferRecord } from './session-types.js';

/** Commands read while a transfer runs wait in line; past this many the socket stops being read. */
const MAX_QUEUED = 32;
/** A client that takes no reply bytes for this long is dropped. */
const DRAIN_TIMEOUT_MS = 60_000;
/** How long a closing connection waits for the client to close before it is destroyed. */
const LINGER_MS = 5000;
/** Who an anonymous (or not yet signed-in) login is: a guest, named so in notices and the library log. */
const ANONYMOUS: Actor = Object.freeze(guest('anonymous'));

/** One control connection (RFC 959 5): commands in order, one at a time, with ABOR and STAT heard during transfers. */
export class FtpSession {
  /** Resolves when the socket is closed and every cleanup (upload kept or removed) has finished. */
  readonly closed: Promise<void>;
  readonly log: Logger;
  readonly remoteHost: string;
  readonly localHost: string;
  // state of the login (RFC 959 4.1.1)
  user: string | null = null;
  loggedIn = false;
  anonymous = false;
  /** Who this login acts as: a guest called "anonymous" until an account has signed in. */
  actor: Actor = ANONYMOUS;
  // state of the file system view and transfer parameters
  cwd = '/';
  type: 'A' | 'I' = 'A';
  restAt = 0;
  renameFrom: string | null = null;
  facts: Set<Fact> = new Set(FACTS);
  epsvAll = false;
  /** True once the control connection has ended or closed: an upload in flight is kept, not committed. */
  gone = false;
  // RFC 4217: the context the control connection was secured with (data connections use it too, so
  // their sessions can be resumed), PBSZ seen, and PROT P (data connections in TLS).
  tlsContext: SecureContext | null = null;
  pbsz = false;
  protP = false;
  private data: DataSetup | null = null;
  private transfer: RunningTransfer | null = null;
  private decoder = new CommandDecoder();
  private readonly queue: Array<FtpCommand | 'too-long'> = [];
  private busy = false;
  private pumped: Promise<void> = Promise.resolve();
  private ending = false;
  /** The client shut down its sending side (FIN): the commands it sent before still run, then we close. */
  private inputEnded = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private loginTimer: NodeJS.Timeout | null = null;

  constructor(
    /** The control connection; after AUTH TLS, the TLSSocket over the original one. */
    public socket: Socket,
    readonly shared: SessionShared,
  ) {
    this.remoteHost = canonicalHost(socket.remoteAddress ?? '');
    this.localHost = canonicalHost(socket.localAddress ?? '');
    this.log = shared.ctx.log.child({ door: 'ftp', peer: `${this.remoteHost}:${socket.remotePort ?? 0}` });
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    this.closed = new Promise<void>((resolve) => {
      socket.once('close', () => {
        this.onGone();
        // Wait for the command in progress: its transfer's cleanup (keep or remove an upload) must finish first.
        void this.pumped.then(resolve, resolve);
      });
    });
    this.reply(220, 'netroom FTP ready');
    this.armIdle();
    this.loginTimer = setTimeout(() => {
      this.loginTimer = null;
      if (this.loggedIn) return;
      this.log.info({ timeoutMs: this.options.loginTimeoutMs }, 'login timeout');
      this.quit(421, 'Login timeout: closing the control connection');
    }, this.options.loginTimeoutMs);
    this.loginTimer.unref();
  }

  get ctx(): DoorContext {
    return this.shared.ctx;
  }

  get options(): SessionOptions {
    return this.shared.options;
  }

  /** `--guests` (on when the server has no access store: unit tests). */
  get guests(): GuestPolicy {
    return this.ctx.access?.guests ?? 'on';
  }

  /**
   * True when this login may ask to change the library at all: an account always (the Library's
   * permission table then decides entry by entry), anonymous only with `--ftp-anonymous write`
   * and `--guests on`.
   */
  get canWrite(): boolean {
    if (!this.loggedIn) return false;
    if (!this.anonymous) return true;
    return this.options.anonymous === 'write' && this.guests === 'on';
  }

  /** What every library call of this login passes: the door, the address and the signed-in actor. */
  get source(): ChangeSource {
    return changeSource('ftp', this.remoteHost, this.actor.name, this.actor);
  }

  /** Send one reply (several lines when `text` is an array). Nothing is sent once the connection is ending. */
  reply(code: number, text: string | readonly string[]): void {
    if (this.socket.destroyed || this.socket.writableEnded) return;
    this.socket.write(formatReply(code, text));
  }

  /** A client path as an absolute virtual path and the Library's relative path. */
  path(arg: string): { virtual: string; rel: string } {
    const virtual = resolveVirtual(this.cwd, arg);
    return { virtual, rel: toLibrary(virtual) };
  }

  /** Replace the data setup (a new PASV closes the previous listener). */
  setData(setup: DataSetup | null): void {
    if (this.data?.kind === 'passive' && this.data.listener !== (setup?.kind === 'passive' ? setup.listener : null)) {
      this.data.listener.close();
    }
    this.data = setup;
  }

  /** The data setup for one transfer; the client sets up another for the next one. */
  takeData(): DataSetup | null {
    const setup = this.data;
    this.data = null;
    return setup;
  }

  /** The REST offset for this transfer (0 when none); it applies once. */
  takeRest(): number {
    const at = this.restAt;
    this.restAt = 0;
    return at;
  }

  /** Mark a transfer as running (ABOR and STAT act on it; the idle timer waits). */
  beginTransfer(transfer: RunningTransfer): void {
    this.transfer = transfer;
    this.clearIdle();
  }

  endTransfer(): void {
    this.transfer = null;
    this.armIdle();
  }

  get runningTransfer(): RunningTransfer | null {
    return this.transfer;
  }

  /** Say goodbye and close once the reply is out. */
  quit(code: number, text: string): void {
    if (this.ending) return;
    this.reply(code, text);
    this.quitSilently();
  }

  /** Close once what was written is out (a stuck peer is cut after LINGER_MS). */
  private quitSilently(): void {
    if (this.ending) return;
    this.ending = true;
    this.queue.length = 0;
    this.clearIdle();
    this.socket.end();
    const linger = setTimeout(() => this.socket.destroy(), LINGER_MS);
    linger.unref();
    this.socket.once('close', () => clearTimeout(linger));
  }

  /** Close now (server closing): a running transfer is aborted, the client gets 421, the socket goes once that is out. */
  destroy(reason: string): void {
    this.transfer?.abort(reason);
    this.setData(null);
    this.quit(421, reason);
    if (this.socket.writableFinished) this.socket.destroy();
    else this.socket.once('finish', () => this.socket.destroy());
  }

  /**
   * AUTH TLS (RFC 4217 4): after the 234 has been written, the TLS handshake runs on the same TCP
   * connection. Whatever the client sent after the AUTH line in clear is dropped, queued or
   * half-decoded alike: a command injected before the handshake must never run as if it came
   * over TLS (the STARTTLS injection of CVE-2011-0411). PBSZ and PROT start over.
   */
  startTls(context: SecureContext): void {
    const plain = this.socket;
    plain.off('data', this.onData);
    plain.off('end', this.onEnd);
    if (this.queue.length > 0) this.log.info({ dropped: this.queue.length }, 'commands sent in clear after AUTH TLS dropped');
    this.queue.length = 0;
    this.decoder = new CommandDecoder();
    const secure = new TLSSocket(plain, { isServer: true, secureContext: context });
    secure.on('error', (err) => this.log.debug({ err }, 'TLS control connection error'));
    secure.setNoDelay(true);
    secure.on('data', this.onData);
    secure.on('end', this.onEnd);
    this.socket = secure;
    this.tlsContext = context;
    this.pbsz = false;
    this.protP = false;
  }

  /**
   * The client sent FIN. The control server is half-open, so commands it pipelined before (`USER`,
   * `PASS`, ..., `QUIT`, then shutdown) still run and get their replies; once the queue is done the
   * connection is closed. A transfer already running is aborted, as before: in stream mode the end of
   * an upload is its data connection closing, and a client that crashed mid-STOR closes both, so
   * the control connection going is what tells a crash (keep the bytes for a resume) from the end.
   */
  private readonly onEnd = (): void => {
    this.inputEnded = true;
    this.transfer?.abort('the control connection closed');
    if (!this.busy) this.closeAfterInput();
  };

  /** After the client's FIN, once nothing is left to run: close our side too. */
  private closeAfterInput(): void {
    if (this.ending) return;
    this.onGone();
    this.quitSilently();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.ending) return;
    for (const line of this.decoder.push(chunk)) {
      if (line.kind === 'too-long') {
        this.queue.push('too-long');
        continue;
      }
      const command = line.command;
      if (this.transfer !== null && this.urgent(command)) continue;
      this.queue.push(command);
    }
    if (this.queue.length > MAX_QUEUED && !this.socket.isPaused()) this.socket.pause();
    if (!this.busy) this.pumped = this.pump();
  };

  /** RFC 959 4.1.3: ABOR and STAT act on a transfer in progress at once; true when fully handled here. */
  private urgent(command: FtpCommand): boolean {
    if (command.verb === 'ABOR') {
      this.transfer?.abort('aborted by the client (ABOR)');
      return false; // ABOR's own reply (226) follows the transfer's 426, in order
    }
    if (command.verb === 'STAT' && command.arg.trim() === '' && this.transfer !== null) {
      const t = this.transfer;
      this.reply(213, `Status: ${t.verb} ${t.path}, ${t.bytes()} bytes so far`);
      return true;
    }
    return false;
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      for (let next = this.queue.shift(); next !== undefined && !this.ending; next = this.queue.shift()) {
        if (next === 'too-long') this.reply(500, 'Command line too long');
        else await this.execute(next);
        if (this.socket.writableNeedDrain) await this.drained();
        if (this.queue.length <= MAX_QUEUED / 2 && this.socket.isPaused() && !this.ending) this.socket.resume();
      }
    } catch (err) {
      // A bug, not a client error: close this connection only, never the process.
      this.log.error({ err }, 'command loop failed');
      this.socket.destroy();
    } finally {
      this.busy = false;
      if (this.inputEnded && this.queue.length === 0) this.closeAfterInput();
    }
  }

  private async execute(command: FtpCommand): Promise<void> {
    this.armIdle();
    const { verb, arg } = command;
    const handler: CommandHandler | undefined = Object.hasOwn(COMMANDS, verb) ? COMMANDS[verb as keyof typeof COMMANDS] : undefined;
    if (verb !== 'RNTO' && verb !== 'RNFR') this.renameFrom = null; // RNTO must follow RNFR at once (RFC 959 4.1.3)
    if (handler === undefined) {
      if (KNOWN_UNIMPLEMENTED.has(verb)) this.reply(502, `${verb} not implemented`);
      else this.reply(500, `Unknown command ${JSON.stringify(verb.slice(0, 20))}`);
      return;
    }
    if (!handler.beforeLogin && !this.loggedIn) return this.reply(530, 'Please log in with USER and PASS first');
    if (!stillAdmitted(this)) return;
    if (handler.arg === 'required' && arg.trim() === '') return this.reply(501, `${verb} needs an argument`);
    if (handler.writes === true && !this.canWrite) return this.reply(550, `Permission denied: ${this.readOnlyReason()}`);
    try {
      await handler.run(this, arg, verb);
    } catch (err) {
      if (handler.usesData === true) this.setData(null); // refused before any transfer: close what the client opened
      this.fail(err, handler.errors ?? 'file', verb);
    }
  }

  /** Why an anonymous login may not change anything (only asked when canWrite is false). */
  private readOnlyReason(): string {
    if (this.anonymous && this.guests !== 'on') return 'guests may only read files here: sign in with an account to upload';
    return 'anonymous logins are read-only on this server: sign in with an account to upload';
  }

  /** Answer a failed command: core errors by their code, anything else as a local error (logged as a bug). */
  fail(err: unknown, context: 'file' | 'upload', verb: string): void {
    if (isNetroomError(err)) {
      const { code, text } = errorReply(err, context);
      this.ctx.metrics?.errors.inc({ door: 'ftp', code: err.code });
      this.log.debug({ code: err.code, verb }, err.message);
      this.reply(code, text);
      return;
    }
    this.log.error({ err, verb }, 'command failed');
    this.ctx.metrics?.errors.inc({ door: 'ftp', code: 'INTERNAL' });
    this.reply(451, 'Local error in processing');
  }

  private onGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.clearIdle();
    if (this.loginTimer !== null) clearTimeout(this.loginTimer);
    this.loginTimer = null;
    this.transfer?.abort('the control connection closed');
    this.setData(null);
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.log.warn('client stopped reading replies: dropped');
        this.socket.destroy();
      }, DRAIN_TIMEOUT_MS);
      timer.unref();
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private armIdle(): void {
    this.clearIdle();
    if (this.ending || this.gone || this.transfer !== null) return;
    this.idleTimer = setTimeout(() => {
      if (this.transfer !== null) return;
      this.log.info('idle timeout');
      this.quit(421, 'Idle timeout: closing the control connection');
    }, this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private clearIdle(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
