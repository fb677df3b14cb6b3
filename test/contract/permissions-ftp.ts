// The permission contract's FTP client: basic-ftp with USER/PASS for accounts and anonymous for guests, one login per role reused.
import { Readable, Writable } from 'node:stream';
import { Client, FTPError } from 'basic-ftp';
import type { ActorRole, FileDriver, Outcome } from './permissions-types.js';

/** A reply of 400 or more as an Outcome (FTP tells no stable code, only the reply's number and text). */
function refused(err: unknown): Outcome {
  if (err instanceof FTPError) return { ok: false, status: err.code, code: undefined, raw: err.message };
  throw err;
}

/** `user` 'anonymous' is a guest; anything else signs in with `password`. */
export function ftpDriver(port: number, role: ActorRole, user: string, password: string): FileDriver {
  let client: Client | undefined;
  /** The logged-in client, or the login's refusal (asked again next time: nothing of a refused login is kept). */
  const session = async (): Promise<Client | Outcome> => {
    if (client !== undefined && !client.closed) return client;
    const fresh = new Client(10_000);
    try {
      await fresh.access({ host: '127.0.0.1', port, user, password });
    } catch (err) {
      fresh.close();
      return refused(err);
    }
    client = fresh;
    return fresh;
  };
  const run = async (work: (c: Client) => Promise<Outcome>): Promise<Outcome> => {
    const c = await session();
    if (!(c instanceof Client)) return c;
    try {
      return await work(c);
    } catch (err) {
      return refused(err);
    }
  };
  const abs = (rel: string): string => `/${rel}`;
  return {
    door: 'ftp',
    role,
    list: (dir) => run(async (c) => ({ ok: true, names: (await c.list(abs(dir))).map((f) => f.name) })),
    download: (rel) =>
      run(async (c) => {
        const chunks: Buffer[] = [];
        const sink = new Writable({
          write(chunk: Buffer, _encoding, callback) {
            chunks.push(chunk);
            callback();
          },
        });
        await c.downloadTo(sink, abs(rel));
        return { ok: true, bytes: Buffer.concat(chunks) };
      }),
    upload: (rel, bytes) =>
      run(async (c) => {
        await c.uploadFrom(Readable.from([bytes]), abs(rel));
        return { ok: true };
      }),
    mkdir: (rel) =>
      run(async (c) => {
        await c.send(`MKD ${abs(rel)}`);
        return { ok: true };
      }),
    rename: (from, to) =>
      run(async (c) => {
        await c.rename(abs(from), abs(to));
        return { ok: true };
      }),
    remove: (rel) =>
      run(async (c) => {
        await c.remove(abs(rel));
        return { ok: true };
      }),
    close: () => Promise.resolve(client?.close()),
  };
}
