// The IRC door's state and rules: sessions, registration on the chat, nick changes, labelled responses, WHOWAS, keepalive.
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Chat } from '../../core/chat/chat.js';
import type { LeaveReason, Member, Who } from '../../core/chat/types.js';
import { isNetroomError } from '../../core/errors.js';
import type { DoorContext } from '../door.js';
import { OVERLONG, checkLineLength, parseLine, serialize } from './codec.js';
import { COMMANDS } from './commands/index.js';
import { replyError } from './errors.js';
import { awaitCommand } from './awaited.js';
import { RedactReasons } from './edits.js';
import { labelResponse } from './label.js';
import { hostOf } from './lines.js';
import { ERR } from './numerics.js';
import { IrcSession } from './session.js';
import { signInWithPass } from './sign-in.js';
import { sendWelcome } from './welcome.js';
import { WhowasRing } from './whowas.js';
import { FlushScheduler } from './writer.js';

/** Longest tags section a client may send, `@` and the space included (IRCv3 message-tags). */
const CLIENT_TAGS_BYTES = 4096;
/** Lines a client may send while its password is being checked (a fraction of a second); more is a flood. */
const MAX_HELD_LINES = 256;

/** The door's options with every default filled in. */
export interface IrcSettings {
  readonly serverName: string;
  readonly adminToken: string;
  readonly historySize: number;
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
  readonly motd: readonly string[];
  readonly topic: string;
  readonly sendQueueBytes: number;
  readonly nickChangeIntervalMs: number;
  readonly registrationTimeoutMs: number;
}

/**
 * Everything the command handlers and the fan-out share. The model (issue 11): registration (001)
 * is chat.connect - the nick is the client's on every door, and it is in no room; JOIN/PART enter
 * and leave rooms; NICK is chat.rename; QUIT, a timeout or a lost connection is chat.disconnect.
 */
export class IrcHub {
  readonly sessions = new Set<IrcSession>();
  readonly scheduler = new FlushScheduler();
  readonly createdAt = Date.now();
  readonly chat: Chat;
  readonly log: Logger;
  /** Recent quits and renames, for WHOWAS. */
  readonly whowas = new WhowasRing(200);
  /** This door's members and their sessions: the fan-out looks each audience member up here. */
  readonly byMember = new Map<Member, IrcSession>();
  /** Changes whenever byMember does: the fan-out's cached recipients of an audience are then stale. */
  sessionEpoch = 0;
  /** Sessions whose command awaits the history store (awaited.ts). */
  readonly awaiting = new Set<IrcSession>();
  /** Reasons given with REDACT, while the chat deletes (edits.ts). */
  readonly redactReasons = new RedactReasons();
  /** Registered sessions; replaced (never mutated). */
  private registeredList: readonly IrcSession[] = [];
  /** `nick!user@host` of members of other doors (and of IRC members after their session is gone). */
  private readonly sources = new WeakMap<Member, string>();
  /** USER name and real name of this door's members, kept past the session (WHOWAS after a quit). */
  private readonly identities = new WeakMap<Member, { user: string; realname: string }>();
  /** Count one message said through this door (a no-op without metrics). */
  readonly countMessage: () => void;
  private nextBatch = 1;
  /** Most members connected at once that this door has seen (LUSERS 265/266). */
  maxUsers = 0;

  constructor(
    readonly ctx: DoorContext,
    readonly settings: IrcSettings,
    log: Logger,
  ) {
    this.chat = ctx.chat;
    this.log = log;
    // The labelled child once, not a label lookup per message.
    const counter = ctx.metrics?.messages.labels({ door: 'irc' });
    this.countMessage = counter ? () => counter.inc() : () => undefined;
  }

  /**
   * Registered sessions: an upper bound of the recipients one line read from a client can reach
   * through this door (the door's read meter sizes its slices by it).
   */
  get joined(): readonly IrcSession[] {
    return this.registeredList;
  }

  /** The IRC session of a member, if the member came through this door and is still connected. */
  sessionOf(member: Member): IrcSession | undefined {
    return this.byMember.get(member);
  }

