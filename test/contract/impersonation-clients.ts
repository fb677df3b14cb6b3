// The impersonation contract's clients: a name claim on every door, as a guest or signed in, answered door-neutrally.
import { once } from 'node:events';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import type { ChatEvent } from '../../src/core/chat/types.js';
import type { ServerMessage } from '../../src/doors/ws/messages.js';
import { RawFtp } from '../helpers/ftp.js';
import { splitLine, type Line } from '../helpers/irc.js';
import { Inbox } from './inbox.js';
import type { PermissionServer } from './permissions-server.js';
import { ircRoomsClient } from './rooms-irc.js';
import { udpRoomsClient } from './rooms-udp.js';
import { wsRoomsClient } from './rooms-ws.js';

/** The doors where a name is claimed: chat doors (WS enter, IRC registration, seed UDP `L`), and HTTP and FTP. */
export type ClaimDoor = 'ws' | 'irc' | 'udp' | 'http' | 'ftp';
export const CLAIM_DOORS: readonly ClaimDoor[] = ['ws', 'irc', 'udp', 'http', 'ftp'];

/** What a claim came to: the name the door gave (undefined: none), or the refusal as the door said it. */
export type Claim = { readonly ok: true; readonly name: string | undefined; readonly raw: string } | { readonly ok: false; readonly code: string; readonly raw: string };

/** A client that holds what it claimed until closed. */
export interface Held {
  readonly claim: Claim;
  /** Leave the chat (when the door has one) and close. */
  close(): Promise<void>;
}

const none = (claim: Claim): Held => ({ claim, close: () => Promise.resolve() });

/** A guest claims `name` on a chat door through the rooms contract's clients. */
export async function guestChatClaim(s: PermissionServer, door: 'ws' | 'irc' | 'udp', name: string): Promise<Held> {
  const c = door === 'ws' ? await wsRoomsClient(`ws://127.0.0.1:${s.ports.http}/ws`) : door === 'irc' ? await ircRoomsClient(s.ports.irc) : await udpRoomsClient(s.ports.udp);
  const result = await c.connect(name);
  // IRC says 433 for a reserved nick as for one in use (the rooms client reads it as NAME_TAKEN): the numeric is the code here.
  const claim: Claim = result.ok
    ? { ok: true, name: c.name, raw: `connected as ${c.name}` }
    : { ok: false, code: door === 'irc' ? (/^:\S+ (\d{3}) /u.exec(result.raw)?.[1] ?? result.code) : result.code, raw: result.raw };
  return {
    claim,
    async close() {
      if (claim.ok) await c.quit().catch(() => undefined);
      c.close();
    },
  };
}

/**
 * An HTTP upload naming itself `name` with X-Netroom-Name (percent-encoded when not Latin-1, as
 * browsers send it), as a guest or with `token`: the name is the one the file notice gave.
 */
export async function httpUploadClaim(s: PermissionServer, path: string, name: string | undefined, token?: string): Promise<Held> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (name !== undefined) headers['x-netroom-name'] = /^[\x20-\x7e]*$/u.test(name) ? name : encodeURIComponent(name);
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const notices: ChatEvent[] = [];
  const stop = s.server.chat.subscribe((e) => {
    if (e.kind === 'file' && e.path === path) notices.push(e);
  });
  try {
    const res = await fetch(`http://127.0.0.1:${s.ports.http}/files/${path}`, { method: 'PUT', body: `uploaded as ${name ?? '(no name)'}`, headers });
    const text = await res.text();
    if (!res.ok) return none({ ok: false, code: String(res.status), raw: text });
    // The door tells the chat before it answers: the notice is in by now.
    const notice = notices[0];
    if (notice?.kind !== 'file') throw new Error(`no file notice for ${path} (${res.status} ${text})`);
    return none({ ok: true, name: notice.name, raw: `${res.status} ${text}; notice ${JSON.stringify({ name: notice.name, path: notice.path })}` });
  } finally {
    stop();
  }
}

/**
 * An FTP login as `user` with `password` from `localAddress` (a loopback address of its own: the
 * sign-in limit counts failures per account and address, and these are deliberate failures, not
 * guessing): the name is the account the 230 reply names.
 */
export async function ftpLoginClaim(s: PermissionServer, user: string, password: string, localAddress = '127.0.0.1'): Promise<Held> {
  const ftp = await RawFtp.connect(s.ports.ftp, localAddress);
  const asked = await ftp.command(`USER ${user}`);
  const answer = asked.code === 331 ? await ftp.command(`PASS ${password}`) : asked;
  const raw = `${answer.code} ${answer.text}`;
  if (answer.code !== 230) {
    ftp.close();
    return none({ ok: false, code: String(answer.code), raw });
  }
  return {
    claim: { ok: true, name: /Logged in as (\S+)/u.exec(answer.text)?.[1], raw },
    async close() {
      await ftp.command('QUIT').catch(() => undefined);
      ftp.close();
    },
  };
}

/** A WebSocket signed in with `Authorization: Bearer token` entering as `name` (undefined: the account's name). */
export async function wsSignedInClaim(s: PermissionServer, token: string, name: string | undefined): Promise<Held> {
  const ws = new WebSocket(`ws://127.0.0.1:${s.ports.http}/ws`, { headers: { authorization: `Bearer ${token}` } });
  ws.on('error', () => undefined); // every socket has an error listener; the test fails on its own
  const inbox = new Inbox<ServerMessage>('signed-in ws');
  ws.on('message', (data: Buffer) => inbox.push(JSON.parse(data.toString('utf8')) as ServerMessage));
  await once(ws, 'open');
  ws.send(JSON.stringify(name === undefined ? { type: 'enter' } : { type: 'enter', name }));
  const m = await inbox.waitFor((a) => a.type === 'welcome' || (a.type === 'error' && a.about === 'enter'));
  const claim: Claim = m.type === 'welcome' ? { ok: true, name: m.name, raw: JSON.stringify({ type: m.type, name: m.name }) } : { ok: false, code: m.type === 'error' ? m.code : '?', raw: JSON.stringify(m) };
  return {
    claim,
    async close() {
      if (claim.ok) {
        ws.send(JSON.stringify({ type: 'leave' }));
        await inbox.waitFor((a) => a.type === 'left');
      }
      ws.terminate();
    },
  };
}

/** IRC registration signed in with `PASS account:password`, asking for `nick`. */
export async function ircSignedInClaim(s: PermissionServer, account: string, password: string, nick: string): Promise<Held> {
  const socket = connect(s.ports.irc, '127.0.0.1');
  socket.on('error', () => undefined); // every socket has an error listener; the test fails on its own
  await once(socket, 'connect');
  const lines = new Inbox<Line>('signed-in irc');
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\r\n'); end >= 0; end = buffered.indexOf('\r\n')) {
      lines.push(splitLine(buffered.slice(0, end)));
      buffered = buffered.slice(end + 2);
    }
  });
  socket.write(`PASS ${account}:${password}\r\nNICK ${nick}\r\nUSER owner 0 * :impersonation contract\r\n`);
  const answer = await lines.waitFor((l) => l.command === '001' || l.command === 'ERROR' || /^4\d\d$/u.test(l.command));
  const claim: Claim = answer.command === '001' ? { ok: true, name: answer.params[0], raw: answer.raw } : { ok: false, code: answer.command, raw: answer.raw };
  return {
    claim,
    async close() {
      if (claim.ok) {
        socket.write('QUIT :bye\r\n');
        await lines.waitFor((l) => l.command === 'ERROR');
      }
      socket.destroy();
    },
  };
}
