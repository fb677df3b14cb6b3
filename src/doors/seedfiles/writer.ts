// Writing to one client socket with backpressure: wait for 'drain', and drop a client that stops reading.
import type { Socket } from 'node:net';

/** Raised when the socket went away while waiting on it; never reaches a client. */
export class ClosedError extends Error {
  constructor() {
    super('the connection is closed');
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * Streams bytes to a socket without buffering more than one chunk: each `write()` that returns
 * false waits for 'drain'. A client that takes nothing for `drainTimeoutMs` is destroyed
 * (`onStuck` says so first) so one stuck reader never holds a file and a buffer forever.
 */
export class SocketWriter {
  constructor(
    private readonly socket: Socket,
    private readonly drainTimeoutMs: number,
    private readonly onStuck: () => void,
  ) {}

  /** Copy a stream (a file's 1 MiB chunks, handed over as they are: no copy) and wait until the kernel has it all. */
  async pipeFrom(stream: AsyncIterable<Buffer>): Promise<void> {
    for await (const chunk of stream) {
      if (this.socket.destroyed) throw new ClosedError();
      if (!this.socket.write(chunk)) await this.drained();
    }
    if (this.socket.writableLength > 0) await this.flushed();
  }

  /** Resolves on 'drain'. */
  drained(): Promise<void> {
    return this.wait((done) => {
      this.socket.once('drain', () => done());
    });
  }

  /** Resolves when everything written so far has been handed to the kernel (an empty write's callback). */
  flushed(): Promise<void> {
    return this.wait((done) => {
      this.socket.write(EMPTY, (err) => done(err ?? undefined));
    });
  }

  /** Wait for a socket event, failing if the socket closes or the client stops reading for too long. */
  private wait(start: (done: (err?: Error) => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const done = (err?: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.socket.off('close', onClose);
        if (err) reject(err);
        else resolve();
      };
      const onClose = (): void => done(new ClosedError());
      const timer = setTimeout(() => {
        this.onStuck();
        this.socket.destroy();
        done(new ClosedError());
      }, this.drainTimeoutMs);
      timer.unref();
      this.socket.once('close', onClose);
      start(done);
    });
  }
}