  /** `nick!user@host` of a member: an IRC client's USER name, else the name itself at `door.netroom`. */
  sourceOf(member: Member): string {
    const session = this.byMember.get(member);
    if (session) return session.source;
    let source = this.sources.get(member);
    if (source === undefined) {
      source = `${member.name}!${this.identities.get(member)?.user ?? member.name}@${hostOf(member.door)}`;
      this.sources.set(member, source);
    }
    return source;
  }

  /** USER name and real name as IRC shows a member (other doors: the name, "netroom DOOR member"). */
  identityOf(member: Member): { user: string; realname: string } {
    return this.identities.get(member) ?? { user: member.name, realname: `netroom ${member.door} member` };
  }

  /** A member was renamed: its cached source is stale. */
  renamed(member: Member): void {
    this.sources.delete(member);
    const session = this.byMember.get(member);
    if (session) session.source = `${member.name}!${session.user}@${hostOf('irc')}`;
  }

  /** A fresh batch reference (IRCv3 batch), unique on this server. */
  batchId(): string {
    return `b${(this.nextBatch++).toString(36)}`;
  }

  /** Take a new connection. */
  attach(socket: Socket): IrcSession {
    const session: IrcSession = new IrcSession(socket, this.settings.serverName, this.scheduler, this.settings.sendQueueBytes, () =>
      this.drop(session, 'SendQ exceeded', 'disconnect', false),
    );
    this.sessions.add(session);
    socket.on('data', (chunk: Buffer) => this.onData(session, chunk));
    // Every socket has an error listener; the close that follows does the cleanup.
    socket.on('error', (err) => this.log.debug({ err, peer: session.peer }, 'irc socket error'));
    socket.on('close', () => this.onClose(session));
    // A connection that never registers holds a descriptor and a slot for nothing: it gets a short while.
    const registration = setTimeout(() => {
      if (session.member === undefined) this.drop(session, 'Registration timeout', 'disconnect');
    }, this.settings.registrationTimeoutMs);
    registration.unref();
    socket.once('close', () => clearTimeout(registration));
    return session;
  }

  private onData(session: IrcSession, chunk: Buffer): void {
    if (session.closing) return;
    session.lastActivity = Date.now();
    session.pingSent = false;
    const lines = session.decoder.push(chunk);
    for (let i = 0; i < lines.length && !session.closing; i++) {
      const line = lines[i] as Buffer | typeof OVERLONG;
      if (session.verifying) this.hold(session, line);
      // A command awaits the store: the socket is paused, so what waits is the rest of this chunk (awaited.ts).
      else if (session.deferred !== null) session.held.push(line === OVERLONG ? Buffer.alloc(0) : line);
      else if (line === OVERLONG) session.reply(ERR.INPUTTOOLONG, 'Input line was too long');
      else this.handleLine(session, line);
    }
  }

  /** Keep a line for after the password check under way (see sign-in.ts). */
  private hold(session: IrcSession, line: Buffer | typeof OVERLONG): void {
    if (session.held.length >= MAX_HELD_LINES) {
      this.drop(session, 'Excess flood', 'disconnect');
      return;
    }
    session.held.push(line === OVERLONG ? Buffer.alloc(0) : line);
  }

  /** The password check (or an awaited command) is over: handle the lines that waited, in order (until another wait starts). */
  release(session: IrcSession): void {
    while (!session.verifying && session.deferred === null && !session.closing && session.held.length > 0) {
      const line = session.held.shift() as Buffer;
      if (line.length === 0) session.reply(ERR.INPUTTOOLONG, 'Input line was too long');
      else this.handleLine(session, line);
    }
  }

