// The seed UDP chat door (SPEC 3.1): node:dgram onto the chat's #lobby, compatible with the seeds' Python client.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Logger } from 'pino';
import { plainAddress } from '../../core/access/addresses.js';
import { NetroomError, isNetroomError } from '../../core/errors.js';
import { errorText, errorTexts, noticeText } from '../../core/i18n.js';
import { LOBBY, type ChatEvent, type Member } from '../../core/chat/types.js';
import type { Door, DoorAddress, DoorContext } from '../door.js';
import { DEFAULT_HEARTBEAT_MS, EXIT, OK, decodeRequest, encodeNotice, encodeReply, fitReply } from './codec.js';
import { FanOut } from './fanout.js';
import { DEFAULT_ERROR_RATE, LogThrottle, ReplyBudgets } from './guard.js';
import { UdpPeers, addressKey, isPeerName, notInRoom, type UdpPeer } from './peers.js';
import { DEFAULT_UDP_MAX_MEMBERS, DEFAULT_UDP_MAX_PER_ADDRESS, type UdpDoorOptions } from './options.js';
import { bindsSeedUdp } from '../../net/worker-role.js';
import { removalText } from './removal.js';
import { enlargeBuffers, numericFirstLookup } from './socket-setup.js';

export { DEFAULT_UDP_MAX_MEMBERS, DEFAULT_UDP_MAX_PER_ADDRESS, type UdpDoorOptions } from './options.js';

const MISSED_BEATS = 3;
const CLOSE_DRAIN_MS = 1000;

/**
 * The seed chat door. Wire: `L NAME` -> `OK` or an error text; `C NAME TEXT`; `Q NAME` -> `EXIT`;
 * `H NAME` (heartbeat); `M NAME TO TEXT` (a direct message, our extension). A name is bound to the
 * address that entered with it. Notices go out as the seed server sends them (leading `\n`), at
 * most 1024 bytes per datagram, encoded once per event.
 *
 * Rooms (issue 11): a UDP member is always and only in #lobby, the seeds' one room. It hears
 * #lobby's joins, messages, parts and file notices, the quits of members who were in #lobby,
 * announcements, and the direct messages sent to it ("NAME (private): TEXT"), all in the seeds'
 * one-room texts; nothing of any other room reaches it.
 *
 * Replies: `OK`/`EXIT` and replies to `L` are sent bare (the seed client compares them verbatim);
 * any other error to an address that is in the room gets the leading `\n` of a notice, because the
 * seed client's receiver prints it like one. `H` is answered only when it fails (NOT_IN_ROOM, so a
 * client learns it was dropped and can enter again); a good heartbeat is silent, as it is frequent.
 *
 * Limits (issue 10 items 6 and 7, SPEC section 4): members in total and per source IP; an address
 * that has not entered never gets more bytes than it sent (see {@link fitReply}); error replies
 * are rate-limited per source. Refusals are logged, throttled.
 */
export class UdpDoor implements Door {
  readonly name = 'udp';
  /** The door's bookkeeping (address -> member); exposed for the server's metrics and the tests. */
  readonly peers = new UdpPeers();
  private readonly log: Logger;
  private readonly heartbeatMs: number;
  private readonly fanout: FanOut;
  private readonly maxMembers: number;
  private readonly maxPerAddress: number;
  private readonly replyBudgets: ReplyBudgets;
  private readonly logThrottle = new LogThrottle();
  private socket: Socket | null = null;
  private port = 0;
  private unsubscribe: (() => void) | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  /** #lobby's name as the chat spells it (events name their room so). */
  private lobbyName = LOBBY;
  /** Settles when the last datagram of a shutdown (EXIT) has been handed to the kernel. */
  private lastWords: Promise<void> = Promise.resolve();
  private shutdown: Promise<void> | null = null;

  constructor(
    private readonly ctx: DoorContext,
    private readonly options: UdpDoorOptions,
  ) {
    this.log = ctx.log.child({ door: 'udp' });
    this.heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    if (!(this.heartbeatMs > 0)) throw new RangeError('heartbeatMs must be above 0');
    this.maxMembers = options.maxMembers ?? DEFAULT_UDP_MAX_MEMBERS;
    this.maxPerAddress = options.maxPerAddress ?? DEFAULT_UDP_MAX_PER_ADDRESS;
    if (!(this.maxMembers >= 1) || !(this.maxPerAddress >= 1)) throw new RangeError('the UDP member caps must be at least 1');
    this.replyBudgets = new ReplyBudgets(options.errorRate ?? DEFAULT_ERROR_RATE);
    this.fanout = new FanOut(this.send);
  }

