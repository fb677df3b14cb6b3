// Bans and mutes: what they match, kept in memory from the store and reloaded when another process changes it.
import { NetroomError } from '../errors.js';
import { checkNameCharacters, foldName } from '../names.js';
import type { AccessStore, RestrictionKind, RestrictionRecord } from '../../store/access.js';
import { addressMatches, parseAddressPattern } from './addresses.js';

/** Who a restriction is tested against: a member (or someone about to become one). */
export interface Subject {
  /** The member's name. */
  readonly name: string;
  /** The account, when signed in. */
  readonly account?: string;
  /** The client's IP address, when the door has one. */
  readonly address?: string;
  /** IRC's user (ident) part, for `nick!user@host` masks; the name elsewhere. */
  readonly user?: string;
}

/** A ban or mute to add; `room` null (or absent) is server-wide. */
export interface RestrictionRequest {
  readonly type: 'ban' | 'mute';
  readonly kind: RestrictionKind;
  /** An account or member name, an address or prefix, or an IRC mask (`nick!user@host`, `*` and `?`). */
  readonly value: string;
  readonly room?: string | null;
  readonly reason?: string;
  /** How long, ms; absent or null: for ever. */
  readonly durationMs?: number | null;
}

/** Longest reason kept with a restriction. */
export const MAX_REASON_LENGTH = 300;

/** The bans and mutes in force, from the store, matched in memory (checked on every message for mutes). */
export class Restrictions {
  private readonly store: AccessStore;
  private readonly now: () => number;
  private all: RestrictionRecord[] = [];

  constructor(store: AccessStore, now: () => number = Date.now) {
    this.store = store;
    this.now = now;
    this.reload();
  }

  /** Read them again from the store (after another process changed it). */
  reload(): void {
    this.all = this.store.restrictions();
  }

  /** The restrictions in force, oldest first. */
  list(filter: { type?: 'ban' | 'mute'; room?: string | null } = {}): RestrictionRecord[] {
    const now = this.now();
    return this.all.filter(
      (r) => (r.until === null || r.until > now) && (filter.type === undefined || r.type === filter.type) && (filter.room === undefined || r.room === filter.room),
    );
  }

  /** Validate and store a new restriction; `roomKey` is the room's key when room-scoped. */
  add(request: RestrictionRequest, by: string, roomKey: string | null): RestrictionRecord {
    const { value, shown } = normalise(request.kind, request.value);
    const reason = typeof request.reason === 'string' ? request.reason.slice(0, MAX_REASON_LENGTH) : '';
    const duration = request.durationMs ?? null;
    if (duration !== null && !(Number.isFinite(duration) && duration > 0)) throw new NetroomError('BAD_REQUEST', 'a duration must be a positive time');
    const at = this.now();
    const record = this.store.addRestriction({
      type: request.type,
      room: roomKey,
      kind: request.kind,
      value,
      shown,
      reason,
      by,
      createdAt: at,
      until: duration === null ? null : at + duration,
    });
    this.all.push(record);
    return record;
  }

  /** Lift a restriction by id; the removed record, or undefined when none has that id. */
  remove(id: number): RestrictionRecord | undefined {
    const found = this.all.find((r) => r.id === id);
    if (!this.store.deleteRestriction(id)) return undefined;
    this.reload();
    return found;
  }

  /** Lift the restrictions of `type` and `kind` on `value` in `roomKey` (null: server-wide); those removed. */
  removeMatching(type: 'ban' | 'mute', kind: RestrictionKind, value: string, roomKey: string | null): RestrictionRecord[] {
    const { value: normal } = normalise(kind, value);
    const gone = this.all.filter((r) => r.type === type && r.kind === kind && r.value === normal && r.room === roomKey);
    for (const r of gone) this.store.deleteRestriction(r.id);
    if (gone.length > 0) this.reload();
    return gone;
  }

  /** The first restriction of `type` in force on `subject`: server-wide ones, and those of `roomKey` when given. */
  find(type: 'ban' | 'mute', subject: Subject, roomKey: string | null): RestrictionRecord | undefined {
    if (this.all.length === 0) return undefined;
    const now = this.now();
    for (const r of this.all) {
      if (r.type !== type || (r.until !== null && r.until <= now)) continue;
      if (r.room !== null && r.room !== roomKey) continue;
      if (matches(r, subject)) return r;
    }
    return undefined;
  }

  /** Does `record` match `subject`? */
  static matches(record: RestrictionRecord, subject: Subject): boolean {
    return matches(record, subject);
  }
}

function matches(r: RestrictionRecord, s: Subject): boolean {
  switch (r.kind) {
    case 'account':
      return s.account !== undefined && foldName(s.account) === r.value;
    case 'name':
      return foldName(s.name) === r.value;
    case 'address':
      return s.address !== undefined && addressMatches(r.value, s.address);
    case 'mask':
      return maskMatches(r.value, s);
  }
}

/** The stored form of a value: folded names, canonical addresses, masks completed to `nick!user@host`. */
function normalise(kind: RestrictionKind, raw: string): { value: string; shown: string } {
  if (typeof raw !== 'string' || raw.trim() === '') throw new NetroomError('BAD_REQUEST', 'say who: a name, an account, an address or a mask');
  const text = raw.trim();
  switch (kind) {
    case 'account':
    case 'name': {
      const name = checkNameCharacters(text, 64);
      return { value: foldName(name), shown: name };
    }
    case 'address': {
      const address = parseAddressPattern(text);
      if (address === null) throw new NetroomError('BAD_REQUEST', `not an address or prefix: ${text}`);
      return { value: address, shown: address };
    }
    case 'mask': {
      if (text.length > 200 || /\s/.test(text)) throw new NetroomError('BAD_REQUEST', `not a mask: ${text}`);
      const full = completeMask(text);
      return { value: full, shown: full };
    }
  }
}

/** IRC's usual completion: `nick` -> `nick!*@*`, `user@host` -> `*!user@host`. */
function completeMask(mask: string): string {
  if (mask.includes('!')) return mask.includes('@') ? mask : `${mask}@*`;
  if (mask.includes('@')) return `*!${mask}`;
  return `${mask}!*@*`;
}

function maskMatches(mask: string, s: Subject): boolean {
  const [nickPart = '*', rest = '*@*'] = mask.split('!', 2);
  const at = rest.lastIndexOf('@');
  const userPart = at < 0 ? rest : rest.slice(0, at);
  const hostPart = at < 0 ? '*' : rest.slice(at + 1);
  const hostOk = hostPart === '*' || (s.address !== undefined && (glob(hostPart, s.address.toLowerCase()) || addressMatches(hostPart, s.address)));
  return glob(nickPart.toLowerCase(), s.name.toLowerCase()) && glob(userPart.toLowerCase(), (s.user ?? s.name).toLowerCase()) && hostOk;
}

/** `*` and `?` wildcards, case already folded by the caller; linear time (no backtracking blow-up). */
function glob(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (star >= 0) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
