// Every room by its folded key, with the name-to-key memory, creation, persistence through the keeper, and #lobby.
import { NetroomError } from '../errors.js';
import type { RoomKeeper } from './chat-options.js';
import { roomKey } from './room-key.js';
import { DEFAULT_MODES, RoomState } from './room-state.js';
import { LOBBY } from './types.js';

/** Room names whose keys are remembered (see {@link RoomRegistry.keyOf}); past it the memory starts over. */
const ROOM_KEY_CACHE_MAX = 10_000;

/** The rooms, live; the Chat is the only writer. */
export class RoomRegistry {
  private readonly byKey = new Map<string, RoomState>();
  private keeper: RoomKeeper | undefined;
  /** Room name as given -> its key; folding a name (skeleton) costs microseconds, and every say names a room. */
  private readonly keys = new Map<string, string>();
  readonly lobbyKey = roomKey(LOBBY);

  constructor(private readonly now: () => number) {
    this.create(LOBBY);
  }

  /** Load the persisted rooms and keep every later change there (see Chat.restore). */
  restore(keeper: RoomKeeper): void {
    this.keeper = keeper;
    for (const stored of keeper.rooms()) {
      const key = roomKey(stored.name);
      const live = this.byKey.get(key);
      if (live && live.list.length > 0) continue;
      const state = new RoomState(stored.name, key, stored.createdAt, { ...DEFAULT_MODES, ...stored.modes }, stored.topic, stored.topicBy, stored.topicAt);
      state.founder = stored.founder ?? null;
      this.byKey.set(key, state);
    }
    const lobby = this.byKey.get(this.lobbyKey);
    if (lobby) this.save(lobby);
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): IterableIterator<RoomState> {
    return this.byKey.values();
  }

  /** The room of a folded key. */
  byRoomKey(key: string): RoomState | undefined {
    return this.byKey.get(key);
  }

  /** The room called `name` (any case, any look-alike), if any. */
  find(name: string): RoomState | undefined {
    return this.byKey.get(this.keyOf(name));
  }

  /** The room called `roomName`, or NO_SUCH_ROOM. */
  of(roomName: string): RoomState {
    const room = typeof roomName === 'string' && roomName.startsWith('#') ? this.byKey.get(this.keyOf(roomName)) : undefined;
    if (!room) throw new NetroomError('NO_SUCH_ROOM', `no room called ${String(roomName)}`, { room: String(roomName) });
    return room;
  }

  lobby(): RoomState {
    return this.byKey.get(this.lobbyKey) ?? this.create(LOBBY);
  }

  create(name: string): RoomState {
    const room = new RoomState(name, roomKey(name), this.now(), DEFAULT_MODES);
    this.byKey.set(room.key, room);
    this.save(room);
    return room;
  }

  save(room: RoomState): void {
    this.keeper?.saveRoom({
      name: room.name,
      topic: room.topic,
      topicBy: room.topicBy,
      topicAt: room.topicAt,
      createdAt: room.createdAt,
      modes: room.modes,
      founder: room.founder,
    });
  }

  /** roomKey(name), remembered: room names are few, and a flood of distinct ones only restarts the memory. */
  keyOf(name: string): string {
    let key = this.keys.get(name);
    if (key === undefined) {
      if (this.keys.size >= ROOM_KEY_CACHE_MAX) this.keys.clear();
      key = roomKey(name);
      this.keys.set(name, key);
    }
    return key;
  }
}
