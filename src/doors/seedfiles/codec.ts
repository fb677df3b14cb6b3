// Seed file protocol (seed 003), pure: command framing and parsing, list encoding, the `##` end-marker state machine.
import { NetroomError } from '../../core/errors.js';
import { checkPath } from '../../core/library.js';

/** The reply that accepts a command; anything else is an error text (seed 003 `do_list`/`do_get`/`do_put`). */
export const OK = Buffer.from('OK');
/** End of a file's bytes, in both directions (seed 003: `send(b'##')` after a 0.1 s sleep). */
export const END_MARKER = Buffer.from('##');
/** Each listed name is followed by this (seed 003: `files = files + file + '#'`). */
export const NAME_SEPARATOR = '#';
/**
 * The seed client reads the whole listing with one `recv(4096)`, so a longer listing would spill into
 * its next read and corrupt the next command: listings are cut at a name boundary at this size.
 */
export const MAX_LIST_BYTES = 4096;

/** One parsed command of the seed file protocol. */
export type SeedCommand =
  | { readonly kind: 'list' }
  | { readonly kind: 'get'; readonly name: string }
  | { readonly kind: 'put'; readonly name: string }
  | { readonly kind: 'quit' }
  /** Nothing but whitespace (a stray newline from `nc`): ignored. */
  | { readonly kind: 'empty' }
  /** A lone `##` while no transfer runs (a marker that came late): ignored, the seed client reads no reply. */
  | { readonly kind: 'marker' }
  | { readonly kind: 'unknown'; readonly error: NetroomError };