  /** Bind the socket and start serving; rejects if the address cannot be bound. */
  listen(): Promise<void> {
    if (this.socket) return Promise.reject(new Error('the UDP door is already listening'));
    if (!bindsSeedUdp()) {
      // serve --workers: the first worker serves the seed UDP door for the whole machine (see bindsSeedUdp).
      this.port = this.options.port;
      this.log.info({ host: this.options.host, port: this.port }, 'udp door served by the first worker');
      return Promise.resolve();
    }
    const socket = createSocket({ type: this.options.host.includes(':') ? 'udp6' : 'udp4', lookup: numericFirstLookup });
    this.socket = socket;
    return new Promise((resolve, reject) => {
      const failed = (err: Error): void => {
        this.socket = null;
        socket.close();
        reject(err);
      };
      socket.once('error', failed);
      socket.once('listening', () => {
        socket.off('error', failed);
        // Every socket has an error listener: nothing a client does may bring the server down.
        socket.on('error', (err) => this.log.warn({ err }, 'udp socket error'));
        socket.on('message', this.onDatagram);
        enlargeBuffers(socket);
        this.port = socket.address().port;
        this.lobbyName = this.ctx.chat.room(LOBBY)?.name ?? LOBBY;
        this.unsubscribe = this.ctx.chat.subscribe(this.onChatEvent);
        this.heartbeatTimer = setInterval(this.expire, this.heartbeatMs);
        this.heartbeatTimer.unref();
        this.log.info(
          { host: this.options.host, port: this.port, recvBuffer: socket.getRecvBufferSize(), sendBuffer: socket.getSendBufferSize() },
          'udp door listening',
        );
        resolve();
      });
      // exclusive: under node:cluster the socket stays this process's own, never shared through the primary.
      socket.bind({ port: this.options.port, address: this.options.host, exclusive: true });
    });
  }

  /** Where the door listens (the real port after binding port 0). */
  address(): DoorAddress {
    return { door: 'udp', protocol: 'udp', host: this.options.host, port: this.port };
  }

  /** Close the socket and timers. Members still here (the chat was not closed) get EXIT and leave. */
  close(): Promise<void> {
    // Concurrent or repeated calls share one shutdown; without a socket there is nothing to do.
    if (!this.socket) return this.shutdown ?? Promise.resolve();
    this.shutdown ??= this.closeSocket();
    return this.shutdown;
  }

  private async closeSocket(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    socket.off('message', this.onDatagram);
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.fanout.flushAll();
    if (this.peers.size > 0) this.dismiss();
    // Let the last notices and EXITs reach the kernel before the handle goes (bounded wait).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.lastWords, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_DRAIN_MS)))]);
    clearTimeout(timer);
    this.fanout.stop();
    this.socket = null;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.shutdown = null;
  }

  /** The hot path's send: fire-and-forget; dgram reports no error for a vanished peer without a callback. */
  private readonly send = (buf: Buffer, port: number, address: string): void => {
    this.socket?.send(buf, port, address);
  };

  private reply(text: string, rinfo: RemoteInfo): void {
    this.send(encodeReply(text), rinfo.port, rinfo.address);
  }

  /**
   * Send an error: bare to a stranger or in answer to L, notice-style (leading `\n`) to a member.
   * Error replies are rate-limited per source (the stranger's IP: a forged source address costs
   * nothing; the member's address and port: one noisy member behind a NAT must not silence the
   * others' errors). A stranger (`peer` undefined) never gets more bytes than the `received` it
   * sent (SPEC section 4): the most informative text that fits, or silence.
   */
  private refuse(err: unknown, rinfo: RemoteInfo, received: number, peer: UdpPeer | undefined, asNotice = peer !== undefined): void {
    let error: NetroomError;
    if (isNetroomError(err)) {
      error = err;
    } else {
      // A bug, not the client's fault: say so in the log, keep serving.
      this.log.error({ err }, 'udp request failed');
      error = new NetroomError('IO_ERROR', 'internal server error');
    }
    const now = Date.now();
    if (!this.replyBudgets.take(peer ? peer.key : rinfo.address, now)) {
      this.logLimited('error-replies', now, { from: rinfo.address, code: error.code }, 'udp error replies over the limit: not answered');
      return;
    }
    if (peer === undefined) {
      const buf = fitReply(errorTexts(this.ctx.lang, error), received);
      if (buf !== null) this.send(buf, rinfo.port, rinfo.address);
      return;
    }
    const text = errorText(this.ctx.lang, error);
    this.reply(asNotice ? '\n' + text : text, rinfo);
  }

  /** A log line that a flood must not multiply: at most one per kind every 10 s, with a count. */
  private logLimited(kind: string, now: number, fields: Record<string, unknown>, message: string): void {
    const { log, suppressed } = this.logThrottle.allow(kind, now);
    if (log) this.log.warn({ ...fields, suppressed }, message);
  }

