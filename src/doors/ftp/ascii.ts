// TYPE A line-end conversion (RFC 959 3.1.1.1): LF to CRLF on the way out, CRLF to LF on the way in.
import { Transform, type TransformCallback } from 'node:stream';

const LF = 0x0a;
const CR = 0x0d;

/** Every LF becomes CRLF (the server's files use LF; NVT-ASCII ends lines in CRLF). Round-trips with fromCrlf. */
export function toCrlf(chunk: Buffer): Buffer {
  let count = 0;
  for (let at = chunk.indexOf(LF); at >= 0; at = chunk.indexOf(LF, at + 1)) count++;
  if (count === 0) return chunk;
  const out = Buffer.allocUnsafe(chunk.length + count);
  let from = 0;
  let to = 0;
  for (let at = chunk.indexOf(LF); at >= 0; at = chunk.indexOf(LF, from)) {
    to += chunk.copy(out, to, from, at);
    out[to++] = CR;
    out[to++] = LF;
    from = at + 1;
  }
  chunk.copy(out, to, from);
  return out;
}

/** A Transform applying toCrlf to a download in TYPE A. */
export class ToCrlf extends Transform {
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, toCrlf(chunk));
  }
}

/**
 * A Transform for uploads in TYPE A: CR LF becomes LF; a CR not followed by LF stays. A CR at the
 * end of a chunk waits for the next byte to decide.
 */
export class FromCrlf extends Transform {
  private pendingCr = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const input = this.pendingCr ? Buffer.concat([Buffer.from([CR]), chunk]) : chunk;
    this.pendingCr = input.length > 0 && input[input.length - 1] === CR;
    const body = this.pendingCr ? input.subarray(0, input.length - 1) : input;
    callback(null, stripCr(body));
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.pendingCr ? Buffer.from([CR]) : undefined);
  }
}

/** Remove each CR that is directly followed by LF. */
export function stripCr(chunk: Buffer): Buffer {
  if (chunk.indexOf(CR) < 0) return chunk;
  const out = Buffer.allocUnsafe(chunk.length);
  let to = 0;
  for (let i = 0; i < chunk.length; i++) {
    const byte = chunk[i]!;
    if (byte === CR && chunk[i + 1] === LF) continue;
    out[to++] = byte;
  }
  return out.subarray(0, to);
}
