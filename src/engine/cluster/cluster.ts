// Makes this node's chat one part of a server of several nodes: its events go out on the bus, the others' are replayed here.
import type { Chat } from '../../core/chat/chat.js';
import type { ChatEvent, Member } from '../../core/chat/types.js';
import { foldName as foldKey } from '../../core/names.js';
import type { Logger } from '../../log.js';
import type { HistoryStore } from '../../store/history.js';
import type { Bus, PresenceRecord } from '../bus/bus.js';
import { applyOp } from './replay.js';
import { reconcile, recordOf } from './presence-sync.js';
import { opOf, wireMember, type ChatOp } from './wire.js';

/** What a member is told when the bus could not carry what it did to the other nodes. */
export const UNDELIVERED_NOTICE = 'netroom: members on other nodes could not be reached just now; what you sent reached this node only';

/**
 * The chat's link to the other nodes (IRC's server links, over a bus instead of a tree):
 * - each local event is published as the operation that replays it (see wire.ts), in order per member;
 * - a local member's name is claimed on the bus before anything it does goes out; when another
 *   node's member claimed it at the same moment, this node's member is told and let go;
 * - the shared presence lists each local member with its rooms, so a node that starts late, or
 *   hears again after an outage, knows everyone;
 * - a node that stopped answering has its members' leaves announced here (and stored once, by the
 *   node that wins the reap).
 */
export class Cluster {
  /** Local members whose name claim is in flight, with what they did meanwhile. */
  private readonly pending = new Map<Member, ChatOp[]>();
  /**
   * Operations of another node's member whose name a local member holds while its claim is in
   * flight (both connected at once): applied if the local claim loses, dropped if it wins.
   */
  private readonly waiting = new Map<Member, { op: ChatOp; from: string }[]>();
  /** Local members the other nodes know of. */
  private readonly announced = new Set<Member>();
  /** Members already told of an outage (told once per outage). */
  private readonly toldOfOutage = new Set<Member>();
  private readonly stops: (() => void)[] = [];
  private buffered: { body: unknown; from: string }[] | null = [];

  constructor(
    private readonly chat: Chat,
    private readonly bus: Bus,
    private readonly history: HistoryStore | undefined,
    private readonly log: Logger,
  ) {}

  /**
   * Start after the bus: hear the other nodes (buffering until the presence snapshot applied),
   * learn who is online elsewhere, then send this node's events. Call before any door opens.
   */
  async start(): Promise<void> {
    this.stops.push(this.bus.subscribe('chat', (body, from) => this.heard(body, from)));
    this.stops.push(this.chat.subscribe((event) => this.local(event)));
    this.stops.push(this.chat.onConnect((member) => this.connected(member)));
    this.stops.push(this.bus.onNodeLost((node) => void this.lost(node, 'timeout')));
    this.stops.push(
      this.bus.subscribe('control', (body, from) => {
        const op = (body as { op?: unknown } | null)?.op;
        if (op === 'bye') void this.lost(from, 'shutdown');
        // A node back from an outage has written its presence again: what it lists now is its whole truth.
        if (op === 'hello') void this.resync((node) => node === from).catch((err: unknown) => this.log.warn({ err, node: from }, 'cluster: could not read the presence of a node back from an outage'));
      }),
    );
    this.stops.push(
      this.bus.onClaimLost((key) => {
        // Another node holds this name now (this one was cut off past the TTL): its member here goes.
        const member = this.chat.online().find((m) => m.key === key && m.node === undefined);
        if (member) this.chat.disconnect(member, 'kicked', `the name ${member.name} was claimed on another node while this one was cut off: choose another`);
      }),
    );
    this.stops.push(this.bus.onStatus((up) => this.status(up)));
    try {
      await this.resync();
    } finally {
      const held = this.buffered ?? [];
      this.buffered = null;
      for (const { body, from } of held) this.heard(body, from);
    }
  }

