// `netroom chat`: terminal chat over WebSocket (default) or the seed UDP protocol (`--udp HOST:PORT`).
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { DEFAULT_URL, chatUrl } from '../client/http.js';
import { UdpChatClient, UdpChatError, parseErrorText } from '../client/udp.js';
import { DEFAULT_HEARTBEAT_MS } from '../doors/udp/codec.js';
import { LANGS, type Lang } from '../core/i18n.js';
import { tokenFor } from '../client/logins.js';
import { EXIT_USAGE, seedTarget } from './args.js';
import { TOKEN_HELP } from './client-auth.js';
import { chatTexts, refusalReason, stamp } from './chat-texts.js';
import { runWsChat } from './chat-ws.js';
import { ChatTerminal, isTTY } from './terminal.js';

export { runWsChat, type WsChatOptions } from './chat-ws.js';

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
  /** The language of the client's own texts (UDP has no greeting to learn the server's); default en. */
  readonly lang?: Lang;
}

/**
 * Run an interactive UDP chat session on the given streams: ask for a name (again on refusal,
 * showing the server's reason), then send each line, show notices without clobbering the line
 * being typed, `/msg NAME TEXT` (netroom's servers only), `/who`, `/quit` or end of input to
 * leave. Resolves to the process exit code.
 */
export async function runUdpChat(options: UdpChatOptions): Promise<number> {
  const { input, output } = options;
  const errorOutput = options.errorOutput ?? output;
  const terminal = options.terminal ?? isTTY(output);
  const client = new UdpChatClient({
    host: options.host,
    port: options.port,
    timeoutMs: options.timeoutMs ?? 3000,
    heartbeatMs: options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS,
  });
  const lang = options.lang ?? 'en';
  const t = chatTexts(lang);
  const screen = new ChatTerminal(input, output, terminal);
  const { lines } = screen;
  const prompt = (text: string): void => screen.prompt(text);
  const show = (text: string): void => screen.show(text);
  const fail = (reason: string): number => {
    errorOutput.write(`netroom: ${reason}\n`);
    return EXIT_FAILURE;
  };
  try {
    output.write(`${t.udpBanner(client.target)}\n`);
    for (;;) {
      prompt(t.namePrompt);
      const line = await lines.next();
      if (line === null) return EXIT_OK;
      const name = line.trim();
      if (name === '') continue;
      try {
        await client.enter(name);
        break;
      } catch (err) {
        if (err instanceof UdpChatError && err.kind === 'refused') {
          const { code, message } = parseErrorText(err.message);
          output.write(`${t.refused}${refusalReason(lang, code, message)}\n`);
          continue;
        }
        return fail(err instanceof Error ? err.message : String(err));
      }
    }
    output.write(`${t.udpEntered(client.memberName)}\n`);
    const ended = new Promise<number>((resolve) => {
      client.once('exit', () => resolve(fail(t.serverEnded)));
      client.once('error', (err) => resolve(fail(err.message)));
    });
    // The seed protocol carries no time: a notice is stamped when it arrives.
    client.on('notice', (text) => show(`${stamp(Date.now())}${text}`));
    for (;;) {
      prompt(t.linePrompt);
      const next = await Promise.race([lines.next(), ended]);
      if (typeof next === 'number') return next;
      const text = next?.trim();
      if (next === null || text === '/quit') {
        await client.quit();
        return EXIT_OK;
      }
      if (text === '/who') {
        show(t.udpNoWho);
      } else if (text !== undefined && /^\/msg(?:\s|$)/iu.test(text)) {
        // netroom's M extension (the seeds' server ignores it). The door sends a direct message to
        // its addressee only, so the sender's screen shows it from here.
        const msg = /^\/msg\s+(\S+)\s+(.+)$/isu.exec(text);
        if (msg?.[1] === undefined || msg[2] === undefined) {
          show(t.udpMsgUsage);
        } else {
          client.dm(msg[1], msg[2]);
          show(`${stamp(Date.now())}${t.udpSentPrivately(msg[1], msg[2])}`);
        }
      } else if (text?.startsWith('/') && !text.startsWith('//')) {
        show(t.unknownCommand(text.split(/\s/u, 1)[0] ?? '', t.udpHelp));
      } else if (text) {
        // "//text" says "/text"; otherwise the line goes as typed (inner spaces kept).
        client.say(text.startsWith('//') ? next.slice(next.indexOf('/') + 1) : next);
      }
    }
  } finally {
    client.close();
    screen.close();
  }
}

