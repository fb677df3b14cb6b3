// Moderation over HTTP for administrators (admin account or admin token): kick, ban, mute, lift them, list them.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Chat } from '../../core/chat/chat.js';
import type { Moderation, Moderator } from '../../core/chat/moderation.js';
import { NetroomError } from '../../core/errors.js';
import type { RestrictionKind, RestrictionRecord } from '../../store/access.js';
import type { WireRestriction } from '../ws/messages.js';
import { bodyObject, optionalDuration, optionalText, requireAdmin, textField } from './auth-hook.js';
import type { HttpShared } from './context.js';
import { HttpError } from './errors.js';
import { queryParam } from './files.js';

const KINDS: readonly RestrictionKind[] = ['account', 'name', 'address', 'mask'];

/** A ban or mute as the API lists it (the WebSocket wire's shape): the room by name, the value as typed. */
export function wireRestriction(chat: Chat, r: RestrictionRecord): WireRestriction {
  return {
    id: r.id,
    type: r.type,
    room: r.room === null ? null : (chat.roomNameByKey(r.room) ?? r.room),
    kind: r.kind,
    value: r.shown,
    reason: r.reason,
    by: r.by,
    createdAt: r.createdAt,
    until: r.until,
  };
}

function kindField(body: Record<string, unknown>): RestrictionKind {
  const kind = body['kind'];
  if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) throw new NetroomError('BAD_REQUEST', `kind is one of ${KINDS.join(', ')}`);
  return kind as RestrictionKind;
}

/** `#dev` or `dev`; null when absent (server-wide). */
function roomField(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  return raw.startsWith('#') ? raw : `#${raw}`;
}

/** Register /api/moderation/{kick,ban,mute,unban,unmute} (POST) and /api/moderation/restrictions (GET). */
export function moderationRoutes(app: FastifyInstance, shared: HttpShared): void {
  const { chat } = shared.ctx;

  /** The moderator behind a request (administrators only over HTTP) and the moderation core. */
  const moderator = (request: FastifyRequest): { by: Moderator; moderation: Moderation } => {
    const auth = requireAdmin(request, 'moderate over HTTP');
    const moderation = shared.ctx.moderation;
    if (moderation === undefined) throw new HttpError(404, 'NOT_FOUND', 'this server has no moderation (no access store)');
    return { by: { actor: auth.actor }, moderation };
  };

  app.post('/api/moderation/kick', async (request, reply) => {
    const { by, moderation } = moderator(request);
    const shape = '{"name": "...", "room": "#room" (optional: server-wide), "reason": "..."}';
    const body = bodyObject(request, shape);
    const name = textField(body, 'name', shape);
    moderation.kick(by, roomField(optionalText(body, 'room')), name, optionalText(body, 'reason') ?? '');
    return reply.send({ ok: true });
  });

  for (const type of ['ban', 'mute'] as const) {
    app.post(`/api/moderation/${type}`, async (request, reply) => {
      const { by, moderation } = moderator(request);
      const shape = '{"kind": "account"|"name"|"address"|"mask", "value": "...", "room": "#room", "reason": "...", "durationMs": N}';
      const body = bodyObject(request, shape);
      const kind = kindField(body);
      const value = textField(body, 'value', shape);
      const reason = optionalText(body, 'reason');
      const durationMs = optionalDuration(body, 'durationMs');
      const record = moderation.restrict(by, {
        type,
        kind,
        value,
        room: roomField(optionalText(body, 'room')),
        ...(reason === undefined ? {} : { reason }),
        ...(durationMs === undefined ? {} : { durationMs }),
      });
      return reply.send({ ok: true, restriction: wireRestriction(chat, record) });
    });
  }

  for (const [action, type] of [['unban', 'ban'], ['unmute', 'mute']] as const) {
    app.post(`/api/moderation/${action}`, async (request, reply) => {
      const { by, moderation } = moderator(request);
      const shape = '{"kind": "...", "value": "...", "room": "#room"} or {"id": N}';
      const body = bodyObject(request, shape);
      if (body['id'] !== undefined) {
        const id = body['id'];
        if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw new NetroomError('BAD_REQUEST', 'id is a whole number (from GET /api/moderation/restrictions)');
        // liftById lifts either type: an unban must not lift a mute.
        const found = moderation.list(by).find((r) => r.id === id);
        if (found?.type !== type) throw new NetroomError('NOT_FOUND', `no ${type} has id ${id}`);
        moderation.liftById(by, id);
      } else {
        moderation.lift(by, type, kindField(body), textField(body, 'value', shape), roomField(optionalText(body, 'room')));
      }
      return reply.send({ ok: true });
    });
  }

  app.get('/api/moderation/restrictions', async (request, reply) => {
    const { by, moderation } = moderator(request);
    const restrictions = moderation.list(by, roomField(queryParam(request, 'room'))).map((r) => wireRestriction(chat, r));
    return reply.header('cache-control', 'no-store').send({ restrictions });
  });
}
