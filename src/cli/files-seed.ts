// `netroom files --seed HOST:PORT`: the interactive file menu over the seed TCP file protocol.
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { SeedFilesClient, type SeedFilesClientOptions, type TransferResult } from '../client/seedfiles.js';
import { formatSize } from '../core/i18n.js';
import { startProgress, type Progress } from './progress.js';
import { Prompt, isTTY, splitCommand } from './terminal.js';

/** Exit codes of SPEC section 4. */
const EXIT_OK = 0;
const EXIT_FAILURE = 1;

/** Options of {@link runSeedFiles}: where to connect, which streams stand for the terminal, and the local folder. */
export interface SeedFilesRunOptions {
  readonly host: string;
  readonly port: number;
  readonly input: Readable;
  readonly output: Writable;
  /** Where downloads go and uploads are read from (relative paths). */
  readonly cwd: string;
  /** Where the one-line failure reason goes; default `output`. */
  readonly errorOutput?: Writable;
  /** Terminal mode (prompt, progress bars); default: whether `output` is a TTY. */
  readonly terminal?: boolean;
  /** Client timings (tests may shorten them). */
  readonly client?: SeedFilesClientOptions;
}

const MENU = [
  '======== commands ========',
  '  list          the files in the library',
  '  get NAME      download NAME into the current folder',
  '  put FILE      upload FILE (under its own name)',
  '  help          this menu',
  '  quit          leave',
  '==========================',
].join('\n');

/**
 * Run the interactive menu on the given streams until `quit` or end of input. A connection the
 * server closed after refusing an upload (full disk, too large) is made again and the menu goes
 * on. Resolves to the exit code: 1 when the server cannot be reached (at the start, or again after
 * the connection was lost), and, without a terminal (a script), also when any command failed; 0
 * otherwise.
 */
export async function runSeedFiles(options: SeedFilesRunOptions): Promise<number> {
  const { input, output, cwd } = options;
  const errorOutput = options.errorOutput ?? output;
  const terminal = options.terminal ?? isTTY(output);
  const say = (text: string): void => void output.write(text + '\n');
  const connect = async (): Promise<SeedFilesClient> => {
    const fresh = new SeedFilesClient(options.client);
    await fresh.connect(options.host, options.port);
    return fresh;
  };
  let client: SeedFilesClient;
  try {
    client = await connect();
  } catch (err) {
    errorOutput.write(`netroom files: ${message(err)}\n`);
    return EXIT_FAILURE;
  }
  const rl = createInterface({ input, output, terminal });
  const menuPrompt = new Prompt(rl, terminal);
  let busy = false;
  let interrupted = false;
  // Ctrl-C: stop a transfer in progress (only dropping the connection can) and leave.
  rl.on('SIGINT', () => {
    if (busy) {
      interrupted = true;
      client.destroy();
    }
    menuPrompt.close();
  });
  const lost = (reason: string): number => {
    errorOutput.write(`netroom files: the connection is lost: ${reason}\n`);
    return EXIT_FAILURE;
  };
  let failures = 0;
  const fail = (text: string): void => {
    failures += 1;
    say(text);
  };
  say(`connected to ${options.host}:${options.port} (seed file protocol)`);
  say(MENU);
  // Input may have ended while a command ran: the prompt then stays away (see Prompt).
  const prompt = (): void => menuPrompt.show('files> ');
  prompt();
  try {
    for await (const line of rl) {
      const { verb, arg } = splitCommand(line);
      busy = true;
      try {
        if (verb === '') {
          // nothing typed
        } else if (verb === 'quit' || verb === 'q' || verb === 'exit') {
          break;
        } else if (verb === 'help' || verb === '?') {
          say(MENU);
        } else if (verb === 'list' || verb === 'ls' || verb === 'l') {
          const names = await client.list();
          for (const name of names) say(name);
          say(`(${names.length} ${names.length === 1 ? 'file' : 'files'})`);
        } else if (verb === 'get' || verb === 'g') {
          const name = checkLocalName(arg);
          const bar = startProgress(output, `get ${name}`);
          const result = await client.get(name, path.join(cwd, name), (n) => bar.update(n)).finally(() => bar.done());
          say(`got ${name}: ${describe(result)}`);
        } else if (verb === 'put' || verb === 'p') {
          if (arg === '') throw new Error('put needs a file: put FILE');
          const source = path.resolve(cwd, arg);
          const name = path.basename(source);
          let bar: Progress | undefined; // started by the first report, which carries the size
          const result = await client
            .put(source, name, (n, total) => (bar ??= startProgress(output, `put ${name}`, total)).update(n))
            .finally(() => bar?.done());
          say(`sent ${name}: ${describe(result)}`);
        } else {
          fail(`unknown command "${verb}": type help for the menu`);
        }
      } catch (err) {
        fail(message(err));
        if (!client.connected) {
          // The seed door answers a failed upload (DISK_FULL, TOO_LARGE) with its error and then
          // closes: the protocol cannot tell where the refused bytes end. That is one failed
          // command, not the end of the menu, so connect again; only an unreachable server (or
          // Ctrl-C, which dropped the connection on purpose) ends it.
          if (interrupted) return lost(message(err));
          try {
            client.destroy();
            client = await connect();
          } catch (again) {
            return lost(`${message(err)} (${message(again)})`);
          }
          say('(the server closed the connection after that; connected again)');
        }
      } finally {
        busy = false;
      }
      prompt();
    }
    await client.quit();
    say('bye');
    return failures > 0 && !terminal ? EXIT_FAILURE : EXIT_OK;
  } finally {
    client.destroy();
    menuPrompt.close();
  }
}

/** A name to download into the current folder: a plain file name, never a path that could leave it. */
function checkLocalName(name: string): string {
  if (name === '') throw new Error('get needs a name: get NAME');
  if (/[/\\\0]/u.test(name) || name === '.' || name === '..') {
    throw new Error(`"${name}" is not a plain file name (the seed protocol has no folders)`);
  }
  return name;
}

function describe(result: TransferResult): string {
  return `${formatSize(result.size)} (${result.size} bytes), sha256 ${result.sha256}`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
