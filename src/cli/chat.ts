// `netroom chat`: terminal chat; for now over the seed UDP protocol (`--udp HOST:PORT`), WebSocket later.
import { EXIT_USAGE, seedTarget } from './args.js';
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { UdpChatClient, UdpChatError } from '../client/udp.js';
import { DEFAULT_HEARTBEAT_MS } from '../doors/udp/codec.js';

/** Exit codes of SPEC section 4. */
const EXIT_OK = 0;
const EXIT_FAILURE = 1;

/** Options of {@link runUdpChat}: where to connect and which streams stand for the terminal. */
export interface UdpChatOptions {
  readonly host: string;
  readonly port: number;
  readonly input: Readable;
  readonly output: Writable;
  /** Where the one-line failure reason goes; default `output`. */
  readonly errorOutput?: Writable;
  /** Heartbeat interval in ms; 0 turns heartbeats off. Default 10000 (the server's default). */
  readonly heartbeatMs?: number;
  /** How long to wait for the server's answers. Default 3000. */
  readonly timeoutMs?: number;
  /** Terminal mode (prompts, line redraws); default: whether `output` is a TTY. */
  readonly terminal?: boolean;
}

/** Lines from readline as a pull queue, so lines typed while we wait on the network are kept in order. */
class LineQueue {
  private readonly lines: (string | null)[] = [];
  private wake: (() => void) | null = null;
  private ended = false;

  constructor(rl: Interface) {
    rl.on('line', (line) => this.push(line));
    rl.on('close', () => this.push(null));
    // Ctrl-C at the prompt leaves like Ctrl-D rather than killing the process without a goodbye.
    rl.on('SIGINT', () => this.push(null));
  }

  private push(line: string | null): void {
    if (this.ended) return;
    if (line === null) this.ended = true;
    this.lines.push(line);
    this.wake?.();
  }

  /** The next line, or null at end of input. */
  async next(): Promise<string | null> {
    while (this.lines.length === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.wake = null;
    return this.lines.shift() ?? null;
  }
}

/**
 * Run an interactive UDP chat session on the given streams: ask for a name (again on refusal,
 * showing the server's reason), then send each line, show notices without clobbering the line
 * being typed, `/who`, `/quit` or end of input to leave. Resolves to the process exit code.
 */
export async function runUdpChat(options: UdpChatOptions): Promise<number> {
  const { input, output } = options;
  const errorOutput = options.errorOutput ?? output;
  const terminal = options.terminal ?? (output as Writable & { isTTY?: boolean }).isTTY === true;
  const client = new UdpChatClient({
    host: options.host,
    port: options.port,
    timeoutMs: options.timeoutMs ?? 3000,
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
  });
  const rl = createInterface({ input, output, terminal });
  const lines = new LineQueue(rl);
  // Without a terminal there is nobody to prompt: keep the output clean for scripts.
  const prompt = (text: string): void => {
    if (!terminal) return;
    rl.setPrompt(text);
    rl.prompt(true);
  };
  const show = (text: string): void => {
    if (terminal) {
      // Clear the half-typed line, print the notice, redraw the prompt and what was typed.
      clearLine(output, 0);
      cursorTo(output, 0);
      output.write(text + '\n');
      rl.prompt(true);
    } else {
      output.write(text + '\n');
    }
  };
  const fail = (reason: string): number => {
    errorOutput.write(`netroom: ${reason}\n`);
    return EXIT_FAILURE;
  };
  try {
    output.write(`netroom chat over UDP with ${client.target}\n`);
    for (;;) {
      prompt('name: ');
      const line = await lines.next();
      if (line === null) return EXIT_OK;
      const name = line.trim();
      if (name === '') continue;
      try {
        await client.enter(name);
        break;
      } catch (err) {
        if (err instanceof UdpChatError && err.kind === 'refused') {
          output.write(`refused: ${err.message}\n`);
          continue;
        }
        return fail(err instanceof Error ? err.message : String(err));
      }
    }
    output.write(`you are in the room as ${client.memberName}; /quit to leave\n`);
    const ended = new Promise<number>((resolve) => {
      client.once('exit', () => resolve(fail('the server ended the session')));
      client.once('error', (err) => resolve(fail(err.message)));
    });
    client.on('notice', show);
    for (;;) {
      prompt('> ');
      const next = await Promise.race([lines.next(), ended]);
      if (typeof next === 'number') return next;
      const text = next?.trim();
      if (next === null || text === '/quit') {
        await client.quit();
        return EXIT_OK;
      }
      if (text === '/who') {
        show('(the seed UDP protocol has no member list: use the web, IRC or WebSocket chat to see who is in)');
      } else if (text?.startsWith('/') && !text.startsWith('//')) {
        show(`(unknown command ${text.split(/\s/, 1)[0] ?? ''}: /who, /quit; start with // to say a line beginning with /)`);
      } else if (text) {
        // "//text" says "/text"; otherwise the line goes as typed (inner spaces kept).
        client.say(text.startsWith('//') ? next.slice(next.indexOf('/') + 1) : next);
      }
    }
  } finally {
    client.close();
    rl.close();
  }
}

/** `netroom chat` as a command: validates the flags, runs the session on stdin/stdout, returns the exit code. */
export async function chatCommand(url: string | undefined, flags: { udp?: string; heartbeat?: string }): Promise<number> {
  const usage = (message: string): number => {
    process.stderr.write(`netroom chat: ${message}\n`);
    return EXIT_USAGE;
  };
  const target = seedTarget(url, 'udp', flags.udp, 'WebSocket chat arrives with the HTTP door; use --udp HOST:PORT');
  if (typeof target === 'string') return usage(target);
  const heartbeatMs = flags.heartbeat === undefined ? DEFAULT_HEARTBEAT_MS : Number(flags.heartbeat);
  if (!Number.isInteger(heartbeatMs) || heartbeatMs < 0) {
    return usage(`--heartbeat takes a whole number of milliseconds (0: off), not "${flags.heartbeat}"`);
  }
  return runUdpChat({ ...target, heartbeatMs, input: process.stdin, output: process.stdout, errorOutput: process.stderr });
}

/** Register `netroom chat [url] [--udp HOST:PORT] [--heartbeat MS]` on the program. */
export function registerChat(program: Command): void {
  program
    .command('chat')
    .argument('[url]', 'server URL (WebSocket chat, with the HTTP door)')
    .description('terminal chat: asks for a name; /who, /quit (Ctrl-D also leaves)')
    .option('--udp <host:port>', "chat over the seed UDP protocol (also works with the seeds' Python server)")
    .option('--heartbeat <ms>', `over UDP, send a heartbeat every MS ms so a vanished client is dropped (0: off; default ${DEFAULT_HEARTBEAT_MS})`)
    .action(async (url: string | undefined, flags: { udp?: string; heartbeat?: string }) => {
      process.exitCode = await chatCommand(url, flags);
    });
}
