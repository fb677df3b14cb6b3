// `netroom files`: the interactive file menu, over HTTP (default) or the seed TCP protocol (`--seed HOST:PORT`).
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { download, partPath } from '../client/download.js';
import { DEFAULT_URL, checkLibraryPath, parseLibraryUrl, type HttpClient } from '../client/http.js';
import { upload } from '../client/upload.js';
import { EXIT_USAGE, seedTarget } from './args.js';
import { authedClient, failureReason, TOKEN_HELP } from './client-auth.js';
import { lazyProgress } from './progress.js';
import { runSeedFiles } from './files-seed.js';
import { Prompt, isTTY, splitCommand } from './terminal.js';
import { describeDownload, describeUpload, formatListing } from './transfer.js';

// The seed protocol's menu lives in files-seed.ts; importers keep importing it from here.
export { runSeedFiles, type SeedFilesRunOptions } from './files-seed.js';

/** Exit codes of SPEC section 4. */
const EXIT_OK = 0;
const EXIT_FAILURE = 1;

/** Options of {@link runHttpFiles}: the server (and starting folder), the terminal's streams and the local folder. */
export interface HttpFilesRunOptions {
  /** A server or folder URL, e.g. http://127.0.0.1:8080/docs/ (see parseLibraryUrl). */
  readonly url: string;
  readonly input: Readable;
  readonly output: Writable;
  /** Where downloads go and uploads are read from (relative paths). */
  readonly cwd: string;
  /** Where the one-line failure reason goes; default `output`. */
  readonly errorOutput?: Writable;
  /** Terminal mode (prompt, progress bars); default: whether `output` is a TTY. */
  readonly terminal?: boolean;
  /** `--token`: overrides NETROOM_TOKEN and the token `netroom login` stored for the server. */
  readonly token?: string;
  /** Where NETROOM_TOKEN and the stored sign-ins are found; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

const HTTP_MENU = [
  '======== commands ========',
  '  list [DIR]    the files and folders here (or in DIR)',
  '  cd DIR        go into DIR (.. up, / the root)',
  '  get NAME      download NAME into the local folder',
  '  put FILE      upload a local FILE here (under its own name)',
  '  rm NAME       delete a file or an empty folder',
  '  mkdir DIR     create a folder',
  '  help          this menu',
  '  quit          leave',
  '==========================',
].join('\n');

/**
 * Run the HTTP file menu on the given streams until `quit` or end of input. Resolves to the exit
 * code: 1 when the server cannot be reached at the start, and, without a terminal (a script), also
 * when any command failed; 0 otherwise.
 */
export async function runHttpFiles(options: HttpFilesRunOptions): Promise<number> {
  const { input, output, cwd } = options;
  const errorOutput = options.errorOutput ?? output;
  const terminal = options.terminal ?? isTTY(output);
  const say = (text: string): void => void output.write(text + '\n');
  let start;
  try {
    start = parseLibraryUrl(options.url);
  } catch (err) {
    errorOutput.write(`netroom files: ${message(err)}\n`);
    return EXIT_USAGE;
  }
  let authed;
  try {
    authed = await authedClient(start.server, options.token, options.env);
  } catch (err) {
    errorOutput.write(`netroom files: ${message(err)}\n`);
    return EXIT_FAILURE;
  }
  const { client, choice } = authed;
  let here = start.path;
  try {
    await client.list(here); // reachable, and a folder
  } catch (err) {
    client.close();
    errorOutput.write(`netroom files: ${failureReason(err, choice, start.server)}\n`);
    return EXIT_FAILURE;
  }
  const rl = createInterface({ input, output, terminal });
  const menuPrompt = new Prompt(rl, terminal);
  let cancel: AbortController | null = null;
  // Ctrl-C: stop a transfer in progress, or leave at the prompt.
  rl.on('SIGINT', () => (cancel ? cancel.abort() : menuPrompt.close()));
  let failures = 0;
  say(`connected to ${start.server.origin} (HTTP)${choice === undefined ? '' : ' with a token'}`);
  say(HTTP_MENU);
  // Input may have ended while a command ran: the prompt then stays away (see Prompt).
  const prompt = (): void => menuPrompt.show(`files:/${here}> `);
  prompt();
  try {
    for await (const line of rl) {
      const { verb, arg } = splitCommand(line);
      cancel = new AbortController();
      try {
        if (verb === 'quit' || verb === 'q' || verb === 'exit') break;
        here = await httpCommand({ client, verb, arg, here, cwd, say, output, signal: cancel.signal });
      } catch (err) {
        failures += 1;
        say(message(err));
      } finally {
        cancel = null;
      }
      prompt();
    }
    say('bye');
    return failures > 0 && !terminal ? EXIT_FAILURE : EXIT_OK;
  } finally {
    client.close();
    menuPrompt.close();
  }
}

/** One menu command; returns the (possibly new) current folder, throws with a one-line reason. */
async function httpCommand(c: {
  client: HttpClient;
  verb: string;
  arg: string;
  here: string;
  cwd: string;
  say: (text: string) => void;
  output: Writable;
  signal: AbortSignal;
}): Promise<string> {
  const { client, verb, arg, here, say } = c;
  const need = (what: string): string => {
    if (arg === '') throw new Error(`${verb} needs ${what}: ${verb} ${what.toUpperCase()}`);
    return remotePath(here, arg);
  };
  switch (verb) {
    case '':
      return here;
    case 'help':
    case '?':
      say(HTTP_MENU);
      return here;
    case 'list':
    case 'ls':
    case 'l': {
      const dir = arg === '' ? here : remotePath(here, arg);
      const entries = await client.list(dir);
      for (const line of formatListing(entries)) say(line);
      const folders = entries.filter((e) => e.type === 'dir').length;
      const files = entries.length - folders;
      say(`(/${dir}: ${folders} ${folders === 1 ? 'folder' : 'folders'}, ${files} ${files === 1 ? 'file' : 'files'})`);
      return here;
    }
    case 'cd': {
      const dir = arg === '' ? '' : remotePath(here, arg);
      await client.list(dir); // exists and is a folder
      return dir;
    }
    case 'get':
    case 'g': {
      const remote = need('name');
      const name = path.posix.basename(remote);
      if (name === '') throw new Error('get takes a file, not the root');
      const dest = path.join(c.cwd, name);
      const bar = lazyProgress(c.output, `get ${name}`);
      // Our own interrupted download of this name is picked up where it stopped.
      const result = await download(client, remote, dest, {
        resume: existsSync(partPath(dest)),
        onProgress: (bytes, total) => bar.update(bytes, total),
        signal: c.signal,
      }).finally(() => bar.done());
      say(describeDownload(remote, name, result));
      return here;
    }
    case 'put':
    case 'p': {
      if (arg === '') throw new Error('put needs a file: put FILE');
      const source = path.resolve(c.cwd, arg);
      const remote = checkLibraryPath([here, path.basename(source)].filter((p) => p !== '').join('/'), path.basename(source));
      const bar = lazyProgress(c.output, `put ${path.basename(source)}`);
      const result = await upload(client, source, remote, {
        onProgress: (bytes, total) => bar.update(bytes, total),
        onRetry: (reason, offset) => say(`${reason.message}; ${offset > 0 ? `going on from byte ${offset}` : 'sending it again'}`),
        signal: c.signal,
      }).finally(() => bar.done());
      say(describeUpload(arg, result));
      return here;
    }
    case 'rm': {
      const remote = need('name');
      if (remote === '') throw new Error('the library root cannot be removed');
      await client.remove(remote);
      say(`removed /${remote}`);
      return here;
    }
    case 'mkdir': {
      const remote = need('dir');
      await client.mkdir(remote);
      say(`created /${remote}/`);
      return here;
    }
    default:
      throw new Error(`unknown command "${verb}": type help for the menu`);
  }
}

/**
 * A menu argument as a library path: `/x` from the root, else from the current folder; `.` and `..`
 * resolved as in a shell, except that `..` above the root is refused rather than ignored (the
 * client must never quietly turn one path into another). The result is held to the server's path
 * rule, so a hidden name, a backslash or a control character is refused before any request.
 */
export function remotePath(here: string, arg: string): string {
  const parts = arg.startsWith('/') ? [] : here.split('/').filter((p) => p !== '');
  for (const part of arg.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.pop() === undefined) throw new Error(`not a path inside the library: "${arg}" (it climbs above the root /)`);
  }
  return checkLibraryPath(parts.join('/'), arg);
}

