// The WebSocket chat client's pending requests: each waits for its answer type, an `error` naming the request, or a timeout.
import type { ClientMessage, ServerMessage } from '../doors/ws/messages.js';
import { WsChatError } from './ws-errors.js';

/** Server messages that answer a request. */
export type Answer = 'hello' | 'welcome' | 'joined' | 'parted' | 'members' | 'rooms' | 'history' | 'results' | 'conversations' | 'left' | 'moderated' | 'restrictions';

/** Which client requests each answer belongs to (an `error` names the request in `about`). */
const ANSWERS: Readonly<Record<Answer, ClientMessage['type'] | 'hello' | readonly ClientMessage['type'][]>> = {
  hello: 'hello',
  welcome: 'enter',
  joined: 'join',
  parted: 'part',
  members: 'who',
  rooms: 'rooms',
  history: 'history',
  results: 'search',
  conversations: 'conversations',
  left: 'leave',
  moderated: ['kick', 'ban', 'mute', 'unban', 'unmute'],
  restrictions: 'restrictions',
};

/** Whether a refusal about `about` answers a request waiting for `type`. */
function answers(type: Answer, about: string | undefined): boolean {
  const asked = ANSWERS[type];
  return typeof asked === 'string' ? asked === about : (asked as readonly string[]).includes(about ?? '');
}

interface Waiter {
  readonly type: Answer;
  readonly resolve: (msg: ServerMessage) => void;
  readonly reject: (err: WsChatError) => void;
}

/** Requests waiting for answers, in the order sent (the server answers one connection's requests in order). */
export class Waiters {
  private waiters: Waiter[] = [];

  constructor(
    private readonly timeoutMs: number,
    /** For the timeout's message. */
    private readonly target: string,
  ) {}

  /** Wait for the next `type` answer. */
  wait(type: Answer): Promise<ServerMessage> {
    return new Promise<ServerMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new WsChatError('timeout', `no answer from ${this.target} within ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      const waiter: Waiter = {
        type,
        resolve: (msg) => {
          clearTimeout(timer);
          resolve(msg);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Hand an answer to the oldest request waiting for its type; false if none waits. */
  answer(msg: ServerMessage): boolean {
    const index = this.waiters.findIndex((w) => w.type === msg.type);
    const waiter = index >= 0 ? this.waiters.splice(index, 1)[0] : undefined;
    waiter?.resolve(msg);
    return waiter !== undefined;
  }

  /** Reject the request a refusal answers (by `about`, else the oldest when `about` is missing); false if none. */
  refuse(msg: Extract<ServerMessage, { type: 'error' }>): boolean {
    const waiter = this.waiters.find((w) => answers(w.type, msg.about)) ?? (msg.about === undefined ? this.waiters[0] : undefined);
    if (waiter === undefined) return false;
    this.waiters.splice(this.waiters.indexOf(waiter), 1);
    waiter.reject(new WsChatError('refused', msg.message, msg.code));
    return true;
  }

  /** Reject everything waiting (the connection dropped, the client closed). */
  failAll(err: WsChatError): void {
    for (const waiter of this.waiters.splice(0)) waiter.reject(err);
  }
}
