// The chat contract's client over the seed UDP protocol: a raw dgram socket (errors come back as text).
import { createSocket, type Socket } from 'node:dgram';
import { PADDED_REQUEST, encodeRequest } from '../../src/doors/udp/codec.js';
import type { ContractCapabilities, ContractClient } from './chat-contract.js';
import { Inbox } from './inbox.js';

/** `ERROR CODE: message`, as the UDP door writes errors in English. */
const ERROR = /^ERROR ([A-Z_]+): /;

/** The contract's client API over the seed protocol: `L`, `C`, `Q`; notices start with `\n`. */
export async function udpChatClient(port: number): Promise<{ client: ContractClient; close: () => void }> {
  const socket: Socket = createSocket('udp4');
  socket.on('error', () => undefined); // every socket has an error listener; the test fails on its own
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const label = `udp client ${socket.address().port}`;
  // Bare datagrams answer a request (OK, EXIT, an error to L); `\n`-led ones are notices or errors to a member.
  const replies = new Inbox<string>(`${label} replies`);
  const notices = new Inbox<string>(`${label} notices`);
  const errors = new Inbox<string>(`${label} errors`);
  socket.on('message', (buf) => {
    const text = buf.toString('utf8');
    const body = text.startsWith('\n') ? text.slice(1) : text;
    const error = ERROR.exec(body)?.[1];
    if (error !== undefined) errors.push(error);
    if (!text.startsWith('\n')) replies.push(text);
    else if (error === undefined) notices.push(body);
  });
  const send = (line: string): void => socket.send(Buffer.from(line, 'utf8'), port, '127.0.0.1');
  let name = '';
  const client: ContractClient = {
    async enter(wanted) {
      // Padded as netroom's client sends it: the door answers a stranger with no more bytes than it got.
      socket.send(encodeRequest({ kind: 'L', name: wanted }, PADDED_REQUEST), port, '127.0.0.1');
      const reply = await replies.waitFor(() => true);
      if (reply === 'OK') {
        name = wanted;
        return { ok: true };
      }
      await errors.waitFor(() => true); // the same datagram, counted as an error: consume it
      return { ok: false, code: ERROR.exec(reply)?.[1] ?? reply };
    },
    say: (text) => send(`C ${name} ${text}`),
    waitForNotice: (match) => notices.waitFor(match),
    waitForError: () => errors.waitFor(() => true),
    notices: () => notices.all(),
    errors: () => errors.all(),
    history: () => [],
    async leave() {
      send(`Q ${name}`);
      await replies.waitFor((r) => r === 'EXIT');
    },
  };
  return { client, close: () => socket.close() };
}

/** The seed protocol shows no history. */
export const UDP_CAPABILITIES: ContractCapabilities = { noHistory: 'the seed protocol has no way to show history: its client prints notices only' };
