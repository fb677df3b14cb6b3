// Progress bars for file transfers (cli-progress), drawn only when the output is a terminal.
import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import { formatSize } from '../core/i18n.js';

/** A running progress display; `update` with the bytes moved so far, `done` to remove it. */
export interface Progress {
  update(bytes: number): void;
  done(): void;
}

const NONE: Progress = { update: () => undefined, done: () => undefined };

/**
 * Start a progress bar on `output` for a transfer of `total` bytes (unknown: a byte counter
 * instead of a bar). Returns a no-op when `output` is not a TTY, so scripts and tests get clean text.
 */
export function startProgress(output: Writable, label: string, total?: number): Progress {
  if ((output as Writable & { isTTY?: boolean }).isTTY !== true) return NONE;
  const known = total !== undefined && total > 0;
  const bar = new cliProgress.SingleBar(
    {
      stream: output,
      format: known ? `${label} [{bar}] {percentage}% {moved}/{size} {speed}` : `${label} {moved} {speed}`,
      hideCursor: true,
      clearOnComplete: true, // the caller prints the result line (size and SHA-256) instead
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  const payload = (bytes: number): Record<string, string> => {
    const seconds = (Date.now() - started) / 1000;
    return {
      moved: formatSize(bytes),
      size: formatSize(total ?? 0),
      speed: seconds > 0.2 ? `${formatSize(Math.round(bytes / seconds))}/s` : '',
    };
  };
  // Without a size cli-progress still wants a total: 1, never reached, keeps it from "completing".
  bar.start(known ? total : 1, 0, payload(0));
  return {
    update: (bytes) => bar.update(known ? bytes : 0, payload(bytes)),
    done: () => bar.stop(),
  };
}

/** A progress display fed by `(bytes, total?)` reports, started by the first one (which knows the size). */
export interface LazyProgress {
  update(bytes: number, total?: number): void;
  done(): void;
}

/** A {@link LazyProgress} on `output` (nothing at all when `output` is not a TTY). */
export function lazyProgress(output: Writable, label: string): LazyProgress {
  let bar: Progress | undefined;
  return {
    update: (bytes, total) => (bar ??= startProgress(output, label, total)).update(bytes),
    done: () => bar?.done(),
  };
}
