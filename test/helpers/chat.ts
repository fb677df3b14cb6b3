// Test helpers for the chat core's unit tests: a Chat on a hand-driven clock with its events logged, and the code a call throws.
import { expect } from 'vitest';
import { Chat, type ChatOptions } from '../../src/core/chat/chat.js';
import type { ChatEvent, Member } from '../../src/core/chat/types.js';
import { NetroomError, type ErrorCode } from '../../src/core/errors.js';

/** A chat with a clock the test moves and every event it emitted, in order. */
export function setupChat(options: Omit<ChatOptions, 'now'> = {}): { chat: Chat; events: ChatEvent[]; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  const chat = new Chat({ ...options, now: () => clock.now });
  const events: ChatEvent[] = [];
  chat.subscribe((e) => events.push(e));
  return { chat, events, clock };
}

/** The code `fn` throws (a NetroomError), or undefined when it returns. */
export function throwsCode(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(NetroomError);
    return (err as NetroomError).code;
  }
}

/** Names of an audience (or any member list), in order. */
export function names(members: readonly Member[]): string[] {
  return members.map((m) => m.name);
}

/** The last event, failing the test when there is none. */
export function last(events: readonly ChatEvent[]): ChatEvent {
  const event = events.at(-1);
  if (!event) throw new Error('no event');
  return event;
}