/** Flags of `netroom chat`. */
export interface ChatFlags {
  udp?: string;
  heartbeat?: string;
  lang?: string;
  token?: string;
}

/** `netroom chat` as a command: validates the flags, runs the session on stdin/stdout, returns the exit code. */
export async function chatCommand(url: string | undefined, flags: ChatFlags): Promise<number> {
  const usage = (message: string): number => {
    process.stderr.write(`netroom chat: ${message}\n`);
    return EXIT_USAGE;
  };
  if (flags.lang !== undefined && !(LANGS as readonly string[]).includes(flags.lang)) {
    return usage(`--lang takes ${LANGS.join(' or ')}, not "${flags.lang}"`);
  }
  const lang = flags.lang as Lang | undefined;
  const io = { input: process.stdin, output: process.stdout, errorOutput: process.stderr, ...(lang && { lang }) };
  if (flags.udp === undefined) {
    if (flags.heartbeat !== undefined) return usage('--heartbeat goes with --udp (WebSocket chat has its own keepalive)');
    let endpoint: URL;
    try {
      endpoint = chatUrl(url);
    } catch (err) {
      return usage(messageOf(err));
    }
    let token;
    try {
      token = (await tokenFor(endpoint, flags.token))?.token;
    } catch (err) {
      process.stderr.write(`netroom chat: ${messageOf(err)}\n`);
      return EXIT_FAILURE;
    }
    return runWsChat({ ...io, url: endpoint, ...(token !== undefined && { token }) });
  }
  if (flags.token !== undefined) return usage('--token goes with the WebSocket chat (the seed UDP protocol has no accounts)');
  const target = seedTarget(url, 'udp', flags.udp, '');
  if (typeof target === 'string') return usage(target);
  const heartbeatMs = flags.heartbeat === undefined ? DEFAULT_HEARTBEAT_MS : Number(flags.heartbeat);
  if (!Number.isInteger(heartbeatMs) || heartbeatMs < 0) {
    return usage(`--heartbeat takes a whole number of milliseconds (0: off), not "${flags.heartbeat}"`);
  }
  return runUdpChat({ ...io, ...target, heartbeatMs });
}

/** Register `netroom chat [url] [--udp HOST:PORT] [--heartbeat MS] [--lang en|zh]` on the program. */
export function registerChat(program: Command): void {
  program
    .command('chat')
    .argument('[url]', `server URL: http(s)://HOST:PORT, chat at its /ws (default ${DEFAULT_URL})`)
    .description('terminal chat over WebSocket: asks for a name (or enters signed in after netroom login), starts in #lobby, reconnects; /join, /part, /rooms, /msg, /query, /who, /history, /search, /kick, /ban, /mute, /bans, /help, /quit (Ctrl-D also leaves)')
    .option('--udp <host:port>', "chat over the seed UDP protocol (also works with the seeds' Python server)")
    .option('--heartbeat <ms>', `over UDP, send a heartbeat every MS ms so a vanished client is dropped (0: off; default ${DEFAULT_HEARTBEAT_MS})`)
    .option('--lang <lang>', "the client's own texts: en or zh (default: the server's language over WebSocket, en over UDP)")
    .option('--token <token>', TOKEN_HELP)
    .action(async (url: string | undefined, flags: ChatFlags) => {
      process.exitCode = await chatCommand(url, flags);
    });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
