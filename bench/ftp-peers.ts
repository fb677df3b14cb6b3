// FTP servers to measure side by side: netroom's FTP door (a child process), vsftpd and proftpd (Debian), on free ports.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, writeFile } from 'node:fs/promises';
import * as net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A running FTP server: where it serves, where uploads go (URL path), its PID (and process group), stop(). */
export interface FtpServer {
  readonly name: string;
  readonly pid: number;
  readonly port: number;
  /** The folder served at the URL root: benchmark files are linked in here. */
  readonly root: string;
  /** URL path prefix where anonymous uploads are allowed ('' for the root). */
  readonly uploadPrefix: string;
  /** True when every client is its own process (peak RSS is then summed over the process group). */
  readonly forking: boolean;
  stop(): Promise<void>;
}

/** Where Debian's proftpd-core was unpacked when it cannot be installed beside vsftpd (they conflict as ftp-server). */
const PROFTPD_CANDIDATES = ['/usr/sbin/proftpd', '/tmp/ftp5-proftpd/root/usr/sbin/proftpd'];

/** Path of a proftpd binary, or null. */
export function proftpdBinary(): string | null {
  return PROFTPD_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Path of vsftpd, or null. */
export function vsftpdBinary(): string | null {
  return existsSync('/usr/sbin/vsftpd') ? '/usr/sbin/vsftpd' : null;
}

/** PEM files of a certificate and its key, for the FTPS runs (AUTH TLS on both servers). */
export interface BenchCert {
  readonly certFile: string;
  readonly keyFile: string;
}

/** netroom's FtpDoor in a child process (`ftp-bench.js --serve ROOT [--tls CERT KEY]`), limits raised for the 300-client load. */
export async function startNetroomFtp(root: string, tls?: BenchCert): Promise<FtpServer> {
  const script = fileURLToPath(new URL('./ftp-bench.js', import.meta.url));
  const args = [script, '--serve', root, ...(tls ? ['--tls', tls.certFile, tls.keyFile] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('netroom ftp did not start within 10 s')), 10_000);
    child.once('exit', (code) => reject(new Error(`netroom ftp exited early with code ${String(code)}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^listening (\d+)$/u.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve(Number(match[1]));
    });
  });
  return { name: tls ? 'netroom FTPS' : 'netroom', pid: child.pid!, port, root, uploadPrefix: '', forking: false, stop: () => stopChild(child) };
}

/**
 * vsftpd, anonymous on `work/vsftpd-root` (root-owned, as vsftpd requires of a chroot) with uploads
 * in `pub/`, sendfile on, no rate limit, no sandbox (containers lack the syscalls it filters).
 * With `tls`: ssl_enable=YES for anonymous sessions too, AES-GCM ciphers as netroom's, and
 * vsftpd's default require_ssl_reuse=YES (curl resumes the session, so it passes).
 */
export async function startVsftpd(work: string, tls?: BenchCert): Promise<FtpServer> {
  const binary = vsftpdBinary();
  if (binary === null) throw new Error('vsftpd is not installed (apt-get install vsftpd)');
  const root = join(work, 'vsftpd-root');
  await mkdir(join(root, 'pub'), { recursive: true });
  await chmod(root, 0o755);
  await chown(join(root, 'pub'), ftpUid(), ftpGid());
  const port = await freePort();
  const conf = join(work, 'vsftpd.conf');
  await writeFile(
    conf,
    [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=YES',
      'no_anon_password=YES',
      `anon_root=${root}`,
      'write_enable=YES',
      'anon_upload_enable=YES',
      'anon_mkdir_write_enable=YES',
      'anon_other_write_enable=YES',
      'anon_umask=022',
      'local_enable=NO',
      'use_sendfile=YES',
      'anon_max_rate=0',
      'max_clients=2000',
      'max_per_ip=2000',
      'seccomp_sandbox=NO',
      'xferlog_enable=NO',
      'dual_log_enable=NO',
      'syslog_enable=NO',
      'connect_from_port_20=NO',
      'pasv_enable=YES',
      'secure_chroot_dir=/var/run/vsftpd/empty',
      ...(tls
        ? ['ssl_enable=YES', 'allow_anon_ssl=YES', `rsa_cert_file=${tls.certFile}`, `rsa_private_key_file=${tls.keyFile}`, 'ssl_ciphers=HIGH', 'ssl_tlsv1=NO', 'ssl_sslv2=NO', 'ssl_sslv3=NO']
        : []),
      '',
    ].join('\n'),
  );
  await mkdir('/var/run/vsftpd/empty', { recursive: true });
  const child = spawn(binary, [conf], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  await waitForGreeting(port, child);
  return { name: tls ? 'vsftpd ssl_enable' : 'vsftpd', pid: child.pid!, port, root, uploadPrefix: 'pub/', forking: true, stop: () => stopGroup(child) };
}

/** proftpd standalone, anonymous on `work/proftpd-root` with writes allowed, sendfile on, no rate limit. */
export async function startProftpd(work: string): Promise<FtpServer> {
  const binary = proftpdBinary();
  if (binary === null) throw new Error('proftpd is not installed (Debian package proftpd-core)');
  const root = join(work, 'proftpd-root');
  await mkdir(root, { recursive: true });
  await chown(root, ftpUid(), ftpGid());
  const port = await freePort();
  const conf = join(work, 'proftpd.conf');
  await writeFile(
    conf,
    [
      'ServerType standalone',
      'ServerName "bench"',
      'DefaultServer on',
      `Port ${port}`,
      'DefaultAddress 127.0.0.1',
      'SocketBindTight on',
      'User nobody',
      'Group nogroup',
      `PidFile ${join(work, 'proftpd.pid')}`,
      `ScoreboardFile ${join(work, 'proftpd.scoreboard')}`,
      `DelayTable ${join(work, 'proftpd.delay')}`,
      'WtmpLog off',
      'UseReverseDNS off',
      'UseIPv6 off',
      'MaxInstances 2000',
      'UseSendfile on',
      'TCPBackLog 255',
      'RequireValidShell off',
      'TransferLog none',
      'AllowOverwrite on',
      `<Anonymous ${root}>`,
      '  User ftp',
      '  Group ftp',
      '  UserAlias anonymous ftp',
      '  RequireValidShell off',
      '  MaxClients 2000',
      '  <Limit WRITE>',
      '    AllowAll',
      '  </Limit>',
      '</Anonymous>',
      '',
    ].join('\n'),
  );
  // proftpd logs every session to stderr: dropped, it would bury the table.
  const child = spawn(binary, ['--nodaemon', '-c', conf], { stdio: 'ignore', detached: true });
  await waitForGreeting(port, child);
  return { name: 'proftpd', pid: child.pid!, port, root, uploadPrefix: '', forking: true, stop: () => stopGroup(child) };
}

function ftpUid(): number {
  return idOf('-u');
}

function ftpGid(): number {
  return idOf('-g');
}

function idOf(flag: '-u' | '-g'): number {
  // The `ftp` account Debian's FTP servers run anonymous sessions as.
  const id = Number(execFileSync('id', [flag, 'ftp'], { encoding: 'utf8' }).trim());
  if (!Number.isInteger(id)) throw new Error('no "ftp" user on this machine');
  return id;
}

/** A port that was free a moment ago (the servers bind it themselves). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Wait until the server answers 220 (bounded: 50 tries, 100 ms apart; only while it starts). */
async function waitForGreeting(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.setEncoding('utf8');
      socket.once('data', (text: string) => {
        socket.destroy();
        resolve(text.startsWith('220'));
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no FTP greeting on port ${port}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** Stop a detached server and the per-client processes it forked (its process group, by its PID). */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
  await exited;
}
