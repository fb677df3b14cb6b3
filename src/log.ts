// Structured logs (pino) on standard error: JSON lines when piped, one human line each on a terminal.
import { pino, type Logger, type Level } from 'pino';
import { formatLogLine } from './log-format.js';

export type { Logger };

/** The levels `--log-level` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = Level | 'silent';

/** What a LogSink writes to: pino's own destination (sonic-boom), or anything with write(). */
export interface LogOutput {
  write(text: string): unknown;
  flush?(cb: (err?: Error | null) => void): void;
  flushSync?(): void;
}

/** How a LogSink shows lines. */
export interface LogSinkOptions {
  /** One human line per record instead of JSON (for a terminal). */
  readonly pretty?: boolean;
  /** ANSI colours in the human form. */
  readonly color?: boolean;
  /** Keep lines in memory until release(): `serve` prints its banner first. */
  readonly hold?: boolean;
}

/**
 * The stream behind the logger: formats each line for a terminal when asked, and can hold lines
 * back until release() so the doors' "listening" lines come after the banner that says the same.
 */
export class LogSink {
  private held: string[] | null;

  constructor(
    private readonly out: LogOutput,
    private readonly options: LogSinkOptions = {},
  ) {
    this.held = options.hold === true ? [] : null;
  }

  /** Called by pino with one JSON line (newline included). */
  write(line: string): void {
    const text = this.options.pretty === true ? formatLogLine(line, this.options.color === true) : line;
    if (this.held !== null) this.held.push(text);
    else this.out.write(text);
  }

  /** Write what was held, in order, and everything from now on as it comes. Safe to call twice. */
  release(): void {
    const held = this.held;
    this.held = null;
    for (const text of held ?? []) this.out.write(text);
  }

  /** Used by logger.flush(): releases held lines too, so nothing is lost on the way out. */
  flush(cb: (err?: Error | null) => void): void {
    this.release();
    if (this.out.flush) this.out.flush(cb);
    else cb();
  }

  /** Release and write out everything now, before the process ends by a signal (no exit handlers run then). */
  flushSync(): void {
    this.release();
    try {
      this.out.flushSync?.();
    } catch {
      // The fd may be busy (EAGAIN) or gone; losing a log line beats not stopping.
    }
  }
}

/** The sink `serve` uses: standard error (stdout is for what `serve` tells the person running it). */
export function stderrSink(options: LogSinkOptions = {}): LogSink {
  return new LogSink(pino.destination({ fd: 2, sync: false }), options);
}

/** A logger writing to `sink` (default: JSON lines on stderr). */
export function createLogger(level: LogLevel = 'info', sink: LogSink = stderrSink()): Logger {
  return pino({ level, base: { app: 'netroom' } }, sink);
}

/** A logger that drops everything, for tests and embedded use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
