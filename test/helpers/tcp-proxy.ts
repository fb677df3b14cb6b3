// A TCP proxy on 127.0.0.1 that a test can hold shut: one node reaches a server (Redis) through it, so the test decides when that node gets back.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';

/** A proxy to `127.0.0.1:<target>`; `port` is where clients connect. */
export interface TcpProxy {
  readonly port: number;
  /** Refuse new connections (closed at once) and cut the open ones. */
  block(): void;
  /** Pass new connections through again. */
  open(): void;
  /** Keep what the clients send (to the target) here, in order, until release(); what the target sends still flows. */
  hold(): void;
  /** Send on what hold() kept, and pass through again. */
  release(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: number): Promise<TcpProxy> {
  let passing = true;
  let holding = false;
  const live = new Set<Socket>();
  const held: { upstream: Socket; data: Buffer }[] = [];
  const cut = (): void => {
    for (const socket of live) socket.destroy();
    live.clear();
  };
  const server: Server = createServer((client) => {
    client.on('error', () => undefined);
    if (!passing) {
      client.destroy();
      return;
    }
    const upstream = connect(target, '127.0.0.1');
    upstream.on('error', () => undefined);
    client.on('data', (data: Buffer) => {
      if (holding) held.push({ upstream, data });
      else upstream.write(data);
    });
    upstream.pipe(client);
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      live.add(a);
      a.on('close', () => {
        live.delete(a);
        b.destroy();
      });
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the proxy has no address');
  return {
    port: address.port,
    block() {
      passing = false;
      cut();
    },
    open() {
      passing = true;
    },
    hold() {
      holding = true;
    },
    release() {
      holding = false;
      for (const { upstream, data } of held.splice(0)) if (!upstream.destroyed) upstream.write(data);
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
