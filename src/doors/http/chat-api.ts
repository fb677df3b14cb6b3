// GET /api/rooms, /api/rooms/:room/history and /api/search: the rooms over HTTP, as the signed-in account's member sees them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NetroomError } from '../../core/errors.js';
import { checkRoomName } from '../../core/chat/room-key.js';
import type { Member, RoomInfo } from '../../core/chat/types.js';
import type { StoredEvent } from '../../store/history.js';
import { DEFAULT_PAGE, MAX_QUERY_LENGTH } from '../ws/codec.js';
import { MAX_PAGE, type WireEvent } from '../ws/messages.js';
import { wireRoom, wireStored } from '../ws/wire.js';
import { readStore } from '../store-read.js';
import type { HttpShared } from './context.js';
import { queryParam } from './files.js';
import { isAdminRequest, requestMember } from './viewer.js';

/** A whole number from `min` to `max` in a query parameter, or undefined when absent. */
function countParam(request: FastifyRequest, name: string, min: number, max: number): number | undefined {
  const raw = queryParam(request, name);
  if (raw === '') return undefined;
  const value = Number(raw);
  if (!/^\d{1,16}$/u.test(raw) || value < min || value > max) {
    throw new NetroomError('BAD_REQUEST', `${name} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/**
 * The chat API. A request reads as the member it speaks for (viewer.ts: the member its account is
 * connected as, or the guest member it names): rooms it is in count as readable. Anyone reads the
 * rooms that are neither secret, invite-only nor keyed; administrators read every room. Secret
 * rooms one may not read are not listed and answer 404 NO_SUCH_ROOM as if they did not exist; a
 * visible room one may not read answers 403 PERMISSION_DENIED. Direct messages are not reachable
 * over HTTP at all. Events have the WebSocket wire's shape (WireEvent, messages.ts).
 */
export function chatApiRoutes(app: FastifyInstance, shared: HttpShared): void {
  const { chat, lang } = shared.ctx;
  const wire = (events: readonly StoredEvent[]): WireEvent[] => events.map((e) => wireStored(lang, e));

  // Live state: never cached.
  app.get('/api/rooms', async (request, reply) => {
    const rooms = chat.rooms(requestMember(chat, request)).map((info) => wireRoom(info, false));
    return reply.header('cache-control', 'no-store').send({ rooms });
  });

  // A read the store cannot answer rejects with STORE_UNAVAILABLE: 503 with that code (errors.ts).
  app.get('/api/rooms/:room/history', async (request, reply) => reply.header('cache-control', 'no-store').send(await history(request)));

  app.get('/api/search', async (request, reply) => reply.header('cache-control', 'no-store').send(await search(request)));

  async function history(request: FastifyRequest): Promise<{ room: string; events: WireEvent[]; more: boolean }> {
    const info = readableRoom(request, (request.params as { room: string }).room);
    const before = countParam(request, 'before', 1, Number.MAX_SAFE_INTEGER);
    const limit = countParam(request, 'limit', 1, MAX_PAGE) ?? DEFAULT_PAGE;
    const store = shared.ctx.history;
    if (!store) return { room: info.name, events: [], more: false };
    // One more than asked says whether older events exist.
    const rows = await readStore(request.log, () => (before === undefined ? store.recent({ room: info.name }, limit + 1) : store.page({ room: info.name }, before, limit + 1)));
    const more = rows.length > limit;
    return { room: info.name, events: wire(more ? rows.slice(rows.length - limit) : rows), more };
  }

  async function search(request: FastifyRequest): Promise<{ query: string; events: WireEvent[] }> {
    const query = queryParam(request, 'q');
    if (query.trim() === '') throw new NetroomError('BAD_REQUEST', 'give words to look for as ?q=WORDS');
    if (query.length > MAX_QUERY_LENGTH) throw new NetroomError('BAD_REQUEST', `a query is at most ${MAX_QUERY_LENGTH} characters`);
    const before = countParam(request, 'before', 1, Number.MAX_SAFE_INTEGER);
    const limit = countParam(request, 'limit', 1, MAX_PAGE) ?? DEFAULT_PAGE;
    const member = requestMember(chat, request);
    const admin = isAdminRequest(request);
    const rooms = chat
      .rooms(member)
      .filter((info) => admin || chat.mayRead(member, info.name))
      .map((info) => info.name);
    const store = shared.ctx.history;
    return { query, events: store ? wire(await readStore(request.log, () => store.search(query, { rooms }, limit, before))) : [] };
  }

  /** `#dev` or `dev` (a `#` is awkward in a path: `%23dev`), if anyone may read it. */
  function readableRoom(request: FastifyRequest, raw: string): RoomInfo {
    const name = checkRoomName(raw.startsWith('#') ? raw : `#${raw}`);
    const info = chat.room(name);
    const member: Member | undefined = requestMember(chat, request);
    const may = info !== undefined && (isAdminRequest(request) || chat.mayRead(member, info.name));
    if (info === undefined || (info.modes.secret && !may)) throw new NetroomError('NO_SUCH_ROOM', `no room called ${name}`, { room: name });
    if (!may) {
      throw new NetroomError('PERMISSION_DENIED', `only members of ${info.name} read its history`, { room: info.name });
    }
    return info;
  }
}
