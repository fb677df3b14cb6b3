// Line input and notice output for the interactive clients: notices never clobber the line being typed.
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** Lines from readline as a pull queue, so lines typed while we wait on the network are kept in order. */
export class LineQueue {
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
 * The prompt of an interactive client, silent once its readline is closed. Input can end (Ctrl-D,
 * a script's last line) while a command is still running on the network; showing the prompt
 * afterwards makes readline resume a closed interface, which Node 24 refuses with
 * ERR_USE_AFTER_CLOSE ("readline was closed") where Node 20 quietly wrote the prompt anyway.
 */
export class Prompt {
  private closedNow = false;

  constructor(
    readonly rl: Interface,
    /** Terminal mode: prompts are shown; otherwise (scripts) never. */
    readonly terminal: boolean,
  ) {
    rl.once('close', () => (this.closedNow = true));
  }

  /** True once the readline interface closed (end of input, Ctrl-C, or close()). */
  get closed(): boolean {
    return this.closedNow;
  }

  /** Show the prompt (`text` sets it first), only on a terminal and only while open. */
  show(text?: string, preserveCursor = false): void {
    if (!this.terminal || this.closedNow) return;
    if (text !== undefined) this.rl.setPrompt(text);
    this.rl.prompt(preserveCursor);
  }

  /** Close the interface once (closing twice is harmless here whatever Node does). */
  close(): void {
    if (!this.closedNow) this.rl.close();
  }
}

/** A chat terminal: a prompt, typed lines, and notices printed above the half-typed line. */
export class ChatTerminal {
  readonly rl: Interface;
  readonly lines: LineQueue;
  private readonly prompter: Prompt;

  constructor(
    input: Readable,
    private readonly output: Writable,
    /** Terminal mode (prompts, line redraws); otherwise plain lines for scripts. */
    readonly terminal: boolean,
  ) {
    this.rl = createInterface({ input, output, terminal });
    this.lines = new LineQueue(this.rl);
    this.prompter = new Prompt(this.rl, terminal);
  }

  /** Show a prompt (only on a terminal, and only while input is open: scripts get clean output). */
  prompt(text: string): void {
    this.prompter.show(text, true);
  }

  /** Print a line; on a terminal, clear the half-typed line first and redraw prompt and text after. */
  show(text: string): void {
    if (this.terminal && !this.prompter.closed) {
      clearLine(this.output, 0);
      cursorTo(this.output, 0);
      this.output.write(text + '\n');
      this.prompter.show(undefined, true);
    } else {
      this.output.write(text + '\n');
    }
  }

  /** Print a line without redrawing the prompt (before the session or between prompts). */
  say(text: string): void {
    this.output.write(text + '\n');
  }

  close(): void {
    this.prompter.close();
  }
}

/** The verb (lower case) and everything after it, trimmed: names may contain spaces. */
export function splitCommand(line: string): { verb: string; arg: string } {
  const text = line.trim();
  const space = text.search(/\s/u);
  if (space < 0) return { verb: text.toLowerCase(), arg: '' };
  return { verb: text.slice(0, space).toLowerCase(), arg: text.slice(space + 1).trim() };
}

/** Whether a stream is a terminal. */
export function isTTY(stream: Writable): boolean {
  return (stream as Writable & { isTTY?: boolean }).isTTY === true;
}
