// The chat contract's client over one WebSocket connection, with its own inboxes for answers, notices and errors.
import type { ServerMessage } from '../../src/doors/ws/messages.js';
import type { TestWsClient } from '../helpers/ws.js';
import type { ContractClient } from './chat-contract.js';
import { Inbox } from './inbox.js';

/**
 * The contract's client API over one WebSocket connection. Its own inboxes (not the test client's
 * single cursor), so waiting for an error never consumes a notice and vice versa.
 */
export function wsChatClient(ws: TestWsClient): ContractClient {
  const label = `ws client ${ws.ws.url}`;
  const answers = new Inbox<ServerMessage>(`${label} answers`); // welcome, left, errors about enter
  const notices = new Inbox<string>(`${label} notices`);
  const errors = new Inbox<string>(`${label} errors`);
  ws.ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString('utf8')) as ServerMessage;
    if (m.type === 'event') notices.push(m.event.notice);
    else if (m.type === 'error' && m.about !== 'enter') errors.push(m.code);
    else answers.push(m);
  });
  let history: string[] = [];
  return {
    async enter(name) {
      ws.send({ type: 'enter', name });
      const answer = await answers.waitFor((m) => m.type === 'welcome' || m.type === 'error');
      if (answer.type === 'error') return { ok: false, code: answer.code };
      if (answer.type === 'welcome') history = answer.history.map((e) => e.notice);
      return { ok: true };
    },
    say: (text) => ws.send({ type: 'say', text }),
    waitForNotice: (match) => notices.waitFor(match),
    waitForError: () => errors.waitFor(() => true),
    notices: () => notices.all(),
    errors: () => errors.all(),
    history: () => history,
    async leave() {
      ws.send({ type: 'leave' });
      await answers.waitFor((m) => m.type === 'left');
    },
  };
}
