// WebSocket chat codec, pure: validates client frames, renders room events, frames server text once.
import { NetroomError } from '../../core/errors.js';
import { noticeText, type Lang } from '../../core/i18n.js';
import type { LeaveReason, RoomEvent } from '../../core/room.js';
import { storable, type StoredEvent } from '../../store/history.js';
import type { ClientMessage, ServerMessage, WireEvent } from './messages.js';

/** Longest `resume` token accepted (ours are 24 characters); anything longer is not one of ours. */
export const MAX_TOKEN_LENGTH = 128;

/** The client message types, for validation and for the `about` of an error. */
export const CLIENT_TYPES: readonly ClientMessage['type'][] = ['enter', 'say', 'who', 'leave'];

/** A decoded frame: a valid message, or the error to answer with (`about` when the type was known). */
export type DecodeResult =
  | { readonly ok: true; readonly message: ClientMessage }
  | { readonly ok: false; readonly error: NetroomError; readonly about?: ClientMessage['type'] };

function bad(message: string, about?: ClientMessage['type']): DecodeResult {
  const error = new NetroomError('BAD_REQUEST', message);
  return about === undefined ? { ok: false, error } : { ok: false, error, about };
}

function isClientType(value: unknown): value is ClientMessage['type'] {
  return typeof value === 'string' && (CLIENT_TYPES as readonly string[]).includes(value);
}

/**
 * Decode one incoming frame; never throws. Shapes are checked here (object, known `type`, field
 * types, token length); contents are the room's to judge (BAD_NAME, EMPTY_MESSAGE,
 * MESSAGE_TOO_LONG...), so a person gets the precise reason. Unknown extra fields are ignored, so
 * a newer client can add optional ones.
 */
export function decodeClientMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): DecodeResult {
  if (isBinary) return bad('binary frames are not accepted: send one JSON object per text frame');
  const text = Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.from(data).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bad('the frame is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('a message must be a JSON object with a "type"');
  const fields = value as Record<string, unknown>;
  const type = fields.type;
  if (!isClientType(type)) {
    return bad(typeof type === 'string' ? `unknown type; expected one of ${CLIENT_TYPES.join(', ')}` : 'the message has no "type" string');
  }
  switch (type) {
    case 'enter': {
      if (typeof fields.name !== 'string') return bad('"name" must be a string', type);
      const resume = fields.resume;
      if (resume === undefined || resume === null) return { ok: true, message: { type, name: fields.name } };
      if (typeof resume !== 'string' || resume.length > MAX_TOKEN_LENGTH) return bad('"resume" must be the token of a welcome', type);
      return { ok: true, message: { type, name: fields.name, resume } };
    }
    case 'say':
      if (typeof fields.text !== 'string') return bad('"text" must be a string', type);
      return { ok: true, message: { type, text: fields.text } };
    case 'who':
    case 'leave':
      return { ok: true, message: { type } };
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
export function encodeWelcome(name: string, members: readonly string[], historyJson: readonly string[], resume: string): string {
  return `{"type":"welcome","name":${JSON.stringify(name)},"members":${JSON.stringify(members)},"history":[${historyJson.join(',')}],"resume":${JSON.stringify(resume)}}`;
}

/** A live room event on the wire; `id` is the history store's id when it has one (see the door). */
export function wireEvent(lang: Lang, event: RoomEvent, id: number): WireEvent {
  const notice = noticeText(lang, event);
  const fields = storable(event);
  if (fields === null) return { id, at: event.at, kind: 'closing', notice };
  return { id, ...fields, notice };
}

/** A stored event (history) on the wire, with its notice rendered in the server's language now. */
export function wireStored(lang: Lang, stored: StoredEvent): WireEvent {
  return { ...stored, notice: noticeText(lang, asRoomEvent(stored)) };
}

/** The RoomEvent a stored event came from, as far as noticeText needs it. */
function asRoomEvent(s: StoredEvent): RoomEvent {
  const base = { id: s.id, at: s.at };
  switch (s.kind) {
    case 'join':
      return { ...base, kind: 'join', name: s.name ?? '' };
    case 'message':
      return { ...base, kind: 'message', name: s.name ?? '', text: s.text ?? '' };
    case 'leave':
      return { ...base, kind: 'leave', name: s.name ?? '', reason: (s.reason ?? 'quit') as LeaveReason };
    case 'announce':
      return { ...base, kind: 'announce', text: s.text ?? '' };
    case 'file':
      return s.name === undefined
        ? { ...base, kind: 'file', path: s.path ?? '', size: s.size ?? 0 }
        : { ...base, kind: 'file', name: s.name, path: s.path ?? '', size: s.size ?? 0 };
  }
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
