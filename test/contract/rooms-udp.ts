// The rooms contract's UDP client: the seed protocol (L, C, Q) plus the M extension for DMs; #lobby only.
import { createSocket } from 'node:dgram';
import { LOBBY } from '../../src/core/chat/types.js';
import { PADDED_REQUEST, encodeRequest } from '../../src/doors/udp/codec.js';
import { Inbox } from './inbox.js';
import { LIMITS, type ConnectResult, type Refusal, type RoomsClient, type Seen } from './rooms-types.js';

const ERROR = /^ERROR ([A-Z_]+): /u;

/** A notice in the seeds' one-room texts, door-neutral: every UDP member is in #lobby, so that is the room. */
function seenOf(raw: string): Seen | undefined {
  let m: RegExpExecArray | null;
  if (raw.startsWith('[admin] ')) return { kind: 'announce', text: raw.slice('[admin] '.length), raw };
  if ((m = /^(\S+) \(private\): ([\s\S]*)$/u.exec(raw))) return { kind: 'dm', from: m[1] ?? '', to: undefined, text: m[2] ?? '', raw };
  if ((m = /^(\S+) joined the room$/u.exec(raw))) return { kind: 'join', room: LOBBY, name: m[1] ?? '', raw };
  // Parting #lobby and leaving the server read the same in the seeds' words.
  if ((m = /^(\S+) left the room$/u.exec(raw))) return { kind: 'leave', room: LOBBY, name: m[1] ?? '', quit: undefined, raw };
  if ((m = /^([^\s:]+): ([\s\S]*)$/u.exec(raw))) return { kind: 'message', room: LOBBY, name: m[1] ?? '', text: m[2] ?? '', raw };
  return undefined;
}

export async function udpRoomsClient(port: number): Promise<RoomsClient> {
  const socket = createSocket('udp4');
  socket.on('error', () => undefined); // every socket has an error listener; the test fails on its own
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const label = `udp ${socket.address().port}`;
  // Bare datagrams answer a request (OK, EXIT, an error to L); `\n`-led ones are notices, or errors to a member.
  const replies = new Inbox<string>(`${label} replies`);
  const seen = new Inbox<Seen>(`${label} seen`);
  const errors = new Inbox<Refusal>(`${label} errors`);
  socket.on('message', (buf) => {
    const text = buf.toString('utf8');
    if (!text.startsWith('\n')) {
      replies.push(text);
      return;
    }
    const body = text.slice(1);
    const code = ERROR.exec(body)?.[1];
    if (code !== undefined) errors.push({ code, raw: body });
    else {
      const item = seenOf(body);
      if (item !== undefined) seen.push(item);
    }
  });
  const send = (buf: Buffer): void => socket.send(buf, port, '127.0.0.1');
  let me = '';
  const cannot = (what: string): never => {
    throw new Error(`${label}: cannot ${what}: ${LIMITS.udp.rooms ?? ''}`);
  };
  return {
    door: 'udp',
    get name() {
      return me;
    },
    async connect(name): Promise<ConnectResult> {
      // Padded as netroom's client sends it: the door answers a stranger with no more bytes than it got.
      send(encodeRequest({ kind: 'L', name }, PADDED_REQUEST));
      const reply = await replies.waitFor(() => true);
      if (reply === 'OK') {
        me = name;
        return { ok: true };
      }
      return { ok: false, code: ERROR.exec(reply)?.[1] ?? reply, raw: reply };
    },
    join: (room) => Promise.resolve(room === LOBBY ? undefined : cannot(`join ${room}`)),
    part: (room) => Promise.resolve(cannot(`part ${room}`)),
    say(room, text) {
      if (room !== LOBBY) cannot(`say in ${room}`);
      send(encodeRequest({ kind: 'C', name: me, text }));
    },
    dm: (to, text) => send(encodeRequest({ kind: 'M', name: me, to, text })),
    async quit() {
      send(encodeRequest({ kind: 'Q', name: me }, PADDED_REQUEST));
      await replies.waitFor((r) => r === 'EXIT');
    },
    waitFor: (match) => seen.waitFor(match),
    seen: () => seen.all(),
    waitForError: () => errors.waitFor(() => true),
    errors: () => errors.all(),
    history: () => [],
    close: () => {
      try {
        socket.close();
      } catch {
        // Already closed.
      }
    },
  };
}
