// The reference for the cluster bench: a minimal socket.io 4 chat room scaled over Redis with @socket.io/redis-adapter (its documented setup).
// Run: node dist/bench/socketio-room.js PORT REDIS_URL   (prints "listening PORT"); several on one Redis are one room.
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import { Server } from 'socket.io';

const ROOM = 'lobby';
const port = Number(process.argv[2] ?? 0);
const redisUrl = process.argv[3] ?? 'redis://127.0.0.1:6379';

// node-redis 6 fails a command not yet written after 5 s by default, and the adapter leaves that publish's rejection
// unhandled: under a burst on a busy machine the node crashed (every member lost). The reference should lose nothing
// and stay up, so: no such timeout, and a failed publish is reported (its deliveries count as lost), not fatal.
const pub = createClient({ url: redisUrl, commandOptions: { timeout: undefined } });
process.on('unhandledRejection', (err: unknown) => console.error(`socket.io room: ${String(err)}`));
const sub = pub.duplicate();
pub.on('error', (err: unknown) => console.error(`socket.io room: redis: ${String(err)}`));
sub.on('error', (err: unknown) => console.error(`socket.io room: redis: ${String(err)}`));
await Promise.all([pub.connect(), sub.connect()]);

const http = createServer();
// WebSocket only, no compression: the same wire netroom's /ws door is measured on.
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false, adapter: createAdapter(pub, sub) });

io.on('connection', (socket) => {
  let name: string | null = null;
  // enter(name, ack): join the room, acknowledged so the client knows when it is in.
  socket.on('enter', (wanted: unknown, ack: unknown) => {
    if (typeof wanted !== 'string' || wanted === '') return;
    name = wanted;
    void socket.join(ROOM);
    if (typeof ack === 'function') (ack as (ok: boolean) => void)(true);
  });
  // say(text): everyone else in the room, on every node (the adapter publishes it on Redis); the author does not get it back, as on netroom.
  socket.on('say', (text: unknown) => {
    if (name === null || typeof text !== 'string') return;
    socket.to(ROOM).emit('message', name, text);
  });
});

http.listen(port, '127.0.0.1', () => {
  const address = http.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : String(address)}`);
});

const stop = (): void => {
  void io.close().then(async () => {
    await Promise.allSettled([pub.quit(), sub.quit()]);
    process.exit(0);
  });
  setTimeout(() => process.exit(0), 3000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
