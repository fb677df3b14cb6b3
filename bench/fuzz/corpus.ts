// Valid messages of each door, the seeds the socket fuzzer mutates: one function per protocol.
import type { Rng } from './mutate.js';

/** Short names from a small pool, so members entered by one batch can be sent away at its end. */
export function fuzzName(rng: Rng, prefix: string): string {
  return `${prefix}${rng.int(8)}`;
}

const WORDS = ['hello', 'a b c', '你好', 'ünïcödé', '😀', '', ' ', 'x'.repeat(300), 'ok\n[admin] FAKE', '\u0001ACTION waves\u0001', '%s%n', 'ﬁle'];
const PATHS = ['a.txt', 'dir/b.bin', 'dir', '', '.', '..', '../x', '.hidden', 'a/../../x', '%2e%2e/x', 'dir/', '/abs', 'sp ace.txt', '文件.txt', 'x'.repeat(260)];

/** Some text for a message body. */
function text(rng: Rng): string {
  return rng.chance(0.7) ? rng.pick(WORDS) : rng.bytes(rng.int(40)).toString('latin1');
}

/** Seed UDP chat (SPEC 3.1): L, C, Q, H with names from the pool. */
export function udpMessage(rng: Rng, prefix: string): Buffer {
  const name = fuzzName(rng, prefix);
  switch (rng.int(6)) {
    case 0:
    case 1:
      return Buffer.from(`L ${name}`);
    case 2:
    case 3:
      return Buffer.from(`C ${name} ${text(rng)}`);
    case 4:
      return Buffer.from(`H ${name}`);
    default:
      return Buffer.from(`Q ${name}`);
  }
}

/**
 * Seed file protocol commands (seed 003), one per line; P (an upload) is handled by the driver. The
 * door pauses 0.1 s around each `OK` as the seed server does, so a listing or a download of a file
 * that exists costs that pause: they are rare here, and most inputs are the parser's business alone.
 */
export function seedCommand(rng: Rng): Buffer {
  const r = rng.int(100);
  if (r < 4) return Buffer.from(rng.pick(['L', 'list', 'LIST', 'l']));
  if (r < 5) return Buffer.from(`G ${rng.pick(PATHS)}`);
  if (r < 7) return Buffer.from(`P ${rng.pick(PATHS)}`);
  if (r < 50) return Buffer.from(`${rng.pick(['G', 'get', 'GET', 'g'])} no-${rng.pick(PATHS)}`);
  if (r < 60) return Buffer.from(rng.pick(['##', '', ' ', '\r']));
  return Buffer.from(`${rng.pick(['X', 'DELE', 'RETR', 'LS', 'P', 'PUT', 'G', 'Q'])}${rng.pick(['', ' ', '  '])}${rng.pick(PATHS)}`);
}

const IRC_VERBS = ['PRIVMSG', 'NOTICE', 'JOIN', 'PART', 'MODE', 'TOPIC', 'NAMES', 'WHO', 'WHOIS', 'LIST', 'PING', 'PONG', 'AWAY', 'ISON', 'USERHOST', 'CAP', 'TAGMSG', 'NICK', 'OPER', 'WALLOPS', 'PASS', 'USER', 'MOTD', 'KICK'];

/** One IRC line (RFC 2812, IRCv3 tags) without its CR LF, mostly aimed at the room's channel. */
export function ircLine(rng: Rng, nick: string): Buffer {
  const target = rng.pick(['#lobby', '#lobby', '#other', nick, '*', '', '#']);
  const verb = rng.pick(IRC_VERBS);
  const tags = rng.chance(0.1) ? `@${rng.pick(['+draft/reply=1', 'label=x;+a=b\\sc', 'time=2020-01-01T00:00:00Z', '=', ';;;'])} ` : '';
  const source = rng.chance(0.05) ? `:${rng.pick(['server', nick, 'x!y@z'])} ` : '';
  let args: string;
  switch (verb) {
    case 'PRIVMSG':
    case 'NOTICE':
      args = `${target} :${text(rng)}`;
      break;
    case 'CAP':
      args = rng.pick(['LS 302', 'REQ :message-tags server-time', 'END', 'LIST', 'REQ :-sasl']);
      break;
    case 'MODE':
      args = `${target} ${rng.pick(['+o', '-o', '+b', '+i', '+k key', 'b', ''])} ${rng.pick([nick, '*!*@*', ''])}`;
      break;
    case 'NICK':
      args = `${rng.pick([nick, `${nick}_`, 'admin', 'ａｄｍｉｎ', '#x', ''])}`;
      break;
    default:
      args = `${target} :${rng.chance(0.5) ? text(rng) : ''}`;
  }
  return Buffer.from(`${tags}${source}${verb} ${args}`);
}

