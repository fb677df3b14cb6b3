// Stored sign-ins of the terminal clients (`netroom login`): one token per server origin in $XDG_CONFIG_HOME/netroom/credentials.json (0600).
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';

/** One server's stored sign-in. */
export interface StoredLogin {
  /** The URL given to `netroom login`. */
  readonly url: string;
  /** The personal API token (`nrt_...`). */
  readonly token: string;
  /** The token's id on the server (to revoke it on logout). */
  readonly id?: string;
  readonly account?: string;
  readonly role?: string;
  readonly savedAt?: number;
}

/** The file's content: sign-ins by server origin (`http://host:port`). */
interface LoginsFile {
  readonly servers: Record<string, StoredLogin>;
}

/** The folder and file modes: the user's own (the file holds bearer tokens). */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** `$XDG_CONFIG_HOME/netroom/credentials.json`, else `~/.config/netroom/credentials.json`. */
export function loginsFile(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME?.trim();
  // The XDG spec: a relative XDG_CONFIG_HOME is invalid and is ignored.
  const config = xdg !== undefined && xdg !== '' && path.isAbsolute(xdg) ? xdg : path.join(env.HOME ?? homedir(), '.config');
  return path.join(config, 'netroom', 'credentials.json');
}

/**
 * The origin a URL's sign-in is kept under: `http(s)://host[:port]`; a WebSocket URL counts as its
 * HTTP twin (`ws://h:8080/ws` is `http://h:8080`), so `netroom chat` finds what `login` stored.
 */
export function originOf(url: URL | string): string {
  const parsed = new URL(url);
  if (parsed.protocol === 'ws:') parsed.protocol = 'http:';
  else if (parsed.protocol === 'wss:') parsed.protocol = 'https:';
  return parsed.origin;
}

/** Every stored sign-in by origin; none when the file does not exist. A damaged file is an error naming it. */
export async function readLogins(env: NodeJS.ProcessEnv = process.env): Promise<Record<string, StoredLogin>> {
  const file = loginsFile(env);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const parsed = JSON.parse(text) as Partial<LoginsFile> | null;
    const servers = parsed?.servers;
    if (typeof servers !== 'object' || servers === null) throw new Error('no "servers" object');
    // Entries that are not a sign-in (edited by hand) are skipped rather than sent as a token.
    const usable = (login: unknown): login is StoredLogin =>
      typeof login === 'object' && login !== null && typeof (login as StoredLogin).token === 'string' && typeof (login as StoredLogin).url === 'string';
    return Object.fromEntries(Object.entries(servers as Record<string, unknown>).filter((entry): entry is [string, StoredLogin] => usable(entry[1])));
  } catch (err) {
    throw new Error(`${file} is damaged (${(err as Error).message}): remove it and run netroom login again`, { cause: err });
  }
}

/** The stored sign-in for the server at `url` (matched by origin), if any. */
export async function loginFor(url: URL | string, env: NodeJS.ProcessEnv = process.env): Promise<StoredLogin | undefined> {
  return (await readLogins(env))[originOf(url)];
}

/** Store (or replace) the sign-in for `url`'s origin; the folder ends up 0700 and the file 0600, written whole (temp file, rename). */
export async function saveLogin(url: URL | string, login: StoredLogin, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const servers = { ...(await readLogins(env)), [originOf(url)]: login };
  return writeLogins(servers, env);
}

/** Forget the sign-in for `origin`; returns what was stored, if anything. */
export async function removeLogin(origin: string, env: NodeJS.ProcessEnv = process.env): Promise<StoredLogin | undefined> {
  const servers = await readLogins(env);
  const gone = servers[origin];
  if (gone === undefined) return undefined;
  delete servers[origin];
  await writeLogins(servers, env);
  return gone;
}

async function writeLogins(servers: Record<string, StoredLogin>, env: NodeJS.ProcessEnv): Promise<string> {
  const file = loginsFile(env);
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
  // mkdir's mode passes through the umask and leaves an existing folder alone: set it, it is ours.
  await fs.chmod(dir, DIR_MODE);
  const temp = path.join(dir, `.credentials.${randomBytes(6).toString('hex')}.tmp`);
  const body: LoginsFile = { servers };
  try {
    await fs.writeFile(temp, `${JSON.stringify(body, null, 2)}\n`, { mode: FILE_MODE, flag: 'wx' });
    await fs.chmod(temp, FILE_MODE);
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw err;
  }
  return file;
}

/** Where a client command's bearer token comes from. */
export interface TokenChoice {
  readonly token: string;
  readonly source: 'flag' | 'env' | 'login';
  /** The stored sign-in, when it came from one. */
  readonly login?: StoredLogin;
}

/**
 * The token a client command sends to the server at `url`: `--token`, else NETROOM_TOKEN, else the
 * sign-in `netroom login` stored for its origin; undefined: go as a guest.
 */
export async function tokenFor(url: URL | string, flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<TokenChoice | undefined> {
  if (flag !== undefined && flag.trim() !== '') return { token: flag.trim(), source: 'flag' };
  const fromEnv = env.NETROOM_TOKEN?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return { token: fromEnv, source: 'env' };
  const login = await loginFor(url, env);
  return login === undefined ? undefined : { token: login.token, source: 'login', login };
}
