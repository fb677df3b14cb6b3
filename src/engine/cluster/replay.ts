// Replays another node's chat operations on this node's chat: its members appear here as members with `node` set.
import type { Chat } from '../../core/chat/chat.js';
import type { Member, Who } from '../../core/chat/types.js';
import type { EditTarget } from '../../core/chat/edits.js';
import type { ChatOp, WireMember } from './wire.js';

/** The member of `node` called `name` here, if this node knows it. */
export function ghostOf(chat: Chat, node: string, name: string): Member | undefined {
  const member = chat.find(name);
  return member?.node === node ? member : undefined;
}

/** The member of `node` that `m` describes, made here on first sight (a node that started late, a lost message). */
export function ensureGhost(chat: Chat, node: string, m: WireMember): Member {
  const known = ghostOf(chat, node, m.name);
  if (known) return known;
  const who: Who & { node: string } = {
    node,
    ...(m.account === undefined ? {} : { account: m.account }),
    ...(m.role === undefined ? {} : { role: m.role }),
    ...(m.address === undefined ? {} : { address: m.address }),
    ...(m.user === undefined ? {} : { user: m.user }),
  };
  return chat.replaying({ node }, () => chat.connect(m.name, m.door, who));
}

/**
 * Apply one operation from `node` (under chat.replaying, so no rule is asked again and nothing is
 * stored or sent on). Throws what the chat throws when this node's state disagrees (a member it
 * never saw leave a room it is not in): the caller logs it; the next operations still apply.
 */
/** What an edit or delete op is about, as the chat's replay takes it. */
function editTarget(op: Extract<ChatOp, { op: 'edit' | 'delete' }>): EditTarget {
  return op.room !== undefined ? { target: op.target, room: op.room, author: op.author } : { target: op.target, to: op.to ?? '', author: op.author };
}

export function applyOp(chat: Chat, node: string, op: ChatOp): void {
  const from = op.op !== 'connect' && op.op !== 'mode' && op.op !== 'invite' && op.op !== 'away' && op.op !== 'edit' && op.op !== 'delete' && op.op !== 'typing' && op.id !== undefined ? { node, storedId: op.id } : { node };
  switch (op.op) {
    case 'connect':
      ensureGhost(chat, node, op.m);
      return;
    case 'quit': {
      const ghost = ghostOf(chat, node, op.m.name);
      if (ghost) chat.replaying(from, () => chat.disconnect(ghost, op.reason, op.text));
      return;
    }
    case 'part': {
      const ghost = ghostOf(chat, node, op.m.name);
      if (ghost) chat.replaying(from, () => chat.part(ghost, op.room, op.text));
      return;
    }
    case 'rename': {
      const ghost = ghostOf(chat, node, op.m.name);
      if (ghost) chat.replaying(from, () => chat.rename(ghost, op.to));
      else ensureGhost(chat, node, { ...op.m, name: op.to });
      return;
    }
    case 'announce':
      chat.replaying(from, () => chat.announce(op.text));
      return;
    case 'file':
      chat.replaying(from, () => chat.fileShared(op.path, op.size, op.name, op.room));
      return;
    case 'moderation':
      chat.replaying(from, () => chat.notifyModeration(op.action, op.scope, op.by, op.target, op.text, op.until));
      return;
    case 'kick': {
      const by = op.m === undefined ? undefined : ensureGhost(chat, node, op.m);
      chat.replaying(from, () => chat.kick(by, op.room, op.target, op.text, op.by));
      return;
    }
    default:
      break;
  }
  const ghost = ensureGhost(chat, node, op.m);
  chat.replaying(from, () => {
    switch (op.op) {
      case 'join':
        chat.join(ghost, op.room);
        return;
      case 'say':
        chat.say(ghost, op.room, op.text, op.notice ? { notice: true } : {});
        return;
      case 'dm':
        chat.dm(ghost, op.to, op.text, op.notice ? { notice: true } : {});
        return;
      case 'topic':
        chat.setTopic(ghost, op.room, op.topic);
        return;
      case 'mode':
        chat.setModes(ghost, op.room, op.applied);
        return;
      case 'invite':
        chat.invite(ghost, op.room, op.to);
        return;
      case 'away':
        chat.setAway(ghost, op.text);
        return;
      case 'edit':
        chat.replayEdit(ghost, editTarget(op), op.text);
        return;
      case 'delete':
        chat.replayDelete(ghost, editTarget(op));
        return;
      case 'typing':
        chat.typing(ghost, op.room !== undefined ? { room: op.room } : { to: op.to ?? '' }, op.state);
        return;
    }
  });
}
