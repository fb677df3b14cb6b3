// Options of the WebSocket door: the public WsOptions, their defaults, and resolving them into checked settings.
import { MAX_FRAME_BYTES } from './messages.js';

/** Options of the WebSocket door; every one has a default. */
export interface WsOptions {
  /** Events replayed in `welcome` (`--history`). Default 50. */
  historySize?: number;
  /** Keepalive: a ping every interval; no pong by the next one and the connection is dropped. Default 20000. */
  pingIntervalMs?: number;
  /** A member whose socket buffers more than this is closed (1008 "too slow"). Default 4 MiB. */
  maxBufferedBytes?: number;
  /** Invalid frames in a row after which the connection is closed (1008). Default 20. */
  maxInvalidFrames?: number;
  /** Frames above this get an error (the connection stays). Default {@link MAX_FRAME_BYTES}. */
  maxFrameBytes?: number;
  /** Frames above this close the connection (1009, ws's maxPayload). Default 1 MiB. */
  hardMaxFrameBytes?: number;
  /**
   * How long a member whose connection closed without `leave` (a reload, a network blip) stays in
   * the room, waiting for `enter` with its resume token, before the leave is announced. Default
   * 15000; 0 leaves at once.
   */
  leaveGraceMs?: number;
}

/** Default events replayed on entering. */
export const DEFAULT_HISTORY_SIZE = 50;
/** Default keepalive interval: a dead connection leaves within two intervals (40 s). */
export const DEFAULT_PING_INTERVAL_MS = 20_000;
/** Default bound on what one member's socket may buffer before it is dropped as too slow. */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Default count of invalid frames in a row that makes a client abusive. */
export const DEFAULT_MAX_INVALID_FRAMES = 20;
/** Default leave grace: long enough for a page reload or a short blip, short enough that a real departure shows soon. */
export const DEFAULT_LEAVE_GRACE_MS = 15_000;
/** Default size past which ws itself refuses a frame and closes with 1009. */
export const DEFAULT_HARD_MAX_FRAME_BYTES = 1024 * 1024;

/** {@link WsOptions} with the defaults filled in and the values checked. */
export type WsSettings = Readonly<Required<WsOptions>>;

/** Fill in the defaults; throws a RangeError for a keepalive interval not above 0 or a leave grace below 0. */
export function resolveWsOptions(options: WsOptions = {}): WsSettings {
  const pingIntervalMs = options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
  if (!(pingIntervalMs > 0)) throw new RangeError('pingIntervalMs must be above 0');
  const leaveGraceMs = options.leaveGraceMs ?? DEFAULT_LEAVE_GRACE_MS;
  // setTimeout takes at most 2^31-1 ms; a longer grace would fire at once.
  if (!(leaveGraceMs >= 0 && leaveGraceMs <= 2 ** 31 - 1)) throw new RangeError('leaveGraceMs must be 0 or more ms (at most 24 days)');
  const maxFrameBytes = options.maxFrameBytes ?? MAX_FRAME_BYTES;
  return {
    historySize: Math.max(0, Math.floor(options.historySize ?? DEFAULT_HISTORY_SIZE)),
    pingIntervalMs,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    maxInvalidFrames: options.maxInvalidFrames ?? DEFAULT_MAX_INVALID_FRAMES,
    maxFrameBytes,
    // ws's own limit can never be below ours, or frames we answer with an error would close instead.
    hardMaxFrameBytes: Math.max(maxFrameBytes, options.hardMaxFrameBytes ?? DEFAULT_HARD_MAX_FRAME_BYTES),
    leaveGraceMs,
  };
}
