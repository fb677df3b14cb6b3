// Client of the seed file protocol (seed 003): list, get, put against netroom or the seeds' Python server.
import * as path from 'node:path';
import { SeedConnection } from './seedfiles/connection.js';
import { downloadFile } from './seedfiles/download.js';
import { listFiles } from './seedfiles/listing.js';
import { resolveOptions, type ProgressCallback, type SeedFilesClientOptions, type TransferResult } from './seedfiles/options.js';
import { uploadFile } from './seedfiles/upload.js';

// The pieces live in ./seedfiles/; importers keep importing from here.
export type { ProgressCallback, SeedFilesClientOptions, TransferResult } from './seedfiles/options.js';

/**
 * One connection to a seed file server. Commands run one at a time (calls queue up). Replies are
 * told apart by timing, as in the seed programs: `OK` arrives alone, file bytes end with a `##`
 * sent after a pause. Any reply other than `OK` rejects with the server's own text.
 */
export class SeedFilesClient {
  private readonly conn: SeedConnection;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: SeedFilesClientOptions = {}) {
    this.conn = new SeedConnection(resolveOptions(options));
  }

  /** Connect; rejects with a one-line reason (refused, timed out, unknown host...). */
  connect(host: string, port: number): Promise<void> {
    return this.conn.connect(host, port);
  }

  /** `L`: the names in the server's library (an empty library is an error text from the server). */
  list(): Promise<string[]> {
    return this.run(() => listFiles(this.conn));
  }

  /**
   * `G NAME`: download into `destPath` through a temporary file renamed at the end, so a failed
   * download leaves no partial file. Resolves with the size and SHA-256 of what arrived.
   */
  get(name: string, destPath: string, onProgress?: ProgressCallback): Promise<TransferResult> {
    return this.run(() => downloadFile(this.conn, name, destPath, onProgress));
  }

  /** `P NAME`: upload `srcPath` (as `name`, default its base name), then `##` after a pause. */
  put(srcPath: string, name: string = path.basename(srcPath), onProgress?: ProgressCallback): Promise<TransferResult> {
    return this.run(() => uploadFile(this.conn, srcPath, name, onProgress));
  }

  /** `Q`: say goodbye and wait for the connection to close. */
  quit(): Promise<void> {
    return this.run(() => this.conn.quit());
  }

  /** True while connected (false before connect() and after the connection closed or was dropped). */
  get connected(): boolean {
    return this.conn.connected;
  }

  /** Drop the connection at once; later calls reject. */
  destroy(): void {
    this.conn.destroy();
  }

  /** Run one operation after the previous one finished, whatever its outcome. */
  private run<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
