// HTTP door: Host must name the server (DNS rebinding: 421 BAD_HOST), state changes and WebSocket upgrades only from its own origins (403 CROSS_ORIGIN).
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Library } from '../src/core/library.js';
import { Chat } from '../src/core/chat/chat.js';
import { SameOriginPolicy } from '../src/doors/http/same-origin.js';
import { wsPlugin } from '../src/doors/ws/plugin.js';
import { silentLogger } from '../src/log.js';
import { ADMIN_TOKEN, errorCode, fileUrl, request, startHttpRig, tree, type HttpRig, type RawResponse } from './helpers/http.js';

const PUBLIC = 'https://chat.example.org';

/** A WebSocket handshake with the given headers: 'open', or the HTTP status that refused it. */
async function upgrade(port: number, headers: Record<string, string>): Promise<number | 'open'> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers });
  ws.on('error', () => undefined);
  const outcome = await new Promise<number | 'open'>((resolve) => {
    ws.once('open', () => resolve('open'));
    ws.once('unexpected-response', (_req, res: http.IncomingMessage) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
  });
  ws.terminate();
  return outcome;
}

describe('HTTP door: Host and Origin', () => {
  let rig: HttpRig;
  let own: string;
  let scratch: string;
  beforeAll(async () => {
    // The WebSocket door on a chat and library of its own: this file tests the handshake, not chat.
    scratch = await fs.mkdtemp(path.join(tmpdir(), 'netroom-origin-'));
    const library = new Library(scratch);
    await library.init();
    const ws = wsPlugin({ chat: new Chat({ flood: null }), library, lang: 'en', log: silentLogger() });
    rig = await startHttpRig({ publicUrls: [PUBLIC], plugins: [ws] });
    own = `http://127.0.0.1:${rig.port}`;
  });
  afterAll(async () => {
    await rig.close();
    await fs.rm(scratch, { recursive: true, force: true });
  });

  const mkdir = (name: string, headers: http.OutgoingHttpHeaders): Promise<RawResponse> =>
    request(rig.url(`/api/folders?path=${name}`), { method: 'POST', headers });

  it('a cross-site no-cors POST /api/folders is refused with 403 CROSS_ORIGIN and creates nothing', async () => {
    const before = await tree(rig.root);
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${rig.port + 1}`, `https://127.0.0.1:${rig.port}`, 'http://localhost:1']) {
      const res = await mkdir('csrf_folder', { origin, 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' });
      expect([origin, res.status, errorCode(res)]).toEqual([origin, 403, 'CROSS_ORIGIN']);
    }
    // A browser that sends Sec-Fetch-Site but no Origin: cross-site and same-site (another port) are refused.
    for (const site of ['cross-site', 'same-site']) {
      const res = await mkdir('csrf_folder', { 'sec-fetch-site': site });
      expect([site, res.status, errorCode(res)]).toEqual([site, 403, 'CROSS_ORIGIN']);
    }
    expect(await tree(rig.root)).toEqual(before);
  });

  it('cross-site PUT and DELETE are refused too, and the file is untouched', async () => {
    await fs.writeFile(path.join(rig.root, 'keep.txt'), 'original');
    const evil = { origin: 'http://evil.example' };
    const put = await request(fileUrl(rig, 'keep.txt'), { method: 'PUT', headers: evil, body: 'overwritten' });
    expect([put.status, errorCode(put)]).toEqual([403, 'CROSS_ORIGIN']);
    const created = await request(fileUrl(rig, 'new.txt'), { method: 'PUT', headers: { ...evil, expect: '100-continue' }, body: 'x' });
    expect([created.status, errorCode(created)]).toEqual([403, 'CROSS_ORIGIN']);
    const del = await request(fileUrl(rig, 'keep.txt'), { method: 'DELETE', headers: evil });
    expect([del.status, errorCode(del)]).toEqual([403, 'CROSS_ORIGIN']);
    const patch = await request(fileUrl(rig, 'keep.txt'), { method: 'PATCH', headers: evil });
    expect([patch.status, errorCode(patch)]).toEqual([403, 'CROSS_ORIGIN']);
    expect(await fs.readFile(path.join(rig.root, 'keep.txt'), 'utf8')).toBe('original');
    expect(await tree(rig.root)).not.toContain('new.txt');
  });

  it('the server’s own origin, a --public-url origin, Sec-Fetch-Site same-origin/none, and no browser headers (curl, CLI) may change state', async () => {
    const cases: Array<[string, http.OutgoingHttpHeaders]> = [
      ['same', { origin: own, 'sec-fetch-site': 'same-origin' }],
      ['public', { origin: PUBLIC, host: 'chat.example.org' }],
      ['public-via-proxy', { origin: PUBLIC }],
      ['fetch-same', { 'sec-fetch-site': 'same-origin' }],
      ['fetch-none', { 'sec-fetch-site': 'none' }],
      ['curl', {}],
    ];
    for (const [name, headers] of cases) {
      const res = await mkdir(`ok_${name}`, headers);
      expect([name, res.status]).toEqual([name, 201]);
    }
    const put = await request(fileUrl(rig, 'mine.txt'), { method: 'PUT', headers: { origin: own }, body: 'mine' });
    expect(put.status).toBe(201);
    const del = await request(fileUrl(rig, 'mine.txt'), { method: 'DELETE', headers: { origin: own, authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(del.status).toBe(204);
  });

  it('a Host that does not name the server (DNS rebinding) gets 421 BAD_HOST, on reads too', async () => {
    for (const host of ['attacker.example', `attacker.example:${rig.port}`, 'rebind.127.0.0.1.nip.io', 'localhost.evil.example', 'bad host', '[::1']) {
      const get = await request(rig.url('/api/files'), { headers: { host } });
      expect([host, get.status, errorCode(get)]).toEqual([host, 421, 'BAD_HOST']);
    }
    const rebound = await mkdir('rebind_folder', { host: `attacker.example:${rig.port}`, origin: `http://attacker.example:${rig.port}` });
    expect([rebound.status, errorCode(rebound)]).toEqual([421, 'BAD_HOST']);
    expect(await tree(rig.root)).not.toContain('rebind_folder');
  });

  it('loopback names and addresses with any port, and the --public-url host, are this server', async () => {
    for (const host of ['localhost', 'LOCALHOST:9', `127.0.0.1:${rig.port}`, '127.1.2.3', '[::1]:8080', 'chat.example.org', 'chat.example.org:443']) {
      const res = await request(rig.url('/api/files'), { headers: { host } });
      expect([host, res.status]).toEqual([host, 200]);
    }
  });

  it('WebSocket upgrade: no Origin and the own origin are accepted; another origin gets 403 before the upgrade', async () => {
    expect(await upgrade(rig.port, {})).toBe('open');
    expect(await upgrade(rig.port, { origin: own })).toBe('open');
    expect(await upgrade(rig.port, { origin: PUBLIC })).toBe('open');
    expect(await upgrade(rig.port, { origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(rig.port, { origin: 'null' })).toBe(403);
    expect(await upgrade(rig.port, { origin: `http://localhost:${rig.port + 1}` })).toBe(403);
    expect(await upgrade(rig.port, { host: 'attacker.example' })).toBe(421);
  });

  it('a refused upgrade is answered in JSON and the connection closes', async () => {
    const req = http.request({ host: '127.0.0.1', port: rig.port, path: '/ws', agent: false, headers: {
      connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', origin: 'http://evil.example',
    } });
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    expect(res.statusCode).toBe(403);
    expect(JSON.parse(Buffer.concat(chunks).toString('utf8'))).toMatchObject({ error: { code: 'CROSS_ORIGIN' } });
    await once(res.socket, 'close');
  });
});

describe('SameOriginPolicy', () => {
  it('bound to a wildcard, accepts an IP literal only when it is the local address the connection came to', () => {
    const policy = new SameOriginPolicy({ bindHost: '0.0.0.0' });
    expect(policy.hostAllowed('192.168.1.20:8080', '192.168.1.20')).toBe(true);
    expect(policy.hostAllowed('192.168.1.20:8080', '::ffff:192.168.1.20')).toBe(true);
    expect(policy.hostAllowed('[fe80::1]:8080', 'fe80::1')).toBe(true);
    expect(policy.hostAllowed('10.9.9.9', '192.168.1.20')).toBe(false);
    expect(policy.hostAllowed('0.0.0.0:8080', '127.0.0.1')).toBe(false);
    expect(policy.hostAllowed('myhost.lan', '192.168.1.20')).toBe(false);
    expect(policy.hostAllowed(undefined, '192.168.1.20')).toBe(true);
  });

  it('bound to an address or a name, accepts it', () => {
    expect(new SameOriginPolicy({ bindHost: '192.168.1.20' }).hostAllowed('192.168.1.20:80', '192.168.1.20')).toBe(true);
    expect(new SameOriginPolicy({ bindHost: 'box.lan' }).hostAllowed('BOX.lan.:8080', '192.168.1.20')).toBe(true);
    expect(new SameOriginPolicy({ bindHost: '192.168.1.20' }).hostAllowed('box.lan', '192.168.1.20')).toBe(false);
  });

  it('origins: same-origin by scheme://Host, configured public origins, never null', () => {
    const policy = new SameOriginPolicy({ bindHost: '127.0.0.1', publicUrls: ['http://box.lan:8080/netroom/'] });
    expect(policy.sourceRefusal({ origin: 'http://127.0.0.1:8080' }, 'http', '127.0.0.1:8080')).toBeNull();
    expect(policy.sourceRefusal({ origin: 'http://example.org' }, 'http', 'example.org:80')).toBeNull();
    expect(policy.sourceRefusal({ origin: 'http://box.lan:8080' }, 'http', '127.0.0.1:8080')).toBeNull();
    expect(policy.sourceRefusal({ origin: 'https://box.lan:8080' }, 'http', '127.0.0.1:8080')).toEqual({ kind: 'origin', origin: 'https://box.lan:8080' });
    expect(policy.sourceRefusal({ origin: 'http://127.0.0.1:8080' }, 'https', '127.0.0.1:8080')).not.toBeNull();
    expect(policy.sourceRefusal({ origin: 'null' }, 'http', '127.0.0.1:8080')).not.toBeNull();
    expect(policy.sourceRefusal({ origin: 'garbage' }, 'http', '127.0.0.1:8080')).not.toBeNull();
    expect(policy.sourceRefusal({ origin: 'http://127.0.0.1:8080' }, 'http', undefined)).not.toBeNull();
    expect(policy.sourceRefusal({ 'sec-fetch-site': 'same-site' }, 'http', '127.0.0.1:8080')).toEqual({ kind: 'fetch-site', site: 'same-site' });
    expect(policy.sourceRefusal({}, 'http', undefined)).toBeNull();
  });
});
