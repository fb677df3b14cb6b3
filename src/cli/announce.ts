// `netroom announce TEXT`: an administrator announcement through POST /api/announce, authenticated by the admin token.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { DEFAULT_URL, HttpClient, HttpError, parseServerUrl } from '../client/http.js';
import { ADMIN_TOKEN_FILE } from '../admin-token.js';
import { tokenFor } from '../client/logins.js';
import { DEFAULTS } from '../config.js';
import { EXIT_USAGE } from './args.js';

const EXIT_OK = 0;
const EXIT_FAILURE = 1;

/** Flags of `netroom announce`. */
export interface AnnounceFlags {
  readonly url?: string;
  readonly token?: string;
  readonly data?: string;
}

/** Streams and environment of {@link runAnnounce} (tests pass their own). */
export interface AnnounceIO {
  readonly output: Writable;
  readonly errorOutput: Writable;
  /** NETROOM_ADMIN_TOKEN, NETROOM_DATA; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where a relative data folder starts; default the working folder. */
  readonly cwd?: string;
}

/**
 * Where the admin token comes from: `--token`, else NETROOM_ADMIN_TOKEN, else the file
 * `DATA/admin-token` that `netroom serve` writes (DATA: `--data`, else NETROOM_DATA, else
 * ./netroom-data). Resolves to the token, or to a reason it cannot be had.
 */
export async function findToken(flags: AnnounceFlags, env: NodeJS.ProcessEnv, cwd: string): Promise<{ token: string } | { missing: string } | { failed: string }> {
  if (flags.token !== undefined) return flags.token.trim() === '' ? { missing: '--token is empty' } : { token: flags.token.trim() };
  const fromEnv = env.NETROOM_ADMIN_TOKEN?.trim();
  if (fromEnv !== undefined && fromEnv !== '') return { token: fromEnv };
  const file = path.resolve(cwd, flags.data ?? env.NETROOM_DATA ?? DEFAULTS.data, ADMIN_TOKEN_FILE);
  try {
    const token = (await fs.readFile(file, 'utf8')).trim();
    if (token === '') return { failed: `${file} is empty` };
    return { token };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { missing: `no admin token: give --token, set NETROOM_ADMIN_TOKEN, or point --data at the server's data folder (no ${file})` };
    return { failed: `cannot read ${file}: ${code === 'EACCES' ? 'permission denied' : (err as Error).message}` };
  }
}

/** Send one announcement; resolves to the exit code (0 sent, 1 refused or unreachable, 2 bad usage). */
export async function runAnnounce(text: string, flags: AnnounceFlags, io: AnnounceIO): Promise<number> {
  const fail = (code: number, reason: string): number => {
    io.errorOutput.write(`netroom announce: ${reason}\n`);
    return code;
  };
  if (text.trim() === '') return fail(EXIT_USAGE, 'nothing to announce: give the text, e.g. netroom announce "back in 5 minutes"');
  let server: URL;
  try {
    server = parseServerUrl(flags.url ?? DEFAULT_URL);
  } catch (err) {
    return fail(EXIT_USAGE, `--url: ${(err as Error).message}`);
  }
  const env = io.env ?? process.env;
  let found = await findToken(flags, env, io.cwd ?? process.cwd());
  if ('missing' in found && flags.data === undefined) {
    // No admin token here: an admin account's own token (NETROOM_TOKEN, or netroom login's) also announces.
    const personal = await tokenFor(server, undefined, env).catch(() => undefined);
    if (personal !== undefined) found = { token: personal.token };
  }
  if ('missing' in found) return fail(EXIT_USAGE, found.missing);
  if ('failed' in found) return fail(EXIT_FAILURE, found.failed);
  const client = new HttpClient(server);
  try {
    await client.announce(text, found.token);
    io.output.write(`announced to ${server.host}\n`);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof HttpError && err.status === 401) return fail(EXIT_FAILURE, `the server refused the admin token (${err.message})`);
    if (err instanceof HttpError && err.status === 403) return fail(EXIT_FAILURE, `the server refused: ${err.message} (an admin token or an admin account's token is needed)`);
    return fail(EXIT_FAILURE, err instanceof Error ? err.message : String(err));
  } finally {
    client.close();
  }
}

/** Register `netroom announce <text...> [--url URL] [--token TOKEN] [--data DIR]`. */
export function registerAnnounce(program: Command): void {
  program
    .command('announce')
    .argument('<text...>', 'what to announce (several words are joined with spaces)')
    .description('send an administrator announcement to everyone in the room')
    .option('--url <url>', `the server (default ${DEFAULT_URL})`)
    .option('--token <token>', "the admin token or an admin account's token (default NETROOM_ADMIN_TOKEN, else the file DATA/admin-token, else NETROOM_TOKEN or your netroom login)")
    .option('--data <dir>', `the server's data folder holding admin-token (default NETROOM_DATA, else ${DEFAULTS.data})`)
    .action(async (words: string[], flags: AnnounceFlags) => {
      process.exitCode = await runAnnounce(words.join(' '), flags, { output: process.stdout, errorOutput: process.stderr });
    });
}
