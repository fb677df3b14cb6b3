// The rooms contract's WebSocket client: protocol v2 over a real socket; entering puts the member in #lobby.
import { once } from 'node:events';
import { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage, WireEvent } from '../../src/doors/ws/messages.js';
import { Inbox } from './inbox.js';
import type { ConnectResult, Refusal, RoomsClient, Seen } from './rooms-types.js';

/** A wire event door-neutral, `raw` its rendered notice; undefined for kinds the contract does not look at. */
function seenOf(e: WireEvent): Seen | undefined {
  const raw = e.notice;
  const name = e.name ?? '';
  switch (e.kind) {
    case 'join':
      return { kind: 'join', room: e.room ?? '', name, raw };
    case 'leave':
      return { kind: 'leave', room: e.room, name, quit: e.reason !== 'part', raw };
    case 'message':
      return { kind: 'message', room: e.room ?? '', name, text: e.text ?? '', raw };
    case 'dm':
      return { kind: 'dm', from: name, to: e.to, text: e.text ?? '', raw };
    case 'announce':
      return { kind: 'announce', text: e.text ?? '', raw };
    default:
      return undefined;
  }
}

export async function wsRoomsClient(url: string): Promise<RoomsClient> {
  const ws = new WebSocket(url);
  ws.on('error', () => undefined); // every socket has an error listener; the test fails on its own
  const label = `ws ${url}`;
  // Answers to requests (welcome, joined, parted, left, errors about enter/join/part) apart from what the member is shown.
  const answers = new Inbox<ServerMessage>(`${label} answers`);
  const seen = new Inbox<Seen>(`${label} seen`);
  const errors = new Inbox<Refusal>(`${label} errors`);
  const histories = new Map<string, Seen[]>();
  let me = '';
  ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString('utf8')) as ServerMessage;
    if (m.type === 'event') {
      const item = seenOf(m.event);
      if (item !== undefined) seen.push(item);
      return;
    }
    if (m.type === 'error' && m.about !== 'enter' && m.about !== 'join' && m.about !== 'part') errors.push({ code: m.code, raw: JSON.stringify(m) });
    else answers.push(m);
  });
  await once(ws, 'open');
  const send = (m: ClientMessage): void => ws.send(JSON.stringify(m));
  const answer = async <T extends ServerMessage['type']>(type: T): Promise<Extract<ServerMessage, { type: T }>> => {
    const m = await answers.waitFor((a) => a.type === type || a.type === 'error');
    if (m.type === 'error') throw new Error(`${label}: ${m.about ?? 'request'} refused: ${m.code} ${m.message}`);
    return m as Extract<ServerMessage, { type: T }>;
  };
  return {
    door: 'ws',
    get name() {
      return me;
    },
    async connect(name): Promise<ConnectResult> {
      send({ type: 'enter', name });
      const m = await answers.waitFor((a) => a.type === 'welcome' || (a.type === 'error' && a.about === 'enter'));
      if (m.type === 'error') return { ok: false, code: m.code, raw: JSON.stringify(m) };
      if (m.type === 'welcome') {
        me = m.name;
        histories.set('#lobby', m.history.flatMap((e) => seenOf(e) ?? []));
      }
      return { ok: true };
    },
    async join(room) {
      send({ type: 'join', room });
      const joined = await answer('joined');
      histories.set(room, joined.history.flatMap((e) => seenOf(e) ?? []));
    },
    async part(room) {
      send({ type: 'part', room });
      await answer('parted');
    },
    say: (room, text) => send({ type: 'say', room, text }),
    dm: (to, text) => send({ type: 'say', to, text }),
    async quit() {
      send({ type: 'leave' });
      await answer('left');
    },
    waitFor: (match) => seen.waitFor(match),
    seen: () => seen.all(),
    waitForError: () => errors.waitFor(() => true),
    errors: () => errors.all(),
    history: (room) => histories.get(room) ?? [],
    close: () => ws.terminate(),
  };
}