  /** Parse and run one line; nothing a client sends may throw out of here. */
  handleLine(session: IrcSession, bytes: Buffer): void {
    let command = '';
    let label: string | undefined;
    let pending: Promise<void> | undefined;
    try {
      if (checkLineLength(bytes) !== null) {
        session.reply(ERR.INPUTTOOLONG, 'Input line was too long');
        return;
      }
      // IRCv3 message-tags: a client's tags (with `@` and the space) are at most 4096 bytes.
      if (bytes[0] === 0x40 && bytes.indexOf(0x20) > CLIENT_TAGS_BYTES) {
        session.reply(ERR.INPUTTOOLONG, 'Input line was too long');
        return;
      }
      // UTF-8, or Latin-1 from old clients and scripts (decoding that as UTF-8 would turn every
      // accented letter into U+FFFD); such a client is told (IRCv3 UTF8ONLY: WARN INVALID_UTF8).
      const utf8 = isUtf8(bytes);
      const message = parseLine(utf8 ? bytes.toString('utf8') : bytes.toString('latin1'));
      if (message === null) return; // blank, or tags without a command: nothing to answer
      command = message.command;
      // IRCv3 labeled-response: hold this command's output back, to label it when it is done.
      label = session.labeledResponse ? message.tags?.['label'] : undefined;
      if (label !== undefined && label !== '') session.captured = [];
      const spec = COMMANDS.get(command);
      if (spec === undefined || (!spec.beforeRegistration && session.member === undefined)) {
        if (session.member === undefined) session.reply(ERR.NOTREGISTERED, 'You have not registered');
        else session.reply(ERR.UNKNOWNCOMMAND, command, 'Unknown command');
        return;
      }
      if (!utf8) {
        session.send(serialize({ source: this.settings.serverName, command: 'WARN', params: [command, 'INVALID_UTF8', 'Not UTF-8: read as Latin-1'] }));
      }
      if (message.params.length < spec.minParams) {
        session.reply(ERR.NEEDMOREPARAMS, command, 'Not enough parameters');
        return;
      }
      pending = spec.handler(this, session, message) ?? undefined;
    } catch (err) {
      // A bug, not the client's fault: log it, tell the client, keep the connection.
      this.log.error({ err, command, peer: session.peer }, 'irc command failed');
      session.notice(`internal error while handling ${command || 'that line'}`);
    } finally {
      const captured = session.captured;
      if (pending !== undefined) {
        // It awaits the store: labelled, and the next lines run, once it is done.
        awaitCommand(this, session, pending, command, label);
      } else if (captured !== null && label !== undefined) {
        session.captured = null;
        for (const buf of labelResponse(this, label, captured, session.batch)) session.writer.push(buf);
      }
    }
  }

  /**
   * Register once NICK and USER are in, capability negotiation is over and no password check is
   * under way: sign in with PASS if one was given, claim the nick (as the signed-in account, if
   * any), then 001-005 and the MOTD.
   */
  tryRegister(session: IrcSession): void {
    const nick = session.nick;
    if (session.member || nick === undefined || !session.userGiven || session.capNegotiating || session.closing || session.verifying) return;
    if (session.sasl !== null) {
      // IRCv3 sasl-3.1: registration completed mid-exchange aborts it; the client goes on unauthenticated.
      session.sasl = null;
      session.reply(ERR.SASLABORTED, 'SASL authentication aborted');
    }
    if (session.password !== undefined && session.account === undefined && this.ctx.access !== undefined) {
      signInWithPass(this, session, nick, () => this.tryRegister(session));
      return;
    }
    let member: Member;
    try {
      member = this.chat.connect(nick, 'irc', this.whoOf(session));
    } catch (err) {
      session.nick = undefined;
      this.refuseRegistration(session, err, nick);
      return;
    }
    session.member = member;
    session.source = `${member.name}!${session.user}@${hostOf('irc')}`;
    this.identities.set(member, { user: session.user, realname: session.realname });
    this.byMember.set(member, session);
    this.sessionEpoch++;
    this.registeredList = [...this.registeredList, session];
    this.maxUsers = Math.max(this.maxUsers, this.chat.size);
    this.log.info({ name: member.name, account: member.account, peer: session.peer }, 'irc member registered');
    sendWelcome(this, session);
  }

  /** What the chat is told of who connects: the account when signed in, the address, the USER name. */
  private whoOf(session: IrcSession): Who {
    const account = session.account;
    return {
      ...(account === undefined ? {} : { account: account.name, role: account.role }),
      ...(session.address === '' ? {} : { address: session.address }),
      user: session.user,
    };
  }

