// Commands that await the history store (JOIN's replay, CHATHISTORY): one at a time per connection, their reply ahead of what arrived meanwhile.
import type { ChatEvent } from '../../core/chat/types.js';
import type { IrcHub } from './hub.js';
import { labelResponse } from './label.js';
import type { IrcSession } from './session.js';

/**
 * A command handler returned a promise: it is waiting for the store (a networked one answers over
 * the network, and meanwhile anything else may run). Until it settles:
 * - the client's next lines wait, in order (the hub holds them in `session.held` and pauses the
 *   socket, so at most one read chunk waits): a later command's reply must not overtake this one;
 * - every other line for this client (live events, PING) waits in `session.deferred`, so a JOIN's
 *   replayed history comes before the messages said since, as it would with no wait; the store
 *   ids of the events deferred are noted (`session.heard`), and the replay leaves those out: a
 *   late answer may already hold them, and they follow live;
 * - the command sends through `session.respond`, so its lines are its reply (and, when labelled,
 *   they are the ones the label wraps).
 * Then the reply is labelled and queued, the deferred lines follow, and the held lines run. A
 * rejection is a bug (the commands answer a failed read themselves): logged, and the client told.
 */
export function awaitCommand(hub: IrcHub, session: IrcSession, pending: Promise<void>, command: string, label: string | undefined): void {
  session.deferred ??= [];
  hub.awaiting.add(session);
  session.socket.pause();
  pending
    .catch((err: unknown) => {
      hub.log.error({ err, command, peer: session.peer }, 'irc command failed');
      session.respond(() => session.notice(`internal error while handling ${command}`));
    })
    .finally(() => settle(hub, session, label))
    // settle only queues lines and runs held ones (each guarded by handleLine): a throw here is a bug to log, never an unhandled rejection.
    .catch((err: unknown) => hub.log.error({ err, command, peer: session.peer }, 'irc command settling failed'));
}

/** The awaited command is done: its reply (labelled), then the deferred lines, then the lines the client sent meanwhile. */
function settle(hub: IrcHub, session: IrcSession, label: string | undefined): void {
  const captured = session.captured;
  const deferred = session.deferred;
  session.captured = null;
  session.deferred = null;
  session.heard.clear();
  hub.awaiting.delete(session);
  // Closed meanwhile: end() has written what was waiting (or abort() dropped it); nothing more to do.
  if (session.closing) return;
  if (captured !== null && label !== undefined) {
    for (const buf of labelResponse(hub, label, captured, session.batch)) session.writer.push(buf);
  }
  if (deferred !== null) for (const buf of deferred) session.writer.push(buf);
  hub.release(session);
  if (session.deferred === null && !session.closing) session.socket.resume();
}

/** A chat event is being delivered: the sessions awaiting the store that hear it note its store id (see awaitCommand). */
export function noteHeard(hub: IrcHub, event: ChatEvent): void {
  const id = hub.ctx.history?.storedOf(event)?.id;
  if (id === undefined) return;
  for (const session of hub.awaiting) {
    if (session.member !== undefined && event.audience.includes(session.member)) session.heard.add(id);
  }
}
