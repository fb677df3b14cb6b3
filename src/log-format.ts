// Human form of one pino JSON log line, for a terminal: "12:34:56 INFO  irc member entered name=alice peer=…".
import pc from 'picocolors';

/** pino's numeric levels and how a terminal shows them. */
const LEVELS = new Map<number, { label: string; paint: (colors: ReturnType<typeof pc.createColors>, text: string) => string }>([
  [10, { label: 'TRACE', paint: (c, t) => c.gray(t) }],
  [20, { label: 'DEBUG', paint: (c, t) => c.gray(t) }],
  [30, { label: 'INFO', paint: (c, t) => c.green(t) }],
  [40, { label: 'WARN', paint: (c, t) => c.yellow(t) }],
  [50, { label: 'ERROR', paint: (c, t) => c.red(t) }],
  [60, { label: 'FATAL', paint: (c, t) => c.bold(c.red(t)) }],
]);

/** Fields every line has, shown in their own place (or not at all: `app` is always netroom). */
const OWN_PLACE = new Set(['level', 'time', 'msg', 'app', 'pid', 'hostname']);

/**
 * One JSON line from pino as one human line (newline included): local time, level, message, then
 * the other fields as key=value. Errors show as their type and message; their stack stays in the
 * JSON form (run with stderr redirected to get it). A line that is not JSON is passed through.
 */
export function formatLogLine(line: string, color: boolean): string {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return line;
    record = parsed as Record<string, unknown>;
  } catch {
    return line;
  }
  const c = pc.createColors(color);
  const level = LEVELS.get(Number(record.level));
  const label = level ? level.paint(c, level.label.padEnd(5)) : String(record.level).padEnd(5);
  const parts = [c.dim(clock(record.time)), label];
  if (typeof record.msg === 'string' && record.msg !== '') parts.push(record.msg);
  for (const [key, value] of Object.entries(record)) {
    if (OWN_PLACE.has(key) || value === undefined) continue;
    parts.push(`${c.dim(`${key}=`)}${key === 'err' ? describeError(value) : show(value)}`);
  }
  return `${parts.join(' ')}\n`;
}

/** HH:MM:SS in local time, as people read a server's clock. */
function clock(time: unknown): string {
  if (typeof time !== 'number') return '--:--:--';
  const at = new Date(time);
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** A bare word when it reads unambiguously, else JSON (quotes, escapes) so the line stays one line. */
function show(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=\\]+$/u.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}

/** pino's error serializer gives { type, message, stack, code? }: "Type: message" is what a person needs. */
function describeError(value: unknown): string {
  if (typeof value !== 'object' || value === null) return show(value);
  const err = value as { type?: unknown; message?: unknown; code?: unknown };
  const type = typeof err.type === 'string' ? err.type : 'Error';
  const message = typeof err.message === 'string' ? err.message : '';
  const code = typeof err.code === 'string' ? ` (${err.code})` : '';
  return JSON.stringify(`${type}: ${message}${code}`);
}
