// `netroom invite [--role R] [--expires 7d] [--url URL]`: a single-use invitation link, created in DATA/access.sqlite.
import type { Command } from 'commander';
import { DEFAULT_URL, parseServerUrl } from '../client/http.js';
import { ACCOUNT_ROLES, SYSTEM } from '../core/access/roles.js';
import { DEFAULT_INVITATION_TTL_MS } from '../core/access/invitations.js';
import { processIO, runAccountCommand, UsageProblem, when, type AccountIO } from './account-io.js';
import { DATA_HELP, dataDirOf, withDataAccess } from './data-access.js';
import { parseDuration } from './durations.js';
import { roleOf } from './user.js';

/** Flags of `netroom invite`. */
export interface InviteFlags {
  readonly role?: string;
  readonly expires?: string;
  readonly url?: string;
  readonly data?: string;
}

/**
 * The address the link starts with: `--url`, else the first NETROOM_PUBLIC_URL (what `serve
 * --public-url` is set from), else the address `serve` listens on by default. Kept with its path
 * (a server behind a proxy under /netroom), without a trailing slash.
 */
export function inviteBase(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.NETROOM_PUBLIC_URL?.split(',').map((part) => part.trim()).find((part) => part !== '');
  const text = flag ?? fromEnv ?? DEFAULT_URL;
  let url: URL;
  try {
    url = parseServerUrl(text);
  } catch (err) {
    throw new UsageProblem(`${flag === undefined ? 'NETROOM_PUBLIC_URL' : '--url'}: ${(err as Error).message}`);
  }
  if (url.search !== '' || url.hash !== '') throw new UsageProblem(`--url takes scheme, host, port and path only, not "${text}"`);
  return url.origin + url.pathname.replace(/\/+$/u, '');
}

/** Create the invitation and print its link (stdout) and what it offers (stderr). */
export function runInvite(flags: InviteFlags, io: AccountIO): Promise<number> {
  return runAccountCommand('invite', io, async () => {
    const role = roleOf(flags.role ?? 'member');
    let ttl = DEFAULT_INVITATION_TTL_MS;
    if (flags.expires !== undefined) {
      try {
        ttl = parseDuration(flags.expires, '--expires');
      } catch (err) {
        throw new UsageProblem((err as Error).message);
      }
    }
    const base = inviteBase(flags.url, io.env ?? process.env);
    const made = await withDataAccess(dataDirOf(flags.data, io.env, io.cwd), (access) => access.invitations.create(role, SYSTEM.name, ttl));
    io.output.write(`${base}/join/${made.secret}\n`);
    io.errorOutput.write(`an invitation to become ${role === 'admin' ? 'an admin' : 'a member'}, for one person, valid until ${when(made.expiresAt)}\n`);
  });
}

/** Register `netroom invite`. */
export function registerInvite(program: Command): void {
  program
    .command('invite')
    .description('print a single-use link that lets someone pick a name and password in the browser')
    .option('--role <role>', `what the new account will be: ${ACCOUNT_ROLES.join(' or ')} (default member)`)
    .option('--expires <duration>', 'how long the link stays valid, e.g. 12h, 7d, 2w (default 7d)')
    .option('--url <url>', `the address people open the server at (default NETROOM_PUBLIC_URL, else ${DEFAULT_URL})`)
    .option('--data <dir>', DATA_HELP)
    .action(async (flags: InviteFlags) => {
      process.exitCode = await runInvite(flags, processIO());
    });
}
