// Unit tests of serve's folder check: files, pseudo-filesystems and unwritable places are refused before anything is created.
import { chmod, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../src/config.js';
import { prepareFolders } from '../src/folders.js';

let top: string;

beforeEach(async () => {
  top = await mkdtemp(join(tmpdir(), 'netroom-folders-'));
});

afterEach(async () => {
  await chmod(top, 0o700).catch(() => undefined);
  await rm(top, { recursive: true, force: true });
});

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('prepareFolders', () => {
  it('creates every missing level of both folders', async () => {
    const dir = join(top, 'a', 'b', 'files');
    const data = join(top, 'c', 'data');
    await prepareFolders([
      { flag: '--dir', path: dir },
      { flag: '--data', path: data },
    ]);
    expect((await stat(dir)).isDirectory()).toBe(true);
    expect((await stat(data)).isDirectory()).toBe(true);
    // Again, on folders that exist now: nothing to do, no error.
    await prepareFolders([{ flag: '--dir', path: dir }]);
  });

  it('refuses a file with "not a folder"', async () => {
    const file = join(top, 'file');
    await writeFile(file, 'x');
    const result = prepareFolders([{ flag: '--dir', path: file }]);
    await expect(result).rejects.toThrow(UsageError);
    await expect(prepareFolders([{ flag: '--dir', path: file }])).rejects.toThrow(`--dir ${file}: not a folder`);
  });

  it('refuses a path below a file, naming the file', async () => {
    const file = join(top, 'file');
    await writeFile(file, 'x');
    await expect(prepareFolders([{ flag: '--data', path: join(file, 'x', 'y') }])).rejects.toThrow(`--data ${join(file, 'x', 'y')}: ${file} is not a folder`);
  });

  it('creates nothing when a later folder is refused', async () => {
    const file = join(top, 'file');
    await writeFile(file, 'x');
    const dir = join(top, 'files');
    await expect(
      prepareFolders([
        { flag: '--dir', path: dir },
        { flag: '--data', path: file },
      ]),
    ).rejects.toThrow(/--data .*: not a folder/u);
    expect(await exists(dir)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('refuses /proc and /sys (kernel filesystems) at once', async () => {
    await expect(prepareFolders([{ flag: '--dir', path: '/proc/nonexist/x' }])).rejects.toThrow(
      '--dir /proc/nonexist/x: /proc is on the kernel\'s proc filesystem, not a place for files',
    );
    await expect(prepareFolders([{ flag: '--data', path: '/sys/netroom' }])).rejects.toThrow(/--data \/sys\/netroom: \/sys is on the kernel's sysfs filesystem/u);
    await expect(prepareFolders([{ flag: '--dir', path: '/proc' }])).rejects.toThrow(UsageError);
  });

  // root may write anywhere, so the refusal shows only for an ordinary user.
  it.skipIf(process.getuid?.() === 0)('refuses a folder that cannot be written', async () => {
    const locked = join(top, 'locked');
    await prepareFolders([{ flag: '--dir', path: locked }]);
    await chmod(locked, 0o500);
    await expect(prepareFolders([{ flag: '--dir', path: locked }])).rejects.toThrow(`--dir ${locked}: this folder is not writable`);
    await expect(prepareFolders([{ flag: '--dir', path: join(locked, 'sub') }])).rejects.toThrow(`cannot create it: ${locked} is not writable`);
    await chmod(locked, 0o700);
  });
});
