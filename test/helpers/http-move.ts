// Fixtures of the HTTP MOVE tests: a server with two member accounts and their tokens, uploads as them, MOVE requests, tree snapshots.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { startAccessServer, type AccessServer } from './access-server.js';
import { request, tree, type RawResponse } from './http.js';

export const PASSWORD = 'correct horse battery';

/** The server and Bearer headers of alice and bob (members). */
export interface MoveRig {
  readonly srv: AccessServer;
  readonly alice: Record<string, string>;
  readonly bob: Record<string, string>;
  /** alice's token (`nrt_...`), for curl. */
  readonly aliceToken: string;
  /** PUT `rel` with `body` under `headers` (alice's by default); throws unless stored. */
  put(rel: string, body: string, headers?: Record<string, string>): Promise<void>;
  /** POST /api/folders as alice (or `headers`); throws unless made. */
  mkdir(rel: string, headers?: Record<string, string>): Promise<void>;
  /** MOVE /files/FROM with `Destination: destination` (none when undefined) and more headers. */
  move(from: string, destination: string | undefined, headers?: Record<string, string>): Promise<RawResponse>;
  /** Every entry under the library root with its content ('dir' for folders): proves what changed. */
  snapshot(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export async function startMoveRig(): Promise<MoveRig> {
  const srv = await startAccessServer();
  await srv.access.accounts.add('alice', PASSWORD, 'member');
  await srv.access.accounts.add('bob', PASSWORD, 'member');
  const tokenOf = (name: string): string => srv.access.credentials.create(name, 'token', 'move tests').secret;
  const aliceToken = tokenOf('alice');
  const alice = { authorization: `Bearer ${aliceToken}` };
  const bob = { authorization: `Bearer ${tokenOf('bob')}` };
  const filesPath = (rel: string): string => `/files/${rel.split('/').map(encodeURIComponent).join('/')}`;
  return {
    srv,
    alice,
    bob,
    aliceToken,
    async put(rel, body, headers = alice) {
      const res = await request(srv.base + filesPath(rel), { method: 'PUT', headers, body });
      if (res.status !== 201 && res.status !== 200) throw new Error(`PUT ${rel}: ${res.status} ${res.body.toString()}`);
    },
    async mkdir(rel, headers = alice) {
      const res = await request(`${srv.base}/api/folders?path=${encodeURIComponent(rel)}`, { method: 'POST', headers });
      if (res.status !== 201) throw new Error(`mkdir ${rel}: ${res.status} ${res.body.toString()}`);
    },
    move: (from, destination, headers = {}) =>
      request(srv.base + filesPath(from), { method: 'MOVE', headers: { ...(destination === undefined ? {} : { destination }), ...headers } }),
    async snapshot() {
      const out: Record<string, string> = {};
      for (const rel of await tree(srv.root)) {
        const abs = path.join(srv.root, rel);
        out[rel] = (await fs.stat(abs)).isDirectory() ? 'dir' : await fs.readFile(abs, 'utf8');
      }
      return out;
    },
    close: () => srv.close(),
  };
}
