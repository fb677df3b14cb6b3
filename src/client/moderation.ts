// Client of the HTTP moderation API (/api/moderation/...): kick, ban, mute, lift them, list them; for administrators.
import type { WireRestriction } from '../doors/ws/messages.js';
import { HttpError, readJson, type HttpClient } from './http.js';

/** What a ban or mute matches. */
export type RestrictionKind = WireRestriction['kind'];

/** A ban or mute to add. `room` absent: server-wide; `durationMs` absent: for ever. */
export interface RestrictionOrder {
  readonly kind: RestrictionKind;
  readonly value: string;
  readonly room?: string;
  readonly reason?: string;
  readonly durationMs?: number;
}

/** What to lift: the same selector as when it was added, or its id from the list. */
export type LiftOrder = { readonly kind: RestrictionKind; readonly value: string; readonly room?: string } | { readonly id: number };

/** Moderation calls on one server; the client must carry an administrator's token (admin token or an admin account's). */
export class ModerationClient {
  constructor(private readonly http: HttpClient) {}

  /** Remove `name` from `room`, or from the server when no room is given. */
  async kick(name: string, room?: string, reason?: string): Promise<void> {
    await this.post('kick', { name, ...(room !== undefined && { room }), ...(reason !== undefined && { reason }) });
  }

  /** Ban or mute; resolves with the restriction as the server recorded it (when it says). */
  async restrict(type: 'ban' | 'mute', order: RestrictionOrder): Promise<WireRestriction | undefined> {
    const body = (await this.post(type, order)) as { restriction?: WireRestriction } | null;
    return body?.restriction;
  }

  /** Lift bans or mutes. */
  async lift(type: 'unban' | 'unmute', order: LiftOrder): Promise<void> {
    await this.post(type, order);
  }

  /** The bans and mutes in force: of `room`, or all. */
  async list(room?: string): Promise<WireRestriction[]> {
    const query = room === undefined ? '' : `?${new URLSearchParams({ room }).toString()}`;
    const res = await this.http.request(`/api/moderation/restrictions${query}`);
    const body = (await readJson(res)) as { restrictions?: unknown } | null;
    if (!Array.isArray(body?.restrictions)) throw new HttpError(res.statusCode ?? 0, 'BAD_RESPONSE', 'the server sent no list of restrictions');
    return body.restrictions as WireRestriction[];
  }

  private async post(action: string, body: object): Promise<unknown> {
    const res = await this.http.request(`/api/moderation/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify(body)),
    });
    return readJson(res).catch(() => null);
  }
}
