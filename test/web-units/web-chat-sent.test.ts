// The web UI's own messages in node: each `say` carries its line's ref; `sent` gives exactly that line its id, a refusal marks exactly that line, a direct message's copy is not shown twice.
import { describe, expect, it } from 'vitest';
import { applyAnswer, applyRefusal } from '../../web/src/chat-answers.js';
import type { ApplyContext } from '../../web/src/chat-apply.js';
import { ChatComposer } from '../../web/src/chat-compose.js';
import { INITIAL_CHAT, type ChatState, type Conversation } from '../../web/src/chat-state.js';
import { newDm, newRoom } from '../../web/src/conversations.js';
import type { ClientMessage, ServerMessage } from '../../web/src/protocol.js';

type Say = Extract<ClientMessage, { type: 'say' }>;

/** A chat entered as ann, in #lobby and a conversation with bob, with a composer writing into it. */
function chat(): { state: () => ChatState; open: (key: string) => void; say: (text: string) => Say; answer: (m: ServerMessage) => void; ctx: ApplyContext } {
  let seq = 0;
  const lobby: Conversation = newRoom({ name: '#lobby', topic: '', size: 2, modes: { noExternal: true, topicLocked: false, secret: false, inviteOnly: false, moderated: false, key: null, limit: null } }, ['ann', 'bob'], []);
  let state: ChatState = { ...INITIAL_CHAT, status: 'in', name: 'ann', convs: [lobby, { ...newDm('bob', 'ann'), loaded: true }], current: lobby.key };
  const ctx: ApplyContext = { maxItems: 500, ownPending: new Map(), opening: new Set(), joins: [], historyMode: new Map(), lastSaid: null, nextKey: () => `local-${++seq}` };
  const sent: ClientMessage[] = [];
  const composer = new ChatComposer({
    state: () => state,
    update: (patch) => (state = { ...state, ...patch }),
    send: (m) => sent.push(m),
    online: () => true,
    context: ctx,
    maxItems: 500,
  });
  return {
    state: () => state,
    open: (key) => (state = { ...state, current: key }),
    say(text) {
      expect(composer.say(text)).toBe(true);
      const said = sent.filter((m): m is Say => m.type === 'say').at(-1);
      if (!said) throw new Error('nothing said');
      return said;
    },
    answer(m) {
      if (m.type === 'error') state = applyRefusal(state, { code: m.code, message: m.message }, m.about, ctx, m.ref);
      else if (m.type !== 'library' && m.type !== 'hello' && m.type !== 'welcome') state = applyAnswer(state, m, ctx).state;
    },
    ctx,
  };
}

function lines(state: ChatState, key: string) {
  return (state.convs.find((c) => c.key === key)?.items ?? []).map((i) => ({ text: i.text, id: i.id, failed: i.failed?.code }));
}

describe('web chat: sent and refused by ref', () => {
  it('sends a ref with every message; `sent` gives that line (and no other) its id and the server time', () => {
    const c = chat();
    const first = c.say('same words');
    const second = c.say('same words');
    expect(first).toMatchObject({ type: 'say', text: 'same words', room: '#lobby' });
    expect(first.ref).toBeTruthy();
    expect(second.ref).not.toBe(first.ref);
    c.answer({ type: 'sent', ref: second.ref ?? '', id: 42, at: 1000 });
    const key = c.state().current ?? '';
    expect(lines(c.state(), key)).toEqual([
      { text: 'same words', id: undefined, failed: undefined },
      { text: 'same words', id: 42, failed: undefined },
    ]);
    expect(c.state().convs[0]?.items[1]?.at).toBe(1000);
    // A ref nobody has (a line taken back meanwhile) changes nothing.
    const before = c.state();
    c.answer({ type: 'sent', ref: 'gone', id: 43, at: 1001 });
    expect(c.state()).toBe(before);
  });

  it('marks the refused line by its ref, not the newest one', () => {
    const c = chat();
    const early = c.say('refused one');
    c.say('accepted one');
    c.answer({ type: 'error', code: 'MUTED', message: 'you are muted', about: 'say', ref: early.ref ?? '' });
    const key = c.state().current ?? '';
    expect(lines(c.state(), key)).toEqual([
      { text: 'refused one', id: undefined, failed: 'MUTED' },
      { text: 'accepted one', id: undefined, failed: undefined },
    ]);
    expect(c.state().sayError?.code).toBe('MUTED');
    // Never stored: no longer expected in a replayed history; the other one still is.
    expect(c.ctx.ownPending.get(key)).toEqual(['accepted one']);
  });

  it('a direct message shows once whether its `sent` or its copy comes first', () => {
    const c = chat();
    const key = c.state().convs[1]?.key ?? '';
    c.open(key);
    const a = c.say('first dm');
    c.answer({ type: 'sent', ref: a.ref ?? '', id: 7, at: 2000 });
    c.answer({ type: 'event', event: { id: 7, at: 2000, kind: 'dm', name: 'ann', to: 'bob', text: 'first dm', notice: 'ann (private): first dm' } });
    c.say('second dm');
    c.answer({ type: 'event', event: { id: 8, at: 2001, kind: 'dm', name: 'ann', to: 'bob', text: 'second dm', notice: 'ann (private): second dm' } });
    const b = c.state().convs[1]?.items[1]?.ref ?? '';
    c.answer({ type: 'sent', ref: b, id: 8, at: 2001 });
    expect(lines(c.state(), key)).toEqual([
      { text: 'first dm', id: 7, failed: undefined },
      { text: 'second dm', id: 8, failed: undefined },
    ]);
  });
});
