// The web UI's people logic in node: mentions (matching, completion), mention counts and the title, typing state and its throttled sender, pasted names.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../../web/src/chat-state.js';
import type { ChatItem } from '../../web/src/chat-items.js';
import { mentionCount, titlePrefix } from '../../web/src/mentions-count.js';
import { completeMention, mentionCandidates, mentionPredicate, mentionQuery, mentionsMe } from '../../web/src/mentions.js';
import { namelessPaste, pastedName } from '../../web/src/paste-name.js';
import type { WireEvent } from '../../web/src/protocol.js';
import { TypingSender, TypingState, type TypingStatus, type TypingTarget } from '../../web/src/typing.js';

describe('mentionsMe', () => {
  it('matches @name as a whole word, case-insensitively', () => {
    expect(mentionsMe('hi @alice', 'alice')).toBe(true);
    expect(mentionsMe('@ALICE: look', 'alice')).toBe(true);
    expect(mentionsMe('(@Alice)', 'alice')).toBe(true);
    expect(mentionsMe('thanks @alice.', 'alice')).toBe(true);
    expect(mentionsMe('@alice, @bob', 'Bob')).toBe(true);
    expect(mentionsMe('@小明 你好', '小明')).toBe(true);
  });

  it('does not match a longer name, an address, or a name without @', () => {
    expect(mentionsMe('hi @alicex', 'alice')).toBe(false);
    expect(mentionsMe('hi @alice.x', 'alice')).toBe(false);
    expect(mentionsMe('hi @alice-b', 'alice')).toBe(false);
    expect(mentionsMe('mail bob@alice', 'alice')).toBe(false);
    expect(mentionsMe('alice, look', 'alice')).toBe(false);
    expect(mentionsMe(undefined, 'alice')).toBe(false);
    expect(mentionsMe('@alice', null)).toBe(false);
  });

  it('finds a later whole-word mention after a longer one', () => {
    expect(mentionsMe('@alicex and @alice', 'alice')).toBe(true);
  });

  it("gives renderMarkdown 'me' for the reader, true for members, false for others", () => {
    const mention = mentionPredicate(['alice', 'Bob'], 'alice');
    expect(mention('ALICE')).toBe('me');
    expect(mention('bob')).toBe(true);
    expect(mention('carol')).toBe(false);
  });
});

describe('completion', () => {
  it('finds the @prefix before the caret', () => {
    expect(mentionQuery('hi @al', 6)).toEqual({ start: 3, prefix: 'al' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, prefix: '' });
    expect(mentionQuery('hi @al there', 12)).toBeNull();
    expect(mentionQuery('me@al', 5)).toBeNull();
    expect(mentionQuery('hi @al', 5)).toEqual({ start: 3, prefix: 'a' });
  });

  it('offers members by prefix, case-insensitively, never the reader, sorted', () => {
    expect(mentionCandidates(['bobby', 'Bob', 'alice', 'carol'], 'B', 'carol')).toEqual(['Bob', 'bobby']);
    expect(mentionCandidates(['bob', 'alice'], '', 'alice')).toEqual(['bob']);
    expect(mentionCandidates(['bob'], 'x', null)).toEqual([]);
    // Typed out in full: nothing to complete (Enter sends); with a longer name beside it, both are offered.
    expect(mentionCandidates(['bob', 'alice'], 'BOB', 'alice')).toEqual([]);
    expect(mentionCandidates(['bob', 'bobby'], 'bob', null)).toEqual(['bob', 'bobby']);
  });

  it('replaces the prefix with @name and a space, caret after it', () => {
    const text = 'hi @al';
    expect(completeMention(text, 6, { start: 3, prefix: 'al' }, 'alice')).toEqual({ text: 'hi @alice ', caret: 10 });
    // In the middle of a text with a space after: no second space, caret after the existing one.
    expect(completeMention('hi @al there', 6, { start: 3, prefix: 'al' }, 'alice')).toEqual({ text: 'hi @alice there', caret: 10 });
  });
});

function room(items: ChatItem[], unread: number): Conversation {
  return { key: 'room:#lobby', kind: 'room', name: '#lobby', topic: '', members: [], items, unread, more: false, loading: false, loaded: true };
}
const line = (n: number, text: string, name = 'bob'): ChatItem => ({ key: `k${n}`, kind: 'message', at: n, name, text });

