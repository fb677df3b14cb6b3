// `netroom user add|list|passwd|role|del`: accounts in DATA/access.sqlite, for a stopped or a running server (it polls the file).
import type { Command } from 'commander';
import { NetroomError } from '../core/errors.js';
import { checkName } from '../core/names.js';
import { ACCOUNT_ROLES, isAccountRole, type AccountRole } from '../core/access/roles.js';
import { processIO, runAccountCommand, secretIO, table, UsageProblem, when, type AccountIO } from './account-io.js';
import { DATA_HELP, dataDirOf, withDataAccess } from './data-access.js';
import { getNewPassword } from './secret-input.js';

/** Flags every `user` subcommand takes. */
export interface DataFlags {
  readonly data?: string;
}

/** Flags of `user add` and `user passwd`. */
export interface PasswordFlags extends DataFlags {
  readonly passwordStdin?: boolean;
}

/** `user add NAME [--role R] [--password-stdin]`: a new account; the password from stdin or asked twice. */
export function runUserAdd(name: string, flags: PasswordFlags & { role?: string }, io: AccountIO): Promise<number> {
  return runAccountCommand('user add', io, async () => {
    const role = roleOf(flags.role ?? 'member');
    const dir = dataDirOf(flags.data, io.env, io.cwd);
    // The name is checked before the password is asked for: no typing twice for nothing.
    checkName(name);
    await withDataAccess(dir, (access) => {
      const holder = access.accounts.find(name);
      if (holder) throw new NetroomError('NAME_TAKEN', `an account already has the name ${holder.name}${holder.name === name ? '' : ` (which reads like ${name})`}`);
    });
    const password = await getNewPassword(secretIO(io), flags.passwordStdin === true, name);
    const added = await withDataAccess(dir, (access) => access.accounts.add(name, password, role));
    io.output.write(`added ${added.role} ${added.name}\n`);
  });
}

/** `user list`: name, role and creation time of every account. */
export function runUserList(flags: DataFlags, io: AccountIO): Promise<number> {
  return runAccountCommand('user list', io, async () => {
    const accounts = await withDataAccess(dataDirOf(flags.data, io.env, io.cwd), (access) => access.accounts.list());
    if (accounts.length === 0) {
      io.output.write('no accounts yet (netroom user add NAME --role admin creates the first administrator)\n');
      return;
    }
    io.output.write(table(['NAME', 'ROLE', 'CREATED'], accounts.map((a) => [a.name, a.role, when(a.createdAt)])));
  });
}

/** `user passwd NAME [--password-stdin]`: a new password (sessions and tokens stay valid). */
export function runUserPasswd(name: string, flags: PasswordFlags, io: AccountIO): Promise<number> {
  return runAccountCommand('user passwd', io, async () => {
    const dir = dataDirOf(flags.data, io.env, io.cwd);
    const found = await withDataAccess(dir, (access) => mustFind(access.accounts.find(name), name));
    const password = await getNewPassword(secretIO(io), flags.passwordStdin === true, found.name);
    await withDataAccess(dir, (access) => access.accounts.setPassword(found.name, password));
    io.output.write(`changed the password of ${found.name}\n`);
  });
}

/** `user role NAME ROLE`: member or admin; a running server applies it to the account's connections at once. */
export function runUserRole(name: string, role: string, flags: DataFlags, io: AccountIO): Promise<number> {
  return runAccountCommand('user role', io, async () => {
    const wanted = roleOf(role);
    const info = await withDataAccess(dataDirOf(flags.data, io.env, io.cwd), (access) => access.accounts.setRole(name, wanted));
    io.output.write(`${info.name} is now ${info.role === 'admin' ? 'an admin' : 'a member'}\n`);
  });
}

/** `user del NAME`: the account, its sessions and tokens go; a running server removes its members; the name is free again. */
export function runUserDel(name: string, flags: DataFlags, io: AccountIO): Promise<number> {
  return runAccountCommand('user del', io, async () => {
    const gone = await withDataAccess(dataDirOf(flags.data, io.env, io.cwd), (access) => {
      const found = mustFind(access.accounts.find(name), name);
      access.accounts.remove(found.name);
      return found;
    });
    io.output.write(`deleted ${gone.role} ${gone.name} with its sessions and tokens\n`);
  });
}

/** Register `netroom user` and its subcommands. */
export function registerUser(program: Command): void {
  const user = program.command('user').description('manage accounts in the data folder (works while the server runs: it sees changes at once)');
  const dataOption = (cmd: Command): Command => cmd.option('--data <dir>', DATA_HELP);
  dataOption(
    user
      .command('add')
      .argument('<name>', 'the account name (the same rules as chat names; look-alikes of an existing account are refused)')
      .description('create an account; the password is asked twice on the terminal, or read from stdin')
      .option('--role <role>', `${ACCOUNT_ROLES.join(' or ')} (default member)`)
      .option('--password-stdin', 'read the password from the first line of standard input'),
  ).action(async (name: string, flags: PasswordFlags & { role?: string }) => {
    process.exitCode = await runUserAdd(name, flags, processIO());
  });
  dataOption(user.command('list').description('list the accounts: name, role, created')).action(async (flags: DataFlags) => {
    process.exitCode = await runUserList(flags, processIO());
  });
  dataOption(
    user
      .command('passwd')
      .argument('<name>', 'the account')
      .description("change an account's password")
      .option('--password-stdin', 'read the password from the first line of standard input'),
  ).action(async (name: string, flags: PasswordFlags) => {
    process.exitCode = await runUserPasswd(name, flags, processIO());
  });
  dataOption(
    user
      .command('role')
      .argument('<name>', 'the account')
      .argument('<role>', ACCOUNT_ROLES.join(' or '))
      .description("change an account's role"),
  ).action(async (name: string, role: string, flags: DataFlags) => {
    process.exitCode = await runUserRole(name, role, flags, processIO());
  });
  dataOption(user.command('del').argument('<name>', 'the account').description('delete an account with its sessions and tokens')).action(
    async (name: string, flags: DataFlags) => {
      process.exitCode = await runUserDel(name, flags, processIO());
    },
  );
}

/** A role from the command line; a usage mistake otherwise. */
export function roleOf(value: string): AccountRole {
  if (!isAccountRole(value)) throw new UsageProblem(`the role is ${ACCOUNT_ROLES.join(' or ')}, not "${value}"`);
  return value;
}

function mustFind<T>(found: T | undefined, name: string): T {
  if (found === undefined) throw new NetroomError('NO_SUCH_ACCOUNT', `no account is called ${name}`);
  return found;
}
