// Listing formats: `ls -l` lines for LIST/STAT, RFC 3659 facts for MLSD/MLST, and MDTM timestamps.

/** What a listing line needs to know about an entry. */
export interface ListEntry {
  readonly name: string;
  readonly type: 'file' | 'dir';
  readonly size: number;
  /** Modification time, ms since the epoch. */
  readonly mtime: number;
  /** A stable identity (device and inode) for the MLSx `unique` fact, when known. */
  readonly unique?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** About six months: older (or future) times show the year instead of the time, as `ls -l` does. */
const RECENT_MS = 182 * 24 * 60 * 60 * 1000;

/**
 * One `ls -l` line (UTC) as clients parse it: `-rw-r--r-- 1 ftp ftp 1234 Nov 21 12:34 name`, with
 * `Nov 21  2023` for entries more than six months old or in the future. Permissions show what the
 * session may do: no `w` when it cannot write.
 */
export function lsLine(entry: ListEntry, now: number, writable: boolean): string {
  const w = writable ? 'w' : '-';
  const mode = entry.type === 'dir' ? `dr${w}xr-xr-x` : `-r${w}-r--r--`;
  const date = new Date(entry.mtime);
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const month = MONTHS[date.getUTCMonth()] ?? 'Jan';
  const recent = entry.mtime <= now + 60 * 60 * 1000 && now - entry.mtime < RECENT_MS;
  const when = recent
    ? `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}`
    : ` ${String(date.getUTCFullYear())}`;
  const size = String(entry.type === 'dir' ? 4096 : entry.size).padStart(13, ' ');
  return `${mode} 1 ftp ftp ${size} ${month} ${day} ${when.padStart(5, ' ')} ${entry.name}`;
}

/** The MLSx facts this server knows (RFC 3659 7.5), in the order it sends them. */
export const FACTS = ['type', 'size', 'modify', 'perm', 'unique'] as const;
export type Fact = (typeof FACTS)[number];

/**
 * One MLSD line or MLST entry (RFC 3659 7): `fact=value;...; name`. `perm` says what this session
 * may do (7.5.5): files r (RETR) and with write access a (APPE) w (STOR) d (DELE) f (RNFR); folders
 * e (CWD) l (LIST) and with write access c (STOR in it) m (MKD) p (remove entries) d f.
 */
export function mlsxLine(entry: ListEntry, facts: ReadonlySet<Fact>, writable: boolean, name = entry.name): string {
  const out: string[] = [];
  if (facts.has('type')) out.push(`type=${entry.type}`);
  if (facts.has('size') && entry.type === 'file') out.push(`size=${entry.size}`);
  if (facts.has('modify')) out.push(`modify=${timeval(entry.mtime, true)}`);
  if (facts.has('perm')) {
    const perm = entry.type === 'file' ? (writable ? 'radwf' : 'r') : writable ? 'elcmpdf' : 'el';
    out.push(`perm=${perm}`);
  }
  if (facts.has('unique') && entry.unique !== undefined) out.push(`unique=${entry.unique}`);
  return `${out.map((f) => `${f};`).join('')} ${name}`;
}

/** RFC 3659 2.3 time-val in UTC: `YYYYMMDDHHMMSS`, with `.sss` when `millis`. */
export function timeval(ms: number, millis = false): string {
  const d = new Date(ms);
  const base =
    String(d.getUTCFullYear()).padStart(4, '0') +
    pad2(d.getUTCMonth() + 1) +
    pad2(d.getUTCDate()) +
    pad2(d.getUTCHours()) +
    pad2(d.getUTCMinutes()) +
    pad2(d.getUTCSeconds());
  return millis ? `${base}.${String(d.getUTCMilliseconds()).padStart(3, '0')}` : base;
}

/** The facts named in `OPTS MLST type;size;` that this server knows; unknown names are ignored (RFC 3659 7.9). */
export function parseFacts(arg: string): Set<Fact> {
  const wanted = arg
    .split(';')
    .map((f) => f.trim().toLowerCase())
    .filter((f) => f !== '');
  return new Set(FACTS.filter((f) => wanted.includes(f)));
}

/** The FEAT line for MLST: every known fact, `*` marking those sent now. */
export function mlstFeature(selected: ReadonlySet<Fact>): string {
  return `MLST ${FACTS.map((f) => `${f}${selected.has(f) ? '*' : ''};`).join('')}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