  /** Tell the other nodes this one is leaving (its members leave there at once), and stop hearing them. */
  stop(): void {
    if (this.stops.length === 0) return;
    this.bus.publish('control', { op: 'bye' });
    for (const stop of this.stops.splice(0)) stop();
  }

  /** Bring the other nodes' members up to date; only the nodes `settled` accepts lose the members the presence no longer lists. */
  private async resync(settled: (node: string, records: readonly PresenceRecord[]) => boolean = () => true): Promise<void> {
    const records = await this.bus.presences();
    const changed = reconcile(
      this.chat,
      records,
      this.bus.nodeId,
      (err, record) => this.log.warn({ err, name: record?.name, node: record?.node }, 'cluster: a member of another node could not be shown here'),
      (node) => settled(node, records),
    );
    if (changed > 0) this.log.info({ changed }, 'cluster: members of other nodes brought up to date');
  }

  // ---- other nodes -> here ---------------------------------------------------------------------

  private heard(body: unknown, from: string): void {
    if (this.buffered !== null) {
      this.buffered.push({ body, from });
      return;
    }
    const op = body as ChatOp;
    if (typeof op !== 'object' || op === null || typeof op.op !== 'string') return;
    const holder = this.claiming(op);
    if (holder !== undefined) {
      // Applied now it would fail (the name is taken here) and be lost: it waits for the local claim's outcome.
      const list = this.waiting.get(holder) ?? [];
      list.push({ op, from });
      this.waiting.set(holder, list);
      return;
    }
    this.apply(op, from);
  }

  /** The local member whose claim is in flight holding a name `op` needs, if any. */
  private claiming(op: ChatOp): Member | undefined {
    const names = [op.op === 'rename' ? op.to : undefined, 'm' in op && op.m !== undefined ? op.m.name : undefined];
    for (const name of names) {
      const member = name === undefined ? undefined : this.chat.find(name);
      if (member !== undefined && member.node === undefined && this.pending.has(member)) return member;
    }
    return undefined;
  }

  /** The local member's claim is settled (or it left): what waited on its name applies now, or never (`apply` false). */
  private settleWaiting(member: Member, apply: boolean): void {
    const list = this.waiting.get(member);
    if (list === undefined) return;
    this.waiting.delete(member);
    if (apply) for (const { op, from } of list) this.apply(op, from);
    else this.log.debug({ name: member.name, ops: list.length }, "cluster: another node's member lost the name to this node's");
  }

  private apply(op: ChatOp, from: string): void {
    try {
      applyOp(this.chat, from, op);
    } catch (err) {
      // This node's view differs (a message lost in an outage, two nodes acting at once): the next operations still apply.
      this.log.debug({ err, op: op.op, node: from }, 'cluster: an operation from another node did not apply here');
    }
  }

  private async lost(node: string, reason: 'timeout' | 'shutdown'): Promise<void> {
    let reaper = false;
    try {
      reaper = await this.bus.claimReap(node);
    } catch (err) {
      this.log.warn({ err, node }, 'cluster: could not claim the reap of a lost node');
    }
    const gone = this.chat.online().filter((m) => m.node === node);
    this.log.warn({ node, members: gone.length, reaper }, 'cluster: a node stopped answering: its members left');
    for (const ghost of gone) {
      // The reaper raises the leaves as its own events, so they are stored once; the others only deliver them.
      if (reaper) this.chat.disconnect(ghost, reason);
      else this.chat.replaying({ node }, () => this.chat.disconnect(ghost, reason));
    }
  }

  private status(up: boolean): void {
    if (!up) {
      this.log.warn('cluster: the bus is down: members on other nodes cannot be reached');
      return;
    }
    this.toldOfOutage.clear();
    this.log.info('cluster: the bus is back');
    for (const member of this.announced) this.bus.putPresence(member.key, recordOf(this.chat, member, this.bus.nodeId));
    // The others reconcile this node's members once its presence is written again (queued before this on the same connection).
    this.bus.publish('control', { op: 'hello' });
    // A node that has not written its presence again yet lists nobody: its members stay until its hello, or until it is lost.
    void this.resync((node, records) => records.some((r) => r.node === node)).catch((err: unknown) => this.log.warn({ err }, 'cluster: could not read the presence after the outage'));
  }

