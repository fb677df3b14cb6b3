// `netroom token create|list|revoke`: personal API tokens of an account, in DATA/access.sqlite.
import type { Command } from 'commander';
import { NetroomError } from '../core/errors.js';
import type { Access } from '../core/access/access.js';
import { processIO, runAccountCommand, table, when, type AccountIO } from './account-io.js';
import { DATA_HELP, dataDirOf, withDataAccess } from './data-access.js';

/** Flags of the token subcommands. */
export interface TokenFlags {
  readonly data?: string;
  readonly label?: string;
}

/** `token create NAME [--label L]`: prints the token (stdout, once: only its hash is kept) and its id (stderr). */
export function runTokenCreate(name: string, flags: TokenFlags, io: AccountIO): Promise<number> {
  return runAccountCommand('token create', io, async () => {
    const made = await withDataAccess(dataDirOf(flags.data, io.env, io.cwd), (access) => {
      const account = accountNamed(access, name);
      return { account, ...access.credentials.create(account, 'token', flags.label ?? 'netroom token create', null) };
    });
    io.output.write(`${made.secret}\n`);
    io.errorOutput.write(`token ${made.info.id} for ${made.account} ("${made.info.label}"): shown this once, keep it safe; send it as Authorization: Bearer TOKEN\n`);
  });
}

/** `token list NAME`: the account's tokens and web sessions (never their secrets). */
export function runTokenList(name: string, flags: TokenFlags, io: AccountIO): Promise<number> {
  return runAccountCommand('token list', io, async () => {
    const listed = await withDataAccess(dataDirOf(flags.data, io.env, io.cwd), (access) => {
      const account = accountNamed(access, name);
      return { account, credentials: access.credentials.list(account) };
    });
    if (listed.credentials.length === 0) {
      io.output.write(`${listed.account} has no tokens or sessions\n`);
      return;
    }
    const rows = listed.credentials.map((c) => [c.id, c.kind, when(c.createdAt), when(c.lastUsedAt), c.expiresAt === null ? 'never' : when(c.expiresAt), c.label]);
    io.output.write(table(['ID', 'KIND', 'CREATED', 'LAST USED', 'EXPIRES', 'LABEL'], rows));
  });
}

/** `token revoke NAME ID`: a token or session of the account stops working at once (also on a running server). */
export function runTokenRevoke(name: string, id: string, flags: TokenFlags, io: AccountIO): Promise<number> {
  return runAccountCommand('token revoke', io, async () => {
    const account = await withDataAccess(dataDirOf(flags.data, io.env, io.cwd), (access) => {
      const found = accountNamed(access, name);
      if (!access.credentials.revoke(found, id)) throw new NetroomError('NOT_FOUND', `${found} has no token or session ${id} (netroom token list ${found} shows them)`);
      return found;
    });
    io.output.write(`revoked ${id} of ${account}\n`);
  });
}

/** Register `netroom token` and its subcommands. */
export function registerToken(program: Command): void {
  const token = program.command('token').description('personal API tokens of an account (for scripts, curl and the terminal clients)');
  token
    .command('create')
    .argument('<name>', 'the account')
    .description('create a token and print it once')
    .option('--label <label>', 'what it is for, shown in lists (default "netroom token create")')
    .option('--data <dir>', DATA_HELP)
    .action(async (name: string, flags: TokenFlags) => {
      process.exitCode = await runTokenCreate(name, flags, processIO());
    });
  token
    .command('list')
    .argument('<name>', 'the account')
    .description("list the account's tokens and web sessions: id, kind, created, last used, expires, label")
    .option('--data <dir>', DATA_HELP)
    .action(async (name: string, flags: TokenFlags) => {
      process.exitCode = await runTokenList(name, flags, processIO());
    });
  token
    .command('revoke')
    .argument('<name>', 'the account')
    .argument('<id>', 'the id from token list')
    .description('revoke a token or session')
    .option('--data <dir>', DATA_HELP)
    .action(async (name: string, id: string, flags: TokenFlags) => {
      process.exitCode = await runTokenRevoke(name, id, flags, processIO());
    });
}

/** The account's name as stored (look-alike spellings find it); NO_SUCH_ACCOUNT otherwise. */
function accountNamed(access: Access, name: string): string {
  const found = access.accounts.find(name);
  if (!found) throw new NetroomError('NO_SUCH_ACCOUNT', `no account is called ${name}`);
  return found.name;
}
