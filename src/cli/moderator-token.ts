// Which token the moderation commands send: an explicit one, the server's admin token, or an admin account's stored login.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ADMIN_TOKEN_FILE } from '../admin-token.js';
import { loginFor } from '../client/logins.js';
import { dataDirOf } from './data-access.js';

/** The token chosen and where it came from (for the message when the server refuses it). */
export interface ModeratorToken {
  readonly token: string;
  readonly from: string;
}

/**
 * The moderator's token for `server`, first found of: `--token`; NETROOM_TOKEN; NETROOM_ADMIN_TOKEN;
 * DATA/admin-token when `--data` names the folder; the token `netroom login` stored for the server
 * (an admin account's); DATA/admin-token of NETROOM_DATA or ./netroom-data. Undefined when none.
 */
export async function moderatorToken(server: URL, flags: { token?: string; data?: string }, env: NodeJS.ProcessEnv, cwd: string): Promise<ModeratorToken | undefined> {
  const given = (value: string | undefined): string | undefined => (value !== undefined && value.trim() !== '' ? value.trim() : undefined);
  const flag = given(flags.token);
  if (flag !== undefined) return { token: flag, from: 'the --token given' };
  const personal = given(env.NETROOM_TOKEN);
  if (personal !== undefined) return { token: personal, from: 'NETROOM_TOKEN' };
  const admin = given(env.NETROOM_ADMIN_TOKEN);
  if (admin !== undefined) return { token: admin, from: 'NETROOM_ADMIN_TOKEN' };
  // An explicit --data says: act as the server's administrator, whoever is signed in.
  if (flags.data !== undefined) return readAdminToken(dataDirOf(flags.data, env, cwd), true);
  const login = await loginFor(server, env);
  if (login !== undefined) return { token: login.token, from: `the login of ${login.account ?? 'your account'} (netroom login)` };
  return readAdminToken(dataDirOf(undefined, env, cwd), false);
}

/** DATA/admin-token; a missing file is undefined unless `required` (then it throws), a failed read always throws. */
async function readAdminToken(dataDir: string, required: boolean): Promise<ModeratorToken | undefined> {
  const file = path.join(dataDir, ADMIN_TOKEN_FILE);
  try {
    const token = (await fs.readFile(file, 'utf8')).trim();
    if (token === '') throw new Error(`${file} is empty`);
    return { token, from: `the admin token in ${file}` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    if (code === 'ENOENT') throw new Error(`no admin token in ${dataDir} (is it the server's data folder?)`, { cause: err });
    throw new Error(`cannot read ${file}: ${code === 'EACCES' ? 'permission denied' : (err as Error).message}`, { cause: err });
  }
}
