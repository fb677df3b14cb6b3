// Writing in the chat: sending to the room or conversation on screen, the composer's error, and the remedies of a refused line.
import type { ApplyContext } from './chat-apply.js';
import { messageLength, type ChatItem } from './chat-items.js';
import { MAX_MESSAGE, currentConv, type ChatState } from './chat-state.js';
import { append, patch } from './conversations.js';
import type { ClientMessage } from './protocol.js';
import { TypingSender, typingMessage } from './typing.js';

/** What the composer needs of the chat client. */
export interface ComposerDeps {
  state(): ChatState;
  update(patch: Partial<ChatState>): void;
  send(message: ClientMessage): void;
  /** In the chat with an open socket. */
  online(): boolean;
  readonly context: ApplyContext;
  readonly maxItems: number;
}

/** Our own messages: shown at once (the server does not echo a room message; its `sent` gives the line its id), marked where refused. */
export class ChatComposer {
  /** `typing` messages for the text being written (throttled; see TypingSender). */
  private readonly typingSender: TypingSender;

  constructor(private readonly deps: ComposerDeps) {
    this.typingSender = new TypingSender((target, state) => {
      if (deps.online()) deps.send(typingMessage(target, state));
    });
  }

  /** The composer's text changed: tell the room or conversation on screen that we are typing (or stopped: empty). */
  typed(text: string): void {
    const conv = currentConv(this.deps.state());
    if (!conv || !this.deps.online()) return;
    this.typingSender.input(conv.kind === 'room' ? { room: conv.name } : { to: conv.name }, text.trim() === '');
  }

  /** Send a message to the room or conversation on screen; false (with `sayError` set, the text left to the caller) when it cannot go. */
  say(text: string): boolean {
    const { deps } = this;
    const length = messageLength(text);
    if (length > MAX_MESSAGE) {
      // Refused here rather than by the server: the text stays in the composer to be shortened.
      deps.update({ sayError: { code: 'MESSAGE_TOO_LONG', message: `a message is at most ${MAX_MESSAGE} characters (this one has ${length})` } });
      return false;
    }
    if (!deps.online()) {
      deps.update({ sayError: { code: 'NOT_CONNECTED', message: 'not connected to the server; wait a moment' } });
      return false;
    }
    const state = deps.state();
    const conv = currentConv(state);
    if (!conv) {
      deps.update({ sayError: { code: 'NO_ROOM', message: 'open a room or a conversation first' } });
      return false;
    }
    // The line's key is the `ref`: the server's `sent` gives that line its id (editing needs it at once), a refusal names it.
    const ref = `own-${deps.context.nextKey()}`;
    deps.send(conv.kind === 'room' ? { type: 'say', text, room: conv.name, ref } : { type: 'say', text, to: conv.name, ref });
    this.typingSender.done();
    deps.context.lastSaid = conv.key;
    const pending = deps.context.ownPending.get(conv.key) ?? [];
    deps.context.ownPending.set(conv.key, [...pending.slice(-99), text]);
    const item: ChatItem = { key: ref, ref, kind: conv.kind === 'room' ? 'message' : 'dm', at: Date.now(), name: state.name ?? '', text, mine: true };
    deps.update({ sayError: null, convs: patch(state.convs, conv.key, (c) => append(c, item, true, deps.maxItems)) });
    return true;
  }

  /** Forget the composer's error (its cause is gone: the text is short enough again). */
  clearSayError(): void {
    if (this.deps.state().sayError !== null) this.deps.update({ sayError: null });
  }

  /** Send a refused message again: its line moves to the end as a new message. */
  retry(key: string): void {
    const conv = currentConv(this.deps.state());
    const item = conv?.items.find((i) => i.key === key);
    if (!conv || !item?.failed || item.text === undefined) return;
    // Only once it is sent again: offline, the refused line stays (and `sayError` says why).
    if (this.say(item.text)) this.deps.update({ convs: patch(this.deps.state().convs, conv.key, (c) => ({ ...c, items: c.items.filter((i) => i.key !== key) })) });
  }

  /** Take a refused message off the log to edit it; returns its text. */
  takeBack(key: string): string | undefined {
    const state = this.deps.state();
    const conv = currentConv(state);
    const item = conv?.items.find((i) => i.key === key);
    if (!conv || !item?.failed) return undefined;
    this.deps.update({ convs: patch(state.convs, conv.key, (c) => ({ ...c, items: c.items.filter((i) => i !== item) })), sayError: null });
    return item.text;
  }
}