  // ---- here -> other nodes ---------------------------------------------------------------------

  private connected(member: Member): void {
    if (member.node !== undefined) return;
    this.pending.set(member, [{ op: 'connect', m: wireMember(member) }]);
    void this.claim(member, member.key);
  }

  private async claim(member: Member, key: string): Promise<void> {
    const result = await this.bus.claimName(key).catch(() => 'unavailable' as const);
    const queued = this.pending.get(member);
    if (queued === undefined) return; // it left while the claim was in flight
    this.pending.delete(member);
    if (result === 'taken') {
      this.log.info({ name: member.name }, 'cluster: the name was claimed on another node at the same moment');
      // A rename that lost: the other nodes still show the old name, which leaves with it.
      const first = queued[0];
      if (first?.op === 'rename') this.send({ op: 'quit', m: first.m, reason: 'kicked' }, undefined);
      if (this.chat.has(member)) this.chat.disconnect(member, 'kicked', `the name ${member.name} was taken on another node at the same moment: choose another`);
      // The winner's member, heard of while the claim was in flight, shows here now.
      this.settleWaiting(member, true);
      return;
    }
    this.settleWaiting(member, false);
    // Unavailable: the bus is down; the name is unique on this node, and the claim is made again when the bus is back.
    if (result === 'unavailable') this.log.warn({ name: member.name }, 'cluster: the bus is down: a name was taken without a claim');
    this.announced.add(member);
    for (const op of queued) this.send(op, member);
    if (this.chat.has(member)) this.bus.putPresence(member.key, recordOf(this.chat, member, this.bus.nodeId));
  }

  private local(event: ChatEvent): void {
    const storedId = event.remote === undefined ? this.history?.storedOf(event)?.id : undefined;
    const op = opOf(event, storedId);
    if (op === null) return;
    const origin = event.origin;
    if (origin === undefined) {
      this.send(op, undefined);
      return;
    }
    const queued = this.pending.get(origin);
    if (queued !== undefined) {
      queued.push(op);
      if (event.kind === 'quit') {
        this.pending.delete(origin); // never announced: nothing to tell
        // After this quit has reached every listener: the other node's member then arrives, not before its namesake left.
        queueMicrotask(() => this.settleWaiting(origin, true));
      }
      return;
    }
    if (!this.announced.has(origin)) return;
    if (event.kind === 'rename') {
      // The new name is claimed like a first one; the old one is given back.
      this.bus.releaseName(foldedOld(event.name, origin));
      this.bus.putPresence(foldedOld(event.name, origin), null);
      this.announced.delete(origin);
      this.pending.set(origin, [op]);
      void this.claim(origin, origin.key);
      return;
    }
    this.send(op, origin);
    if (event.kind === 'quit') {
      this.announced.delete(origin);
      this.toldOfOutage.delete(origin);
      this.bus.releaseName(origin.key);
      this.bus.putPresence(origin.key, null);
    } else if (event.kind === 'join' || event.kind === 'part' || event.kind === 'away' || event.kind === 'kick') {
      this.bus.putPresence(origin.key, recordOf(this.chat, origin, this.bus.nodeId));
    }
  }

  private send(op: ChatOp, member: Member | undefined): void {
    if (this.bus.publish('chat', op)) return;
    // No silent loss: whoever did it hears that only this node got it (once per outage).
    if (member === undefined || this.toldOfOutage.has(member) || !this.chat.has(member)) return;
    this.toldOfOutage.add(member);
    this.chat.tell(member, UNDELIVERED_NOTICE);
  }
}

/** The folded key of a member's previous name (the member already carries the new one). */
function foldedOld(oldName: string, member: Member): string {
  return oldName === member.name ? member.key : foldKey(oldName);
}
