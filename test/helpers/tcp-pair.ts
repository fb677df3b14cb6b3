// Connected TCP socket pairs on 127.0.0.1 for tests that drive a door's reader or writer over a real socket; closed after each test.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterEach } from 'vitest';

/** Registers cleanup after each test of the calling file; returns a function that opens a pair: [client side, server side]. */
export function tcpPairs(): () => Promise<[Socket, Socket]> {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });
  return async () => {
    const server = createServer({ noDelay: true });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect(address.port, '127.0.0.1');
    const [peer] = await accepted;
    sockets.push(client, peer);
    return [client, peer];
  };
}
