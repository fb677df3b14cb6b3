// The terminal WebSocket chat's input lines parsed into commands (pure: no network), with a usage line for bad arguments.

/** What a typed line asks for. */
export type ChatCommand =
  | { readonly kind: 'say'; readonly text: string }
  | { readonly kind: 'join'; readonly room: string; readonly key?: string }
  | { readonly kind: 'part'; readonly room?: string }
  | { readonly kind: 'switch'; readonly room: string }
  | { readonly kind: 'rooms' }
  /** `room` absent: the current room; `'*'`: everyone online. */
  | { readonly kind: 'who'; readonly room?: string }
  /** `text` absent: show the topic; '' clears it (typed as `/topic -`). */
  | { readonly kind: 'topic'; readonly text?: string }
  | { readonly kind: 'msg'; readonly name: string; readonly text: string }
  /** `name` absent: back to the current room. */
  | { readonly kind: 'query'; readonly name?: string }
  | { readonly kind: 'history' }
  | { readonly kind: 'search'; readonly query: string }
  /** A moderation act on a member of the current room (`reason` for kick and ban). */
  | { readonly kind: 'moderate'; readonly action: ModerationAction; readonly name: string; readonly reason?: string }
  /** The bans and mutes of the current room. */
  | { readonly kind: 'bans' }
  | { readonly kind: 'help' }
  | { readonly kind: 'quit' }
  | { readonly kind: 'nothing' }
  /** Known command, wrong arguments: `usage` is its synopsis. */
  | { readonly kind: 'usage'; readonly usage: string }
  | { readonly kind: 'unknown'; readonly command: string };

/** What `/kick`, `/ban`, `/unban`, `/mute` and `/unmute` ask the server for. */
export type ModerationAction = 'kick' | 'ban' | 'unban' | 'mute' | 'unmute';

/** Synopses, shown after a bad argument (and the words of /help). */
export const USAGE = {
  join: '/join #room [key]',
  part: '/part [#room]',
  switch: '/switch #room',
  rooms: '/rooms',
  who: '/who [#room | *]',
  topic: '/topic [text | -]',
  msg: '/msg NAME TEXT',
  query: '/query [NAME]',
  history: '/history',
  search: '/search WORDS',
  kick: '/kick NAME [reason]',
  ban: '/ban NAME [reason]',
  unban: '/unban NAME',
  mute: '/mute NAME',
  unmute: '/unmute NAME',
  bans: '/bans',
} as const;

/** `dev` means `#dev`: a room argument without its `#` (a name never starts with one). */
export function roomArg(word: string): string {
  return word.startsWith('#') ? word : `#${word}`;
}

/**
 * Parse one typed line. A line that does not start with `/` is said as typed (inner and outer
 * spaces kept); `//text` says `/text`; anything else starting with `/` is a command (the verb in
 * any case). Names hold no spaces, so `/msg NAME TEXT` splits at the first space after the name.
 */
export function parseCommand(line: string): ChatCommand {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'nothing' };
  if (!trimmed.startsWith('/')) return { kind: 'say', text: line };
  if (trimmed.startsWith('//')) return { kind: 'say', text: line.slice(line.indexOf('/') + 1) };
  const verbEnd = trimmed.search(/\s/u);
  const verb = (verbEnd < 0 ? trimmed : trimmed.slice(0, verbEnd)).toLowerCase();
  const rest = verbEnd < 0 ? '' : trimmed.slice(verbEnd).trim();
  const words = rest === '' ? [] : rest.split(/\s+/u);
  const usage = (key: keyof typeof USAGE): ChatCommand => ({ kind: 'usage', usage: USAGE[key] });
  switch (verb) {
    case '/join': {
      const [room, key] = words;
      if (room === undefined || words.length > 2) return usage('join');
      return { kind: 'join', room: roomArg(room), ...(key !== undefined && { key }) };
    }
    case '/part':
      if (words.length > 1) return usage('part');
      return words[0] === undefined ? { kind: 'part' } : { kind: 'part', room: roomArg(words[0]) };
    case '/switch':
    case '/go':
      if (words.length !== 1 || words[0] === undefined) return usage('switch');
      return { kind: 'switch', room: roomArg(words[0]) };
    case '/rooms':
    case '/list':
      return words.length === 0 ? { kind: 'rooms' } : usage('rooms');
    case '/who':
      if (words.length > 1) return usage('who');
      if (words[0] === undefined) return { kind: 'who' };
      return { kind: 'who', room: words[0] === '*' ? '*' : roomArg(words[0]) };
    case '/topic':
      if (rest === '') return { kind: 'topic' };
      return { kind: 'topic', text: rest === '-' ? '' : rest };
    case '/msg': {
      const name = words[0];
      const space = rest.search(/\s/u);
      if (name === undefined || name.startsWith('#') || space < 0) return usage('msg');
      return { kind: 'msg', name, text: rest.slice(space).trim() };
    }
    case '/query':
      if (words.length > 1 || words[0]?.startsWith('#') === true) return usage('query');
      return words[0] === undefined ? { kind: 'query' } : { kind: 'query', name: words[0] };
    case '/history':
      return words.length === 0 ? { kind: 'history' } : usage('history');
    case '/search':
      return rest === '' ? usage('search') : { kind: 'search', query: rest };
    case '/kick':
    case '/ban': {
      const action = verb === '/kick' ? 'kick' : 'ban';
      const name = words[0];
      if (name === undefined || name.startsWith('#')) return usage(action);
      const space = rest.search(/\s/u);
      const reason = space < 0 ? '' : rest.slice(space).trim();
      return { kind: 'moderate', action, name, ...(reason !== '' && { reason }) };
    }
    case '/unban':
    case '/mute':
    case '/unmute': {
      const action = verb.slice(1) as 'unban' | 'mute' | 'unmute';
      if (words.length !== 1 || words[0] === undefined || words[0].startsWith('#')) return usage(action);
      return { kind: 'moderate', action, name: words[0] };
    }
    case '/bans':
      return words.length === 0 ? { kind: 'bans' } : usage('bans');
    case '/help':
      return { kind: 'help' };
    case '/quit':
      return { kind: 'quit' };
    default:
      return { kind: 'unknown', command: verb };
  }
}
