// What the account subcommands (user, token, invite) share: their streams, one-line failures, and the exit codes.
import type { Readable, Writable } from 'node:stream';
import { isNetroomError } from '../core/errors.js';
import { EXIT_USAGE } from './args.js';
import { InputError, type SecretIO } from './secret-input.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;

/** Streams and environment of an account subcommand (tests pass their own). */
export interface AccountIO {
  readonly output: Writable;
  readonly errorOutput: Writable;
  /** Where --password-stdin reads, and the terminal passwords are asked on. */
  readonly input: Readable;
  /** NETROOM_DATA; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where a relative data folder starts; default the working folder. */
  readonly cwd?: string;
}

/** The process's own streams. */
export function processIO(): AccountIO {
  return { output: process.stdout, errorOutput: process.stderr, input: process.stdin };
}

/** Where passwords are asked: prompts go to the error stream, so the output stays for results. */
export function secretIO(io: AccountIO): SecretIO {
  return { input: io.input, prompts: io.errorOutput };
}

/** A usage mistake the command finds itself (bad role, bad duration): exit 2. */
export class UsageProblem extends Error {}

/**
 * Run one subcommand: resolves to its exit code. A refusal by the rules (bad name, name taken,
 * short password, no such account) prints `netroom WHAT: reason` and is exit 1; a usage mistake exit 2.
 */
export async function runAccountCommand(what: string, io: AccountIO, work: () => Promise<void> | void): Promise<number> {
  try {
    await work();
    return EXIT_OK;
  } catch (err) {
    const usage = err instanceof UsageProblem || (err instanceof InputError && err.usage);
    const reason = isNetroomError(err) ? err.message : err instanceof Error ? err.message : String(err);
    io.errorOutput.write(`netroom ${what}: ${oneLine(reason)}\n`);
    return usage ? EXIT_USAGE : EXIT_FAILURE;
  }
}

/** Local `YYYY-MM-DD HH:MM` of a time in ms ('-' for none). */
export function when(ms: number | null): string {
  if (ms === null) return '-';
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Rows as aligned columns (two spaces apart), the header first. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd() + '\n').join('');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/gu, ' ');
}
