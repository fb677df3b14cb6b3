// Failures of the WebSocket chat client: one error class with a kind, and one-line reasons for socket failures.
import type WebSocket from 'ws';

/** Why a client call failed: the server said no, no answer in time, the network, or the wrong state. */
export type WsChatErrorKind = 'refused' | 'timeout' | 'network' | 'state';

/** A failure of the client; for `refused` the message is the server's own and `code` its stable code. */
export class WsChatError extends Error {
  constructor(
    readonly kind: WsChatErrorKind,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'WsChatError';
  }
}

/** The text of a frame (ws hands over a Buffer, an ArrayBuffer or fragments). */
export function textOf(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** A one-line reason for a socket failure. */
export function describe(err: unknown, target: string): WsChatError {
  if (err instanceof WsChatError) return err;
  const e = err as (Error & { code?: string }) | undefined;
  const message = e?.message ?? String(err);
  if (e?.code === 'ECONNREFUSED') return new WsChatError('network', `cannot connect to ${target}: connection refused (is the server running?)`, e.code);
  if (e?.code === 'ENOTFOUND' || e?.code === 'EAI_AGAIN') return new WsChatError('network', `cannot connect to ${target}: unknown host`, e.code);
  const status = /Unexpected server response: (\d+)/u.exec(message)?.[1];
  // A refused bearer token is refused at the upgrade (401); 403 is a guest where --guests off wants an account.
  if (status === '401') return new WsChatError('refused', `${target} refused the token (HTTP 401): sign in again with netroom login, or netroom logout to chat as a guest`, 'NOT_SIGNED_IN');
  if (status === '403') return new WsChatError('refused', `${target} refused the connection (HTTP 403): it may take accounts only (netroom login first)`, 'PERMISSION_DENIED');
  if (status !== undefined) return new WsChatError('network', `${target} has no WebSocket chat at this URL (HTTP ${status})`);
  return new WsChatError('network', `cannot talk to ${target}: ${message}`, e?.code);
}
