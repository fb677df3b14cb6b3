// `node dist/bench/irc-cost.js`: server instructions per IRC delivery (callgrind), repeatable on a busy machine where CPU times are not.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    generator: { type: 'string', default: fileURLToPath(new URL('../../../shared/bench/irc-fanout.mjs', import.meta.url)) },
    // Builds to compare, LABEL=path/to/dist/src/cli/main.js; default: this build.
    netroom: { type: 'string', multiple: true },
    cases: { type: 'string', default: '50x200' },
    // The small run whose count is subtracted: same clients, this many messages each.
    base: { type: 'string', default: '40' },
  },
});

const HERE = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/**
 * Instructions of one server process under callgrind, from start to exit, while the shared
 * generator runs `clients` x `messages` against it. Setup (start, registration, JOIN, history
 * replay) is in the total too; the difference of two runs that differ only in messages cancels it.
 */
async function instructions(main: string, clients: number, messages: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'irc-cost-'));
  try {
    const out = join(dir, 'callgrind.out');
    const args = ['--tool=callgrind', `--callgrind-out-file=${out}`, `--log-file=${join(dir, 'valgrind.log')}`, process.execPath, '--single-threaded'];
    args.push(main, 'serve', '--http', 'off', '--ftp', 'off', '--port', 'off', '--irc', '0', '--flood', 'off', '--max-per-address', '1000000');
    args.push('--dir', dir, '--data', dir);
    const child = spawn('valgrind', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const lines = createInterface({ input: child.stdout });
    const port = await new Promise<number>((resolve, reject) => {
      // Under valgrind the server starts some 50x slower.
      const timer = setTimeout(() => reject(new Error('server did not start within 300 s')), 300_000);
      child.once('exit', (code) => reject(new Error(`server exited early with code ${String(code)}`)));
      lines.on('line', (line) => {
        const match = /^irc\s+listening on tcp:\/\/.*:(\d+)$/u.exec(line);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    const gen = [values.generator, '--host', '127.0.0.1', '--port', String(port), '--clients', String(clients), '--messages', String(messages)];
    gen.push('--channel', '#lobby', '--timeout', '1800');
    try {
      execFileSync(process.execPath, gen, { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (err) {
      throw new Error(`the generator did not complete (${String((err as Error).message)})`, { cause: err });
    }
    // The history's background steps (full-text index) run within a second or so: count them too.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    child.kill('SIGINT');
    await once(child, 'exit');
    const log = await readFile(join(dir, 'valgrind.log'), 'utf8');
    const match = /Collected : (\d+)/u.exec(log);
    if (!match?.[1]) throw new Error('callgrind reported no total');
    return Number(match[1]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const builds = (values.netroom ?? [`this=${HERE}`]).map((spec) => {
  const at = spec.indexOf('=');
  return at < 0 ? { label: spec, main: spec } : { label: spec.slice(0, at), main: spec.slice(at + 1) };
});
const small = Number(values.base);
process.stdout.write('| build | case | instructions per delivery | per line sent |\n|---|---|---:|---:|\n');
for (const kase of values.cases.split(',')) {
  const [clients, messages] = kase.split('x').map(Number) as [number, number];
  for (const { label, main } of builds) {
    const big = await instructions(main, clients, messages);
    const little = await instructions(main, clients, small);
    const lines = clients * (messages - small);
    const perDelivery = (big - little) / (lines * (clients - 1));
    process.stdout.write(`| ${label} | ${kase} | ${perDelivery.toFixed(0)} | ${((big - little) / lines).toFixed(0)} |\n`);
  }
}
