// Request bodies as streams: pumping one into an upload with backpressure, and discarding a refused one.
import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';

/** How much of a refused body is read off the wire so the client sees the answer; past it, the connection is cut. */
export const DISCARD_LIMIT = 4 * 1024 * 1024;

/** How a request body ended: every byte arrived, the client vanished, or the sink failed. */
export type BodyOutcome =
  | { readonly kind: 'complete'; readonly bytes: number }
  | { readonly kind: 'aborted'; readonly bytes: number }
  | { readonly kind: 'failed'; readonly bytes: number; readonly error: unknown };

/**
 * Copy a request body into `sink`, pausing the socket while the sink is full. Not stream.pipeline:
 * that destroys the request (and with it the socket) when the sink fails, so a client sending too
 * much would never see its 413. Here a failing sink only stops the copy; the request stays usable
 * for the answer. The sink is not ended: the caller commits or aborts it.
 */
export function pumpBody(raw: IncomingMessage, sink: Writable): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    let bytes = 0;
    let done = false;
    const finish = (outcome: BodyOutcome): void => {
      if (done) return;
      done = true;
      raw.off('data', onData);
      raw.off('end', onEnd);
      raw.off('close', onClose);
      raw.off('error', onClose);
      sink.off('drain', onDrain);
      sink.off('error', onSinkError);
      raw.pause();
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (!sink.write(chunk)) raw.pause();
    };
    const onDrain = (): void => {
      raw.resume();
    };
    const onEnd = (): void => finish({ kind: 'complete', bytes });
    // 'close' before 'end' (or an 'error', which for a request is always the connection) is a client gone.
    const onClose = (): void => finish({ kind: 'aborted', bytes });
    const onSinkError = (error: unknown): void => finish({ kind: 'failed', bytes, error });
    sink.on('error', onSinkError);
    sink.on('drain', onDrain);
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('close', onClose);
    raw.on('error', onClose);
    if (raw.readableEnded) onEnd();
    else if (raw.destroyed) onClose();
    else raw.resume();
  });
}

/**
 * Read and drop what is left of a body we answered without reading (a refusal), so the client gets
 * the answer rather than a connection reset; past `limit` bytes the connection is cut instead.
 * A no-op for a body already read, one being read, or a connection gone.
 */
export function discardBody(raw: IncomingMessage, limit = DISCARD_LIMIT): void {
  if (raw.complete || raw.destroyed || raw.listenerCount('data') > 0) return;
  let dropped = 0;
  raw.on('error', () => undefined);
  raw.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > limit) raw.socket.destroy();
  });
  raw.resume();
}
