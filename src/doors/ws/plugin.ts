// The WebSocket door as a Fastify plugin: registers @fastify/websocket and `GET /ws` on the HTTP door's app.
import type { IncomingMessage, ServerResponse } from 'node:http';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { plainAddress } from '../../core/access/addresses.js';
import type { Actor } from '../../core/access/roles.js';
import type { DoorContext } from '../door.js';
import { authOf } from '../http/auth-hook.js';
import { signInOf } from './auth.js';
import { WsDoor, type WsOptions } from './door.js';

/** The path of the chat WebSocket (SPEC 3.3). */
export const WS_PATH = '/ws';

/** A Fastify plugin function that also exposes its door (member count for metrics, tests). */
export type WsPlugin = ((app: FastifyInstance) => Promise<void>) & { readonly door: WsDoor };

function peer(request: FastifyRequest): string {
  const { remoteAddress, remotePort } = request.socket;
  return `${remoteAddress ?? '?'}|${remotePort ?? '?'}`;
}

/**
 * Let go of the upgrade's HTTP objects, which would otherwise live as long as the connection
 * (about 2.6 KB per idle member, measured with 10,000): @fastify/websocket's socket `error`
 * listener closes over the request and reply, and the ServerResponse it assigned to the TCP
 * socket stays there. The door adds its own error listener right after (in connect).
 */
function release(socket: WebSocket, request: FastifyRequest, response: ServerResponse | undefined): void {
  socket.removeAllListeners('error');
  response?.detachSocket(request.raw.socket);
}

/**
 * The WebSocket chat door for the HTTP door's Fastify instance: `GET /ws`, protocol in
 * messages.ts. Works registered (`app.register(plugin)`) or called (`await plugin(app)`); use one
 * plugin per app. permessage-deflate stays off: the fan-out writes pre-framed bytes (fanout.ts),
 * and chat frames are small. Closing the app makes the members leave and closes sockets with 1001.
 * Who may open it is decided before this route runs: the HTTP door's guard (doors/http/guard.ts)
 * answers an upgrade from another site's page with 403 and a wrong Host with 421, never upgrading.
 */
export function wsPlugin(ctx: DoorContext, options: WsOptions = {}): WsPlugin {
  const door = new WsDoor(ctx, options);
  let attached = false;
  const plugin = async (app: FastifyInstance): Promise<void> => {
    if (attached) throw new Error('this WebSocket door is already attached to an app');
    attached = true;
    // Added before @fastify/websocket's own preClose (which closes every client with 1005), so
    // ours runs first: members leave as 'shutdown' and sockets get 1001.
    app.addHook('preClose', () => door.stop());
    await app.register(websocket, {
      options: { maxPayload: door.hardMaxFrameBytes, perMessageDeflate: false },
      // ws closes a connection on a protocol error by itself (1009 too big, 1007 bad UTF-8...);
      // the default handler would terminate it first, and the client would never see the code.
      errorHandler: (err) => ctx.log.debug({ err, door: 'ws' }, 'ws error'),
    });
    // The upgrade's ServerResponse, by request, from the hook to the handler (see release()).
    const responses = new WeakMap<IncomingMessage, ServerResponse>();
    // Who signed in at the upgrade, from the hook to the handler.
    const actors = new WeakMap<IncomingMessage, { actor: Actor; secret?: string | undefined }>();
    app.get(
      WS_PATH,
      {
        websocket: true,
        onRequest: (request, reply, done) => {
          responses.set(request.raw, reply.raw);
          done();
        },
        // Before the handshake: a Bearer secret that signs nobody in gets 401 and no WebSocket.
        preValidation: (request, reply, done) => {
          // On the HTTP door its sign-in hook has already resolved the upgrade (and refused a bad
          // secret with 401): an account, or the admin token (SYSTEM). Found a guest, or not run
          // (a bare app in unit tests): read the credentials here.
          const resolved = authOf(request);
          if (resolved.via !== 'guest') {
            actors.set(request.raw, { actor: resolved.actor, secret: resolved.sessionSecret });
            done();
            return;
          }
          const signIn = signInOf(request.headers, ctx.access);
          if (signIn.ok) {
            actors.set(request.raw, { actor: signIn.actor, secret: signIn.secret });
            done();
            return;
          }
          ctx.metrics?.errors.inc({ door: 'ws', code: signIn.code });
          // The socket left Node's HTTP parser for the upgrade: it ends once the answer is out.
          reply.raw.once('finish', () => request.raw.socket.end());
          void reply
            .code(401)
            .header('connection', 'close')
            .header('www-authenticate', 'Bearer realm="netroom"')
            .send({ error: { code: signIn.code, message: signIn.message } });
        },
      },
      (socket, request) => {
        release(socket, request, responses.get(request.raw));
        const address = request.socket.remoteAddress;
        const who = actors.get(request.raw);
        door.connect(socket, peer(request), who?.actor, address === undefined ? undefined : plainAddress(address), who?.secret);
      },
    );
    door.start();
  };
  return Object.assign(plugin, { door });
}
