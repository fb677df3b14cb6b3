// A Writable into an open file from a position that reports each chunk once it is in the file.
import type { FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';

/**
 * Writes chunks in order at increasing positions and calls `onWritten(n)` after each write has
 * completed, so a caller that counts with it never counts bytes still in memory. Destroying it (a
 * cancelled or failed download) waits for the write in flight before closing the file, so what
 * the file holds afterwards is exactly what was reported.
 */
export class FileWriter extends Writable {
  private position: number;
  private inflight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly handle: FileHandle,
    start: number,
    private readonly onWritten: (bytes: number) => void,
  ) {
    super({ highWaterMark: 1024 * 1024 });
    this.position = start;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this._writev([{ chunk }], callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    const buffers = chunks.map((c) => c.chunk);
    const write = this.writeAll(buffers);
    this.inflight = write;
    write.then(
      () => callback(),
      (err: unknown) => callback(err as Error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inflight
      .catch(() => undefined)
      .then(() => this.handle.close())
      .then(
        () => callback(error),
        () => callback(error),
      );
  }

  /** Write every byte of `buffers` at the current position (a short write goes on from where it stopped). */
  private async writeAll(buffers: Buffer[]): Promise<void> {
    let rest = buffers.filter((b) => b.length > 0);
    while (rest.length > 0) {
      const { bytesWritten } = await this.handle.writev(rest, this.position);
      if (bytesWritten === 0) throw Object.assign(new Error('the file took no bytes'), { code: 'EIO' });
      this.position += bytesWritten;
      this.onWritten(bytesWritten);
      rest = skip(rest, bytesWritten);
    }
  }
}

/** `buffers` without their first `n` bytes. */
function skip(buffers: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  let left = n;
  for (const b of buffers) {
    if (left >= b.length) {
      left -= b.length;
      continue;
    }
    out.push(left > 0 ? b.subarray(left) : b);
    left = 0;
  }
  return out;
}
