// The IRC door's state and rules: sessions, registration into the room, #lobby visibility, nick changes, keepalive.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { LeaveReason, Member, Room } from '../../core/room.js';
import type { DoorContext } from '../door.js';
import { OVERLONG, checkLineLength, decodeText, parseLine } from './codec.js';
import { COMMANDS } from './commands/index.js';
import { replyError } from './errors.js';
import { hostOf } from './lines.js';
import { ERR } from './numerics.js';
import { IrcSession } from './session.js';
import { sendWelcome } from './welcome.js';
import { FlushScheduler } from './writer.js';

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
 * Everything the command handlers and the fan-out share. The model: registration (001) enters
 * the room, so the nick is reserved on every door from then on; JOIN/PART only switch whether
 * the client sees #lobby; QUIT, a timeout or a lost connection leave the room.
 */
export class IrcHub {
  readonly sessions = new Set<IrcSession>();
  readonly scheduler = new FlushScheduler();
  readonly createdAt = Date.now();
  readonly room: Room;
  readonly log: Logger;
  private readonly byMember = new Map<Member, IrcSession>();
  /** Sessions that see #lobby; replaced (never mutated) so a fan-out loop can run over it safely. */
  private joinedList: readonly IrcSession[] = [];
  /** `nick!user@host` per member, also after the session is gone (a queued leave event still needs it). */
  private readonly sources = new WeakMap<Member, string>();
  private readonly quitTexts = new WeakMap<Member, string>();
  /** The session whose room.enter() is running: its join event is not echoed to it. */
  private entering: IrcSession | null = null;
  /** Count one message said through this door (a no-op without metrics). */
  readonly countMessage: () => void;

  constructor(
    readonly ctx: DoorContext,
    readonly settings: IrcSettings,
    log: Logger,
  ) {
    this.room = ctx.room;
    this.log = log;
    // The labelled child once, not a label lookup per message.
    const counter = ctx.metrics?.messages.labels({ door: 'irc' });
    this.countMessage = counter ? () => counter.inc() : () => undefined;
  }

  /** Sessions that currently see #lobby. */
  get joined(): readonly IrcSession[] {
    return this.joinedList;
  }

  /** The IRC session of a member, if the member came through this door and is still connected. */
  sessionOf(member: Member): IrcSession | undefined {
    return this.byMember.get(member);
  }

  /** True while `session`'s own join (or nick change) is being announced. */
  isEntering(session: IrcSession): boolean {
    return this.entering === session;
  }

  /** `nick!user@host` of a member: an IRC client's USER name, else the name itself at `door.netroom`. */
  sourceOf(member: Member): string {
    let source = this.sources.get(member);
    if (source === undefined) {
      const user = member.door === 'irc' && this.entering ? this.entering.user : member.name;
      source = `${member.name}!${user}@${hostOf(member.door)}`;
      this.sources.set(member, source);
    }
    return source;
  }

