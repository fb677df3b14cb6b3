// IRC servers to measure side by side: netroom's IRC door (a child `serve`), ngIRCd and InspIRCd (Debian), private instances on free loopback ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './ftp-peers.js';

/** A running IRC server: where it listens, its PID (for CPU), what the load generator must add to reach full speed, stop(). */
export interface IrcServer {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** Extra generator arguments: the peers throttle ordinary users, an operator (with ngIRCd's +F) is not. */
  readonly generatorArgs: readonly string[];
  stop(): Promise<void>;
}

const OPER = 'bench:benchpass';

/** `node MAIN serve` with only the IRC door, no flood limit, data in `work/NAME`. */
export async function startNetroom(name: string, main: string, work: string): Promise<IrcServer> {
  const dir = join(work, name.replace(/\W+/gu, '-'));
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const args = [main, 'serve', '--http', 'off', '--ftp', 'off', '--port', 'off', '--irc', String(port), '--flood', 'off'];
  args.push('--max-per-address', '100000', '--log-level', 'warn', '--dir', dir, '--data', join(dir, '.data'));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForListener(port, child, name);
  return { name, pid: child.pid!, port, generatorArgs: [], stop: () => stopChild(child) };
}

/** ngIRCd 26 in the foreground (`-n`): no DNS/ident/PAM, no connection caps, an operator the generator makes +F. */
export async function startNgircd(work: string): Promise<IrcServer | null> {
  const binary = ['/usr/sbin/ngircd', '/usr/bin/ngircd'].find((p) => existsSync(p));
  if (!binary) return null;
  const port = await freePort();
  const conf = join(work, 'ngircd.conf');
  const [operName, operPass] = OPER.split(':');
  await writeFile(
    conf,
    [
      '[Global]',
      'Name = irc.ngircd.bench',
      'Info = bench peer',
      'Listen = 127.0.0.1',
      `Ports = ${port}`,
      'MotdPhrase = bench',
      `PidFile = ${join(work, 'ngircd.pid')}`,
      ...(process.getuid?.() === 0 ? ['ServerUID = 0', 'ServerGID = 0'] : []),
      '[Limits]',
      'MaxConnections = 0',
      'MaxConnectionsIP = 0',
      'MaxJoins = 0',
      'MaxNickLength = 20',
      'PingTimeout = 300',
      'PongTimeout = 300',
      '[Options]',
      'DNS = no',
      'Ident = no',
      'PAM = no',
      '[Operator]',
      `Name = ${operName}`,
      `Password = ${operPass}`,
      '',
    ].join('\n'),
  );
  const child = spawn(binary, ['-n', '-f', conf], { stdio: ['ignore', 'ignore', 'ignore'] });
  await waitForListener(port, child, 'ngircd');
  return { name: 'ngIRCd', pid: child.pid!, port, generatorArgs: ['--oper', OPER, '--umode', '+F'], stop: () => stopChild(child) };
}

/** InspIRCd 3 in the foreground: a connect class without flood limits (no fakelag, 64 MiB queues), an operator. */
export async function startInspircd(work: string): Promise<IrcServer | null> {
  const binary = ['/usr/sbin/inspircd', '/usr/bin/inspircd'].find((p) => existsSync(p));
  if (!binary) return null;
  const port = await freePort();
  const conf = join(work, 'inspircd.conf');
  const motd = join(work, 'inspircd.motd');
  const [operName, operPass] = OPER.split(':');
  const queue = String(64 * 1024 * 1024);
  await writeFile(motd, 'bench\n');
  await writeFile(
    conf,
    [
      '<server name="irc.insp.bench" description="bench peer" network="bench">',
      '<admin name="bench" nick="bench" email="bench@localhost">',
      `<bind address="127.0.0.1" port="${port}" type="clients">`,
      '<power diepass="unused-die" restartpass="unused-restart">',
      `<connect name="main" allow="*" timeout="60" pingfreq="300" threshold="1000000" commandrate="1000000000" fakelag="off" localmax="100000" globalmax="100000" maxchans="20" limit="100000" sendq="${queue}" softsendq="${queue}" hardsendq="${queue}" recvq="${queue}" useident="no" resolvehostnames="no">`,
      '<class name="all" commands="*" privs="*" usermodes="*" chanmodes="*" snomasks="*">',
      '<type name="bench" classes="all">',
      `<oper name="${operName}" password="${operPass}" host="*@*" type="bench">`,
      `<pid file="${join(work, 'inspircd.pid')}">`,
      `<files motd="${motd}">`,
      '<performance netbuffersize="65536" somaxconn="1024" softlimit="100000" clonesonconnect="no" nouserdns="yes">',
      '<limits maxnick="30" maxchan="64">',
      `<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="${join(work, 'inspircd.log')}">`,
      '',
    ].join('\n'),
  );
  const args = ['--nofork', `--config=${conf}`, ...(process.getuid?.() === 0 ? ['--runasroot'] : [])];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  await waitForListener(port, child, 'inspircd');
  return { name: 'InspIRCd', pid: child.pid!, port, generatorArgs: ['--oper', OPER], stop: () => stopChild(child) };
}

/** Poll-connect until `port` accepts (at most 30 s: on a busy 2-core machine a netroom start took over 10), or fail if the child exits first. */
async function waitForListener(port: number, child: ChildProcess, name: string): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let attempt = 0; attempt < 300; attempt++) {
    if (exited) throw new Error(`${name} exited before listening (port ${port})`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${name} did not listen on ${port} within 30 s`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
