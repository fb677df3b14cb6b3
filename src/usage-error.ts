// The error of a bad flag or environment value: `serve` prints its message on one line and exits 2.

/** A bad flag or environment value: `serve` prints the message on one line and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
