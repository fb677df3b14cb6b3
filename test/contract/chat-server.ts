// The chat contract's harness on a whole server (NetroomServer, as `netroom serve` runs it), on the engines a suite names.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { NetroomServer } from '../../src/server.js';
import { TestWsClient } from '../helpers/ws.js';
import type { ContractClient, ContractHarness, HarnessOptions } from './chat-contract.js';
import { ircChatClient } from './chat-irc.js';
import { udpChatClient } from './chat-udp.js';
import { wsChatClient } from './chat-ws.js';
import type { EngineOptions } from './engine.js';

export type ChatDoor = 'ws' | 'irc' | 'udp';

/** The door the contract talks to on a server: its status name there. */
const STATUS_NAME: Readonly<Record<ChatDoor, string>> = { ws: 'http', irc: 'irc', udp: 'udp' };

/**
 * A harness factory for `door` on a server with the engines `engines` gives (fresh ones per harness):
 * temp folders, the suite's flood limit, no leave grace, FTP off.
 */
export function serverHarness(door: ChatDoor, engines: EngineOptions): (options: HarnessOptions) => Promise<ContractHarness> {
  return async (options) => {
    const top = await mkdtemp(join(tmpdir(), 'netroom-chat-contract-'));
    const flood = options.flood === null ? 'off' : `${options.flood.rate}:${options.flood.burst}`;
    const config = resolveConfig(
      { port: '0', http: '0', irc: '0', ftp: 'off', dir: join(top, 'files'), data: join(top, 'data'), logLevel: 'silent', flood, leaveGrace: '0', ...(await engines()) },
      {},
    );
    const server = new NetroomServer(config, createLogger('silent'));
    const statuses = await server.start();
    const status = statuses.find((s) => s.door === STATUS_NAME[door]);
    if (status?.state !== 'listening') throw new Error(`the server has no ${STATUS_NAME[door]} door listening`);
    const port = status.address.port;
    const closers: (() => void)[] = [];
    return {
      async client(): Promise<ContractClient> {
        if (door === 'ws') {
          const ws = await TestWsClient.open(`ws://127.0.0.1:${port}/ws`);
          closers.push(() => ws.close());
          return wsChatClient(ws);
        }
        const { client, close } = door === 'irc' ? await ircChatClient(port) : await udpChatClient(port);
        closers.push(close);
        return client;
      },
      announceFromServer: (text) => server.announce(text),
      async close() {
        await server.stop();
        closers.forEach((close) => close());
        await rm(top, { recursive: true, force: true });
      },
    };
  };
}