  /**
   * A refused registration: a registered nick is 433 (the client picks another); `--guests off`
   * and a server ban end the connection with the reason (a ban after 465 ERR_YOUREBANNEDCREEP).
   */
  private refuseRegistration(session: IrcSession, err: unknown, nick: string): void {
    if (isNetroomError(err) && err.code === 'ACCOUNTS_ONLY') {
      this.drop(session, err.message, 'disconnect');
      return;
    }
    replyError(this, session, err, nick);
    if (isNetroomError(err) && err.code === 'BANNED') this.drop(session, err.message, 'disconnect');
  }

  /** Change a registered client's nick: chat.rename; everyone sharing a room, and the client, get NICK from the fan-out. */
  rename(session: IrcSession, nick: string): void {
    const member = session.member;
    if (!member) return;
    const old = member.name;
    try {
      this.chat.rename(member, nick);
    } catch (err) {
      replyError(this, session, err, nick);
      return;
    }
    session.lastNickChange = Date.now();
    this.log.info({ from: old, to: member.name, peer: session.peer }, 'irc nick changed');
  }

  /**
   * End a session: `ERROR :Closing link` and the socket ends (or, when its send queue is what
   * failed, the socket is destroyed at once); the member leaves the chat so every door hears it.
   */
  drop(session: IrcSession, text: string, reason: LeaveReason, sayError = true): void {
    if (session.closing) return;
    session.closing = true;
    const member = session.member;
    if (member) this.log.info({ name: member.name, reason, text, peer: session.peer }, 'irc member left');
    this.forget(session);
    if (sayError) session.end(`Closing link: ${session.target}[${hostOf('irc')}] (${text})`);
    else session.abort();
    if (member) this.chat.disconnect(member, reason, text);
  }

  /**
   * The chat removed this session's member (a moderator's kick from the server, or a ban): tell the
   * client why with `ERROR :Closing Link` and hang up. The member has left the chat already.
   */
  evict(session: IrcSession, text: string): void {
    if (session.closing) return;
    session.closing = true;
    this.log.info({ name: session.member?.name, text, peer: session.peer }, 'irc member removed');
    this.forget(session);
    session.end(`Closing Link: ${session.address || hostOf('irc')} (${text})`);
  }

  private onClose(session: IrcSession): void {
    this.sessions.delete(session);
    if (session.closing) return;
    session.closing = true;
    session.writer.stop();
    const member = session.member;
    this.forget(session);
    if (member) {
      this.log.info({ name: member.name, reason: 'disconnect', peer: session.peer }, 'irc member left');
      this.chat.disconnect(member, 'disconnect', 'Connection closed');
    }
  }

  private forget(session: IrcSession): void {
    const member = session.member;
    if (!member || this.byMember.get(member) !== session) return;
    this.byMember.delete(member);
    this.sessionEpoch++;
    this.sources.set(member, session.source);
    this.registeredList = this.registeredList.filter((s) => s !== session);
  }

  /** Keepalive: PING a client silent for pingIntervalMs, drop one silent for pingTimeoutMs (leave reason: timeout). */
  sweep(now: number): void {
    const { pingIntervalMs, pingTimeoutMs, serverName } = this.settings;
    for (const session of this.sessions) {
      if (session.closing) continue;
      const idle = now - session.lastActivity;
      if (idle >= pingTimeoutMs) {
        this.drop(session, `Ping timeout: ${Math.round(idle / 1000)} seconds`, 'timeout');
      } else if (idle >= pingIntervalMs && !session.pingSent) {
        session.pingSent = true;
        session.send(`PING :${serverName}`);
      }
    }
  }

  /**
   * The door closes: every client gets `ERROR` and its connection ends; members still connected
   * (the chat itself was not closed first) leave it with reason `shutdown`.
   */
  closeAll(text: string): void {
    for (const session of [...this.sessions]) this.drop(session, text, 'shutdown');
    this.scheduler.flushAll();
  }

  /** The chat is closing: its members are cleared without quit events, so just say goodbye and hang up. */
  hangUpAll(text: string): void {
    for (const session of [...this.sessions]) {
      if (session.closing) continue;
      session.closing = true;
      this.forget(session);
      session.end(`Closing link: ${session.target}[${hostOf('irc')}] (${text})`);
    }
  }
}
