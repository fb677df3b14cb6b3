// Batched UDP fan-out: encoded notices queue up and go out in bounded slices so reads stay first.
import type { Member } from '../../core/chat/types.js';
import type { UdpPeer } from './peers.js';

/** Sends one datagram to a numeric address; must not throw for a vanished client. */
export type SendFn = (buf: Buffer, port: number, address: string) => void;

/**
 * Datagrams sent per event-loop turn while requests are still arriving. Between slices the loop
 * goes back to the poll phase, where libuv reads the socket again: under an unpaced burst the
 * receive buffer keeps being emptied into this queue instead of overflowing in the kernel (where
 * the seeds' server loses 39-75%). A message to N members costs N sends but one read, so
 * without this the reads would get about 1/N of the time.
 */
export const BUSY_SLICE = 256;
/** Datagrams per turn once a turn passed without reads: the burst is over, catch up quickly. */
export const IDLE_SLICE = 1024;
/**
 * Queued deliveries past which fan-out gets the big slice even while reads go on: under a
 * sustained overload (flood control off) memory must stay bounded, so the kernel drops instead.
 */
export const HIGH_WATER = 50_000;

interface Delivery {
  readonly buffers: readonly Buffer[];
  /** Who was in when the event happened (an immutable snapshot, shared, not copied). */
  readonly recipients: readonly UdpPeer[];
  /** The member the event came from: not echoed back to them. */
  readonly skip: Member | undefined;
  /** Index of the next recipient, when a slice ended in the middle of this delivery. */
  next: number;
}

/** A FIFO of deliveries, each one set of buffers to many peers, drained in slices via setImmediate. */
export class FanOut {
  private queue: (Delivery | undefined)[] = [];
  private head = 0;
  private scheduled = false;
  private stopped = false;
  /** Datagrams read since the last slice; the door bumps it on every read (see {@link noteRead}). */
  private reads = 0;

  constructor(private readonly send: SendFn) {}

  /** Tell the fan-out a datagram was just read, so it yields more to the reads on the next turn. */
  noteRead(): void {
    this.reads += 1;
  }

  /** Deliveries not yet fully sent. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /** Queue `buffers` for every peer of `recipients` except `skip`; sent on a later turn. */
  push(buffers: readonly Buffer[], recipients: readonly UdpPeer[], skip?: Member): void {
    if (this.stopped || recipients.length === 0) return;
    this.queue.push({ buffers, recipients, skip, next: 0 });
    this.schedule();
  }

  /** Send everything queued right now, ignoring the slice (shutdown must not leave anything behind). */
  flushAll(): void {
    this.drain(Infinity);
  }

  /** Drop whatever is queued and never send again (the socket is closing). */
  stop(): void {
    this.stopped = true;
    this.queue = [];
    this.head = 0;
  }

  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(this.run);
  }

  private readonly run = (): void => {
    this.scheduled = false;
    if (this.stopped) return;
    const busy = this.reads > 0 && this.pending < HIGH_WATER;
    this.reads = 0;
    this.drain(busy ? BUSY_SLICE : IDLE_SLICE);
  };

  private drain(budget: number): void {
    const queue = this.queue;
    const send = this.send;
    while (this.head < queue.length) {
      const delivery = queue[this.head];
      if (delivery === undefined) break;
      const { buffers, recipients, skip } = delivery;
      const count = buffers.length;
      let i = delivery.next;
      while (i < recipients.length) {
        if (budget <= 0) {
          delivery.next = i;
          this.compact();
          this.schedule();
          return;
        }
        const peer = recipients[i] as UdpPeer;
        i += 1;
        if (peer.member === skip) continue;
        for (let b = 0; b < count; b++) send(buffers[b] as Buffer, peer.port, peer.address);
        budget -= count;
      }
      // Release the buffers and the snapshot as soon as they are sent.
      queue[this.head] = undefined;
      this.head += 1;
    }
    queue.length = 0;
    this.head = 0;
  }

  /** Under sustained load the queue may never empty: reclaim the sent prefix now and then. */
  private compact(): void {
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
