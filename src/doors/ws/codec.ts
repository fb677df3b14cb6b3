// WebSocket chat codec, pure: validates client frames (every field's type and bounds), encodes server messages, frames text once.
import { NetroomError } from '../../core/errors.js';
import { MAX_KEY_LENGTH } from '../../core/chat/modes.js';
import { MAX_NAME_LENGTH } from '../../core/names.js';
import { MAX_ROOM_NAME_LENGTH } from '../../core/chat/room-key.js';
import type { TypingState } from '../../core/chat/types.js';
import { MAX_PAGE, MAX_REF_LENGTH, type ClientMessage, type ServerMessage, type WireAccount, type WireRoom } from './messages.js';

/** Longest `resume` token accepted (ours are 24 characters); anything longer is not one of ours. */
export const MAX_TOKEN_LENGTH = 128;

/** Longest search query, in characters. */
export const MAX_QUERY_LENGTH = 200;

/** Events in a history page or search answer when the request gives no `limit`. */
export const DEFAULT_PAGE = 50;

/** The client message types, for validation and for the `about` of an error. */
export const CLIENT_TYPES: readonly ClientMessage['type'][] = [
  'enter',
  'say',
  'join',
  'part',
  'topic',
  'who',
  'rooms',
  'history',
  'search',
  'conversations',
  'leave',
  'kick',
  'ban',
  'mute',
  'unban',
  'unmute',
  'restrictions',
  'edit',
  'delete',
  'typing',
];

const RESTRICTION_KINDS: readonly string[] = ['account', 'name', 'address', 'mask'];
/** A reason longer than the core keeps is cut there; this only stops the absurd. */
const REASON_FIELD_MAX = 2000;

/** A decoded frame: a valid message, or the error to answer with (`about` when the type was known). */
export type DecodeResult =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly error: NetroomError; readonly about?: ClientMessage['type']; readonly ref?: string };

function bad(message: string, about?: ClientMessage['type'], ref?: string): DecodeResult & { ok: false } {
  const error = new NetroomError('BAD_REQUEST', message);
  if (about === undefined) return { ok: false, error };
  return ref === undefined ? { ok: false, error, about } : { ok: false, error, about, ref };
}

const CLIENT_TYPE_SET: ReadonlySet<string> = new Set(CLIENT_TYPES);

function isClientType(value: unknown): value is ClientMessage['type'] {
  return typeof value === 'string' && CLIENT_TYPE_SET.has(value);
}

/** Thrown inside decoding only, caught at its end: a field that is not what the protocol says. */
class FieldError extends Error {}

type Fields = Record<string, unknown>;

/**
 * A string field; absent (undefined or null) is `undefined` unless required. `max` bounds the
 * length in UTF-16 units where the core would not (a key, a query): names, rooms and texts are the
 * core's to judge, so a person gets the precise reason (BAD_ROOM, MESSAGE_TOO_LONG...), and the
 * frame limit bounds them all anyway.
 */
function text(fields: Fields, key: string, required: true, max?: number): string;
function text(fields: Fields, key: string, required: false, max?: number): string | undefined;
function text(fields: Fields, key: string, required: boolean, max?: number): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) {
    if (required) throw new FieldError(`"${key}" is required (a string)`);
    return undefined;
  }
  if (typeof value !== 'string') throw new FieldError(`"${key}" must be a string`);
  if (max !== undefined && value.length > max) throw new FieldError(`"${key}" is at most ${max} characters`);
  return value;
}

