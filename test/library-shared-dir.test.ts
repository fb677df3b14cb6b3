// Several nodes on one library folder (issue 13): temp names unique per node, and nobody removes another live node's uploads in flight.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Library } from '../src/core/library.js';
import { PartialStore } from '../src/core/partial.js';
import { FOREIGN_STALE_MS, HOST, NODE_TAG, ownerOfTemp, tempName, tempOwner } from '../src/core/temp-names.js';

let base: string;
let root: string;
let library: Library;

beforeEach(async () => {
  base = await fs.mkdtemp(path.join(tmpdir(), 'netroom-shared-'));
  root = path.join(base, 'files');
  library = new Library(root);
  await library.init();
});
afterEach(() => fs.rm(base, { recursive: true, force: true }));

/** The id of a process of this host that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid as number;
}

/** Hidden names in the root. */
async function hidden(): Promise<string[]> {
  return (await fs.readdir(root)).filter((n) => n.startsWith('.netroom-') && n !== '.netroom').sort();
}

async function put(name: string, ageMs = 0): Promise<void> {
  const file = path.join(root, name);
  await fs.writeFile(file, 'bytes');
  const at = (Date.now() - ageMs) / 1000;
  await fs.utimes(file, at, at);
}

const write = (stream: NodeJS.WritableStream, data: string): Promise<void> =>
  new Promise((resolve, reject) => stream.write(data, (err) => (err ? reject(err) : resolve())));

describe('temp names', () => {
  it('carry this process (pid@host) after a random part, and are told apart by whose they are', async () => {
    const name = tempName('.netroom-upload-');
    expect(name).toMatch(new RegExp(`^\\.netroom-upload-[0-9a-f]{16}\\.${process.pid}@${HOST.replace(/\./gu, '\\.')}$`, 'u'));
    expect(ownerOfTemp(name)).toEqual({ pid: process.pid, host: HOST });
    expect(tempOwner(name)).toBe('mine');
    expect(tempOwner(`.netroom-upload-0123456789abcdef.${process.ppid}@${HOST}`)).toBe('live');
    expect(tempOwner(`.netroom-upload-0123456789abcdef.${process.pid}@another-host.example`)).toBe('live');
    expect(tempOwner(`.netroom-upload-0123456789abcdef.${await deadPid()}@${HOST}`)).toBe('dead');
    expect(tempOwner('.netroom-upload-0123456789abcdef')).toBe('dead'); // from before tags: one node alone
  });

  it('of uploads and resumable uploads in flight are tagged', async () => {
    const upload = await library.beginUpload('a.txt');
    const partial = await new PartialStore(library).begin('b.bin', { total: 10 });
    const names = await hidden();
    expect(names).toHaveLength(2);
    for (const name of names) expect(name.endsWith(`.${NODE_TAG}`)).toBe(true);
    await upload.abort();
    await partial.abort();
    expect(await hidden()).toEqual([]);
  });
});

describe('a node starting on a folder another node uses', () => {
  it("leaves the other node's uploads in flight alone: they still commit", async () => {
    const upload = await library.beginUpload('plain.txt');
    await write(upload, 'first half ');
    const store = new PartialStore(library);
    const partial = await store.begin('resumable.txt', { total: 11 });
    await write(partial, 'eleven byte');
    // Node two (another Library on the same folder) starts meanwhile.
    await new Library(root).init();
    await write(upload, 'second half');
    expect(await upload.commit()).toMatchObject({ path: 'plain.txt', size: 22 });
    expect(await partial.commit()).toMatchObject({ path: 'resumable.txt', size: 11 });
    expect(await fs.readFile(path.join(root, 'plain.txt'), 'utf8')).toBe('first half second half');
    expect(await hidden()).toEqual([]);
  });

  it('removes only what gone processes left: untagged, or tagged by a process of this host that has exited', async () => {
    const dead = await deadPid();
    const live = process.ppid;
    await put(`.netroom-upload-1111111111111111.${dead}@${HOST}`);
    await put('.netroom-upload-2222222222222222'); // untagged: a single node's previous run
    await put(`.netroom-partial-${'a'.repeat(32)}-100-3333333333333333.${dead}@${HOST}`);
    const kept = [
      `.netroom-upload-4444444444444444.${live}@${HOST}`,
      `.netroom-upload-5555555555555555.${dead}@other-node.example`,
      `.netroom-partial-${'b'.repeat(32)}-100-6666666666666666.${live}@${HOST}`,
      `.netroom-partial-${'c'.repeat(32)}-100`, // a kept upload, anyone's to continue
    ];
    for (const name of kept) await put(name);
    // The owner book's temps follow the same rule.
    const owners = path.join(root, '.netroom', 'owners');
    await fs.mkdir(owners, { recursive: true });
    await fs.writeFile(path.join(owners, `.tmp-7777777777777777.${dead}@${HOST}`), '{}');
    await fs.writeFile(path.join(owners, `.tmp-8888888888888888.${live}@${HOST}`), '{}');
    await new Library(root).init();
    expect(await hidden()).toEqual([...kept].sort());
    expect(await fs.readdir(owners)).toEqual([`.tmp-8888888888888888.${live}@${HOST}`]);
  });
});

describe('the prune of resumable uploads on a shared folder', () => {
  it("takes another live node's upload in flight for dead only once silent past FOREIGN_STALE_MS; its own and gone ones at the TTL", async () => {
    const ttlMs = 60_000;
    const store = new PartialStore(library, { ttlMs });
    const dead = await deadPid();
    const old = 2 * ttlMs;
    const key = (c: string): string => c.repeat(32);
    const foreignFresh = `.netroom-partial-${key('a')}-100-1111111111111111.${process.ppid}@${HOST}`;
    const foreignOtherHost = `.netroom-partial-${key('b')}-100-2222222222222222.${process.pid}@other-node.example`;
    const foreignSilent = `.netroom-partial-${key('c')}-100-3333333333333333.${process.ppid}@${HOST}`;
    const gone = `.netroom-partial-${key('d')}-100-4444444444444444.${dead}@${HOST}`;
    const mine = `.netroom-partial-${key('e')}-100-5555555555555555.${NODE_TAG}`;
    const keptOld = `.netroom-partial-${key('f')}-100`;
    const keptNew = `.netroom-partial-${key('0')}-100`;
    await put(foreignFresh, old);
    await put(foreignOtherHost, old);
    await put(foreignSilent, FOREIGN_STALE_MS + 60_000);
    await put(gone, old);
    await put(mine, old);
    await put(keptOld, old);
    await put(keptNew);
    // A running upload of this node, however old its last byte, is never pruned.
    const running = await store.begin('running.bin', { total: 100 });
    const [runningName] = (await hidden()).filter((n) => n.endsWith(`.${NODE_TAG}`) && n !== mine);
    await fs.utimes(path.join(root, runningName as string), (Date.now() - old) / 1000, (Date.now() - old) / 1000);
    expect(await store.prune()).toBe(4);
    expect(await hidden()).toEqual([foreignFresh, foreignOtherHost, keptNew, runningName].sort());
    await running.abort();
  });
});