/** `netroom files` as a command: validates the flags, runs the menu on stdin/stdout, returns the exit code. */
export async function filesCommand(url: string | undefined, flags: { seed?: string; token?: string }): Promise<number> {
  const usage = (text: string): number => {
    process.stderr.write(`netroom files: ${text}\n`);
    return EXIT_USAGE;
  };
  const io = { input: process.stdin, output: process.stdout, errorOutput: process.stderr, cwd: process.cwd() };
  if (flags.seed === undefined) return runHttpFiles({ ...io, url: url ?? DEFAULT_URL, ...(flags.token !== undefined && { token: flags.token }) });
  if (flags.token !== undefined) return usage('--token goes with the HTTP menu (the seed protocol has no accounts)');
  const target = seedTarget(url, 'seed', flags.seed, '');
  if (typeof target === 'string') return usage(target);
  return runSeedFiles({ ...target, ...io });
}

/** Register `netroom files [url] [--seed HOST:PORT]` on the program. */
export function registerFiles(program: Command): void {
  program
    .command('files')
    .argument('[url]', `server URL, or a folder to start in, e.g. ${DEFAULT_URL}/docs/ (default ${DEFAULT_URL})`)
    .description('interactive file menu over HTTP: list, cd, get, put, rm, mkdir, quit')
    .option('--seed <host:port>', "use the seed TCP file protocol (also works with the seeds' Python server)")
    .option('--token <token>', TOKEN_HELP)
    .action(async (url: string | undefined, flags: { seed?: string; token?: string }) => {
      process.exitCode = await filesCommand(url, flags);
    });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
