#!/usr/bin/env node
// The `netroom` command: one subcommand per file; exit 0 success, 1 runtime failure, 2 bad usage.
// First, before any other module runs: the garbage-collector setting (see gc.ts).
import './gc.js';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../config.js';
import { registerAnnounce } from './announce.js';
import { registerChat } from './chat.js';
import { registerFiles } from './files.js';
import { registerInvite } from './invite.js';
import { registerLogin } from './login.js';
import { registerModeration } from './moderate.js';
import { registerServe } from './serve.js';
import { registerToken } from './token.js';
import { registerGet, registerLs, registerPut, registerRm } from './transfer.js';
import { registerUser } from './user.js';
import { VERSION } from './version.js';

const program = new Command('netroom')
  .description('one server for a chat room and a shared file library')
  .version(VERSION)
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`netroom: ${text.replace(/^error: /u, '').trim()}\n`) })
  .showHelpAfterError('(run netroom --help for usage)');

registerServe(program);
registerChat(program);
registerFiles(program);
registerLs(program);
registerGet(program);
registerPut(program);
registerRm(program);
registerAnnounce(program);
registerUser(program);
registerInvite(program);
registerToken(program);
registerLogin(program);
registerModeration(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeFor(err);
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version are successes; every other commander error is bad usage.
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof UsageError) {
    console.error(`netroom: ${err.message}`);
    return 2;
  }
  console.error(`netroom: ${err instanceof Error ? err.message : String(err)}`);
  return 1;
}
