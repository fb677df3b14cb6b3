// TAGMSG (IRCv3 message-tags): the `+typing` client tag becomes chat.typing (every door hears it); other client-only tags are dropped (CLIENTTAGDENY=*,-typing).
import type { TypingState } from '../../../core/chat/types.js';
import { typingLines } from '../edits.js';
import { MAX_TARGETS } from '../welcome.js';
import { commaList } from './shared.js';
import { command } from './types.js';

const STATES: ReadonlySet<string> = new Set<TypingState>(['active', 'paused', 'done']);

/**
 * `@+typing=active|paused|done TAGMSG target[,target]`: a room (`#`) or a nick on any door. Only
 * from a client that negotiated message-tags (others may not send tags). Typing is a hint: a
 * target one cannot speak to, an unknown state or a repeat within a second is dropped without a
 * word, as the chat does; with echo-message the client gets its TAGMSG back, as it would a PRIVMSG.
 */
export const TAGMSG = command(
  (hub, session, message) => {
    const member = session.member;
    const state = message.tags?.['+typing'];
    if (!member || !session.messageTags || state === undefined || !STATES.has(state)) return;
    for (const target of commaList(message.params[0]).slice(0, MAX_TARGETS)) {
      try {
        hub.chat.typing(member, target.startsWith('#') ? { room: target } : { to: target }, state as TypingState);
      } catch {
        // BAD_REQUEST for a malformed target: typing is never answered with an error.
        continue;
      }
      // Echoed only to a room or nick that exists (the client's own spelling, checked to be a name).
      const exists = target.startsWith('#') ? hub.chat.room(target) !== undefined : hub.chat.find(target) !== undefined;
      if (session.echoMessage && exists) session.sendRaw(typingLines(session.source, target, state, Date.now(), member.account).forMode(session.tagMode));
    }
  },
  { minParams: 1 },
);
