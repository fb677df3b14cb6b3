// The rooms contract's door-neutral view: what a client saw (normalised, with the door's own rendering), and what each door can do.

/** The chat doors the rooms contract drives. */
export type DoorName = 'irc' | 'ws' | 'udp';
export const DOORS: readonly DoorName[] = ['irc', 'ws', 'udp'];

/**
 * Something a client was shown, in door-neutral fields plus `raw`, the door's own rendering:
 * IRC the line (tags dropped, source cut to the nick), WebSocket the event's `notice`, UDP the
 * datagram's text. `room` is undefined where the door's rendering names none (an IRC QUIT).
 */
export type Seen = (
  | { readonly kind: 'join'; readonly room: string; readonly name: string }
  /** A part (quit false), a member leaving the server (quit true), or undecidable (the seeds' "left the room"). */
  | { readonly kind: 'leave'; readonly room: string | undefined; readonly name: string; readonly quit: boolean | undefined }
  | { readonly kind: 'message'; readonly room: string; readonly name: string; readonly text: string }
  /** `to` undefined where the rendering leaves it implied (the reader). */
  | { readonly kind: 'dm'; readonly from: string; readonly to: string | undefined; readonly text: string }
  | { readonly kind: 'announce'; readonly text: string }
) & { readonly raw: string };

/** A refusal: the stable code (as far as the door tells it) and the door's rendering. */
export interface Refusal {
  readonly code: string;
  readonly raw: string;
}

export type ConnectResult = { readonly ok: true } | ({ readonly ok: false } & Refusal);

/** One person at one door of the shared server. */
export interface RoomsClient {
  readonly door: DoorName;
  /** The name taken by the last successful connect ('' before). */
  readonly name: string;
  /**
   * Claim `name` the door's own way: IRC registers (no room), WebSocket enters (#lobby), UDP
   * sends `L` (#lobby). A refused client may try again with another name.
   */
  connect(name: string): Promise<ConnectResult>;
  /** Join a room, resolving once the door confirmed; the replay shown on joining is in history(room). */
  join(room: string): Promise<void>;
  part(room: string): Promise<void>;
  /** Say something in a room (nothing is awaited: success is silent). */
  say(room: string, text: string): void;
  /** A direct message to a member of any door (nothing is awaited). */
  dm(to: string, text: string): void;
  /** Leave the server, resolving once the door confirmed. */
  quit(): Promise<void>;
  /** The next seen item matching `match` (consuming up to it). */
  waitFor(match: (seen: Seen) => boolean): Promise<Seen>;
  /** Everything seen so far (history replays excluded). */
  seen(): readonly Seen[];
  /** The next refusal told to this client after connecting. */
  waitForError(): Promise<Refusal>;
  errors(): readonly Refusal[];
  /** What the door replayed on the last join of `room` (oldest first). */
  history(room: string): readonly Seen[];
  close(): void;
}

/** Why a door cannot do something; absent: it can. Stated in the names of the skipped cases. */
export interface DoorLimits {
  readonly rooms?: string;
  readonly history?: string;
  /** A door whose every member is in a room: only IRC registers without joining one. */
  readonly noRoom?: string;
}

const SEED_ONE_ROOM = 'udp is in #lobby only and cannot join: the seed protocol has one room';

export const LIMITS: Readonly<Record<DoorName, DoorLimits>> = {
  irc: {},
  ws: { noRoom: 'ws enters #lobby and is in a room from then on' },
  udp: { rooms: SEED_ONE_ROOM, history: 'the seed protocol has no way to show history', noRoom: 'udp enters #lobby' },
};

/** A note on how a door sends direct messages, for the test names (every door receives them). */
export const DM_SENDING: Readonly<Record<DoorName, string>> = {
  irc: 'PRIVMSG nick',
  ws: 'say with to',
  udp: "the M NAME TO TEXT extension; the seeds' client cannot send DMs",
};