const FTP_VERBS = [
  'CWD', 'CDUP', 'PWD', 'LIST', 'NLST', 'MLSD', 'MLST', 'SIZE', 'MDTM', 'RETR', 'STOR', 'APPE', 'STOU', 'DELE', 'MKD', 'RMD', 'RNFR', 'RNTO',
  'TYPE', 'MODE', 'STRU', 'REST', 'ALLO', 'FEAT', 'HELP', 'SYST', 'STAT', 'NOOP', 'OPTS', 'SITE', 'ACCT', 'ABOR', 'PORT', 'EPRT', 'USER', 'PASS', 'AUTH', 'PBSZ', 'PROT',
];

/**
 * One FTP command (RFC 959 5.3) without its CR LF. PASV and a bare EPSV are left out: a transfer
 * after them waits for a data connection the fuzzer never opens (the data timeout), which only
 * slows the run; PORT and EPRT name closed or foreign ports, so they are refused or fail at once.
 */
export function ftpCommand(rng: Rng): Buffer {
  const verb = rng.pick(FTP_VERBS);
  let arg: string;
  switch (verb) {
    case 'PORT':
      arg = rng.pick(['127,0,0,1,0,21', '127,0,0,1,4,1', '10,0,0,1,200,10', '1,2,3', '127,0,0,1,256,1', '']);
      break;
    case 'EPRT':
      arg = rng.pick(['|1|127.0.0.1|1|', '|2|::1|1025|', '|1|192.0.2.1|5000|', '|3|x|1|', '||||', '|1|127.0.0.1|99999|']);
      break;
    case 'TYPE':
      arg = rng.pick(['A', 'I', 'L 8', 'E', 'A N', 'X']);
      break;
    case 'USER':
    case 'PASS':
      arg = rng.pick(['anonymous', 'x@y', '', 'admin']);
      break;
    case 'OPTS':
      arg = rng.pick(['UTF8 ON', 'MLST type;size;', 'X']);
      break;
    case 'REST':
    case 'ALLO':
      arg = rng.pick(['0', '10', '-1', '99999999999999999999', 'x']);
      break;
    default:
      arg = rng.pick(PATHS);
  }
  return Buffer.from(rng.chance(0.1) ? `${verb.toLowerCase()} ${arg}` : `${verb} ${arg}`);
}

/** One WebSocket chat message (README "WebSocket chat"): JSON, sometimes with wrong shapes. */
export function wsMessage(rng: Rng, name: string): Buffer {
  switch (rng.int(8)) {
    case 0:
      return Buffer.from(JSON.stringify({ type: 'enter', name: rng.chance(0.8) ? name : rng.pick(['admin', 'ａｄｍｉｎ', '', ' ', 'x'.repeat(40)]) }));
    case 1:
    case 2:
    case 3:
      return Buffer.from(JSON.stringify({ type: 'say', text: text(rng) }));
    case 4:
      return Buffer.from(JSON.stringify({ type: rng.pick(['who', 'leave']) }));
    case 5:
      return Buffer.from(JSON.stringify({ type: 'enter', name, resume: rng.pick(['', 'x'.repeat(24), 'x'.repeat(200), 5]) }));
    case 6:
      return Buffer.from(rng.pick(['{}', '[]', 'null', '"say"', '{"type":5}', '{"type":"say","text":[]}', '{"type":"say","text":"a","__proto__":{"x":1}}']));
    default:
      return Buffer.from(JSON.stringify({ type: rng.pick(['enter', 'say', 'hello', 'SAY', '']), name: text(rng), text: text(rng) }));
  }
}

/** One HTTP/1.1 request (RFC 9112), framed so a keep-alive connection can carry the next one. */
export function httpRequest(rng: Rng): Buffer {
  const path = rng.pick(PATHS);
  const target = rng.pick([`/files/${path}`, `/api/files?path=${path}`, '/healthz', '/', '/ws', `/uploads/${path}`, '/metrics', `/files/${encodeURIComponent(path)}`]);
  const method = rng.pick(['GET', 'GET', 'GET', 'HEAD', 'PUT', 'DELETE', 'POST', 'OPTIONS', 'PATCH']);
  const headers = ['Host: 127.0.0.1'];
  if (rng.chance(0.3)) headers.push(`Range: ${rng.pick(['bytes=0-0', 'bytes=-1', 'bytes=5-', 'bytes=9-1', 'bytes=0-1,2-3', 'items=1-2', 'bytes=99999999999999999-'])}`);
  if (rng.chance(0.1)) headers.push(`If-None-Match: ${rng.pick(['*', '"x"', 'W/"y"'])}`);
  if (rng.chance(0.05)) headers.push(`Expect: 100-continue`);
  let body: Buffer = Buffer.alloc(0);
  if (method === 'PUT' || method === 'POST' || rng.chance(0.05)) {
    body = method === 'POST' ? Buffer.from(JSON.stringify({ path: rng.pick(PATHS), text: 'x' })) : rng.bytes(rng.int(64));
    if (method === 'POST') headers.push('Content-Type: application/json');
    if (rng.chance(0.2)) headers.push(`Content-Range: bytes 0-${Math.max(0, body.length - 1)}/${body.length + rng.int(3)}`);
  }
  headers.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${method} ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`), body]);
}
