// Reading a refused upload to its end, so the client hears the refusal (452, 552) instead of a reset.
import type { Socket } from 'node:net';

/** How much of a refused upload is read and dropped before the data connection is cut instead. */
export interface DiscardLimits {
  /** Bytes read after the refusal. */
  readonly maxBytes: number;
  /** Time after the refusal. */
  readonly maxMs: number;
}

/** Defaults: enough for the rest of most uploads, little next to what a stuck one would cost. */
export const DEFAULT_DISCARD: DiscardLimits = { maxBytes: 256 * 1024 * 1024, maxMs: 60_000 };

/**
 * Read and drop what the client still sends on a data connection until it ends its side: true.
 * Past either limit, or when the socket fails or is destroyed (ABOR, control connection gone,
 * data timeout), it is destroyed: false. Why: closing a socket that has unread bytes makes the
 * kernel answer with a reset, and a client still sending then fails with "connection reset"
 * (curl 55, ftplib ConnectionResetError) without ever reading the reply on the control connection.
 */
export function discardRest(socket: Socket, limits: DiscardLimits): Promise<boolean> {
  if (socket.readableEnded) return Promise.resolve(true);
  if (socket.destroyed) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    let dropped = 0;
    const settle = (whole: boolean): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onClose);
      if (!whole) socket.destroy();
      resolve(whole);
    };
    const onData = (chunk: Buffer): void => {
      dropped += chunk.length;
      if (dropped > limits.maxBytes) settle(false);
    };
    const onEnd = (): void => settle(true);
    const onClose = (): void => settle(false);
    const timer = setTimeout(() => settle(false), limits.maxMs);
    timer.unref();
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onClose);
    socket.resume(); // the upload's reader left it paused
  });
}
