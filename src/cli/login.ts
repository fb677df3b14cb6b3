// `netroom login [URL]` and `netroom logout [URL]`: a personal token for an account, kept per server in the user's config folder.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { issueToken, revokeToken } from '../client/accounts.js';
import { DEFAULT_URL, HttpClient, parseServerUrl } from '../client/http.js';
import { loginFor, loginsFile, originOf, readLogins, removeLogin, saveLogin } from '../client/logins.js';
import { processIO, runAccountCommand, secretIO, UsageProblem, type AccountIO } from './account-io.js';
import { askLine, getPassword, isTerminal, InputError } from './secret-input.js';

/** Flags of `netroom login`. */
export interface LoginFlags {
  readonly name?: string;
  readonly passwordStdin?: boolean;
}

/** The server a login names, as a URL; a usage mistake otherwise. */
function serverOf(url: string | undefined): URL {
  try {
    return parseServerUrl(url ?? DEFAULT_URL);
  } catch (err) {
    throw new UsageProblem((err as Error).message);
  }
}

/**
 * Sign in: the name (--name, else asked on the terminal) and password (--password-stdin, else asked
 * without echo) go to POST /api/tokens once; the token that comes back is stored for the server's
 * origin (0600 file in a 0700 folder). A token stored before for that server is revoked.
 */
export function runLogin(url: string | undefined, flags: LoginFlags, io: AccountIO): Promise<number> {
  return runAccountCommand('login', io, async () => {
    const server = serverOf(url);
    const env = io.env ?? process.env;
    const ask = secretIO(io);
    let name = flags.name;
    if (name === undefined) {
      if (flags.passwordStdin === true || !isTerminal(io.input)) throw new InputError('give the account name with --name (no terminal to ask on)', true);
      name = (await askLine(ask, `name on ${server.host}: `, true)).trim();
    }
    if (name === '') throw new InputError('the account name is empty', true);
    const password = await getPassword(ask, flags.passwordStdin === true);
    const http = new HttpClient(server);
    let issued;
    try {
      issued = await issueToken(http, name, password, `netroom login on ${hostname()}`);
    } finally {
      http.close();
    }
    const before = await loginFor(server, env);
    const file = await saveLogin(server, { url: server.origin, token: issued.token, id: issued.id, account: issued.account.name, role: issued.account.role, savedAt: Date.now() }, env);
    if (before?.id !== undefined && before.id !== '') await revokeQuietly(server, before.token, before.id);
    io.output.write(`signed in to ${originOf(server)} as ${issued.account.name} (${issued.account.role}); the token is kept in ${file}\n`);
  });
}

/** Sign out: forget the stored token of the server (the only one stored when no URL is given) and ask the server to revoke it. */
export function runLogout(url: string | undefined, io: AccountIO): Promise<number> {
  return runAccountCommand('logout', io, async () => {
    const env = io.env ?? process.env;
    let origin: string;
    if (url !== undefined) {
      origin = originOf(serverOf(url));
    } else {
      const stored = Object.keys(await readLogins(env));
      if (stored.length === 0) throw new Error(`not signed in to any server (nothing in ${loginsFile(env)})`);
      if (stored.length > 1) throw new UsageProblem(`signed in to several servers: name one (${stored.join(', ')})`);
      origin = stored[0] ?? '';
    }
    const gone = await removeLogin(origin, env);
    if (gone === undefined) throw new Error(`not signed in to ${origin}`);
    const revoked = gone.id === undefined || gone.id === '' ? 'no id was kept' : await revokeQuietly(new URL(origin), gone.token, gone.id);
    io.output.write(
      revoked === true
        ? `signed out of ${origin}: the server revoked the token\n`
        : `signed out of ${origin} here; the server could not revoke the token (${revoked}): netroom token revoke ${gone.account ?? 'NAME'} ${gone.id ?? 'ID'} does it on the server\n`,
    );
  });
}

/** Revoke a token with itself; true, or why not (the server is away, the token is already gone). */
async function revokeQuietly(server: URL, token: string, id: string): Promise<true | string> {
  const http = new HttpClient(server, { token });
  try {
    await revokeToken(http, id);
    return true;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    http.close();
  }
}

/** Register `netroom login [url]` and `netroom logout [url]`. */
export function registerLogin(program: Command): void {
  program
    .command('login')
    .argument('[url]', `the server (default ${DEFAULT_URL})`)
    .description('sign in to a server with an account; the terminal clients then use its token for that server')
    .option('--name <name>', 'the account name (default: asked on the terminal)')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(async (url: string | undefined, flags: LoginFlags) => {
      process.exitCode = await runLogin(url, flags, processIO());
    });
  program
    .command('logout')
    .argument('[url]', 'the server (default: the only one signed in to)')
    .description('forget the token stored for a server and revoke it there')
    .action(async (url: string | undefined) => {
      process.exitCode = await runLogout(url, processIO());
    });
}
