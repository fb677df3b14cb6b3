// The bus and presence engine: what is live and shared between nodes (events, name claims, who is online where).
/**
 * Channels on the bus: chat events between nodes, library changes, and the nodes' own control
 * messages (hello, goodbye). Every node hears every other node's messages, never its own.
 */
export type BusChannel = 'chat' | 'library' | 'control';

/** What one node says about one of its connected members, kept in the shared presence. */
export interface PresenceRecord {
  /** The folded name key (the claim's key). */
  readonly key: string;
  readonly name: string;
  /** The node that holds the connection. */
  readonly node: string;
  /** The door it came through on that node ("irc", "ws", "udp"...). */
  readonly door: string;
  readonly since: number;
  readonly account?: string;
  readonly role?: 'guest' | 'member' | 'admin';
  readonly address?: string;
  readonly user?: string;
  /** Rooms it is in, by name as created. */
  readonly rooms: readonly string[];
  readonly away: string | null;
}

/** The engine's state, for /healthz and /metrics. */
export interface BusHealth {
  readonly engine: 'local' | 'redis';
  /** Reachable now (the local engine always is). */
  readonly up: boolean;
  /** Round trip of the last ping, ms (null: none yet, or local). */
  readonly latencyMs: number | null;
  /** How late the last message from another node arrived, ms (its send time to now; null: none yet). */
  readonly lagMs: number | null;
  /** Why it is down, when it is. */
  readonly error?: string;
}

/** Outcome of a name claim. `unavailable`: the engine cannot be reached, so nobody can be sure. */
export type ClaimResult = 'ok' | 'taken' | 'unavailable';

/**
 * Live shared state. The local engine (one process) answers at once and publishes nowhere; the
 * Redis engine shares it between nodes: pub/sub for messages, keys with a TTL each node refreshes
 * for name claims and node liveness, a hash for presence.
 */
export interface Bus {
  /** This node's id: unique per process (host, pid, random), stable for its lifetime. */
  readonly nodeId: string;
  /** false for the local engine: there is no other node to tell. */
  readonly shared: boolean;
  /** Connect and start the heartbeat; rejects with a clear reason when the engine is unreachable at start. */
  start(): Promise<void>;
  /**
   * Send `body` (JSON-able) to every other node, in order per node. Never throws: returns false
   * when it could not be sent (the engine is down), so the caller can tell the member.
   */
  publish(channel: BusChannel, body: object): boolean;
  /** Hear other nodes' messages on a channel; returns an unsubscribe function. */
  subscribe(channel: BusChannel, handler: (body: unknown, from: string) => void): () => void;
  /**
   * Claim a folded name for this node (atomic across nodes; kept alive by this node's heartbeat,
   * freed by itself when the node dies). Claiming a name this node holds already is `ok`.
   */
  claimName(key: string): Promise<ClaimResult>;
  /**
   * Called when a name this node held turned out to be another node's: the engine lost the claim
   * while this node was cut off (or stalled past the TTL) and another node claimed it meanwhile.
   * The member holding it here must be renamed or dropped. Never called by the local engine.
   */
  onClaimLost(handler: (key: string) => void): () => void;
  /** Give a name back (the member left or renamed). Never throws. */
  releaseName(key: string): void;
  /** Publish this node's view of one of its members (null: it left). Never throws. */
  putPresence(key: string, record: PresenceRecord | null): void;
  /** Every member of every live node, as the nodes last wrote them. */
  presences(): Promise<PresenceRecord[]>;
  /** Called once per node whose heartbeat stopped (killed, cut off): its members are gone. */
  onNodeLost(handler: (node: string) => void): () => void;
  /**
   * Exactly one surviving node wins the right to record a lost node's leaves (and clean its presence).
   * The winner's engine has already removed the lost node's presence records when this resolves true;
   * false also when the engine cannot be reached.
   */
  claimReap(node: string): Promise<boolean>;
  /** Called when the engine goes down (false) or comes back (true). */
  onStatus(handler: (up: boolean) => void): () => void;
  health(): BusHealth;
  /** Stop the heartbeat, give back every claim and presence of this node, disconnect. */
  close(): Promise<void>;
}