  /** The QUIT text other IRC clients see for this member's leaving, when it was more than the reason. */
  quitTextOf(member: Member): string | undefined {
    return this.quitTexts.get(member);
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
      if (line === OVERLONG) session.reply(ERR.INPUTTOOLONG, 'Input line was too long');
      else this.handleLine(session, line);
    }
  }

  /** Parse and run one line; nothing a client sends may throw out of here. */
  handleLine(session: IrcSession, bytes: Buffer): void {
    let command = '';
    try {
      if (checkLineLength(bytes) !== null) {
        session.reply(ERR.INPUTTOOLONG, 'Input line was too long');
        return;
      }
      const message = parseLine(decodeText(bytes));
      if (message === null) return; // blank, or tags without a command: nothing to answer
      command = message.command;
      const spec = COMMANDS.get(command);
      if (spec === undefined || (!spec.beforeRegistration && session.member === undefined)) {
        if (session.member === undefined) session.reply(ERR.NOTREGISTERED, 'You have not registered');
        else session.reply(ERR.UNKNOWNCOMMAND, command, 'Unknown command');
        return;
      }
      if (message.params.length < spec.minParams) {
        session.reply(ERR.NEEDMOREPARAMS, command, 'Not enough parameters');
        return;
      }
      spec.handler(this, session, message);
    } catch (err) {
      // A bug, not the client's fault: log it, tell the client, keep the connection.
      this.log.error({ err, command, peer: session.peer }, 'irc command failed');
      session.notice(`internal error while handling ${command || 'that line'}`);
    }
  }

  /** Register once NICK and USER are in and capability negotiation is over: enter the room, then 001-005 and the MOTD. */
  tryRegister(session: IrcSession): void {
    const nick = session.nick;
    if (session.member || nick === undefined || !session.userGiven || session.capNegotiating || session.closing) return;
    let member: Member;
    this.entering = session;
    try {
      member = this.room.enter(nick, 'irc');
    } catch (err) {
      session.nick = undefined;
      replyError(this, session, err, nick);
      return;
    } finally {
      this.entering = null;
    }
    this.adopt(session, member);
    this.log.info({ name: member.name, peer: session.peer }, 'irc member entered');
    sendWelcome(this, session);
  }

  /**
   * Change a registered client's nick. The room has no rename: the member leaves and enters
   * again under the new name, both checked first so the second step cannot fail. Other doors see
   * a leave and a join; the client itself gets NICK.
   */
  rename(session: IrcSession, nick: string): void {
    const old = session.member;
    if (!old) return;
    const oldSource = session.source;
    this.quitTexts.set(old, `Changing nick to ${nick}`);
    this.room.leave(old, 'quit');
    this.byMember.delete(old);
    let member: Member;
    this.entering = session;
    try {
      member = this.room.enter(nick, 'irc');
    } catch (err) {
      // Leaving succeeded but entering did not (cannot happen after the checks): the client is out, say so.
      this.entering = null;
      session.member = undefined;
      replyError(this, session, err, nick);
      this.drop(session, 'Nick change failed', 'quit', true);
      return;
    } finally {
      this.entering = null;
    }
    this.adopt(session, member);
    session.lastNickChange = Date.now();
    session.send(`:${oldSource} NICK :${member.name}`);
    this.log.info({ from: old.name, to: member.name, peer: session.peer }, 'irc nick changed');
  }

  /** Bind a member to its session; its source carries the client's USER name (also when no one heard the join). */
  private adopt(session: IrcSession, member: Member): void {
    session.member = member;
    session.source = `${member.name}!${session.user}@${hostOf('irc')}`;
    this.sources.set(member, session.source);
    this.byMember.set(member, session);
  }

  /** Start seeing #lobby. Returns false when already there. */
  join(session: IrcSession): boolean {
    if (session.joined) return false;
    session.joined = true;
    this.joinedList = [...this.joinedList, session];
    return true;
  }

  /** Stop seeing #lobby (the nick stays reserved). Returns false when not there. */
  part(session: IrcSession): boolean {
    if (!session.joined) return false;
    session.joined = false;
    this.joinedList = this.joinedList.filter((s) => s !== session);
    return true;
  }

  /**
   * End a session: `ERROR :Closing link` and the socket ends (or, when its send queue is what
   * failed, the socket is destroyed at once); the member leaves the room so every door hears it.
   */
  drop(session: IrcSession, text: string, reason: LeaveReason, sayError = true): void {
    if (session.closing) return;
    session.closing = true;
    const member = session.member;
    if (member) {
      this.quitTexts.set(member, text);
      this.log.info({ name: member.name, reason, text, peer: session.peer }, 'irc member left');
    }
    this.forget(session);
    if (sayError) session.end(`Closing link: ${session.target}[${hostOf('irc')}] (${text})`);
    else session.abort();
    if (member) this.room.leave(member, reason);
  }

  private onClose(session: IrcSession): void {
    this.sessions.delete(session);
    if (session.closing) return;
    session.closing = true;
    session.writer.stop();
    const member = session.member;
    this.forget(session);
    if (member) {
      this.quitTexts.set(member, 'Connection closed');
      this.log.info({ name: member.name, reason: 'disconnect', peer: session.peer }, 'irc member left');
      this.room.leave(member, 'disconnect');
    }
  }

  private forget(session: IrcSession): void {
    this.part(session);
    if (session.member) this.byMember.delete(session.member);
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
   * The door closes: every client gets `ERROR` and its connection ends; members still in the room
   * (the room itself was not closed first) leave it with reason `shutdown`.
   */
  closeAll(text: string): void {
    for (const session of [...this.sessions]) this.drop(session, text, 'shutdown');
    this.scheduler.flushAll();
  }

  /** The room is closing: its members are cleared without leave events, so just say goodbye and hang up. */
  hangUpAll(text: string): void {
    for (const session of [...this.sessions]) {
      if (session.closing) continue;
      session.closing = true;
      this.forget(session);
      session.end(`Closing link: ${session.target}[${hostOf('irc')}] (${text})`);
    }
  }
}
