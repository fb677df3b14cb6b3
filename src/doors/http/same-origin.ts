// Which Host headers name this server and which Origins are its own: the rules against DNS rebinding and cross-site requests.
import { isIP } from 'node:net';

/** What the policy is built from: the address the door listens on and the configured public URLs. */
export interface SameOriginOptions {
  /** `--host` as given (an address, a wildcard such as 0.0.0.0, or a name such as localhost). */
  readonly bindHost: string;
  /** `--public-url` values (absolute http/https URLs; only their origin counts). */
  readonly publicUrls?: readonly string[];
}

/** The headers a browser uses to say where a request comes from (names lower-case, as Node gives them). */
export interface SourceHeaders {
  readonly origin?: string | undefined;
  readonly 'sec-fetch-site'?: string | string[] | undefined;
}

/** Why a request was refused, for the log and the error message. */
export type Refusal =
  | { readonly kind: 'host'; readonly host: string }
  | { readonly kind: 'origin'; readonly origin: string }
  | { readonly kind: 'fetch-site'; readonly site: string };

/** Names that always mean "this machine": they resolve to loopback without DNS (RFC 6761 6.3). */
const LOOPBACK_NAMES = new Set(['localhost']);
/** Addresses meaning "any interface" when bound: no browser can be sent to them by a name. */
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The host part of a Host header (or URL authority) in canonical form: lower case, no brackets
 * around IPv6, no trailing dot, IPv4 in dotted form (the WHATWG URL parser does the canonicalising).
 * Null when it is not a valid `host[:port]`.
 */
export function hostnameOf(authority: string): string | null {
  // Anything that would make the URL parser read a path, user info or query is not a Host.
  if (authority === '' || /[/?#@\\\s]/u.test(authority)) return null;
  try {
    return canonical(new URL(`http://${authority}`).hostname);
  } catch {
    return null;
  }
}

function canonical(hostname: string): string {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return bare.toLowerCase().replace(/\.$/u, '');
}

/** An address as Node reports a socket's local address, in the same form as {@link hostnameOf} gives. */
function canonicalAddress(address: string): string {
  // A dual-stack socket bound to :: reports IPv4 peers as IPv4-mapped IPv6 (RFC 4291 2.5.5.2).
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/iu.exec(address);
  if (mapped?.[1] !== undefined) return mapped[1];
  return hostnameOf(isIP(address) === 6 ? `[${address}]` : address) ?? address.toLowerCase();
}

/** 127.0.0.0/8 and ::1 (and IPv4 loopback mapped into IPv6). */
function isLoopbackAddress(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || /^::ffff:7f[0-9a-f]{2}:/u.test(host);
  return false;
}

/**
 * The server's own names and origins. A Host names the server when it is a loopback name or
 * address (any port: tunnels and port forwards change the port), the address or name the door is
 * bound to, an IP literal equal to the local address the connection arrived on (so with a wildcard
 * bind, the machine's own interface addresses work without configuration), or the host of a
 * `--public-url`. IP literals cannot be rebound by DNS; any other name must be configured.
 */
export class SameOriginPolicy {
  private readonly hosts = new Set<string>();
  private readonly origins = new Set<string>();

  constructor(options: SameOriginOptions) {
    const bind = canonicalAddress(options.bindHost);
    if (!WILDCARDS.has(bind)) this.hosts.add(bind);
    for (const raw of options.publicUrls ?? []) {
      const url = new URL(raw);
      this.origins.add(url.origin);
      this.hosts.add(canonical(url.hostname));
    }
  }

  /** The origins configured with `--public-url` (e.g. `https://chat.example.org`). */
  get publicOrigins(): readonly string[] {
    return [...this.origins];
  }

  /**
   * Does this Host header name the server? `localAddress` is the connection's local address. A
   * request without Host (HTTP/1.0; Node refuses HTTP/1.1 without one) did not come from a browser.
   */
  hostAllowed(host: string | undefined, localAddress: string | undefined): boolean {
    if (host === undefined) return true;
    const name = hostnameOf(host);
    if (name === null) return false;
    if (LOOPBACK_NAMES.has(name) || isLoopbackAddress(name) || this.hosts.has(name)) return true;
    return isIP(name) !== 0 && localAddress !== undefined && canonicalAddress(localAddress) === name;
  }

  /**
   * May a request with these headers change state (or open a WebSocket)? With an `Origin`, it must be
   * the origin the request was sent to (`scheme://Host`, same-origin) or a configured public origin;
   * `Origin: null` (sandboxed frames, such as a library file shown under its sandbox CSP) never is.
   * Without `Origin`, a `Sec-Fetch-Site` other than `same-origin` or `none` (typed by the user) is
   * refused. With neither the client is not a browser (curl, the netroom CLI, scripts): no other
   * site can have made it send the request, so it is allowed. Returns null when allowed.
   */
  sourceRefusal(headers: SourceHeaders, scheme: string, host: string | undefined): Refusal | null {
    const { origin } = headers;
    if (origin !== undefined) return this.originAllowed(origin, scheme, host) ? null : { kind: 'origin', origin };
    const raw = headers['sec-fetch-site'];
    const site = Array.isArray(raw) ? raw.join(',') : raw;
    if (site === undefined || site === 'same-origin' || site === 'none') return null;
    return { kind: 'fetch-site', site };
  }

  /**
   * Is `origin` this server's own: the origin a request with this `scheme` and `Host` was sent to,
   * or a configured public origin? (Also how a WebDAV Destination URL is told to name this server.)
   */
  isOwnOrigin(origin: string, scheme: string, host: string | undefined): boolean {
    return this.originAllowed(origin, scheme, host);
  }

  private originAllowed(origin: string, scheme: string, host: string | undefined): boolean {
    let parsed: string;
    try {
      // An opaque origin ("null", or anything not http/https) serialises as "null" and matches nothing.
      parsed = new URL(origin).origin;
    } catch {
      return false;
    }
    if (parsed === 'null') return false;
    if (this.origins.has(parsed)) return true;
    if (host === undefined || hostnameOf(host) === null) return false;
    try {
      return new URL(`${scheme}://${host}`).origin === parsed;
    } catch {
      return false;
    }
  }
}
