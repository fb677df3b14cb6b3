// Seed file door download throughput: `G NAME` for a large file, timed from first to last data byte.
import { connect } from 'node:net';

/** What one download measured. */
export interface DownloadResult {
  readonly bytes: number;
  readonly dataSeconds: number;
  readonly totalSeconds: number;
  readonly mbPerSecond: number;
}

const LIMIT_MS = 120_000;

/** Download `name` over the seed protocol; `size` is the file's expected size in bytes. */
export function seedDownload(host: string, port: number, name: string, size: number): Promise<DownloadResult> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    const started = process.hrtime.bigint();
    let first = 0n;
    let last = 0n;
    let state: 'ok' | 'data' = 'ok';
    let received = 0;
    let tail = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`download did not finish within ${LIMIT_MS / 1000} s (${received} bytes)`));
    }, LIMIT_MS);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('connect', () => socket.write(`G ${name}`));
    socket.on('data', (chunk: Buffer) => {
      if (state === 'ok') {
        const text = chunk.toString('latin1');
        if (!text.startsWith('OK')) {
          clearTimeout(timer);
          socket.destroy();
          reject(new Error(`server refused: ${chunk.toString()}`));
          return;
        }
        state = 'data';
        chunk = chunk.subarray(2);
        if (chunk.length === 0) return;
      }
      if (first === 0n) first = process.hrtime.bigint();
      received += chunk.length;
      tail = (tail + chunk.subarray(-2).toString('latin1')).slice(-2);
      if (received <= size) last = process.hrtime.bigint();
      if (received >= size + 2 && tail === '##') {
        clearTimeout(timer);
        const end = process.hrtime.bigint();
        socket.end('Q');
        const dataSeconds = Number(last - first) / 1e9;
        resolve({
          bytes: received - 2,
          dataSeconds,
          totalSeconds: Number(end - started) / 1e9,
          mbPerSecond: size / 1e6 / dataSeconds,
        });
      }
    });
  });
}