/** An optional whole-number field from `min` to `max`. */
function count(fields: Fields, key: string, min: number, max: number): number | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FieldError(`"${key}" must be a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Room names are checked by the core (BAD_ROOM); this only stops the absurd before it gets there. */
const ROOM_FIELD_MAX = 4 * MAX_ROOM_NAME_LENGTH;
const NAME_FIELD_MAX = 4 * MAX_NAME_LENGTH;

/** The fields of one message type, checked. Objects are built with only the fields given (no `undefined` properties), without helpers that allocate: `say` is on the hot path. */
function decodeFields(type: ClientMessage['type'], fields: Fields): ClientMessage {
  switch (type) {
    case 'enter': {
      // Optional: a connection signed in at the upgrade enters under its account's name (the door checks).
      const name = text(fields, 'name', false);
      const resume = fields.resume;
      if (resume === undefined || resume === null) return name === undefined ? { type } : { type, name };
      if (typeof resume !== 'string' || resume.length > MAX_TOKEN_LENGTH) throw new FieldError('"resume" must be the token of a welcome');
      return name === undefined ? { type, resume } : { type, name, resume };
    }
    case 'say': {
      const message = text(fields, 'text', true);
      const room = text(fields, 'room', false, ROOM_FIELD_MAX);
      const to = text(fields, 'to', false, NAME_FIELD_MAX);
      if (room !== undefined && to !== undefined) throw new FieldError('say to a "room" or privately "to" a member, not both');
      const ref = fields.ref;
      if (ref === undefined || ref === null) return room !== undefined ? { type, text: message, room } : to !== undefined ? { type, text: message, to } : { type, text: message };
      if (!isRef(ref)) throw new FieldError(`"ref" must be a string of 1 to ${MAX_REF_LENGTH} characters`);
      return room !== undefined ? { type, text: message, room, ref } : to !== undefined ? { type, text: message, to, ref } : { type, text: message, ref };
    }
    case 'join': {
      const room = text(fields, 'room', true, ROOM_FIELD_MAX);
      const key = text(fields, 'key', false, MAX_KEY_LENGTH);
      return key === undefined ? { type, room } : { type, room, key };
    }
    case 'part':
      return { type, room: text(fields, 'room', true, ROOM_FIELD_MAX) };
    case 'topic':
      return { type, room: text(fields, 'room', true, ROOM_FIELD_MAX), topic: text(fields, 'topic', true) };
    case 'who': {
      const room = text(fields, 'room', false, ROOM_FIELD_MAX);
      return room === undefined ? { type } : { type, room };
    }
    case 'history': {
      const room = text(fields, 'room', false, ROOM_FIELD_MAX);
      const other = text(fields, 'with', false, NAME_FIELD_MAX);
      if (room !== undefined && other !== undefined) throw new FieldError('ask for the history of a "room" or of the conversation "with" a member, not both');
      const out: { type: 'history'; room?: string; with?: string; before?: number; limit?: number } = { type };
      if (room !== undefined) out.room = room;
      if (other !== undefined) out.with = other;
      paging(fields, out);
      return out;
    }
    case 'search': {
      const query = text(fields, 'query', true, MAX_QUERY_LENGTH);
      if (query.trim() === '') throw new FieldError('"query" is empty: give words to look for');
      const out: { type: 'search'; query: string; before?: number; limit?: number } = { type, query };
      paging(fields, out);
      return out;
    }
    case 'rooms':
    case 'conversations':
    case 'leave':
      return { type };
    case 'kick': {
      const out: { type: 'kick'; name: string; room?: string; reason?: string } = { type, name: text(fields, 'name', true, NAME_FIELD_MAX) };
      const room = text(fields, 'room', false, ROOM_FIELD_MAX);
      const reason = text(fields, 'reason', false, REASON_FIELD_MAX);
      if (room !== undefined) out.room = room;
      if (reason !== undefined) out.reason = reason;
      return out;
    }
    case 'ban':
    case 'mute':
    case 'unban':
    case 'unmute': {
      const kind = text(fields, 'kind', true, 16);
      if (!RESTRICTION_KINDS.includes(kind)) throw new FieldError(`"kind" must be one of ${RESTRICTION_KINDS.join(', ')}`);
      const out: { type: typeof type; kind: 'account' | 'name' | 'address' | 'mask'; value: string; room?: string; reason?: string; durationMs?: number } = {
        type,
        kind: kind as 'account',
        value: text(fields, 'value', true, 256),
      };
      const room = text(fields, 'room', false, ROOM_FIELD_MAX);
      const reason = text(fields, 'reason', false, REASON_FIELD_MAX);
      const durationMs = count(fields, 'durationMs', 1, 100 * 365 * 24 * 60 * 60 * 1000);
      if (room !== undefined) out.room = room;
      if (reason !== undefined) out.reason = reason;
      if (durationMs !== undefined) out.durationMs = durationMs;
      return out;
    }
    case 'restrictions': {
      const room = text(fields, 'room', false, ROOM_FIELD_MAX);
      return room === undefined ? { type } : { type, room };
    }
    case 'edit':
      return { type, id: messageId(fields), text: text(fields, 'text', true) };
    case 'delete':
      return { type, id: messageId(fields) };
    case 'typing': {
      const state = text(fields, 'state', true, 16);
      if (!TYPING_STATES.includes(state)) throw new FieldError(`"state" must be one of ${TYPING_STATES.join(', ')}`);
      const room = text(fields, 'room', false, ROOM_FIELD_MAX);
      const to = text(fields, 'to', false, NAME_FIELD_MAX);
      if ((room === undefined) === (to === undefined)) throw new FieldError('typing is in a "room" or "to" a member (one of them)');
      return room === undefined ? { type, to: to as string, state: state as TypingState } : { type, room, state: state as TypingState };
    }
  }
}

const TYPING_STATES: readonly string[] = ['active', 'paused', 'done'];

/** A `say`'s `ref`: the client's label for the message, echoed in `sent` or in the error refusing it. */
function isRef(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= MAX_REF_LENGTH;
}

/** The `id` of the message an edit or delete is about: a history id. */
function messageId(fields: Fields): number {
  const id = count(fields, 'id', 1, Number.MAX_SAFE_INTEGER);
  if (id === undefined) throw new FieldError('"id" is required (the id of a message)');
  return id;
}

/** `before` and `limit` of a page, onto `out` when given. */
function paging(fields: Fields, out: { before?: number; limit?: number }): void {
  const before = count(fields, 'before', 1, Number.MAX_SAFE_INTEGER);
  const limit = count(fields, 'limit', 1, MAX_PAGE);
  if (before !== undefined) out.before = before;
  if (limit !== undefined) out.limit = limit;
}

/**
 * Decode one incoming frame; never throws. Shapes are checked here (object, known `type`, every
 * field's type, numbers' ranges, the lengths the core does not bound); contents are the core's to
 * judge (BAD_NAME, BAD_ROOM, EMPTY_MESSAGE, MESSAGE_TOO_LONG...), so a person gets the precise
 * reason. Unknown extra fields are ignored, so a newer client can add optional ones.
 */
export function decodeClientMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): DecodeResult {
  if (isBinary) return bad('binary frames are not accepted: send one JSON object per text frame');
  const raw = Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return bad('the frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('a message must be a JSON object with a "type"');
  const fields = value as Fields;
  const type = fields.type;
  if (!isClientType(type)) {
    return bad(typeof type === 'string' ? `unknown type; expected one of ${CLIENT_TYPES.join(', ')}` : 'the message has no "type" string');
  }
  try {
    return { ok: true, message: decodeFields(type, fields) };
  } catch (err) {
    // A refused `say` whose own `ref` was fine names it, so the client knows which message it was.
    const ref = type === 'say' && isRef(fields.ref) ? fields.ref : undefined;
    return bad(err instanceof FieldError ? err.message : 'the message could not be read', type, ref);
  }
}

/** A server message as the text of one frame. */
export function encodeServerMessage(message: ServerMessage): string {
  return JSON.stringify(message);
}

/** An `event` message around an event already rendered as JSON (`JSON.stringify(wireEvent)`). */
export function encodeEventMessage(eventJson: string): string {
  return `{"type":"event","event":${eventJson}}`;
}

/**
 * A `welcome` message, exactly as encodeServerMessage would write it, around history events
 * already rendered as JSON: the door renders each event once, not once per person entering.
 */
export function encodeWelcome(
  name: string,
  members: readonly string[],
  historyJson: readonly string[],
  resume: string,
  rooms: readonly WireRoom[],
  account: WireAccount | null,
): string {
  return `{"type":"welcome","name":${JSON.stringify(name)},"members":${JSON.stringify(members)},"history":[${historyJson.join(',')}],"resume":${JSON.stringify(resume)},"rooms":${JSON.stringify(rooms)},"account":${JSON.stringify(account)}}`;
}

/** A `joined` message around history events already rendered as JSON. */
export function encodeJoined(room: WireRoom, members: readonly string[], ops: readonly string[], historyJson: readonly string[]): string {
  return `{"type":"joined","room":${JSON.stringify(room)},"members":${JSON.stringify(members)},"ops":${JSON.stringify(ops)},"history":[${historyJson.join(',')}]}`;
}

/** A `history` answer around events already rendered as JSON (`room` or `with` says whose). */
export function encodeHistory(whose: { room: string } | { with: string }, eventsJson: readonly string[], more: boolean): string {
  const head = 'room' in whose ? `"room":${JSON.stringify(whose.room)}` : `"with":${JSON.stringify(whose.with)}`;
  return `{"type":"history",${head},"events":[${eventsJson.join(',')}],"more":${more}}`;
}

/** A `results` answer around events already rendered as JSON. */
export function encodeResults(query: string, eventsJson: readonly string[]): string {
  return `{"type":"results","query":${JSON.stringify(query)},"events":[${eventsJson.join(',')}]}`;
}

const FIN_TEXT = 0x81; // RFC 6455 5.2: FIN + opcode 0x1 (text)

/**
 * One complete unmasked server text frame (RFC 6455 5.2) around `payload`, in a single buffer,
 * so a broadcast is framed once and the same bytes are written to every socket. Only valid
 * without permessage-deflate (the door keeps it off).
 */
export function frameText(payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const length = body.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = FIN_TEXT;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  body.copy(frame, header);
  return frame;
}