  private readonly onDatagram = (buf: Buffer, rinfo: RemoteInfo): void => {
    this.fanout.noteRead();
    const key = addressKey(rinfo.address, rinfo.port);
    const peer = this.peers.get(key);
    const decoded = decodeRequest(buf);
    if (!decoded.ok) {
      this.log.debug({ from: key, code: decoded.error.code }, 'bad udp datagram');
      this.refuse(decoded.error, rinfo, buf.length, peer);
      return;
    }
    const request = decoded.request;
    if (request.kind === 'L') {
      this.enter(request.name, key, peer, rinfo, buf.length);
      return;
    }
    if (peer === undefined || !isPeerName(peer, request.name)) {
      this.refuse(notInRoom(peer, request), rinfo, buf.length, peer);
      return;
    }
    // Once a client heartbeats, anything it sends is a sign of life.
    if (peer.lastHeartbeat !== undefined) peer.lastHeartbeat = Date.now();
    switch (request.kind) {
      case 'C':
        try {
          this.ctx.chat.say(peer.member, LOBBY, request.text);
        } catch (err) {
          this.log.debug({ name: peer.member.name, code: isNetroomError(err) ? err.code : undefined }, 'udp message refused');
          this.refuse(err, rinfo, buf.length, peer);
        }
        return;
      case 'M':
        // Silent on success, as C is; NO_SUCH_MEMBER and the message errors come back notice-style.
        try {
          this.ctx.chat.dm(peer.member, request.to, request.text);
        } catch (err) {
          this.log.debug({ name: peer.member.name, code: isNetroomError(err) ? err.code : undefined }, 'udp direct message refused');
          this.refuse(err, rinfo, buf.length, peer);
        }
        return;
      case 'Q':
        // The quit event unbinds the peer and queues the notice; EXIT follows it in the same queue,
        // so the client sees everything said before it left and then EXIT, in order.
        this.ctx.chat.disconnect(peer.member, 'quit');
        this.fanout.push([encodeReply(EXIT)], [peer]);
        return;
      case 'H':
        if (peer.lastHeartbeat === undefined) {
          peer.lastHeartbeat = Date.now();
          this.peers.heartbeating.add(peer);
        }
        return;
    }
  };

  private enter(name: string, key: string, peer: UdpPeer | undefined, rinfo: RemoteInfo, received: number): void {
    if (peer) {
      // Same address, same name: our OK was lost and the client asks again. Same address, another
      // name: one address is one member (C/Q carry the name, but binding is by address).
      if (isPeerName(peer, name)) this.reply(OK, rinfo);
      else this.refuse(new NetroomError('ALREADY_IN_ROOM', `this address is already in the room as ${peer.member.name}`), rinfo, received, peer, false);
      return;
    }
    const full = this.capacityError(rinfo.address);
    if (full) {
      this.logLimited('member-cap', Date.now(), { from: key, code: full.code, members: this.peers.size }, `udp enter refused: ${full.message}`);
      this.refuse(full, rinfo, received, undefined);
      return;
    }
    let member: Member;
    try {
      // Into #lobby and never anywhere else: the seed protocol has one room. Always a guest (the
      // protocol has no password); the address is what bans by address and masks match.
      member = this.ctx.chat.enter(name, this.name, { address: plainAddress(rinfo.address) });
    } catch (err) {
      this.log.info({ from: key, code: isNetroomError(err) ? err.code : undefined }, 'udp enter refused');
      this.refuse(err, rinfo, received, undefined);
      return;
    }
    this.peers.add({ member, address: rinfo.address, port: rinfo.port, key, wireName: name });
    this.reply(OK, rinfo);
    this.log.info({ name: member.name, from: key }, 'udp member entered');
  }

  /**
   * TOO_MANY_MEMBERS when the door or the source IP is at its cap (issue 10 item 6): every member
   * gets every join, so members without a bound would cost the server the square of their number.
   */
  private capacityError(address: string): NetroomError | null {
    if (this.peers.size >= this.maxMembers) {
      return new NetroomError('TOO_MANY_MEMBERS', `the UDP door is full (${this.maxMembers} members); try again later`, {
        limit: this.maxMembers,
      });
    }
    if (this.peers.countAt(address) >= this.maxPerAddress) {
      return new NetroomError('TOO_MANY_MEMBERS', `${this.maxPerAddress} members already entered from this address`, {
        limit: this.maxPerAddress,
      });
    }
    return null;
  }

