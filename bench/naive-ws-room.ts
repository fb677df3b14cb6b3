// A minimal `ws` broadcast room speaking netroom's /ws protocol: the baseline the WebSocket door is measured against.
// Run: node dist/bench/naive-ws-room.js PORT   (prints "listening PORT")
import { WebSocketServer, type WebSocket } from 'ws';

const port = Number(process.argv[2] ?? 0);
const wss = new WebSocketServer({ host: '127.0.0.1', port, path: '/ws', perMessageDeflate: false });
const names = new Map<WebSocket, string>();

wss.on('connection', (ws) => {
  ws.on('error', () => undefined);
  ws.on('message', (data: Buffer) => {
    let msg: { type?: string; name?: string; text?: string };
    try {
      msg = JSON.parse(data.toString()) as typeof msg;
    } catch {
      return;
    }
    if (msg.type === 'enter' && msg.name) {
      names.set(ws, msg.name);
      ws.send(JSON.stringify({ type: 'welcome', name: msg.name, members: [...names.values()], history: [], resume: '' }));
    } else if (msg.type === 'say' && names.has(ws)) {
      const name = names.get(ws) ?? '';
      // The textbook broadcast: serialise once, send to every other client.
      const out = JSON.stringify({ type: 'event', event: { id: 0, at: Date.now(), kind: 'message', name, text: msg.text, notice: `${name}: ${msg.text ?? ''}` } });
      for (const client of wss.clients) if (client !== ws && names.has(client)) client.send(out);
    }
  });
  ws.on('close', () => names.delete(ws));
});
wss.on('listening', () => {
  const address = wss.address();
  console.log(`listening ${typeof address === 'object' && address ? address.port : String(address)}`);
});
