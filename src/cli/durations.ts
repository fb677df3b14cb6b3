// Durations typed on the command line (`--expires 7d`, `--for 1h`): a whole number and a unit.

const UNITS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60 * 1000,
  h: 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  w: 7 * 24 * 60 * 60 * 1000,
};

/** Longest duration accepted: ten years (longer is "for ever", which is what leaving the flag out says). */
const MAX_MS = 10 * 365 * UNITS.d!;

/** `30s`, `15m`, `1h`, `7d`, `2w` in ms; throws a one-line reason naming `flag` for anything else. */
export function parseDuration(value: string, flag: string): number {
  const match = /^(\d{1,6})([smhdw])$/u.exec(value.trim());
  const unit = match?.[2] === undefined ? undefined : UNITS[match[2]];
  const ms = match?.[1] === undefined || unit === undefined ? NaN : Number(match[1]) * unit;
  if (!(ms > 0) || ms > MAX_MS) throw new Error(`${flag} takes a whole number and a unit (s, m, h, d or w), e.g. 30m, 1h, 7d, not "${value}"`);
  return ms;
}
