// Structured logs (pino): one JSON line per enter, leave, upload and error, on standard error.
import { pino, type Logger, type Level } from 'pino';

export type { Logger };

/** The levels `--log-level` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = Level | 'silent';

/** A logger writing JSON lines to stderr (stdout is for what `serve` tells the person running it). */
export function createLogger(level: LogLevel = 'info'): Logger {
  return pino({ level, base: { app: 'netroom' } }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that drops everything, for tests and embedded use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
