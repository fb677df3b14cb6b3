// `netroom kick|ban|unban|mute|unmute|bans`: moderation through the running server's HTTP API, as its administrator.
import type { Command } from 'commander';
import { DEFAULT_URL, HttpClient, HttpError, parseServerUrl } from '../client/http.js';
import { ModerationClient, type LiftOrder, type RestrictionKind, type RestrictionOrder } from '../client/moderation.js';
import type { WireRestriction } from '../doors/ws/messages.js';
import { processIO, runAccountCommand, table, UsageProblem, when, type AccountIO } from './account-io.js';
import { parseDuration } from './durations.js';
import { moderatorToken } from './moderator-token.js';

/** Flags every moderation command takes. */
export interface ServerFlags {
  readonly url?: string;
  readonly token?: string;
  readonly data?: string;
  readonly room?: string;
}

/** Who or what a ban or mute is about: exactly one of these (or `--id` to lift). */
export interface SelectorFlags extends ServerFlags {
  readonly name?: string;
  readonly account?: string;
  readonly address?: string;
  readonly mask?: string;
  readonly id?: string;
  readonly for?: string;
  readonly reason?: string;
}

const KINDS: readonly RestrictionKind[] = ['name', 'account', 'address', 'mask'];

/** `kick NAME [--room R] [--reason T]`: out of the room, or off the server when no room is given. */
export function runKick(name: string, flags: ServerFlags & { reason?: string }, io: AccountIO): Promise<number> {
  return moderate('kick', flags, io, () => async (client) => {
    await client.kick(name, flags.room, flags.reason);
    io.output.write(flags.room === undefined ? `removed ${name} from the server\n` : `kicked ${name} out of ${flags.room}\n`);
  });
}

/** `ban|mute SELECTOR [--room R] [--for D] [--reason T]`. */
export function runRestrict(type: 'ban' | 'mute', flags: SelectorFlags, io: AccountIO): Promise<number> {
  return moderate(type, flags, io, () => {
    const { kind, value } = selector(flags, false);
    if (kind === 'id') throw new UsageProblem('--id goes with unban and unmute');
    let durationMs: number | undefined;
    if (flags.for !== undefined) durationMs = usage(() => parseDuration(flags.for ?? '', '--for'));
    const order: RestrictionOrder = {
      kind,
      value,
      ...(flags.room !== undefined && { room: flags.room }),
      ...(flags.reason !== undefined && { reason: flags.reason }),
      ...(durationMs !== undefined && { durationMs }),
    };
    return async (client) => {
      const made = await client.restrict(type, order);
      const scope = flags.room === undefined ? 'server-wide' : `in ${flags.room}`;
      const span = made?.until != null ? `until ${when(made.until)}` : durationMs === undefined ? 'for ever' : `for ${flags.for}`;
      io.output.write(`${type === 'ban' ? 'banned' : 'muted'} ${kind} ${value} ${scope} ${span}${made ? ` (id ${made.id})` : ''}\n`);
    };
  });
}

/** `unban|unmute SELECTOR [--room R]` or `--id N`. */
export function runLift(type: 'unban' | 'unmute', flags: SelectorFlags, io: AccountIO): Promise<number> {
  return moderate(type, flags, io, () => {
    const picked = selector(flags, true);
    let order: LiftOrder;
    if (picked.kind === 'id') {
      const id = Number(picked.value);
      if (!Number.isSafeInteger(id) || id <= 0) throw new UsageProblem(`--id takes the number bans lists, not "${picked.value}"`);
      order = { id };
    } else {
      order = { kind: picked.kind, value: picked.value, ...(flags.room !== undefined && { room: flags.room }) };
    }
    return async (client) => {
      await client.lift(type, order);
      const what = type === 'unban' ? 'ban' : 'mute';
      io.output.write(`lifted the ${what} on ${picked.kind === 'id' ? `id ${picked.value}` : `${picked.kind} ${picked.value}`}\n`);
    };
  });
}

/** `bans [--room R]`: the bans and mutes in force. */
export function runBans(flags: ServerFlags, io: AccountIO): Promise<number> {
  return moderate('bans', flags, io, () => async (client) => {
    const list = await client.list(flags.room);
    if (list.length === 0) {
      io.output.write(`no bans or mutes${flags.room === undefined ? '' : ` in ${flags.room}`}\n`);
      return;
    }
    io.output.write(table(['ID', 'TYPE', 'ROOM', 'KIND', 'VALUE', 'UNTIL', 'BY', 'REASON'], list.map(row)));
  });
}

function row(r: WireRestriction): string[] {
  return [String(r.id), r.type, r.room ?? '*', r.kind, r.value, r.until === null ? 'for ever' : when(r.until), r.by, r.reason];
}

