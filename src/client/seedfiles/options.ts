// Seed file client (seed 003): its options with their defaults, and what transfers report.

/** Timings of the client; the defaults match the seed programs. */
export interface SeedFilesClientOptions {
  /** Pause before `##` and before the next command after it (the seed client sleeps 0.1 s). Default 100 ms. */
  pauseMs?: number;
  /** End-marker rules for downloads (see EndMarkerDecoder). Defaults 50 ms and 1 s. */
  endGapMs?: number;
  endQuietMs?: number;
  /** How long to wait for a reply to a command. Default 30 s. */
  replyTimeoutMs?: number;
  /** How long to wait for the connection. Default 10 s. */
  connectTimeoutMs?: number;
}

/** The options with every default filled in. */
export type SeedFilesTimings = Required<SeedFilesClientOptions>;

/** Fill in the defaults of the options left out. */
export function resolveOptions(options: SeedFilesClientOptions): SeedFilesTimings {
  return {
    pauseMs: options.pauseMs ?? 100,
    endGapMs: options.endGapMs ?? 50,
    endQuietMs: options.endQuietMs ?? 1000,
    replyTimeoutMs: options.replyTimeoutMs ?? 30_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
  };
}

/** What a finished transfer reports, for the user to compare with the other side. */
export interface TransferResult {
  readonly size: number;
  readonly sha256: string;
}

/** Called as bytes move; `total` is unknown for downloads (the seed protocol sends no size). */
export type ProgressCallback = (bytes: number, total?: number) => void;
