// The built `netroom` binary end to end against a real server: put, ls, get --parallel, rm, announce, chat, files.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chatUrl } from '../src/client/http.js';
import { WsChatClient } from '../src/client/ws.js';
import { runCli } from './helpers/cli.js';
import { makeFile, startNetroom, type NetroomRig } from './helpers/netroom.js';

let rig: NetroomRig;
beforeEach(async () => {
  rig = await startNetroom();
});
afterEach(async () => {
  await rig.close();
});

describe('netroom (built CLI)', () => {
  it('put, ls, get --parallel, rm: output lines and exit codes', async () => {
    const src = await makeFile(rig.local, 'notes.bin', 1024 * 1024 + 7);
    const put = await runCli(['put', src.file, `${rig.base}/`]);
    expect(put).toMatchObject({ code: 0, stderr: '' });
    expect(put.stdout).toContain(`sha256 ${src.sha256} (new, the server's SHA-256 matches)`);
    const ls = await runCli(['ls', rig.base]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(/1\.0 MiB {2}\S+ \S+ {2}notes\.bin\n$/u);
    const out = path.join(rig.local, 'copy.bin');
    const get = await runCli(['get', `${rig.base}/files/notes.bin`, '-o', out, '--parallel', '2']);
    expect(get.code).toBe(0);
    expect(get.stdout).toContain(`sha256 ${src.sha256} (2 connections)`);
    expect((await fs.readFile(out)).equals(src.data)).toBe(true);
    // A guest may not remove files; the server's administrator may (the admin token as --token).
    expect(await runCli(['rm', `${rig.base}/notes.bin`, '--token', rig.adminToken])).toMatchObject({ code: 0, stdout: 'removed notes.bin\n' });
    const again = await runCli(['rm', `${rig.base}/notes.bin`, '--token', rig.adminToken]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('netroom rm: NOT_FOUND: no such file or folder: notes.bin\n');
    expect((await runCli(['get'])).code).toBe(2);
    expect((await runCli(['get', `${rig.base}/x`, '--parallel', 'lots'])).code).toBe(2);
  });

  it('announce with the token from the data folder (0) and a wrong one (1)', async () => {
    const heard: string[] = [];
    rig.chat.subscribe((e) => {
      if (e.kind === 'announce') heard.push(e.text);
    });
    const ok = await runCli(['announce', 'back', 'soon', '--url', rig.base, '--data', rig.data]);
    expect(ok).toMatchObject({ code: 0, stdout: `announced to 127.0.0.1:${rig.port}\n` });
    const bad = await runCli(['announce', 'x', '--url', rig.base, '--token', 'wrong-token-0123456789']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^netroom announce: the server refused the admin token/u);
    expect(heard).toEqual(['back soon']);
  });

  it('chat over WebSocket from piped input, and the files menu', async () => {
    const bob = new WsChatClient({ url: chatUrl(rig.base) });
    try {
      await bob.connect();
      await bob.enter('bob');
      const notices: string[] = [];
      const left = new Promise<void>((resolve) =>
        bob.on('event', (e) => {
          notices.push(e.notice);
          if (e.notice === 'alice left the room') resolve();
        }),
      );
      const chat = await runCli(['chat', rig.base], 'alice\nhello from a pipe\n/quit\n');
      expect(chat.code).toBe(0);
      expect(chat.stdout).toContain('you are in #lobby as alice with bob');
      await left;
      expect(notices).toEqual(['alice joined the room', 'alice: hello from a pipe', 'alice left the room']);
    } finally {
      bob.close();
    }
    await makeFile(rig.root, 'shared.txt', Buffer.from('hi'));
    const files = await runCli(['files', rig.base], 'list\nquit\n');
    expect(files.code).toBe(0);
    expect(files.stdout).toMatch(/shared\.txt\n\(\/: 0 folders, 1 file\)/u);
  });
});
