// The HTTP door (Fastify): file API (WebDAV MOVE too), resumable uploads, announce, health, metrics, the web UI, plugins (WS).
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEFAULT_PARTIAL_TTL_MS, PartialStore } from '../../core/partial.js';
import { tlsServerOptions } from '../../tls/server.js';
import type { TlsSource } from '../../tls/source.js';
import type { Door, DoorAddress, DoorContext } from '../door.js';
import { gateFor } from '../../net/limits.js';
import { BufferPool, DEFAULT_BUFFER_BUDGET } from '../send-file.js';
import { apiRoutes } from './api.js';
import { installAuth } from './auth-hook.js';
import { DEFAULT_FIRST_REQUEST_TIMEOUT_MS, guardConnections } from './connections.js';
import type { HttpDoorEvents, HttpShared } from './context.js';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandling } from './errors.js';
import { fileRoutes } from './files.js';
import { installGuard } from './guard.js';
import { healthRoutes } from './health.js';
import { moveRoutes } from './move.js';
import { secureHttpDoor } from './tls.js';
import { SameOriginPolicy } from './same-origin.js';
import { uploadRoutes } from './uploads.js';
import { webRoutes } from './web.js';
import { storageRoutes } from './storage.js';
import { DEFAULT_ZIP_LIMITS, zipRoutes, type ZipLimits } from './zip.js';
import { thumbRoutes } from './thumbs.js';
import type { ThumbnailerOptions } from '../../core/thumbs/thumbnailer.js';

export type { HttpDoorEvents } from './context.js';

/** Options of the HTTP door; everything but where to listen and the admin token has a default. */
export interface HttpDoorOptions {
  readonly host: string;
  /** 0 picks a free port (read it back with `address()`). */
  readonly port: number;
  /** Bearer token of the administrator (SYSTEM): announcements, moderation, invitations. An empty token matches nothing. */
  readonly adminToken: string;
  /** The built web UI (dist/web); when absent or unbuilt, `GET /` says how to build it. */
  readonly webRoot?: string;
  /** How long an interrupted upload is kept to be continued. Default 24 h. */
  readonly partialTtlMs?: number;
  /** Registered (each in its own encapsulated context) before listening: how the WS door attaches. */
  readonly plugins?: ReadonlyArray<(app: FastifyInstance) => Promise<void> | void>;
  /** Drop an upload or download connection that moves no byte for this long. Default 2 minutes. */
  readonly idleTimeoutMs?: number;
  /** Big (1 MiB) read buffers shared by the downloads in progress, in bytes. Default 16 MiB. */
  readonly downloadBufferBytes?: number;
  /** A request head must be complete this long after its connection (or request) started, else 408 (`--first-request-timeout`). Default 10 s. */
  readonly firstRequestTimeoutMs?: number;
  /** The certificate (`--tls-cert`/`--tls-key`): the port then speaks HTTPS (plain HTTP there is redirected). */
  readonly tls?: TlsSource;
  /**
   * `--public-url`: addresses people reach the server by beyond loopback and the bound address
   * (their hosts are accepted in Host, their origins may change state and open WebSockets).
   */
  readonly publicUrls?: readonly string[];
  /** Limits of `GET /api/zip` (default 10,000 entries, 16 GiB). */
  readonly zip?: Partial<ZipLimits>;
  /** `GET /thumbs/PATH`: where thumbnails are kept (the server gives DATA/thumbs) and their limits. */
  readonly thumbs?: ThumbnailerOptions;
}

/** Largest JSON body (announce, folders): small on purpose; file bodies are streamed, never parsed. */
const JSON_BODY_LIMIT = 64 * 1024;

/**
 * The HTTP door (SPEC 3.3). Emits `uploadStored`, `uploadAborted` and `uploadPart` (see
 * HttpDoorEvents). `close()` stops listening, cuts every connection (an upload in progress is kept
 * to be continued) and resolves once every upload has settled.
 */
export class HttpDoor extends EventEmitter<HttpDoorEvents> implements Door {
  readonly name = 'http';
  /** The Fastify instance (for plugins and `inject` in tests). */
  readonly app: FastifyInstance;
  private readonly ctx: DoorContext;
  private readonly options: HttpDoorOptions;
  private readonly shared: HttpShared;
  private readonly partials: PartialStore;
  private bound: { host: string; port: number } | null = null;
  private listening: Promise<void> | null = null;
  /** Uploads and downloads in progress (see HttpShared.track). */
  private readonly transfers = new Set<Promise<unknown>>();
  /** Stops following certificate reloads (HTTPS only). */
  private readonly unfollowTls: () => void = () => undefined;
  /** Stops the thumbnails following library changes. */
  private stopThumbs: () => void = () => undefined;