  /**
   * Chat events -> datagrams: encoded once, queued with a snapshot of who should hear them. Every
   * UDP member is in #lobby (it enters there and cannot leave it but by leaving the server), so
   * the members of a #lobby event's audience that came through this door are exactly the peers:
   * the peers' own snapshot stands for them, without a look-up per member of the audience.
   */
  private readonly onChatEvent = (event: ChatEvent): void => {
    switch (event.kind) {
      case 'closing':
        this.closing(event);
        return;
      case 'quit': {
        const gone = event.origin ? this.peers.remove(event.origin) : undefined;
        if (gone) this.log.info({ name: event.name, reason: event.reason, from: gone.key }, 'udp member left');
        // Removed by a moderator (how an administrator clears a ghost whose client died): it hears why, and is forgotten.
        if (gone && (event.reason === 'kicked' || event.reason === 'banned')) {
          this.fanout.push(encodeNotice(removalText(this.ctx.lang, event.reason, event.text)), [gone]);
        }
        // Heard by UDP only if the member was in #lobby (an IRC client in #dev only leaves unseen).
        if (event.rooms.includes(this.lobbyName)) this.broadcast(event, undefined);
        return;
      }
      case 'join':
      case 'message':
      case 'part':
        // Not echoed to their author.
        if (event.room === this.lobbyName) this.broadcast(event, event.origin);
        return;
      case 'file':
      case 'moderation':
      case 'edit':
      case 'delete':
        // Edits and deletes come from other doors (the seeds have no command for them): every peer is told.
        if (event.room === this.lobbyName) this.broadcast(event, undefined);
        return;
      case 'kick':
        if (event.room === this.lobbyName) this.kicked(event);
        return;
      case 'announce':
        this.broadcast(event, undefined);
        return;
      case 'dm':
        this.directMessage(event);
        return;
      default:
        // Topics, modes, invitations, renames, away and typing: the seeds' one room has no words for them.
        return;
    }
  };

  /** One event to every UDP member but `skip`, in the seeds' one-room texts. */
  private broadcast(event: ChatEvent, skip: Member | undefined): void {
    const recipients = this.peers.list;
    if (recipients.length === 0) return;
    this.fanout.push(encodeNotice(noticeText(this.ctx.lang, event)), recipients, skip);
  }

  /**
   * A kick from #lobby: every UDP member hears it, the one removed included. A UDP member is only
   * ever in #lobby and has no way to join again, so one kicked from it would hold its name in no
   * room: it leaves the server too.
   */
  private kicked(event: Extract<ChatEvent, { kind: 'kick' }>): void {
    this.broadcast(event, undefined);
    const member = this.ctx.chat.find(event.target);
    const peer = member ? this.peers.of(member) : undefined;
    if (!member || !peer) return;
    this.peers.remove(member);
    this.log.info({ name: member.name, from: peer.key }, 'udp member kicked from #lobby: forgotten');
    this.ctx.chat.disconnect(member, 'disconnect');
  }

  /** A direct message to a UDP member: "NAME (private): TEXT". The sender is not sent its own (unless it wrote to itself). */
  private directMessage(event: Extract<ChatEvent, { kind: 'dm' }>): void {
    let recipients: UdpPeer[] | undefined;
    for (const member of event.audience) {
      if (member === event.origin && event.audience.length > 1) continue;
      const peer = this.peers.of(member);
      if (peer) (recipients ??= []).push(peer);
    }
    if (recipients) this.fanout.push(encodeNotice(noticeText(this.ctx.lang, event)), recipients);
  }

  /** The chat closes: everything queued, then the closing notice and EXIT to every UDP member. */
  private closing(event: ChatEvent): void {
    const recipients = this.peers.list;
    this.peers.clear();
    this.fanout.flushAll();
    if (recipients.length === 0) return;
    const notice = encodeNotice(noticeText(this.ctx.lang, event));
    const exit = encodeReply(EXIT);
    for (const peer of recipients) for (const buf of notice) this.send(buf, peer.port, peer.address);
    this.sendLast(exit, recipients);
  }

  /** Send EXIT to each peer, the final one with a callback so close() can wait until it is out. */
  private sendLast(buf: Buffer, recipients: readonly UdpPeer[]): void {
    const socket = this.socket;
    if (!socket) return;
    recipients.forEach((peer, i) => {
      if (i < recipients.length - 1) this.send(buf, peer.port, peer.address);
      else this.lastWords = new Promise((resolve) => socket.send(buf, peer.port, peer.address, () => resolve()));
    });
  }

  /** The door closes while the chat goes on: its members get EXIT, then leave (other doors hear it). */
  private dismiss(): void {
    const recipients = this.peers.list;
    this.peers.clear();
    this.sendLast(encodeReply(EXIT), recipients);
    for (const peer of recipients) this.ctx.chat.disconnect(peer.member, 'shutdown');
  }

  /** Heartbeat check: a client that heartbeats and has been silent for three intervals is gone. */
  private readonly expire = (): void => {
    const deadline = Date.now() - MISSED_BEATS * this.heartbeatMs;
    for (const peer of this.peers.heartbeating) {
      if ((peer.lastHeartbeat ?? 0) < deadline) this.ctx.chat.disconnect(peer.member, 'timeout');
    }
  };
}
