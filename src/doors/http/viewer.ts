// Which chat member an HTTP request acts as: the member connected under its account, or the guest member it names.
import type { FastifyRequest } from 'fastify';
import type { Chat } from '../../core/chat/chat.js';
import type { Member } from '../../core/chat/types.js';
import { foldName } from '../../core/names.js';
import { guestName } from './auth.js';
import { authOf } from './auth-hook.js';
import { header } from './files.js';

/**
 * The member a request speaks for, if connected: for a signed-in request, the member its account is
 * connected as (on any door); for a guest, the guest member it names with X-Netroom-Name (a guest's
 * name is a claim, as it always was: guests own nothing that needs more). Undefined otherwise.
 */
export function requestMember(chat: Chat, request: FastifyRequest): Member | undefined {
  const auth = authOf(request);
  if (auth.account !== undefined) {
    const key = foldName(auth.account.name);
    return chat.online().find((m) => m.account !== undefined && foldName(m.account) === key);
  }
  if (auth.actor.role !== 'guest') return undefined;
  const name = guestName(chat, header(request, 'x-netroom-name'));
  return name === undefined ? undefined : chat.find(name);
}

/** True for an administrator (an admin account or the admin token): reads every room. */
export function isAdminRequest(request: FastifyRequest): boolean {
  return authOf(request).actor.role === 'admin';
}
