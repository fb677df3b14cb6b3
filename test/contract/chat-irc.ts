// The chat contract's client over IRC: a raw IRC client (CAP server-time) that registers, joins #lobby and renders room lines as notices.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { ContractCapabilities, ContractClient } from './chat-contract.js';
import { Inbox } from './inbox.js';

/** One parsed server line: source nick (if any), command, parameters (trailing last). */
interface IrcLine {
  readonly nick: string | undefined;
  readonly command: string;
  readonly params: readonly string[];
}

function parse(raw: string): IrcLine {
  let rest = raw.startsWith('@') ? raw.slice(raw.indexOf(' ') + 1) : raw;
  let nick: string | undefined;
  if (rest.startsWith(':')) {
    const source = rest.slice(1, rest.indexOf(' '));
    nick = source.includes('!') ? source.slice(0, source.indexOf('!')) : undefined;
    rest = rest.slice(rest.indexOf(' ') + 1);
  }
  const colon = rest.indexOf(' :');
  const head = colon < 0 ? rest : rest.slice(0, colon);
  const [command = '', ...params] = head.split(' ').filter((p) => p !== '');
  if (colon >= 0) params.push(rest.slice(colon + 2));
  return { nick, command, params };
}

const ERROR = /^ERROR ([A-Z_]+): /;

/** The contract's client API over IRC: registration enters the room, JOIN shows #lobby and its history. */
export async function ircChatClient(port: number): Promise<{ client: ContractClient; close: () => void }> {
  const socket: Socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined); // every socket has an error listener; the test fails on its own
  await once(socket, 'connect');
  const label = `irc client ${String(socket.localPort)}`;
  const lines = new Inbox<IrcLine>(`${label} lines`);
  const notices = new Inbox<string>(`${label} notices`);
  const errors = new Inbox<string>(`${label} errors`);
  const history: string[] = [];
  let me = '';
  let replaying = false;
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf('\r\n')) >= 0) {
      const line = parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 2);
      if (line.command === 'PING') socket.write(`PONG :${line.params[0] ?? ''}\r\n`);
      const notice = render(line);
      const error = line.command === 'NOTICE' && line.nick === undefined ? ERROR.exec(line.params[1] ?? '')?.[1] : undefined;
      if (error !== undefined) errors.push(error);
      else if (notice !== undefined) (replaying ? history : notices).push(notice);
      lines.push(line);
    }
  });
  // Room events as IRC shows them, rendered in the room's own words so the suite can compare.
  const render = (line: IrcLine): string | undefined => {
    const [target, text = ''] = line.params;
    if (line.command === 'JOIN' && line.nick !== undefined && line.nick !== me) return `${line.nick} joined the room`;
    if (line.command === 'QUIT' && line.nick !== undefined) return `${line.nick} left the room`;
    if (line.command === 'PRIVMSG' && target === '#lobby' && line.nick !== undefined) return `${line.nick}: ${text}`;
    // Server notices: to #lobby (file notices, replayed announcements) or to me (announcements, addressed to each nick).
    if (line.command === 'NOTICE' && line.nick === undefined && (target === '#lobby' || target === me)) return text;
    return undefined;
  };
  const send = (line: string): void => void socket.write(`${line}\r\n`);
  send('CAP LS 302');
  send('CAP REQ :server-time');
  send('CAP END');
  let userSent = false;
  const client: ContractClient = {
    async enter(wanted) {
      send(`NICK ${wanted}`);
      if (!userSent) send(`USER ${wanted.replace(/[^A-Za-z0-9]/gu, 'u')} 0 * :contract`);
      userSent = true;
      const answer = await lines.waitFor((l) => ['001', '432', '433'].includes(l.command));
      if (answer.command === '433') return { ok: false, code: 'NAME_TAKEN' };
      if (answer.command === '432') return { ok: false, code: await errors.waitFor(() => true) };
      me = wanted;
      // History is replayed at JOIN; a PING round trip after it marks where the replay ends.
      replaying = true;
      send('JOIN #lobby');
      send('PING :replayed');
      await lines.waitFor((l) => l.command === 'PONG' && l.params.at(-1) === 'replayed');
      replaying = false;
      return { ok: true };
    },
    say: (text) => send(`PRIVMSG #lobby :${text}`),
    waitForNotice: (match) => notices.waitFor(match),
    waitForError: () => errors.waitFor(() => true),
    notices: () => notices.all(),
    errors: () => errors.all(),
    history: () => history,
    async leave() {
      send('QUIT :bye');
      await lines.waitFor((l) => l.command === 'ERROR');
    },
  };
  return { client, close: () => socket.destroy() };
}

/** What IRC shows on entering: the conversation, not joins and leaves. */
export const IRC_CAPABILITIES: ContractCapabilities = {
  historyWithoutPresence: 'IRC replays the conversation on JOIN, not joins and leaves: NAMES has just shown who is here',
};
