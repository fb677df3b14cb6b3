// Unit tests of the log output: JSON lines by default, one human line each for a terminal, held lines released in order.
import { describe, expect, it } from 'vitest';
import { formatLogLine } from '../src/log-format.js';
import { createLogger, LogSink, type LogOutput } from '../src/log.js';

/** A LogOutput that keeps what it is given. */
function collector(): LogOutput & { texts: string[] } {
  const texts: string[] = [];
  return { texts, write: (text: string) => texts.push(text) };
}

const AT = new Date(2026, 0, 2, 3, 4, 5).getTime();

describe('formatLogLine', () => {
  it('gives local time, level, message and the other fields as key=value', () => {
    const line = JSON.stringify({ level: 30, time: AT, app: 'netroom', door: 'irc', name: 'alice', port: 6667, msg: 'irc member entered' });
    expect(formatLogLine(`${line}\n`, false)).toBe('03:04:05 INFO  irc member entered door=irc name=alice port=6667\n');
  });

  it('quotes values with spaces or quotes and shows objects as JSON, so one record stays one line', () => {
    const line = JSON.stringify({ level: 40, time: AT, msg: 'odd', text: 'two words\nand a newline', doors: { http: 'off' } });
    expect(formatLogLine(line, false)).toBe('03:04:05 WARN  odd text="two words\\nand a newline" doors={"http":"off"}\n');
  });

  it('shows an error as its type, message and code', () => {
    const line = JSON.stringify({ level: 50, time: AT, msg: 'door failed to close', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x', code: 'EPIPE' } });
    expect(formatLogLine(line, false)).toBe('03:04:05 ERROR door failed to close err="Error: boom (EPIPE)"\n');
  });

  it('colours the level only when asked', () => {
    const line = JSON.stringify({ level: 50, time: AT, msg: 'x' });
    expect(formatLogLine(line, true)).toContain('\u001b[31mERROR');
    expect(formatLogLine(line, false)).not.toContain('\u001b');
  });

  it('passes a line that is not a JSON object through', () => {
    expect(formatLogLine('not json\n', false)).toBe('not json\n');
    expect(formatLogLine('[1,2]\n', false)).toBe('[1,2]\n');
  });
});

describe('LogSink', () => {
  it('writes pino JSON lines unchanged when not on a terminal', () => {
    const out = collector();
    const log = createLogger('info', new LogSink(out));
    log.info({ name: 'alice' }, 'entered');
    expect(out.texts).toHaveLength(1);
    expect(JSON.parse(out.texts[0] ?? '')).toMatchObject({ level: 30, app: 'netroom', name: 'alice', msg: 'entered' });
  });

  it('writes one human line per record on a terminal (isTTY)', () => {
    const out = collector();
    const log = createLogger('info', new LogSink(out, { pretty: true }));
    log.warn({ peer: '127.0.0.1:5000' }, 'client stopped reading: dropped');
    expect(out.texts).toHaveLength(1);
    expect(out.texts[0]).toMatch(/^\d\d:\d\d:\d\d WARN {2}client stopped reading: dropped peer=127\.0\.0\.1:5000\n$/u);
  });

  it('holds lines until release(), then writes them in order, and later ones straight away', () => {
    const out = collector();
    const sink = new LogSink(out, { hold: true });
    const log = createLogger('info', sink);
    log.info('first');
    log.info('second');
    expect(out.texts).toEqual([]);
    sink.release();
    log.info('third');
    sink.release();
    expect(out.texts.map((text) => (JSON.parse(text) as { msg: string }).msg)).toEqual(['first', 'second', 'third']);
  });

  it('releases held lines on flush, so nothing is lost on the way out', async () => {
    const out = collector();
    const log = createLogger('info', new LogSink(out, { hold: true }));
    log.info('held');
    await new Promise<void>((resolve) => log.flush(() => resolve()));
    expect(out.texts).toHaveLength(1);
  });
});
