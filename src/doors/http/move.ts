// WebDAV MOVE on the file API (RFC 4918 9.9): `MOVE /files/FROM` with `Destination: /files/TO`, the FTP door's RNFR/RNTO over HTTP.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isNetroomError, NetroomError } from '../../core/errors.js';
import { checkPath } from '../../core/library-paths.js';
import { moveEntry } from '../../core/move.js';
import type { HttpShared } from './context.js';
import { HttpError } from './errors.js';
import { filePath, header, httpSource } from './files.js';
import type { SameOriginPolicy } from './same-origin.js';

const PREFIX = '/files/';

/** How a Destination should look, for every refusal of one. */
const SHAPE = 'give the target as "Destination: /files/PATH" (or this server\'s full URL, http://HOST/files/PATH)';

/**
 * The library path a Destination header names (percent-decoded, not yet checked: moveEntry's
 * path rules refuse `..`, hidden names and the root with their usual codes). RFC 4918 10.3: an
 * absolute path, or an absolute URL that must name this server (another one is 502, as WebDAV
 * answers a move it cannot make across servers). The path is taken as written, never
 * normalised by a URL parser: `/files/a/../../x` must be refused, not turned into `/x`.
 */
export function destinationOf(request: FastifyRequest, policy: SameOriginPolicy): string {
  const value = header(request, 'destination')?.trim() ?? '';
  if (value === '') throw new NetroomError('BAD_REQUEST', `no Destination header: ${SHAPE}`);
  if (/[?#]/u.test(value)) throw new NetroomError('BAD_REQUEST', `the Destination cannot carry a query or fragment (percent-encode ? and # in names): ${SHAPE}`);
  // A network-path reference (`//host/...`) names a host as much as a full URL does.
  const absolute = value.startsWith('//') ? `${request.protocol}:${value}` : value;
  let pathname: string;
  if (absolute.startsWith('/')) {
    pathname = absolute;
  } else {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//iu.exec(absolute);
    if (scheme === null) throw new NetroomError('BAD_REQUEST', `the Destination is neither an absolute path nor a URL: ${SHAPE}`);
    const rest = absolute.slice(scheme[0].length);
    const slash = rest.indexOf('/');
    const authority = slash < 0 ? rest : rest.slice(0, slash);
    let url: URL;
    try {
      url = new URL(absolute);
    } catch {
      throw new NetroomError('BAD_REQUEST', `the Destination is not a valid URL: ${SHAPE}`);
    }
    if (authority === '' || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new NetroomError('BAD_REQUEST', `the Destination must be an http(s) URL of this server: ${SHAPE}`);
    }
    if (!namesThisServer(url, request, policy)) {
      throw new HttpError(502, 'BAD_GATEWAY', `the Destination ${url.origin} is another server: a move stays on this server (${SHAPE})`);
    }
    pathname = slash < 0 ? '/' : rest.slice(slash);
  }
  if (!pathname.startsWith(PREFIX)) throw new NetroomError('BAD_REQUEST', `the Destination must be under ${PREFIX}: ${SHAPE}`);
  try {
    return decodeURIComponent(pathname.slice(PREFIX.length));
  } catch {
    throw new NetroomError('BAD_REQUEST', `the Destination has a bad percent-encoding: ${SHAPE}`);
  }
}

/**
 * Does a Destination URL name this server? Its origin is the one the request was sent to (or a
 * `--public-url`), or it names this machine another way (`localhost` for `127.0.0.1`) on the very
 * port and scheme the request came in on.
 */
function namesThisServer(url: URL, request: FastifyRequest, policy: SameOriginPolicy): boolean {
  const scheme = request.protocol;
  if (policy.isOwnOrigin(url.origin, scheme, request.headers.host)) return true;
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return url.protocol === `${scheme}:` && port === request.socket.localPort && policy.hostAllowed(url.host, request.socket.localAddress);
}

/** The Destination's library path under the library's path rules, its refusals saying it is the Destination. */
function destinationPath(raw: string): string {
  try {
    return checkPath(raw);
  } catch (err) {
    if (!isNetroomError(err)) throw err;
    throw new NetroomError(err.code, `the Destination: ${err.message}`, { ...err.params });
  }
}

/** RFC 4918 10.6: `Overwrite: T` (the default) or `F`; anything else is a bad request. */
function overwriteOf(request: FastifyRequest): boolean {
  const value = header(request, 'overwrite')?.trim();
  if (value === undefined || value === 'T' || value === 't') return true;
  if (value === 'F' || value === 'f') return false;
  throw new NetroomError('BAD_REQUEST', `Overwrite must be T or F, not "${value}"`);
}

/** `/files/` + each segment percent-encoded: the Location of a moved entry. */
function locationOf(rel: string): string {
  return PREFIX + rel.split('/').map(encodeURIComponent).join('/');
}

/**
 * Register MOVE /files/*. The same-origin guard and the sign-in hook run before it (MOVE is not a
 * safe method), and the Library applies the permission table (rename; overwrite when a file is
 * replaced) to the request's actor and emits the `rename` change the web UI's feed shows.
 */
export function moveRoutes(app: FastifyInstance, shared: HttpShared): void {
  // Fastify routes only the methods it knows; MOVE carries no body here.
  if (!app.supportedMethods.includes('MOVE')) app.addHttpMethod('MOVE');
  const { library } = shared.ctx;
  app.route({
    method: 'MOVE',
    url: '/files/*',
    handler: async (request, reply) => {
      const by = httpSource(request);
      const overwrite = overwriteOf(request);
      const from = checkPath(filePath(request));
      const to = destinationPath(destinationOf(request, shared.sameOrigin));
      if (from !== '' && from === to) throw new NetroomError('BAD_REQUEST', `the Destination is ${from} itself: nothing to move`);
      // Only for the status (201 new, 204 replaced): the move itself decides atomically what it may replace.
      const existed = to !== '' && (await library.stat(to, by).then(() => true, () => false));
      let moved;
      try {
        moved = await moveEntry(library, from, to, by, { noOverwrite: !overwrite });
      } catch (err) {
        throw refusal(err, overwrite);
      }
      if (existed) return reply.code(204).send();
      return reply.code(201).header('location', locationOf(moved.rel)).send({ from, path: moved.rel });
    },
  });
}

/** WebDAV's statuses for the core's refusals of a move (RFC 4918 9.9.4); the codes stay the core's. */
function refusal(err: unknown, overwrite: boolean): unknown {
  if (!isNetroomError(err)) return err;
  // Overwrite: F and the target exists: a failed precondition, as PUT with If-None-Match: * is.
  if (err.code === 'ALREADY_EXISTS' && !overwrite) return new HttpError(412, 'ALREADY_EXISTS', err.message);
  // The core's one BAD_REQUEST of a move: a folder into itself, a conflict with the tree as it is.
  if (err.code === 'BAD_REQUEST') return new HttpError(409, 'BAD_REQUEST', err.message);
  return err;
}
