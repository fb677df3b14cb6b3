// GET /api/storage for administrators only, and GET /api/files?owners=1: who made each entry and when, over a real socket.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAccessServer, type AccessServer } from './helpers/access-server.js';
import { errorCode } from './helpers/http.js';

let srv: AccessServer;
let admin: Record<string, string>;
let alice: Record<string, string>;

beforeAll(async () => {
  srv = await startAccessServer();
  await srv.access.accounts.add('root', 'correct horse battery', 'admin');
  await srv.access.accounts.add('alice', 'correct horse battery', 'member');
  admin = { authorization: `Bearer ${srv.access.credentials.create('root', 'token', 'storage').secret}` };
  alice = { authorization: `Bearer ${srv.access.credentials.create('alice', 'token', 'storage').secret}` };
});
afterAll(() => srv.close());

describe('GET /api/storage', () => {
  it('an administrator (account or admin token) gets used, free and total bytes; used counts the library\'s files', async () => {
    await fs.mkdir(path.join(srv.root, 'd'), { recursive: true });
    await fs.writeFile(path.join(srv.root, 'd', 'one.bin'), Buffer.alloc(1234));
    await fs.writeFile(path.join(srv.root, 'two.bin'), Buffer.alloc(766));
    for (const headers of [admin, { authorization: `Bearer ${srv.adminToken}` }]) {
      const res = await srv.call('GET', '/api/storage', { headers });
      expect(res.status).toBe(200);
      const body = res.json<{ used: number; free: number; total: number }>();
      expect(Object.keys(body).sort()).toEqual(['free', 'total', 'used']);
      // Hidden files (the owner book, say) take disk too: at least the two visible ones.
      expect(body.used).toBeGreaterThanOrEqual(2000);
      expect(body.used).toBeLessThan(2000 + 64 * 1024);
      expect(body.total).toBeGreaterThan(0);
      expect(body.free).toBeGreaterThan(0);
      expect(body.free).toBeLessThanOrEqual(body.total);
    }
  });

  it('a member, and anyone without an account, is refused: 403 PERMISSION_DENIED', async () => {
    for (const headers of [alice, {}]) {
      const res = await srv.call('GET', '/api/storage', { headers });
      expect([res.status, errorCode(res)]).toEqual([403, 'PERMISSION_DENIED']);
    }
  });
});

describe('GET /api/files?owners=1', () => {
  it('each entry says who made it and when (null when nobody is recorded); without owners=1 the listing is as before', async () => {
    await srv.call('POST', '/api/folders?path=made', { headers: alice });
    const before = Date.now();
    const put = await srv.call('PUT', '/files/made/note.txt', { headers: { ...alice, 'content-type': 'application/octet-stream' } });
    expect(put.status).toBe(201);
    await fs.writeFile(path.join(srv.root, 'made', 'by-hand.txt'), 'x');
    const res = await srv.call('GET', '/api/files?path=made&owners=1', { headers: alice });
    expect(res.status).toBe(200);
    const list = res.json<Array<{ name: string; owner: { name: string; role: string; at: number } | null }>>();
    const note = list.find((e) => e.name === 'note.txt');
    expect(note?.owner).toMatchObject({ name: 'alice', role: 'member' });
    expect(note?.owner?.at).toBeGreaterThanOrEqual(before - 1000);
    expect(list.find((e) => e.name === 'by-hand.txt')?.owner).toBeNull();
    const plain = (await srv.call('GET', '/api/files?path=made', { headers: alice })).json<Array<Record<string, unknown>>>();
    expect(plain.every((e) => !('owner' in e))).toBe(true);
  });
});
