// `netroom ls|get|put|rm URL`: scriptable file commands over the HTTP door; exit 0 ok, 1 failure, 2 usage.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { download, type DownloadResult } from '../client/download.js';
import { DEFAULT_URL, HttpError, checkLibraryPath, parseLibraryUrl, type HttpClient, type LibraryTarget } from '../client/http.js';
import { upload, type UploadResult } from '../client/upload.js';
import type { Entry } from '../core/library.js';
import { formatSize } from '../core/i18n.js';
import { EXIT_USAGE } from './args.js';
import { authedClient, failureReason, TOKEN_HELP } from './client-auth.js';
import { lazyProgress } from './progress.js';

const EXIT_OK = 0;
const EXIT_FAILURE = 1;
/** Most connections `get --parallel` opens. */
export const MAX_PARALLEL = 32;

/** How the file commands read a URL, for --help. */
export const URL_HELP = `
URLs: http://HOST:PORT/PATH, where PATH is the path in the library: http://127.0.0.1:8080/docs/a.txt
is docs/a.txt. A leading /files/ (the links the server and the web UI show) is accepted too:
http://127.0.0.1:8080/files/docs/a.txt is the same file. A URL ending in / names a folder.
Exit codes: 0 done, 1 failed (one line says why), 2 bad usage.`;

