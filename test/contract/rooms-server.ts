// One netroom server (NetroomServer, as `netroom serve` runs it) with its IRC, WebSocket and UDP doors on port 0: one Chat, three doors.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type RawOptions } from '../../src/config.js';
import type { Chat } from '../../src/core/chat/chat.js';
import { createLogger } from '../../src/log.js';
import { NetroomServer } from '../../src/server.js';
import { ircRoomsClient } from './rooms-irc.js';
import type { DoorName, RoomsClient } from './rooms-types.js';
import { udpRoomsClient } from './rooms-udp.js';
import { wsRoomsClient } from './rooms-ws.js';

export interface RoomsServer {
  readonly chat: Chat;
  /** A new client of `door`, not yet connected. */
  client(door: DoorName): Promise<RoomsClient>;
  /** An administrator announcement (the server console / `netroom announce`). */
  announce(text: string): void;
  close(): Promise<void>;
}

/** Where one node's chat doors listen. */
export interface ChatPorts {
  readonly irc: number;
  readonly http: number;
  readonly udp: number;
}

/** A new, unconnected client of `door` on the node listening on `ports`. */
export function openRoomsClient(door: DoorName, ports: ChatPorts): Promise<RoomsClient> {
  return door === 'irc' ? ircRoomsClient(ports.irc) : door === 'ws' ? wsRoomsClient(`ws://127.0.0.1:${ports.http}/ws`) : udpRoomsClient(ports.udp);
}

/**
 * Start the server in fresh temp folders: flood control off, no leave grace, SQLite history as served;
 * `engines` adds options such as `database` and `redis` (the networked engines).
 */
export async function startRoomsServer(engines: RawOptions = {}): Promise<RoomsServer> {
  const top = await mkdtemp(join(tmpdir(), 'netroom-rooms-contract-'));
  const config = resolveConfig(
    { port: '0', http: '0', irc: '0', ftp: 'off', dir: join(top, 'files'), data: join(top, 'data'), logLevel: 'silent', flood: 'off', leaveGrace: '0', ...engines },
    {},
  );
  const server = new NetroomServer(config, createLogger('silent'));
  const statuses = await server.start();
  const portOf = (door: string): number => {
    const status = statuses.find((s) => s.door === door);
    if (status?.state !== 'listening') throw new Error(`the server has no ${door} door listening`);
    return status.address.port;
  };
  const ports = { irc: portOf('irc'), http: portOf('http'), udp: portOf('udp') };
  const clients: RoomsClient[] = [];
  return {
    chat: server.chat,
    async client(door) {
      const c = await openRoomsClient(door, ports);
      clients.push(c);
      return c;
    },
    announce: (text) => server.announce(text),
    async close() {
      await server.stop();
      clients.forEach((c) => c.close());
      await rm(top, { recursive: true, force: true });
    },
  };
}
