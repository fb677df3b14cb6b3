// Who the client commands are: the bearer token for a server (--token, NETROOM_TOKEN, or `netroom login`'s) and what to say when it is refused.
import { HttpClient, HttpError } from '../client/http.js';
import { originOf, tokenFor, type TokenChoice } from '../client/logins.js';

/** Help of the `--token` flag every client command takes. */
export const TOKEN_HELP = 'a personal API token to send (default NETROOM_TOKEN, else the one netroom login stored for this server; none: a guest)';

/** An HTTP client of `server` carrying the token chosen for it (if any). */
export async function authedClient(server: URL, flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<{ client: HttpClient; choice: TokenChoice | undefined }> {
  const choice = await tokenFor(server, flag, env);
  return { client: new HttpClient(server, choice === undefined ? {} : { token: choice.token }), choice };
}

/**
 * The one-line reason of a failure, with a hint when the server refused our token (401): where the
 * token came from and how to get a good one.
 */
export function failureReason(err: unknown, choice: TokenChoice | undefined, server: URL): string {
  const text = err instanceof Error ? err.message : String(err);
  if (!(err instanceof HttpError) || err.status !== 401 || choice === undefined) return text;
  const from = {
    flag: 'the --token given',
    env: 'NETROOM_TOKEN',
    login: `the token netroom login stored for ${originOf(server)}`,
  }[choice.source];
  const fix = choice.source === 'login' ? `run netroom login ${originOf(server)} again, or netroom logout ${originOf(server)} to go on as a guest` : 'check it';
  return `${text} (the server refused ${from}: ${fix})`;
}
