// Seed file client: `L`, the library listing, told complete by its closing `#` and a quiet line.
import { decodeList } from '../../doors/seedfiles/codec.js';
import type { SeedConnection } from './connection.js';

/** A listing is complete once it ends with `#` and nothing more came for this long. */
const LIST_SETTLE_MS = 30;
/** More than any sane listing (the seed client reads 4096): a server sending more is cut off. */
const MAX_LIST_BYTES = 1024 * 1024;

/** `L`: the names in the server's library (an empty library is an error text from the server). */
export async function listFiles(conn: SeedConnection): Promise<string[]> {
  const first = await conn.command('L');
  return decodeList(await collectList(conn, first));
}

/** The listing: chunks until it ends with `#` and the line goes quiet (the seeds send it in one write). */
function collectList(conn: SeedConnection, first: Buffer | null): Promise<Buffer> {
  const { pauseMs, endQuietMs, replyTimeoutMs } = conn.options;
  return conn.read<Buffer>(replyTimeoutMs, (done) => {
    const parts: Buffer[] = [];
    let size = 0;
    let settle: NodeJS.Timeout | undefined;
    const end = (): void => {
      clearTimeout(settle);
      done(Buffer.concat(parts, size));
    };
    const add = (chunk: Buffer | null): void => {
      if (chunk !== null) {
        parts.push(chunk);
        size += chunk.length;
      }
      if (size > MAX_LIST_BYTES) return end();
      // Ends with `#`: complete unless more follows at once. Nothing yet or cut mid-name: allow
      // the server's pause and a slow network (the seed server sends nothing when all is hidden).
      const complete = chunk !== null && chunk[chunk.length - 1] === 0x23;
      clearTimeout(settle);
      settle = setTimeout(end, complete ? LIST_SETTLE_MS : pauseMs + endQuietMs);
    };
    add(first);
    return { data: add, closed: () => end() };
  });
}
