// The browser UI: the Vite build (dist/web) served as static files, or a page saying how to build it.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>netroom</title></head>
<body><h1>netroom</h1>
<p>The web UI is not built. Run <code>npm run build</code> and restart the server.</p>
<p>The file API (<code>/api/files</code>, <code>/files/PATH</code>), <code>/healthz</code> and chat over
<code>/ws</code> work without it.</p></body></html>
`;

/**
 * Serve `webRoot` at `/` (index.html for `/`). One route per file found at start (`wildcard: false`),
 * so the UI never shadows /files, /api or /ws and an unknown path gets the JSON 404. Vite's hashed
 * assets (under assets/) are cached for good; everything else is revalidated.
 */
export async function webRoutes(app: FastifyInstance, webRoot: string | undefined): Promise<void> {
  const root = webRoot === undefined ? undefined : path.resolve(webRoot);
  if (root === undefined || !existsSync(path.join(root, 'index.html'))) {
    const page = async (_request: unknown, reply: import('fastify').FastifyReply): Promise<void> => {
      await reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    };
    app.get('/', page);
    app.head('/', page);
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: 'index.html',
    dotfiles: 'ignore',
    cacheControl: false,
    setHeaders(reply, file) {
      const hashed = path.relative(root, file).split(path.sep)[0] === 'assets';
      reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      reply.header('x-content-type-options', 'nosniff');
    },
  });
}
