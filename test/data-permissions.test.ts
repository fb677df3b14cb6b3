// SPEC 4: the data folder is created 0700 and its files (history database and journals, admin token) are 0600, whatever the umask.
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAdminToken } from '../src/admin-token.js';
import { resolveConfig } from '../src/config.js';
import { createLogger, LogSink } from '../src/log.js';
import { NetroomServer } from '../src/server.js';
import { HISTORY_FILE } from '../src/store/sqlite-options.js';
import { SqliteHistory } from '../src/store/sqlite.js';

const tops: string[] = [];
afterEach(async () => {
  for (const top of tops.splice(0)) await fs.rm(top, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  const top = await fs.mkdtemp(path.join(tmpdir(), 'netroom-perms-'));
  tops.push(top);
  return top;
}

async function modeOf(file: string): Promise<string> {
  return ((await fs.stat(file)).mode & 0o777).toString(8).padStart(3, '0');
}

/** Run `work` under `mask` (vitest runs each file in a process of its own, so the umask is ours to set). */
async function withUmask<T>(mask: number, work: () => Promise<T>): Promise<T> {
  const before = process.umask(mask);
  try {
    return await work();
  } finally {
    process.umask(before);
  }
}

/** Start the server as `serve` composes it (HTTP only, port 0) on these folders; returns it and what it logged. */
async function start(dir: string, data: string): Promise<{ server: NetroomServer; logged: string[] }> {
  const logged: string[] = [];
  const sink = new LogSink({ write: (line: string) => logged.push(line) });
  const config = resolveConfig({ dir, data, http: '0', port: 'off', irc: 'off', ftp: 'off' }, {});
  const server = new NetroomServer(config, createLogger('warn', sink));
  await server.start();
  return { server, logged };
}

/** The modes of the data folder and each of its files, by name. */
async function modes(data: string): Promise<Record<string, string>> {
  const out: Record<string, string> = { '.': await modeOf(data) };
  for (const name of await fs.readdir(data)) out[name] = await modeOf(path.join(data, name));
  return out;
}

describe('data folder permissions', () => {
  for (const mask of [0o000, 0o022, 0o277]) {
    it(`serve creates --data 0700, history.sqlite (and its WAL) and admin-token 0600 under umask ${mask.toString(8).padStart(3, '0')}`, async () => {
      const top = await scratch();
      const data = path.join(top, 'state', 'data');
      const found = await withUmask(mask, async () => {
        const { server } = await start(path.join(top, 'files'), data);
        server.announce('written to the history');
        // The WAL exists while the server runs: look before stopping (stop checkpoints it away).
        const open = await modes(data);
        await server.stop();
        return open;
      });
      expect(found['.']).toBe('700');
      expect(found[HISTORY_FILE]).toBe('600');
      expect(found['admin-token']).toBe('600');
      for (const [name, mode] of Object.entries(found)) expect([name, mode]).toEqual([name, name === '.' ? '700' : '600']);
      expect(Object.keys(found)).toContain(`${HISTORY_FILE}-wal`);
    });
  }

  it('narrows files an older version (or a copy) left readable to 0600; leaves a folder the user made as it is, with a warning', async () => {
    const top = await scratch();
    const data = path.join(top, 'data');
    const first = await start(path.join(top, 'files'), data);
    await first.server.stop();
    // What the issue found: a world-readable history (0644), and a token copied without its mode.
    await fs.chmod(data, 0o755);
    await fs.chmod(path.join(data, HISTORY_FILE), 0o644);
    await fs.chmod(path.join(data, 'admin-token'), 0o664);
    const again = await start(path.join(top, 'files'), data);
    const found = await modes(data);
    await again.server.stop();
    expect(found[HISTORY_FILE]).toBe('600');
    expect(found['admin-token']).toBe('600');
    expect(found['.']).toBe('755');
    expect(again.logged.join('')).toMatch(/--data is open to other users \(mode 0755\)/u);
    expect(first.logged.join('')).not.toMatch(/open to other users/u);
  });

  it('the history store and the token file on their own: private files in a private folder', async () => {
    const top = await scratch();
    const data = path.join(top, 'a', 'b');
    await withUmask(0o000, async () => {
      SqliteHistory.open(data).close();
      expect(await modeOf(data)).toBe('700');
      // Only the folder itself is private; the parents it needed are ordinary folders.
      expect(await modeOf(path.join(top, 'a'))).toBe('777');
      expect(await modeOf(path.join(data, HISTORY_FILE))).toBe('600');
      const token = await loadAdminToken(path.join(top, 'token-only'), undefined);
      expect(await modeOf(token.path ?? '')).toBe('600');
      expect(await modeOf(path.join(top, 'token-only'))).toBe('700');
    });
  });

  it('a history file that exists is never truncated by being made private', async () => {
    const top = await scratch();
    const store = SqliteHistory.open(top);
    store.append({ id: 1, kind: 'announce', text: 'kept', at: Date.now(), audience: [] });
    store.close();
    await fs.chmod(path.join(top, HISTORY_FILE), 0o644);
    const reopened = SqliteHistory.open(top);
    expect((await reopened.recent({ room: '#lobby' }, 10)).map((e) => e.text)).toEqual(['kept']);
    reopened.close();
    expect(await modeOf(path.join(top, HISTORY_FILE))).toBe('600');
  });
});