  constructor(ctx: DoorContext, options: HttpDoorOptions) {
    super();
    this.ctx = ctx;
    this.options = options;
    this.partials = new PartialStore(ctx.library, { ttlMs: options.partialTtlMs ?? DEFAULT_PARTIAL_TTL_MS });
    this.shared = {
      ctx,
      log: ctx.log.child({ door: 'http' }),
      partials: this.partials,
      limits: {
        idleTimeoutMs: options.idleTimeoutMs ?? 120_000,
      },
      events: this,
      pool: new BufferPool(options.downloadBufferBytes ?? DEFAULT_BUFFER_BUDGET),
      sameOrigin: new SameOriginPolicy({ bindHost: options.host, publicUrls: options.publicUrls ?? [] }),
      track: (work) => {
        this.transfers.add(work);
        const untrack = (): void => void this.transfers.delete(work);
        work.then(untrack, untrack);
        return work;
      },
    };
    this.app = Fastify({
      logger: false,
      bodyLimit: JSON_BODY_LIMIT,
      // HEAD routes are declared where they mean something (a stat, not a GET without its body).
      exposeHeadRoutes: false,
      // Library paths are long; the wildcard parameter carries the whole of one.
      routerOptions: { maxParamLength: 16 * 1024 },
      // No limit on receiving a whole request: an upload takes as long as it takes. Stalls are cut
      // by the per-connection idle timeout instead; the headers must arrive within firstRequestTimeoutMs.
      requestTimeout: 0,
      // On close every connection goes: an upload cut this way is kept, to be continued.
      forceCloseConnections: true,
      return503OnClosing: false,
      clientErrorHandler: clientErrorHandler(ctx.metrics),
      frameworkErrors: frameworkErrorHandler(ctx.metrics),
      // An https.Server is an http.Server over TLS: the routes and plugins see no difference.
      ...(options.tls ? { https: tlsServerOptions(options.tls) } : {}),
    });
    if (options.tls) this.unfollowTls = secureHttpDoor(this.app, options.tls, this.shared.log);
    // After secureHttpDoor (it replaces the 'connection' listeners): caps shared with the other TCP doors, time to a first request.
    guardConnections(this.app.server, gateFor(ctx.connections, this.name, ctx.log), options.firstRequestTimeoutMs ?? DEFAULT_FIRST_REQUEST_TIMEOUT_MS);
    // Expect: 100-continue. Node would say "continue" before any route ran; the upload route says it
    // itself once the upload is accepted, so a refused one never has its body sent at all.
    this.app.server.on('checkContinue', (request, response) => {
      if (request.method !== 'PUT' || !request.url?.startsWith('/files/')) response.writeContinue();
      this.app.server.emit('request', request, response);
    });
  }

  listen(): Promise<void> {
    this.listening ??= this.start();
    return this.listening;
  }

  address(): DoorAddress {
    const where = this.bound ?? { host: this.options.host, port: this.options.port };
    return { door: this.name, protocol: 'tcp', host: where.host, port: where.port };
  }

  async close(): Promise<void> {
    this.partials.stop();
    this.unfollowTls();
    this.stopThumbs();
    await this.app.close();
    await Promise.allSettled([...this.transfers]);
  }

  private async start(): Promise<void> {
    const { app, shared, options } = this;
    installErrorHandling(app, shared.log, this.ctx.metrics);
    // First of all hooks, so it covers every route, the plugins' included (the WebSocket upgrade).
    installGuard(app, shared.sameOrigin, shared.log);
    // Right after it: every route (and the WebSocket upgrade) knows who is asking; --guests off applies.
    installAuth(app, shared, options.adminToken);
    await app.register((scope, _opts, done) => {
      uploadRoutes(scope, shared);
      done();
    });
    fileRoutes(app, shared);
    moveRoutes(app, shared);
    zipRoutes(app, shared, { ...DEFAULT_ZIP_LIMITS, ...options.zip });
    storageRoutes(app, shared);
    this.stopThumbs = thumbRoutes(app, shared, options.thumbs ?? {});
    apiRoutes(app, shared);
    healthRoutes(app, shared);
    await webRoutes(app, options.webRoot);
    for (const plugin of options.plugins ?? []) {
      await app.register(async (scope) => {
        await plugin(scope);
      });
    }
    await app.listen({ host: options.host, port: options.port });
    const address = app.server.address() as AddressInfo;
    this.bound = { host: address.address, port: address.port };
    this.partials.startPruning();
    shared.log.info({ host: address.address, port: address.port }, 'listening');
  }
}
