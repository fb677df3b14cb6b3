// WHOWAS memory: the last N nicks that quit or changed, newest first, bounded (RFC 2812 3.6.3).
import { foldName } from '../../core/names.js';

/** What WHOWAS shows of a nick no longer in use. */
export interface WhowasEntry {
  readonly nick: string;
  readonly key: string;
  readonly user: string;
  readonly host: string;
  readonly realname: string;
  readonly at: number;
}

/** A fixed-size ring of departed nicks; the oldest entry goes when it is full. */
export class WhowasRing {
  private readonly entries: WhowasEntry[] = [];

  constructor(private readonly size: number) {}

  add(entry: Omit<WhowasEntry, 'key'>): void {
    this.entries.unshift({ ...entry, key: foldName(entry.nick) });
    if (this.entries.length > this.size) this.entries.pop();
  }

  /** Entries for `nick` (any case), newest first, at most `limit` (0 or less: all). */
  find(nick: string, limit: number): WhowasEntry[] {
    let key: string;
    try {
      key = foldName(nick.normalize('NFC'));
    } catch {
      return [];
    }
    const found = this.entries.filter((e) => e.key === key);
    return limit > 0 ? found.slice(0, limit) : found;
  }
}
