// Direct replies of the WebSocket door to one client: messages, pre-encoded text, and errors mapped to the wire.
import type { Logger } from 'pino';
import { NetroomError, isNetroomError } from '../../core/errors.js';
import type { Metrics } from '../../metrics.js';
import type { WsClient } from './client.js';
import { encodeServerMessage } from './codec.js';
import type { ServerMessage } from './messages.js';

/** Replies are not batched: they are rare and go to one client, so the fan-out has nothing to share. */
export class WsReplies {
  constructor(
    private readonly log: Logger,
    private readonly metrics: Metrics | undefined,
    private readonly maxBufferedBytes: number,
    /** A client buffering past maxBufferedBytes: the door drops it as too slow. */
    private readonly onSlow: (client: WsClient) => void,
  ) {}

  send(client: WsClient, message: ServerMessage): void {
    this.sendText(client, encodeServerMessage(message));
  }

  sendText(client: WsClient, text: string): void {
    if (!client.open) return;
    client.ws.send(text);
    // Replies can be big too (`members` of a large room): a client asking without reading is slow.
    if (client.socket.writableLength > this.maxBufferedBytes) this.onSlow(client);
  }

  /** The one place errors become `error` messages (ARCHITECTURE 4); `about` is the request's type, `ref` a refused `say`'s. */
  sendError(client: WsClient, err: unknown, about: string | undefined, ref?: string): void {
    let error: NetroomError;
    if (isNetroomError(err)) {
      error = err;
    } else {
      // A bug, not the client's fault: log it, answer generically, keep serving.
      this.log.error({ err }, 'ws request failed');
      error = new NetroomError('IO_ERROR', 'internal server error');
    }
    this.metrics?.errors.inc({ door: 'ws', code: error.code });
    if (about === undefined) this.send(client, { type: 'error', code: error.code, message: error.message });
    else if (ref === undefined) this.send(client, { type: 'error', code: error.code, message: error.message, about });
    else this.send(client, { type: 'error', code: error.code, message: error.message, about, ref });
  }
}
