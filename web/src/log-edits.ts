// Editing and deleting messages from the log: the requests, and learning the ids of our own room messages (the server does not echo them).
import { askNewest, type ApplyContext } from './chat-apply.js';
import { currentConv, type ChatState } from './chat-state.js';
import type { ClientMessage } from './protocol.js';

/** What the log's actions need of the chat client. */
export interface LogEditsDeps {
  send(message: ClientMessage): void;
  state(): ChatState;
  context(): ApplyContext;
  online(): boolean;
}

/** Edit and delete; the result arrives as `edit`/`delete` events (applied in chat-apply.ts), a refusal as `sayError`. */
export class LogEdits {
  constructor(private readonly deps: LogEditsDeps) {}

  /** Replace the text of our message `id` (a history id). */
  edit(id: number, text: string): void {
    if (id <= 0 || text.trim() === '' || !this.deps.online()) return;
    this.deps.send({ type: 'edit', id, text });
  }

  /** Delete message `id` (ours, or any where we moderate: the server decides). */
  remove(id: number): void {
    if (id <= 0 || !this.deps.online()) return;
    this.deps.send({ type: 'delete', id });
  }

  /**
   * Our room messages are shown locally and never come back with their id; the newest history of
   * the conversation on screen carries them (merged in chat-apply.ts, which gives the local lines
   * their ids). Asked only when such a line exists and no history request is on its way.
   */
  learnIds(): void {
    const conv = currentConv(this.deps.state());
    const ctx = this.deps.context();
    if (!conv || conv.loading || ctx.historyMode.has(conv.key) || !this.deps.online()) return;
    if (!conv.items.some((i) => i.mine === true && i.id === undefined && !i.failed)) return;
    this.deps.send(askNewest(ctx, conv));
  }
}