const VERBS: Readonly<Record<string, 'list' | 'get' | 'put' | 'quit'>> = {
  L: 'list',
  LIST: 'list',
  G: 'get',
  GET: 'get',
  P: 'put',
  PUT: 'put',
  Q: 'quit',
  QUIT: 'quit',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Take the next command off a chunk received while idle. The seed client sends one command per
 * `send()` with no terminator, so a chunk without a newline is one command; people typing into
 * `nc` end lines with `\n` (or `\r\n`), so a chunk with a newline holds one command per line.
 * `rest` is what follows the first line (null when nothing does).
 */
export function nextCommand(chunk: Buffer): { line: Buffer; rest: Buffer | null } {
  const nl = chunk.indexOf(0x0a);
  if (nl < 0) return { line: chunk, rest: null };
  let end = nl;
  if (end > 0 && chunk[end - 1] === 0x0d) end -= 1;
  const rest = nl + 1 < chunk.length ? chunk.subarray(nl + 1) : null;
  return { line: chunk.subarray(0, end), rest };
}

/**
 * Parse one command line. The verb is the first word (`L`, `G`, `P`, `Q`, or the long forms
 * `list`, `get`, `put`, `quit`, any case); the name is everything after the first space, trimmed
 * (the seed server took `split(' ')[-1]`, which loses names with spaces).
 */
export function parseCommand(line: Buffer): SeedCommand {
  if (line.equals(END_MARKER)) return { kind: 'marker' };
  let text: string;
  try {
    text = utf8.decode(line);
  } catch {
    return { kind: 'unknown', error: new NetroomError('BAD_REQUEST', 'a command must be UTF-8 text') };
  }
  if (text.trim() === '') return { kind: 'empty' };
  const space = text.indexOf(' ');
  const word = (space < 0 ? text : text.slice(0, space)).trim();
  const verb = VERBS[word.toUpperCase()];
  if (verb === undefined) {
    return { kind: 'unknown', error: new NetroomError('BAD_REQUEST', `unknown command ${quote(word)}: use L, G NAME, P NAME or Q`) };
  }
  if (verb === 'list' || verb === 'quit') return { kind: verb };
  const name = space < 0 ? '' : text.slice(space + 1).trim();
  return { kind: verb, name };
}

/**
 * Check a name against the library rules plus the seed protocol's own: it only knows the root
 * folder, so any `/` is refused. Returns the normalised name or throws a NetroomError.
 */
export function checkSeedName(name: string): string {
  if (name === '') throw new NetroomError('BAD_PATH', 'a file name is needed');
  const rel = checkPath(name); // NUL, backslash, absolute, "..", hidden, control characters
  if (name.includes('/') || rel === '') {
    throw new NetroomError('BAD_PATH', `the seed protocol only knows the library root, not folders: ${name}`, { path: name });
  }
  return rel;
}

/** What `encodeList` produced: the bytes to send and how many names fit. */
export interface EncodedList {
  readonly bytes: Buffer;
  readonly included: number;
  readonly truncated: boolean;
}

/**
 * Encode names as the seed server does (`a#b#`), at most `cap` bytes, cut at a name boundary.
 * Names containing `#` cannot be told apart from the separator and are left out by the caller.
 */
export function encodeList(names: readonly string[], cap: number = MAX_LIST_BYTES): EncodedList {
  const parts: Buffer[] = [];
  let size = 0;
  for (const name of names) {
    const part = Buffer.from(name + NAME_SEPARATOR);
    if (size + part.length > cap) return { bytes: Buffer.concat(parts, size), included: parts.length, truncated: true };
    parts.push(part);
    size += part.length;
  }
  return { bytes: Buffer.concat(parts, size), included: parts.length, truncated: false };
}

/** Split a received listing back into names (the empty piece after the last `#` is dropped). */
export function decodeList(bytes: Buffer): string[] {
  return bytes
    .toString('utf8')
    .split(NAME_SEPARATOR)
    .filter((n) => n !== '');
}

/** True when a listed name can travel in the seed protocol (no separator, no line break). */
export function isListable(name: string): boolean {
  return !name.includes(NAME_SEPARATOR) && !/[\r\n]/u.test(name);
}

function quote(word: string): string {
  const short = word.length > 24 ? `${word.slice(0, 24)}...` : word;
  return JSON.stringify(short); // escapes control characters so they never reach a terminal raw
}

/** Tuning of the end-marker rules; every field has a default. */
export interface EndMarkerOptions {
  /**
   * Chunks closer together than this form one burst; a burst that is exactly a marker ends the
   * transfer. Default 50 ms: half the seed client's 0.1 s sleep before `##`.
   */
  gapMs?: number;
  /** When the bytes so far end with a marker and nothing more comes for this long, that is the end. Default 1000 ms. */
  quietMs?: number;
  /** Also accept `##\n` and `##\r\n` (people typing into `nc`). Default false: only `##`. */
  lineMarkers?: boolean;
}

/** What a push produced: data to store (in order) and whether the marker has been seen. */
export interface PushResult {
  readonly data: Buffer[];
  readonly ended: boolean;
}

const EMPTY = Buffer.alloc(0);
const LINE_MARKERS = [Buffer.from('##\n'), Buffer.from('##\r\n')];
const NOTHING: PushResult = { data: [], ended: false };

/**
 * Finds the end of a file's bytes in the seed protocol, which has no length prefix: the sender
 * sleeps 0.1 s and then sends `##` alone, and the seed receiver compares each `recv()` to `##`.
 * Rules, with time passed in so they can be tested without sockets:
 *  1. a burst (chunks less than `gapMs` apart, starting after a pause) that is exactly a marker ends it;
 *  2. if everything received so far ends with a marker and `quietMs` pass without more (the marker
 *     was coalesced with the data, e.g. while the reader was paused), that ends it too (`tick`);
 *  3. at end of stream, a trailing marker ends it (`finish`).
 * The last few bytes are always held back, so a marker is never handed out as data. A file that
 * itself ends in `##` survives rule 1: its bytes arrive with the data, the real marker after a pause.
 * What no rule can tell apart (the seed protocol's own ambiguity): a file whose whole content is a
 * marker sent after a pause, or a sender stalling for `quietMs` right after bytes ending in `##`.
 */
export class EndMarkerDecoder {
  private readonly gapMs: number;
  private readonly quietMs: number;
  private readonly lineMarkers: boolean;
  private readonly holdBack: number;
  /** Data bytes held back because they might be the start of a coalesced marker. */
  private held: Buffer = EMPTY;
  /** The current burst while it is still a proper prefix of a marker; null when it is plainly data. */
  private burst: Buffer | null = null;
  private lastAt: number;
  private done = false;

  /** `start` is when the transfer began (the `OK`); the first chunk is measured from it. */
  constructor(start: number, options: EndMarkerOptions = {}) {
    this.gapMs = options.gapMs ?? 50;
    this.quietMs = options.quietMs ?? 1000;
    this.lineMarkers = options.lineMarkers ?? false;
    this.holdBack = this.lineMarkers ? 4 : 2;
    this.lastAt = start;
  }

  /** True once a marker has ended the transfer. */
  get ended(): boolean {
    return this.done;
  }

  /** True when the bytes so far end with a marker: a quiet period of `quietMs` would end the transfer. */
  get tailIsMarker(): boolean {
    return !this.done && this.markerAtEnd() > 0;
  }

  /** Feed one received chunk, received at `now` (ms). */
  push(chunk: Buffer, now: number): PushResult {
    if (this.done || chunk.length === 0) return { data: [], ended: this.done };
    const pieces: Buffer[] = [];
    if (now - this.lastAt >= this.gapMs) {
      // A pause: a new burst starts. An unfinished marker prefix before it was data after all.
      if (this.burst !== null && this.burst.length > 0) pieces.push(this.burst);
      this.burst = EMPTY;
    }
    this.lastAt = now;
    if (this.burst !== null) {
      if (this.burst.length + chunk.length <= 4) {
        const candidate = Buffer.concat([this.burst, chunk]);
        if (this.isMarker(candidate)) {
          this.done = true;
          this.burst = null;
          return { data: this.flush(pieces), ended: true };
        }
        if (this.isMarkerPrefix(candidate)) {
          this.burst = candidate;
          return pieces.length > 0 ? { data: this.emit(pieces), ended: false } : NOTHING;
        }
      }
      if (this.burst.length > 0) pieces.push(this.burst);
      this.burst = null;
    }
    pieces.push(chunk);
    return { data: this.emit(pieces), ended: false };
  }

  /** The quiet rule: call when no data came for a while; ends the transfer if the tail is a marker. */
  tick(now: number): PushResult {
    if (this.done || now - this.lastAt < this.quietMs) return { data: [], ended: this.done };
    return this.finish();
  }

  /** End of stream: a trailing marker ends the transfer cleanly; otherwise it was cut short (ended false). */
  finish(): PushResult {
    if (this.done) return { data: [], ended: true };
    const markerLength = this.markerAtEnd();
    if (markerLength === 0) return NOTHING;
    this.done = true;
    const tail = Buffer.concat([this.held, this.burst ?? EMPTY]);
    this.held = EMPTY;
    this.burst = null;
    const data = tail.subarray(0, tail.length - markerLength);
    return { data: data.length > 0 ? [data] : [], ended: true };
  }

  /** Length of the marker the received bytes end with, 0 if none. */
  private markerAtEnd(): number {
    const tail = this.burst !== null && this.burst.length > 0 ? Buffer.concat([this.held, this.burst]) : this.held;
    if (endsWith(tail, END_MARKER)) return END_MARKER.length;
    if (this.lineMarkers) for (const m of LINE_MARKERS) if (endsWith(tail, m)) return m.length;
    return 0;
  }

  private isMarker(bytes: Buffer): boolean {
    return bytes.equals(END_MARKER) || (this.lineMarkers && LINE_MARKERS.some((m) => bytes.equals(m)));
  }

  private isMarkerPrefix(bytes: Buffer): boolean {
    const markers = this.lineMarkers ? [END_MARKER, ...LINE_MARKERS] : [END_MARKER];
    return markers.some((m) => bytes.length < m.length && m.subarray(0, bytes.length).equals(bytes));
  }

  /** Everything held plus `pieces` is data: hand it all out (the marker was seen). */
  private flush(pieces: Buffer[]): Buffer[] {
    const out = [this.held, ...pieces].filter((b) => b.length > 0);
    this.held = EMPTY;
    return out;
  }

  /** Hand out held + pieces except the last `holdBack` bytes, which become the new held tail. */
  private emit(pieces: Buffer[]): Buffer[] {
    const all = this.held.length > 0 ? [this.held, ...pieces] : pieces;
    const last = all[all.length - 1] ?? EMPTY;
    if (last.length >= this.holdBack) {
      // The common case (a big chunk): no copy of the data, only of the few held bytes.
      const out = all.slice(0, -1);
      if (last.length > this.holdBack) out.push(last.subarray(0, last.length - this.holdBack));
      this.held = Buffer.from(last.subarray(last.length - this.holdBack));
      return out.filter((b) => b.length > 0);
    }
    // The last piece is tiny, so everything here is small: joining costs nothing.
    const joined = Buffer.concat(all);
    const cut = Math.max(0, joined.length - this.holdBack);
    this.held = Buffer.from(joined.subarray(cut));
    return cut > 0 ? [joined.subarray(0, cut)] : [];
  }
}

function endsWith(bytes: Buffer, suffix: Buffer): boolean {
  return bytes.length >= suffix.length && bytes.subarray(bytes.length - suffix.length).equals(suffix);
}
