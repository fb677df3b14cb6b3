// The rooms contract's IRC client: a raw line client (no CAPs), registration claims the nick and joins nothing.
import { once } from 'node:events';
import { connect } from 'node:net';
import { splitLine, type Line } from '../helpers/irc.js';
import { Inbox } from './inbox.js';
import type { ConnectResult, Refusal, RoomsClient, Seen } from './rooms-types.js';

/** Numerics that refuse a request, with the chat error code each stands for (src/doors/irc/errors.ts). */
const REFUSALS: Readonly<Record<string, string>> = {
  '401': 'NO_SUCH_MEMBER',
  '403': 'NO_SUCH_ROOM',
  '404': 'NOT_IN_ROOM',
  '432': 'BAD_NAME',
  '433': 'NAME_TAKEN',
  '442': 'NOT_IN_ROOM',
  '479': 'BAD_ROOM',
};

const NOTICE_ERROR = /^ERROR ([A-Z_]+): /u;

/** The line as the contract compares it: no tags, the source cut to the nick. */
function rawOf(line: Line): string {
  return line.raw.replace(/^@\S+ /u, '').replace(/^:([^!\s]+)!\S+/u, ':$1');
}

function nickOf(line: Line): string | undefined {
  const source = line.source;
  return source !== undefined && source.includes('!') ? source.slice(0, source.indexOf('!')) : undefined;
}

/** A chat event as IRC shows it, door-neutral; undefined for every other line. */
function seenOf(line: Line, me: string): Seen | undefined {
  const nick = nickOf(line);
  const raw = rawOf(line);
  const [target = '', text = ''] = line.params;
  switch (line.command) {
    case 'JOIN':
      return nick === undefined ? undefined : { kind: 'join', room: target, name: nick, raw };
    case 'PART':
      return nick === undefined ? undefined : { kind: 'leave', room: target, name: nick, quit: false, raw };
    case 'QUIT':
      return nick === undefined ? undefined : { kind: 'leave', room: undefined, name: nick, quit: true, raw };
    case 'PRIVMSG':
    case 'NOTICE':
      if (nick !== undefined) {
        return target.startsWith('#') ? { kind: 'message', room: target, name: nick, text, raw } : { kind: 'dm', from: nick, to: target, text, raw };
      }
      // A server NOTICE to me (or to a room, replayed): an announcement ("[admin] text").
      if ((target.startsWith('#') || target.toLowerCase() === me.toLowerCase()) && text.startsWith('[admin] ')) return { kind: 'announce', text: text.slice('[admin] '.length), raw };
      return undefined;
    default:
      return undefined;
  }
}

export async function ircRoomsClient(port: number): Promise<RoomsClient> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined); // every socket has an error listener; the test fails on its own
  await once(socket, 'connect');
  const label = `irc ${String(socket.localPort)}`;
  const lines = new Inbox<Line>(`${label} lines`);
  const seen = new Inbox<Seen>(`${label} seen`);
  const errors = new Inbox<Refusal>(`${label} errors`);
  const histories = new Map<string, Seen[]>();
  let me = '';
  let wanted = '';
  /** While joining: the room whose replay is being collected. */
  let replaying: string | undefined;
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\r\n')) >= 0) {
      const line = splitLine(buffered.slice(0, end));
      buffered = buffered.slice(end + 2);
      if (line.command === 'PING') send(`PONG :${line.params[0] ?? ''}`);
      const code = REFUSALS[line.command];
      const noticeError = line.command === 'NOTICE' && nickOf(line) === undefined ? NOTICE_ERROR.exec(line.params[1] ?? '')?.[1] : undefined;
      if (me !== '' && (code !== undefined || noticeError !== undefined)) errors.push({ code: code ?? noticeError ?? '', raw: rawOf(line) });
      const item = seenOf(line, me || wanted);
      // Our own JOIN/PART echoes confirm a request; other doors never show them to their author.
      const own = item !== undefined && (item.kind === 'join' || item.kind === 'leave') && item.name.toLowerCase() === me.toLowerCase();
      if (item !== undefined && !own) {
        const replay = replaying !== undefined && (item.kind === 'message' || item.kind === 'announce') && (item.kind === 'announce' || item.room === replaying);
        if (replay) histories.get(replaying as string)?.push(item);
        else seen.push(item);
      }
      lines.push(line);
    }
  });
  const send = (...out: string[]): void => void socket.write(out.map((l) => `${l}\r\n`).join(''));
  let userSent = false;
  let pings = 0;
  const client: RoomsClient = {
    door: 'irc',
    get name() {
      return me;
    },
    async connect(name): Promise<ConnectResult> {
      wanted = name;
      // server-time: replayed lines then carry their time in a tag, not as a stamp in the text.
      if (!userSent) send('CAP LS 302', 'CAP REQ :server-time', 'CAP END');
      send(`NICK ${name}`);
      if (!userSent) send(`USER ${name.replace(/[^A-Za-z0-9]/gu, 'u') || 'u'} 0 * :rooms contract`);
      userSent = true;
      const answer = await lines.waitFor((l) => ['001', '432', '433'].includes(l.command));
      if (answer.command !== '001') return { ok: false, code: REFUSALS[answer.command] ?? answer.command, raw: rawOf(answer) };
      me = answer.params[0] ?? name;
      return { ok: true };
    },
    async join(room) {
      // The replay follows the JOIN (after NAMES); a PING round trip after it marks its end.
      histories.set(room, []);
      replaying = room;
      const token = `joined${++pings}`;
      send(`JOIN ${room}`);
      send(`PING :${token}`);
      const first = await lines.waitFor((l) => (l.command === 'JOIN' && nickOf(l) === me && l.params[0]?.toLowerCase() === room.toLowerCase()) || REFUSALS[l.command] !== undefined);
      if (first.command !== 'JOIN') throw new Error(`${label}: JOIN ${room} refused: ${first.raw}`);
      await lines.waitFor((l) => l.command === 'PONG' && l.params.at(-1) === token);
      replaying = undefined;
    },
    async part(room) {
      send(`PART ${room}`);
      const answer = await lines.waitFor((l) => (l.command === 'PART' && nickOf(l) === me) || REFUSALS[l.command] !== undefined);
      if (answer.command !== 'PART') throw new Error(`${label}: PART ${room} refused: ${answer.raw}`);
    },
    say: (room, text) => send(`PRIVMSG ${room} :${text}`),
    dm: (to, text) => send(`PRIVMSG ${to} :${text}`),
    async quit() {
      send('QUIT :bye');
      await lines.waitFor((l) => l.command === 'ERROR');
    },
    waitFor: (match) => seen.waitFor(match),
    seen: () => seen.all(),
    waitForError: () => errors.waitFor(() => true),
    errors: () => errors.all(),
    history: (room) => histories.get(room) ?? [],
    close: () => socket.destroy(),
  };
  return client;
}
