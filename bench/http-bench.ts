// HTTP file door loads: 1 GiB GET and PUT through curl, many concurrent GETs, with server memory figures.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { promisify } from 'node:util';
import { peakRss } from './stats.js';

const run = promisify(execFile);

/** One curl transfer: bytes, seconds, MB/s. */
export interface Transfer {
  readonly bytes: number;
  readonly seconds: number;
  readonly mbPerSecond: number;
}

/** Download `url` with curl into /dev/null; `curlArgs` e.g. `--cacert cert.pem` for https. */
export async function curlGet(url: string, curlArgs: string[] = []): Promise<Transfer> {
  const { stdout } = await run('curl', ['-sS', '--fail', ...curlArgs, '-o', '/dev/null', '-w', '%{size_download} %{time_total}', url], { timeout: 120_000 });
  return transfer(stdout);
}

/** A self-signed P-256 certificate for 127.0.0.1 made by openssl in `dir`, for the HTTPS figures. */
export async function benchCert(dir: string): Promise<{ cert: string; key: string }> {
  const cert = `${dir}/bench-cert.pem`;
  const key = `${dir}/bench-key.pem`;
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
  ]);
  return { cert, key };
}

/** Upload `file` to `url` with curl (`PUT`). */
export async function curlPut(file: string, url: string): Promise<Transfer> {
  const { stdout } = await run('curl', ['-sS', '--fail', '-H', 'Expect:', '-T', file, '-o', '/dev/null', '-w', '%{size_upload} %{time_total}', url], {
    timeout: 120_000,
  });
  return transfer(stdout);
}

function transfer(stdout: string): Transfer {
  const [bytes, seconds] = stdout.trim().split(' ').map(Number) as [number, number];
  return { bytes, seconds, mbPerSecond: bytes / 1e6 / seconds };
}

/** Reset a process's peak RSS (Linux: write 5 to clear_refs), so VmHWM measures from now. */
export function resetPeakRss(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not Linux, or not allowed: the peak then counts from process start
  }
}

/** Current RSS of a process in bytes, or null. */
export function rss(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/u.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** What a burst of concurrent downloads measured. */
export interface ConcurrentResult {
  readonly clients: number;
  readonly failures: number;
  readonly seconds: number;
  readonly peakRssBytes: number | null;
}

/** `clients` simultaneous GETs of `url`, each read to the end; counts failures and wrong sizes. */
export async function concurrentGets(url: string, clients: number, size: number, pid: number): Promise<ConcurrentResult> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  resetPeakRss(pid);
  const started = process.hrtime.bigint();
  const outcomes = await Promise.all(
    Array.from(
      { length: clients },
      () =>
        new Promise<boolean>((resolve) => {
          const request = get(url, { agent, timeout: 120_000 }, (response) => {
            let bytes = 0;
            response.on('data', (chunk: Buffer) => (bytes += chunk.length));
            response.on('end', () => resolve(response.statusCode === 200 && bytes === size));
            response.on('error', () => resolve(false));
          });
          request.on('error', () => resolve(false));
          request.on('timeout', () => request.destroy());
        }),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { clients, failures: outcomes.filter((ok) => !ok).length, seconds, peakRssBytes: peakRss(pid) };
}