/** The streams and folder a file command works with (tests pass PassThroughs and a temp folder). */
export interface CommandIO {
  /** Results: listings and one line per finished transfer. */
  readonly output: Writable;
  /** Failure reasons, retry notes and progress bars (drawn only when it is a terminal). */
  readonly errorOutput: Writable;
  /** Where relative local paths start; default the process's working folder. */
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  /** NETROOM_TOKEN, XDG_CONFIG_HOME, HOME (where `netroom login` keeps tokens); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** `--token`, which every file command takes. */
export interface TokenFlag {
  readonly token?: string;
}

/** Flags of `netroom get`. */
export interface GetFlags extends TokenFlag {
  readonly output?: string;
  readonly continue?: boolean;
  readonly parallel?: string;
}

/** Flags of `netroom put`. */
export interface PutFlags extends TokenFlag {
  /** false with `--no-overwrite`: refuse to replace an existing file. */
  readonly overwrite?: boolean;
  readonly retries?: string;
}

/** `netroom ls [URL]`: the folder's entries (size, date, name; folders end in /), or JSON with `--json`. */
export async function runLs(url: string | undefined, flags: { json?: boolean } & TokenFlag, io: CommandIO): Promise<number> {
  const target = parse('ls', url ?? DEFAULT_URL, io);
  if (target === null) return EXIT_USAGE;
  return withClient('ls', target, flags, io, async (client) => {
    let entries: Entry[];
    try {
      entries = await client.list(target.path);
    } catch (err) {
      // `ls URL-of-a-file` shows that one file, as ls does.
      if (!(err instanceof HttpError) || target.folder || !['NOT_A_DIRECTORY', 'NOT_A_FOLDER'].includes(err.code)) throw err;
      const info = await client.stat(target.path);
      entries = [{ name: path.posix.basename(target.path), type: 'file', size: info.size, mtime: Date.parse(info.lastModified ?? '') || 0 }];
    }
    io.output.write(flags.json === true ? `${JSON.stringify(entries)}\n` : formatListing(entries).map((l) => `${l}\n`).join(''));
  });
}

/** `netroom get URL [-o OUT] [--continue] [--parallel N]`: download one file, print its size and SHA-256. */
export async function runGet(url: string, flags: GetFlags, io: CommandIO): Promise<number> {
  const target = parse('get', url, io);
  if (target === null) return EXIT_USAGE;
  if (target.folder || target.path === '') return usage('get', `${url} names a folder; get takes the URL of a file`, io);
  const parallel = flags.parallel === undefined ? 1 : Number(flags.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > MAX_PARALLEL) {
    return usage('get', `--parallel takes a number of connections from 1 to ${MAX_PARALLEL}, not "${flags.parallel}"`, io);
  }
  if (flags.continue === true && parallel > 1) return usage('get', '--continue and --parallel do not combine (a resume is one range)', io);
  const name = path.posix.basename(target.path);
  const cwd = io.cwd ?? process.cwd();
  let dest = path.resolve(cwd, flags.output ?? name);
  if (flags.output?.endsWith('/') === true || (await isFolder(dest))) dest = path.join(dest, name);
  return withClient('get', target, flags, io, async (client) => {
    const bar = lazyProgress(io.errorOutput, `get ${name}`);
    const result = await download(client, target.path, dest, {
      resume: flags.continue === true,
      parallel,
      onProgress: (bytes, total) => bar.update(bytes, total),
      signal: io.signal,
    }).finally(() => bar.done());
    io.output.write(`${describeDownload(target.path, path.relative(cwd, result.file) || result.file, result)}\n`);
  });
}

/** `netroom put FILE URL`: upload one file (into the folder when URL ends in /), resuming an interrupted upload. */
export async function runPut(file: string, url: string, flags: PutFlags, io: CommandIO): Promise<number> {
  const target = parse('put', url, io);
  if (target === null) return EXIT_USAGE;
  const retries = flags.retries === undefined ? 3 : Number(flags.retries);
  if (!Number.isInteger(retries) || retries < 0 || retries > 100) return usage('put', `--retries takes a number from 0 to 100, not "${flags.retries}"`, io);
  const source = path.resolve(io.cwd ?? process.cwd(), file);
  let remote = target.path;
  if (target.folder) {
    // Into a folder under the local name, which must itself be a name the library takes (not `.x`).
    try {
      remote = checkLibraryPath([target.path, path.basename(source)].filter((p) => p !== '').join('/'));
    } catch (err) {
      return usage('put', (err as Error).message, io);
    }
  }
  return withClient('put', target, flags, io, async (client) => {
    const bar = lazyProgress(io.errorOutput, `put ${path.basename(source)}`);
    const result = await upload(client, source, remote, {
      noOverwrite: flags.overwrite === false,
      retries,
      onProgress: (bytes, total) => bar.update(bytes, total),
      onRetry: (reason, offset) => {
        bar.done();
        io.errorOutput.write(`netroom put: ${reason.message}; ${offset > 0 ? `going on from byte ${offset}` : 'sending it again'}\n`);
      },
      signal: io.signal,
    }).finally(() => bar.done());
    io.output.write(`${describeUpload(file, result)}\n`);
  });
}

/** `netroom rm URL...`: remove files or empty folders; goes on after a failure, exit 1 if any failed. */
export async function runRm(urls: readonly string[], io: CommandIO, flags: TokenFlag = {}): Promise<number> {
  const targets: LibraryTarget[] = [];
  for (const url of urls) {
    const target = parse('rm', url, io);
    if (target === null) return EXIT_USAGE;
    if (target.path === '') return usage('rm', `${url} is the library root, which cannot be removed`, io);
    targets.push(target);
  }
  if (targets.length === 0) return usage('rm', 'rm needs at least one URL', io);
  let code = EXIT_OK;
  for (const target of targets) {
    const done = await withClient('rm', target, flags, io, async (client) => {
      await client.remove(target.path);
      io.output.write(`removed ${target.path}\n`);
    });
    if (done !== EXIT_OK) code = done;
  }
  return code;
}

/** Listing lines: size (right-aligned, `-` for folders), local date and time, name (folders end in /). */
export function formatListing(entries: readonly Entry[]): string[] {
  const sizes = entries.map((e) => (e.type === 'dir' ? '-' : formatSize(e.size)));
  const width = Math.max(0, ...sizes.map((s) => s.length));
  return entries.map((e, i) => `${(sizes[i] ?? '').padStart(width)}  ${stamp(e.mtime)}  ${e.name}${e.type === 'dir' ? '/' : ''}`);
}

/** The line printed after a download: what, where, size, SHA-256, and how it went. */
export function describeDownload(remote: string, local: string, result: DownloadResult): string {
  const notes: string[] = [];
  if (result.resumedFrom > 0) notes.push(`resumed after ${result.resumedFrom} bytes`);
  if (result.connections > 1) notes.push(`${result.connections} connections`);
  if (result.verified) notes.push("matches the server's SHA-256");
  const tail = notes.length > 0 ? ` (${notes.join(', ')})` : '';
  return `got ${remote} -> ${local}: ${formatSize(result.size)} (${result.size} bytes), sha256 ${result.sha256}${tail}`;
}

/** The line printed after an upload: the server's path, size and SHA-256, checked against the local file. */
export function describeUpload(local: string, result: UploadResult): string {
  const notes = [result.created ? 'new' : 'replaced', "the server's SHA-256 matches"];
  if (result.resumedFrom > 0) notes.push(`resumed after ${result.resumedFrom} bytes`);
  return `sent ${local} -> ${result.path}: ${formatSize(result.size)} (${result.size} bytes), sha256 ${result.sha256} (${notes.join(', ')})`;
}

/** Register `netroom ls [url] [--json]`. */
export function registerLs(program: Command): void {
  program
    .command('ls')
    .argument('[url]', `a library folder (default ${DEFAULT_URL}/, the root)`)
    .description('list a library folder: size, date, name (folders end in /)')
    .option('--json', 'print the entries as JSON (name, type, size, mtime)')
    .option('--token <token>', TOKEN_HELP)
    .addHelpText('after', URL_HELP)
    .action(async (url: string | undefined, flags: { json?: boolean } & TokenFlag) => {
      process.exitCode = await runLs(url, flags, stdio());
    });
}

/** Register `netroom get <url> [-o out] [--continue] [--parallel n]`. */
export function registerGet(program: Command): void {
  program
    .command('get')
    .argument('<url>', 'the file to download')
    .description('download a file (into a temp file renamed when complete) and print its SHA-256')
    .option('-o, --output <path>', 'where to write it (a folder keeps the name; default: the name, here)')
    .option('-c, --continue', 'resume a partial download (left by an interrupted get, or OUT itself) with a Range request')
    .option('-p, --parallel <n>', `fetch N byte ranges over N connections at once (1-${MAX_PARALLEL})`)
    .option('--token <token>', TOKEN_HELP)
    .addHelpText('after', URL_HELP)
    .action(async (url: string, flags: GetFlags) => {
      process.exitCode = await cancellable((signal) => runGet(url, flags, stdio(signal)));
    });
}

/** Register `netroom put <file> <url> [--no-overwrite] [--retries n]`. */
export function registerPut(program: Command): void {
  program
    .command('put')
    .argument('<file>', 'the local file to upload')
    .argument('<url>', 'where: a folder URL ending in / keeps the file name, otherwise the last part is the new name')
    .description('upload a file, check the SHA-256 the server answers; an interrupted upload resumes where the server got to')
    .option('--no-overwrite', 'refuse to replace an existing file')
    .option('--retries <n>', 'retries after a network failure, each resuming the upload (default 3)')
    .option('--token <token>', TOKEN_HELP)
    .addHelpText('after', URL_HELP)
    .action(async (file: string, url: string, flags: PutFlags) => {
      process.exitCode = await cancellable((signal) => runPut(file, url, flags, stdio(signal)));
    });
}

/** Register `netroom rm <url...>`. */
export function registerRm(program: Command): void {
  program
    .command('rm')
    .argument('<url...>', 'files or empty folders to remove')
    .description('remove files or empty folders from the library')
    .option('--token <token>', TOKEN_HELP)
    .addHelpText('after', URL_HELP)
    .action(async (urls: string[], flags: TokenFlag) => {
      process.exitCode = await runRm(urls, stdio(), flags);
    });
}

/** Parse a URL argument; on failure print the usage line and return null. */
function parse(command: string, url: string, io: CommandIO): LibraryTarget | null {
  try {
    return parseLibraryUrl(url);
  } catch (err) {
    usage(command, (err as Error).message, io);
    return null;
  }
}

function usage(command: string, message: string, io: CommandIO): number {
  io.errorOutput.write(`netroom ${command}: ${message}\n`);
  return EXIT_USAGE;
}

/**
 * Run `work` with a client of the target's server, signed in with the token chosen for it (see
 * tokenFor); a failure becomes its one-line reason and exit 1.
 */
async function withClient(command: string, target: LibraryTarget, flags: TokenFlag, io: CommandIO, work: (client: HttpClient) => Promise<void>): Promise<number> {
  let authed;
  try {
    authed = await authedClient(target.server, flags.token, io.env);
  } catch (err) {
    io.errorOutput.write(`netroom ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILURE;
  }
  const { client, choice } = authed;
  try {
    await work(client);
    return EXIT_OK;
  } catch (err) {
    io.errorOutput.write(`netroom ${command}: ${failureReason(err, choice, target.server)}\n`);
    return EXIT_FAILURE;
  } finally {
    client.close();
  }
}

async function isFolder(file: string): Promise<boolean> {
  return fs.stat(file).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Local `YYYY-MM-DD HH:MM`. */
function stamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

function stdio(signal?: AbortSignal): CommandIO {
  return { output: process.stdout, errorOutput: process.stderr, ...(signal && { signal }) };
}

/** Run with an AbortSignal that Ctrl-C fires, so a transfer stops cleanly (and a partial download is kept). */
async function cancellable(run: (signal: AbortSignal) => Promise<number>): Promise<number> {
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
