// What every door is to the server: something that listens, says where, and closes cleanly.
import type { Logger } from 'pino';
import type { Access } from '../core/access/access.js';
import type { Moderation } from '../core/chat/moderation.js';
import type { Lang } from '../core/i18n.js';
import type { Library } from '../core/library.js';
import type { Chat } from '../core/chat/chat.js';
import type { Metrics } from '../metrics.js';
import type { ConnectionLimits } from '../net/limits.js';
import type { HistoryStore } from '../store/history.js';

/** What a door is given: the chat, the one library, the notice language, a logger, history and metrics. */
export interface DoorContext {
  readonly chat: Chat;
  readonly library: Library;
  readonly lang: Lang;
  readonly log: Logger;
  /** Recent room events, for doors that replay history on entering (absent in some unit tests). */
  readonly history?: HistoryStore;
  /** Prometheus counters (absent in some unit tests). */
  readonly metrics?: Metrics;
  /** Accounts, sessions and tokens, invitations, bans, the guest policy (absent in some unit tests: guests only). */
  readonly access?: Access;
  /** Kick, ban, mute: the rules of who may (absent in some unit tests). */
  readonly moderation?: Moderation;
  /** `--allow-plaintext-passwords`: accept passwords over unencrypted non-loopback connections. */
  readonly allowPlaintextPasswords?: boolean;
  /** Connection caps shared by every TCP door (absent in some unit tests: each door then counts on its own). */
  readonly connections?: ConnectionLimits;
}

/** Where a door listens, as printed by `netroom serve`. */
export interface DoorAddress {
  readonly door: string;
  readonly protocol: 'udp' | 'tcp';
  readonly host: string;
  readonly port: number;
}

/** A door: turns one wire protocol into calls on the core and core events into wire messages. */
export interface Door {
  readonly name: string;
  /** Bind and start serving; resolves once listening (port 0 picks a free port). */
  listen(): Promise<void>;
  /** Where it listens (after listen()). */
  address(): DoorAddress;
  /** Stop accepting, close every connection, release the port. Members left via Chat.close(). */
  close(): Promise<void>;
}
