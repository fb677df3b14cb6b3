// Issue 10 item 5 through the HTTP door: interrupted uploads kept within --partial-budget, the oldest evicted; 0 keeps none.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { errorCode, nextDoorEvent, request, startHttpRig, waitForHiddenFile, type HttpRig } from './helpers/http.js';

const KiB = 1024;
let rig: HttpRig;
afterEach(async () => rig.close());

/** PUT `name` (in a folder of its own) announcing `total` bytes, send `sent` of them, wait until the server has them all, then vanish. */
async function cutUpload(name: string, total: number, sent: number): Promise<unknown> {
  const socket = net.connect({ host: '127.0.0.1', port: rig.port });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const aborted = nextDoorEvent(rig.door, 'uploadAborted');
  socket.write(`PUT /files/${name} HTTP/1.1\r\nHost: 127.0.0.1:${rig.port}\r\nContent-Length: ${total}\r\n\r\n`);
  socket.write(randomBytes(sent));
  // Once the server's hidden file holds every byte sent, cutting has a known outcome. Each upload
  // goes to a folder of its own, so no other hidden file can answer for it.
  await waitForHiddenFile(path.join(rig.root, path.dirname(name)), sent);
  socket.destroy();
  return aborted;
}

async function offsetOf(name: string): Promise<number | null> {
  const res = await request(rig.url(`/uploads/${name}`), { method: 'HEAD' });
  return res.status === 200 ? Number(res.headers['upload-offset']) : null;
}

describe('HTTP kept uploads and the partial budget', () => {
  it('a second interrupted upload from the same address evicts the first (per-address budget)', async () => {
    rig = await startHttpRig({ library: { partialBudget: 10 * 1024 * KiB, partialBudgetPerAddress: 1024 * KiB } });
    await Promise.all(['a', 'b'].map((d) => fs.mkdir(path.join(rig.root, d))));
    await cutUpload('a/first.bin', 2048 * KiB, 600 * KiB);
    expect(await offsetOf('a/first.bin')).toBe(600 * KiB);
    await cutUpload('b/second.bin', 2048 * KiB, 600 * KiB);
    expect(await offsetOf('a/first.bin')).toBeNull();
    expect(await offsetOf('b/second.bin')).toBe(600 * KiB);
  });

  it('with a budget of 0 nothing is kept, and a part of an upload is refused with 507', async () => {
    rig = await startHttpRig({ library: { partialBudget: 0 } });
    await fs.mkdir(path.join(rig.root, 'c'));
    await cutUpload('c/cut.bin', 2048 * KiB, 100 * KiB);
    expect(await offsetOf('c/cut.bin')).toBeNull();
    const part = await request(rig.url('/files/part.bin'), { method: 'PUT', body: 'x'.repeat(10), headers: { 'content-range': 'bytes 0-9/100' } });
    expect(part.status).toBe(507);
    expect(errorCode(part)).toBe('DISK_FULL');
    expect(await fs.readdir(rig.root)).toEqual(['c']);
    expect(await fs.readdir(path.join(rig.root, 'c'))).toEqual([]);
    // Whole uploads are not affected.
    expect((await request(rig.url('/files/whole.bin'), { method: 'PUT', body: 'whole' })).status).toBe(201);
  });
});
