// Editing and deleting messages from the log: the requests (our own lines know their ids from the server's `sent`).
import type { ClientMessage } from './protocol.js';

/** What the log's actions need of the chat client. */
export interface LogEditsDeps {
  send(message: ClientMessage): void;
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
}
