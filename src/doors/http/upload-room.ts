// The room an HTTP upload's notice is shared into: `?room=#dev` or the X-Netroom-Room header, checked before any byte is stored.
import type { FastifyRequest } from 'fastify';
import { NetroomError } from '../../core/errors.js';
import { checkRoomName, roomKey } from '../../core/chat/room-key.js';
import { LOBBY } from '../../core/chat/types.js';
import type { HttpShared } from './context.js';
import { header, queryParam } from './files.js';
import { isAdminRequest, requestMember } from './viewer.js';

/** A header value as text: header values are Latin-1, so a UTF-8 room name comes percent-encoded (browsers) or as raw bytes. */
function headerText(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return Buffer.from(raw, 'latin1').toString('utf8');
  }
}

/**
 * The room of an upload: `?room=` (percent-encoded: `?room=%23dev`) or `X-Netroom-Room`, `#lobby`
 * when neither is given; both must agree. BAD_ROOM for a name that is not one, NO_SUCH_ROOM for a
 * room that does not exist. A room only its members may read (secret, invite-only, keyed) takes
 * the notice only from a member of it (the member the signed-in account is connected as, or the
 * guest member named by X-Netroom-Name) or an administrator: else NO_SUCH_ROOM for a secret room
 * (as if it did not exist), PERMISSION_DENIED for the others. Only members speak in a room (+n).
 */
export function uploadRoom(shared: HttpShared, request: FastifyRequest): string {
  const fromQuery = queryParam(request, 'room');
  const rawHeader = header(request, 'x-netroom-room');
  const fromHeader = rawHeader === undefined ? '' : headerText(rawHeader);
  if (fromQuery !== '' && fromHeader !== '' && roomKey(fromQuery) !== roomKey(fromHeader)) {
    throw new NetroomError('BAD_REQUEST', `?room=${fromQuery} and X-Netroom-Room: ${fromHeader} name different rooms`);
  }
  const given = fromQuery !== '' ? fromQuery : fromHeader;
  if (given === '') return LOBBY;
  const { chat } = shared.ctx;
  const name = checkRoomName(given);
  const info = chat.room(name);
  if (info === undefined) throw new NetroomError('NO_SUCH_ROOM', `no room called ${name}`, { room: name });
  const uploader = requestMember(chat, request);
  if (!isAdminRequest(request) && !chat.mayRead(uploader, info.name)) {
    if (info.modes.secret) throw new NetroomError('NO_SUCH_ROOM', `no room called ${name}`, { room: name });
    throw new NetroomError('PERMISSION_DENIED', `only members of ${info.name} share files into it (sign in, or name yourself with X-Netroom-Name)`, { room: info.name });
  }
  return info.name;
}
