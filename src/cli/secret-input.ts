// Passwords and names typed for the account commands: the first line of stdin (--password-stdin), or asked on the terminal without echo.
import type { Readable, Writable } from 'node:stream';
import type { ReadStream } from 'node:tty';

/** Where the account commands read what the user types, and where they ask for it (stderr, so stdout stays for results). */
export interface SecretIO {
  readonly input: Readable;
  readonly prompts: Writable;
}

/** Most bytes taken from stdin for a password (the core allows 1024 characters). */
const MAX_STDIN_BYTES = 64 * 1024;

/** A failure to get what was asked for: no terminal, the two entries differ, cancelled. Its message is the one line to print. */
export class InputError extends Error {
  constructor(
    message: string,
    /** True when the command line was at fault (exit 2), false when the input was (exit 1). */
    readonly usage = false,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

/** Whether `input` is a terminal we can ask on. */
export function isTerminal(input: Readable): input is ReadStream {
  return (input as Partial<ReadStream>).isTTY === true && typeof (input as Partial<ReadStream>).setRawMode === 'function';
}

/** The first line of `input` (to its end), without the line ending; a password may hold spaces, so nothing else is trimmed. */
export async function readFirstLine(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    chunks.push(buffer);
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) throw new InputError('standard input is too long for a password');
    if (buffer.includes(0x0a)) break;
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const end = text.indexOf('\n');
  return (end < 0 ? text : text.slice(0, end)).replace(/\r$/u, '');
}

/**
 * Ask for one line on the terminal: typed characters are echoed only when `echo` (a name), never
 * for a password. Backspace deletes, Ctrl-C and Ctrl-D cancel (InputError).
 */
export function askLine(io: SecretIO, prompt: string, echo: boolean): Promise<string> {
  const { input, prompts } = io;
  if (!isTerminal(input)) return Promise.reject(new InputError('no terminal to ask on', true));
  prompts.write(prompt);
  const wasRaw = input.isRaw;
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  let value: string[] = [];
  return new Promise<string>((resolve, reject) => {
    const finish = (error?: InputError): void => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      prompts.write('\n');
      if (error) reject(error);
      else resolve(value.join(''));
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || (ch === '\u0004' && value.length === 0)) return finish(new InputError('cancelled'));
        if (ch === '\u007f' || ch === '\b') {
          if (value.length > 0 && echo) prompts.write('\b \b');
          value = value.slice(0, -1);
        } else if (ch >= ' ') {
          value.push(ch);
          if (echo) prompts.write(ch);
        }
      }
      return undefined;
    };
    input.on('data', onData);
  });
}

/** A password for signing in: the first line of stdin with `fromStdin`, else asked once on the terminal. */
export async function getPassword(io: SecretIO, fromStdin: boolean, prompt = 'password: '): Promise<string> {
  if (fromStdin) return readFirstLine(io.input);
  if (!isTerminal(io.input)) throw new InputError('no terminal to ask for the password on: give it on standard input with --password-stdin', true);
  return askLine(io, prompt, false);
}

/** A new password: the first line of stdin with `fromStdin`, else asked twice on the terminal (both must match). */
export async function getNewPassword(io: SecretIO, fromStdin: boolean, whose: string): Promise<string> {
  if (fromStdin) return readFirstLine(io.input);
  if (!isTerminal(io.input)) throw new InputError('no terminal to ask for the password on: give it on standard input with --password-stdin', true);
  const first = await askLine(io, `new password for ${whose}: `, false);
  const second = await askLine(io, 'the same again: ', false);
  if (first !== second) throw new InputError('the two passwords differ: nothing changed');
  return first;
}