/** The one selector given: `--name`, `--account`, `--address`, `--mask` (or `--id` when lifting). */
function selector(flags: SelectorFlags, idAllowed: boolean): { kind: RestrictionKind; value: string } | { kind: 'id'; value: string } {
  const given = KINDS.filter((kind) => flags[kind] !== undefined).map((kind) => ({ kind, value: flags[kind] ?? '' }));
  const all: ({ kind: RestrictionKind; value: string } | { kind: 'id'; value: string })[] = [...given];
  if (flags.id !== undefined) all.push({ kind: 'id', value: flags.id });
  const names = `--name, --account, --address or --mask${idAllowed ? ' (or --id)' : ''}`;
  const only = all[0];
  if (all.length !== 1 || only === undefined) throw new UsageProblem(`give exactly one of ${names}`);
  if (only.value.trim() === '') throw new UsageProblem(`--${only.kind} is empty`);
  return only;
}

/**
 * Run one moderation call: `prepare` checks the arguments (a usage mistake is found before any token
 * is looked for) and returns the call, made with a client carrying the moderator's token; the
 * server's refusal is the one-line reason.
 */
function moderate(what: string, flags: ServerFlags, io: AccountIO, prepare: () => (client: ModerationClient) => Promise<void>): Promise<number> {
  return runAccountCommand(what, io, async () => {
    const server = usage(() => parseServerUrl(flags.url ?? DEFAULT_URL));
    const work = prepare();
    const chosen = await moderatorToken(server, flags, io.env ?? process.env, io.cwd ?? process.cwd());
    if (chosen === undefined) {
      throw new UsageProblem('no administrator token: run netroom login with an admin account, give --token, or point --data at the server\'s data folder');
    }
    const http = new HttpClient(server, { token: chosen.token });
    try {
      await work(new ModerationClient(http));
    } catch (err) {
      if (err instanceof HttpError && (err.status === 401 || err.status === 403)) throw new Error(`${err.message} (sent ${chosen.from})`, { cause: err });
      throw err;
    } finally {
      http.close();
    }
  });
}

function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new UsageProblem((err as Error).message);
  }
}

/** The options every moderation command has. */
function serverOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', `the server (default ${DEFAULT_URL})`)
    .option('--token <token>', 'an admin token or an admin account\'s token (default NETROOM_TOKEN, NETROOM_ADMIN_TOKEN, then the admin token in --data, your netroom login, DATA/admin-token)')
    .option('--data <dir>', "the server's data folder: use its admin token");
}

function selectorOptions(cmd: Command, lifting: boolean): Command {
  cmd
    .option('--name <name>', 'a name (any case or look-alike spelling), guest or account')
    .option('--account <account>', 'an account')
    .option('--address <ip[/len]>', 'an address or network, e.g. 203.0.113.7 or 2001:db8::/64')
    .option('--mask <mask>', 'an IRC mask, e.g. *!*@203.0.113.*')
    .option('--room <room>', 'in this room only (default: server-wide)');
  if (lifting) return cmd.option('--id <id>', 'the id bans lists');
  return cmd.option('--for <duration>', 'how long, e.g. 30m, 1h, 7d (default: for ever)').option('--reason <text>', 'why (shown to the member and in the notice)');
}

/** Register kick, ban, unban, mute, unmute and bans. */
export function registerModeration(program: Command): void {
  serverOptions(
    program
      .command('kick')
      .argument('<name>', 'the member')
      .description('remove a member from a room (--room) or from the server')
      .option('--room <room>', 'the room (default: the whole server)')
      .option('--reason <text>', 'why (shown to the member and in the notice)'),
  ).action(async (name: string, flags: ServerFlags & { reason?: string }) => {
    process.exitCode = await runKick(name, flags, processIO());
  });
  for (const type of ['ban', 'mute'] as const) {
    const cmd = program.command(type).description(type === 'ban' ? 'keep a name, account or address out (members it matches are removed at once)' : 'keep a name, account or address quiet');
    serverOptions(selectorOptions(cmd, false)).action(async (flags: SelectorFlags) => {
      process.exitCode = await runRestrict(type, flags, processIO());
    });
  }
  for (const type of ['unban', 'unmute'] as const) {
    const cmd = program.command(type).description(`lift a ${type === 'unban' ? 'ban' : 'mute'}: the same selector and room as when it was made, or --id`);
    serverOptions(selectorOptions(cmd, true)).action(async (flags: SelectorFlags) => {
      process.exitCode = await runLift(type, flags, processIO());
    });
  }
  serverOptions(program.command('bans').description('list the bans and mutes in force').option('--room <room>', 'of this room only')).action(
    async (flags: ServerFlags) => {
      process.exitCode = await runBans(flags, processIO());
    },
  );
}
