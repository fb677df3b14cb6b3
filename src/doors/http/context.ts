// What the HTTP door's route modules share: the door context, the partial-upload store, limits and events.
import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { PartialInfo, PartialResult } from '../../core/partial.js';
import type { PartialStore } from '../../core/partial.js';
import type { DoorContext } from '../door.js';
import type { BufferPool } from '../send-file.js';
import type { SameOriginPolicy } from './same-origin.js';

/** Events of the HTTP door, for supervisors and tests (synchronise on these, never on sleeps). */
export interface HttpDoorEvents {
  /** An upload was stored (committed, renamed into place). */
  uploadStored: [result: PartialResult];
  /**
   * An upload ended without all its bytes (the client vanished, or stalled past the idle timeout).
   * `kept` is what the server keeps to continue it (null when nothing can be continued).
   */
  uploadAborted: [info: { path: string; received: number; kept: PartialInfo | null }];
  /** A part of an upload (Content-Range ending before TOTAL) was stored and kept hidden. */
  uploadPart: [info: PartialInfo];
}

/** Limits of the HTTP door; every one has a default in door.ts. */
export interface HttpLimits {
  /** Close an upload or download connection that moves no byte for this long. */
  readonly idleTimeoutMs: number;
}

/** The state every route module is given. */
export interface HttpShared {
  readonly ctx: DoorContext;
  readonly log: Logger;
  readonly partials: PartialStore;
  readonly limits: HttpLimits;
  readonly events: EventEmitter<HttpDoorEvents>;
  /** Read buffers of the downloads in progress. */
  readonly pool: BufferPool;
  /** The server's own hosts and origins (the guard's, and how a MOVE's Destination URL is checked). */
  readonly sameOrigin: SameOriginPolicy;
  /**
   * Follow a transfer until it has settled: close() waits for every one, so when it resolves no
   * upload is left half-placed and no file handle open.
   */
  track<T>(work: Promise<T>): Promise<T>;
}
