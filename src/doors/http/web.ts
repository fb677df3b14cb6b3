// The browser UI: the Vite build (dist/web) served as static files, at a folder's address and an invitation link for a browser, or a page saying how to build it.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isNetroomError } from '../../core/errors.js';
import type { Library } from '../../core/library.js';
import type { ChangeSource } from '../../core/library-events.js';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>netroom</title></head>
<body><h1>netroom</h1>
<p>The web UI is not built. Run <code>npm run build</code> and restart the server.</p>
<p>The file API (<code>/api/files</code>, <code>/files/PATH</code>), <code>/healthz</code> and chat over
<code>/ws</code> work without it.</p></body></html>
`;

/** The built index.html of each HTTP door's app (a door without a built UI has none). */
const indexOf = new WeakMap<FastifyInstance, string>();

/**
 * Serve `webRoot` at `/` (index.html for `/`). One route per file found at start (`wildcard: false`),
 * so the UI never shadows /files, /api or /ws and an unknown path gets the JSON 404. Vite's hashed
 * assets (under assets/) are cached for good; everything else is revalidated.
 */
export async function webRoutes(app: FastifyInstance, webRoot: string | undefined): Promise<void> {
  const root = webRoot === undefined ? undefined : path.resolve(webRoot);
  if (root === undefined || !existsSync(path.join(root, 'index.html'))) {
    const page = async (_request: unknown, reply: FastifyReply): Promise<void> => {
      await reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    };
    app.get('/', page);
    app.head('/', page);
    app.get('/join/:secret', page);
    return;
  }
  const index = path.join(root, 'index.html');
  indexOf.set(app, index);
  // An invitation link: the UI reads the secret from location.pathname and offers to pick a name.
  app.get('/join/:secret', async (request, reply) => {
    await sendIndex(request, reply.header('referrer-policy', 'no-referrer'), index);
  });
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

/**
 * A browser opening a folder's address (`/files/DIR/`, which the UI puts in the address bar) gets
 * the UI showing that folder: a GET that accepts text/html for a folder, or for a missing path
 * written as a folder (trailing `/`; the UI then says it is not there). Anything else (curl, the
 * API, a file, a missing file) is left to the file route: returns false without answering.
 */
export async function answerFolderPage(request: FastifyRequest, reply: FastifyReply, library: Library, rel: string, by?: ChangeSource): Promise<boolean> {
  const index = indexOf.get(request.server);
  if (index === undefined || request.method !== 'GET' || !acceptsHtml(request.headers.accept)) return false;
  try {
    if ((await library.stat(rel, by)).type !== 'dir') return false;
  } catch (err) {
    // A folder address one may not list yet (not signed in) still gets the UI: it offers to sign in.
    const asFolder = rel === '' || rel.endsWith('/');
    if (!(isNetroomError(err) && (err.code === 'NOT_FOUND' || err.code === 'PERMISSION_DENIED') && asFolder)) return false;
  }
  await sendIndex(request, reply, index);
  return true;
}

/**
 * index.html for a page below the app's root; <base> points its relative URLs (assets, api/, ws)
 * back up there. Relative, so it also holds when a proxy serves netroom under a sub-path.
 */
async function sendIndex(request: FastifyRequest, reply: FastifyReply, index: string): Promise<void> {
  const pathname = request.url.split('?')[0] ?? '/';
  const depth = (pathname.match(/\//gu)?.length ?? 1) - 1;
  const html = (await readFile(index, 'utf8')).replace(/<head>/iu, `<head><base href="${'../'.repeat(depth)}">`);
  await reply
    .type('text/html; charset=utf-8')
    .headers({ 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', vary: 'Accept' })
    .send(html);
}

/** Whether an Accept header asks for HTML (as a browser's navigation does); `text/html;q=0` does not. */
function acceptsHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return type === 'text/html' && (q === undefined || Number(q.slice(2)) > 0);
  });
}
