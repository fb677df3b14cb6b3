// `netroom chat` over WebSocket: connect, ask for a name, then rooms, direct messages, history and search from the terminal.
import type { Readable, Writable } from 'node:stream';
import pc from 'picocolors';
import { WsChatClient, WsChatError, type WsChatClientOptions } from '../client/ws.js';
import { LANGS, type Lang } from '../core/i18n.js';
import { parseCommand } from './chat-commands.js';
import { moderationTexts } from './chat-moderation-texts.js';
import { roomTexts } from './chat-room-texts.js';
import { WsChatSession } from './chat-session.js';
import { chatTexts, refusalReason } from './chat-texts.js';
import { ChatTerminal, isTTY } from './terminal.js';

/** Exit codes of SPEC section 4. */
const EXIT_OK = 0;
const EXIT_FAILURE = 1;

/** Options of {@link runWsChat}: the chat endpoint and which streams stand for the terminal. */
export interface WsChatOptions {
  /** The WebSocket endpoint, e.g. ws://127.0.0.1:8080/ws (see chatUrl). */
  readonly url: URL;
  readonly input: Readable;
  readonly output: Writable;
  /** Where the one-line failure reason goes; default `output`. */
  readonly errorOutput?: Writable;
  /** Terminal mode (prompts, line redraws, dimmed history); default: whether `output` is a TTY. */
  readonly terminal?: boolean;
  /** Client timings (tests shorten them). */
  readonly client?: Omit<WsChatClientOptions, 'url'>;
  /** The language of the client's own texts; default: the server's, which its `hello` says. */
  readonly lang?: Lang;
  /** A bearer token (`--token`, NETROOM_TOKEN or `netroom login`'s): the session enters signed in as its account, no name asked. */
  readonly token?: string;
}

/**
 * Run an interactive WebSocket chat session on the given streams: ask for a name (again on
 * refusal, with the server's reason), show #lobby's recent history, then send each line to the
 * current room (or privately, in a `/query`) and show live events without clobbering the line
 * being typed; slash commands for rooms, direct messages, history and search (`/help`); `/quit` or
 * end of input to leave. A dropped connection is re-established with backoff and the same name
 * (resume token); events missed meanwhile are shown. Resolves to the process exit code.
 */
export async function runWsChat(options: WsChatOptions): Promise<number> {
  const { input, output } = options;
  const errorOutput = options.errorOutput ?? output;
  const terminal = options.terminal ?? isTTY(output);
  const client = new WsChatClient({ ...options.client, url: options.url, ...(options.token !== undefined && { token: options.token }) });
  const screen = new ChatTerminal(input, output, terminal);
  let lang: Lang;
  const fail = (reason: string): number => {
    errorOutput.write(`netroom: ${reason}\n`);
    return EXIT_FAILURE;
  };
  try {
    try {
      const hello = await client.connect();
      // The server's language unless --lang chose one; the banner waits for it.
      lang = options.lang ?? (LANGS.includes(hello.lang) ? hello.lang : 'en');
    } catch (err) {
      return fail(messageOf(err));
    }
    const t = chatTexts(lang);
    const m = moderationTexts(lang);
    screen.say(t.wsBanner(client.target));
    let welcome;
    if (options.token !== undefined) {
      // Signed in at the upgrade: the account's name is ours, nothing to ask.
      try {
        welcome = await client.enter();
      } catch (err) {
        return fail(err instanceof WsChatError && err.kind === 'refused' ? refusalReason(lang, err.code, err.message) : messageOf(err));
      }
      screen.say(m.signedIn(welcome.account?.name ?? welcome.name, welcome.account?.role ?? 'guest'));
    }
    while (welcome === undefined) {
      screen.prompt(t.namePrompt);
      const line = await screen.lines.next();
      if (line === null) return EXIT_OK;
      const name = line.trim();
      if (name === '') continue;
      try {
        welcome = await client.enter(name);
        break;
      } catch (err) {
        if (err instanceof WsChatError && err.kind === 'refused') {
          screen.say(`${t.refused}${refusalReason(lang, err.code, err.message)}`);
          continue;
        }
        return fail(messageOf(err));
      }
    }
    const dim = pc.createColors(terminal && process.env.NO_COLOR === undefined).dim;
    const session = new WsChatSession({ client, screen, lang, t, r: roomTexts(lang), m, dim }, welcome);
    session.entered(welcome);
    const ended = new Promise<number>((resolve) =>
      client.once('lost', (err) => {
        if (err.code !== 'KICKED' && err.code !== 'BANNED') return resolve(fail(err.message));
        // Removed by a moderator: said on the screen, where the session was, and no reconnecting.
        screen.show(m.removed(err.code, err.message));
        return resolve(EXIT_FAILURE);
      }),
    );
    // Live lines carry the server's time of the event, as history lines do.
    client.on('event', (event) => session.live(event));
    client.on('refused', (error) => session.refused(error));
    client.on('reconnecting', ({ attempt, delayMs, reason }) => {
      const wait = delayMs < 1000 ? `${delayMs} ms` : `${(delayMs / 1000).toFixed(1)} s`;
      screen.show(t.reconnecting(attempt === 1 ? reason : null, wait));
    });
    client.on('reconnected', (back, missed, lost) => session.reconnected(back, missed, lost));
    for (;;) {
      screen.prompt(session.prompt());
      const next = await Promise.race([screen.lines.next(), ended]);
      if (typeof next === 'number') return next;
      if (next === null || (await session.run(parseCommand(next)))) {
        await client.leave();
        return EXIT_OK;
      }
    }
  } finally {
    client.close();
    screen.close();
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
