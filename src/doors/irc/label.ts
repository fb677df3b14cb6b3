// IRCv3 labeled-response: a labelled command's output gets its label (one line), an ACK (none) or a labeled-response batch.
import { escapeTagValue } from './codec.js';
import type { IrcHub } from './hub.js';

/** Add `tag` (`key=value`, escaped) to one line (no CR LF) that may already carry tags. */
export function withTag(line: string, tag: string): string {
  return line.charCodeAt(0) === 0x40 ? `@${tag};${line.slice(1)}` : `@${tag} ${line}`;
}

/** True when the line's tags include a `batch` tag. */
function inBatch(line: string): boolean {
  if (line.charCodeAt(0) !== 0x40) return false;
  const tags = line.slice(1, line.indexOf(' '));
  return tags.startsWith('batch=') || tags.includes(';batch=');
}

/** The command word of a line (after tags and source). */
function verbOf(line: string): string {
  let rest = line;
  if (rest.startsWith('@')) rest = rest.slice(rest.indexOf(' ') + 1);
  if (rest.startsWith(':')) rest = rest.slice(rest.indexOf(' ') + 1);
  const space = rest.indexOf(' ');
  return space < 0 ? rest : rest.slice(0, space);
}

/**
 * The labelled form of a command's output (IRCv3 labeled-response): no line -> `ACK`; one line ->
 * that line with the label; a response that already is one batch -> the label on its `BATCH +`;
 * anything else -> a `labeled-response` batch around it (lines already in a batch keep theirs).
 * Without the batch capability, several lines go out unlabelled, as the specification allows.
 */
export function labelResponse(hub: IrcHub, label: string, captured: readonly Buffer[], batch = true): Buffer[] {
  const tag = `label=${escapeTagValue(label)}`;
  const lines: string[] = [];
  for (const buf of captured) {
    const text = buf.toString('utf8');
    for (const line of text.split('\r\n')) if (line !== '') lines.push(line);
  }
  const server = hub.settings.serverName;
  const out = (list: readonly string[]): Buffer[] => [Buffer.from(list.map((l) => l + '\r\n').join(''), 'utf8')];
  if (lines.length === 0) return out([`@${tag} :${server} ACK`]);
  if (lines.length === 1) return out([withTag(lines[0]!, tag)]);
  const first = lines[0]!;
  const last = lines[lines.length - 1]!;
  if (verbOf(first) === 'BATCH' && verbOf(last) === 'BATCH' && first.includes(' +') && lines.slice(1, -1).every(inBatch)) {
    // Its only top-level lines are one batch's start and end.
    const ref = first.slice(first.indexOf(' +') + 2).split(' ')[0];
    if (last.includes(` -${ref}`)) return out([withTag(first, tag), ...lines.slice(1)]);
  }
  if (!batch) return out(lines);
  const id = hub.batchId();
  const wrapped = lines.map((line) => (inBatch(line) ? line : withTag(line, `batch=${id}`)));
  return out([`@${tag} :${server} BATCH +${id} labeled-response`, ...wrapped, `:${server} BATCH -${id}`]);
}