describe('mention counts', () => {
  it('counts mentions of the reader among the unread lines only', () => {
    const items = [line(1, '@alice old'), line(2, 'plain'), { key: 'j', kind: 'join', at: 3, name: 'x' } as ChatItem, line(4, 'hey @alice'), line(5, 'more')];
    expect(mentionCount(room(items, 2), 'alice')).toBe(1);
    expect(mentionCount(room(items, 3), 'alice')).toBe(1);
    expect(mentionCount(room(items, 4), 'alice')).toBe(2);
    expect(mentionCount(room(items, 0), 'alice')).toBe(0);
    // Our own words naming ourselves are no mention.
    expect(mentionCount(room([line(1, 'I am @alice', 'alice')], 1), 'alice')).toBe(0);
  });

  it('counts every unread line of a conversation', () => {
    expect(mentionCount({ ...room([line(1, 'a'), line(2, 'b')], 2), kind: 'dm', key: 'dm:bob', name: 'bob' }, 'alice')).toBe(2);
  });

  it('prefixes the title with the unread count, and mentions as @M', () => {
    expect(titlePrefix(0, 0)).toBe('');
    expect(titlePrefix(3, 0)).toBe('(3) ');
    expect(titlePrefix(3, 1)).toBe('(3, @1) ');
  });
});

describe('typing state', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  const typing = (name: string, state: string, where: { room?: string; to?: string } = { room: '#lobby' }): WireEvent =>
    ({ id: 0, at: 0, kind: 'typing', name, state, ...where }) as unknown as WireEvent;

  it('shows active typists until paused, done, their message or 6 s without a refresh', () => {
    const state = new TypingState();
    let changes = 0;
    state.subscribe(() => changes++);
    expect(state.take(typing('bob', 'active'), 'alice')).toBe(true);
    expect(state.take(typing('carol', 'active'), 'alice')).toBe(true);
    expect(state.who('room:#lobby')).toEqual(['bob', 'carol']);
    state.take(typing('carol', 'paused'), 'alice');
    expect(state.who('room:#lobby')).toEqual(['bob']);
    // A refresh within 6 s keeps bob; 6 s after the last one he goes.
    vi.advanceTimersByTime(5000);
    state.take(typing('bob', 'active'), 'alice');
    vi.advanceTimersByTime(5000);
    expect(state.who('room:#lobby')).toEqual(['bob']);
    vi.advanceTimersByTime(1000);
    expect(state.who('room:#lobby')).toEqual([]);
    // His message clears him at once, and is no typing event.
    state.take(typing('bob', 'active'), 'alice');
    expect(state.take({ id: 5, at: 0, kind: 'message', name: 'bob', room: '#lobby', text: 'hi', notice: 'bob: hi' }, 'alice')).toBe(false);
    expect(state.who('room:#lobby')).toEqual([]);
    expect(changes).toBeGreaterThan(0);
  });

  it('files a direct typing event under the conversation with the typist, and ignores our own', () => {
    const state = new TypingState();
    state.take(typing('bob', 'active', { to: 'alice' }), 'alice');
    expect(state.who('dm:bob')).toEqual(['bob']);
    state.take(typing('alice', 'active'), 'alice');
    expect(state.who('room:#lobby')).toEqual([]);
  });
});

describe('typing sender', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('says active at most every 3 s, paused after 5 s idle, done on clear, once', () => {
    const sent: [TypingTarget, TypingStatus][] = [];
    const sender = new TypingSender((target, state) => sent.push([target, state]));
    const lobby = { room: '#lobby' };
    sender.input(lobby, false);
    vi.advanceTimersByTime(1000);
    sender.input(lobby, false);
    vi.advanceTimersByTime(1000);
    sender.input(lobby, false);
    expect(sent.map((s) => s[1])).toEqual(['active']);
    vi.advanceTimersByTime(1000);
    sender.input(lobby, false); // 3 s after the first
    expect(sent.map((s) => s[1])).toEqual(['active', 'active']);
    vi.advanceTimersByTime(5000);
    expect(sent.map((s) => s[1])).toEqual(['active', 'active', 'paused']);
    sender.input(lobby, false); // typing again after a pause: active at once
    sender.input(lobby, true); // cleared
    sender.done();
    expect(sent.map((s) => s[1])).toEqual(['active', 'active', 'paused', 'active', 'done']);
  });

  it('says done to the old place when the composer moves to another', () => {
    const sent: [TypingTarget, TypingStatus][] = [];
    const sender = new TypingSender((target, state) => sent.push([target, state]));
    sender.input({ room: '#lobby' }, false);
    sender.input({ to: 'bob' }, false);
    expect(sent).toEqual([
      [{ room: '#lobby' }, 'active'],
      [{ room: '#lobby' }, 'done'],
      [{ to: 'bob' }, 'active'],
    ]);
  });
});

describe('pasted names', () => {
  it('names a nameless pasted image from the local time', () => {
    expect(pastedName('image/png', new Date(2026, 0, 2, 3, 4, 5))).toBe('pasted-20260102-030405.png');
    expect(pastedName('image/jpeg', new Date(2026, 11, 31, 23, 59, 58))).toBe('pasted-20261231-235958.jpg');
    expect(namelessPaste('image.png', 'image/png')).toBe(true);
    expect(namelessPaste('', 'image/png')).toBe(true);
    expect(namelessPaste('holiday.png', 'image/png')).toBe(false);
    expect(namelessPaste('', 'text/plain')).toBe(false);
  });
});
