// `netroom announce` against a real server: the token from flag, environment or DATA/admin-token; exit codes.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findToken, registerAnnounce, runAnnounce, type AnnounceIO } from '../src/cli/announce.js';
import type { ChatEvent } from '../src/core/chat/types.js';
import { Screen, deadPort, startNetroom, type NetroomRig } from './helpers/netroom.js';

let rig: NetroomRig;
let out: Screen;
let err: Screen;
let io: AnnounceIO;
let heard: ChatEvent[];

beforeEach(async () => {
  rig = await startNetroom();
  out = new Screen();
  err = new Screen();
  io = { output: out.stream, errorOutput: err.stream, env: {}, cwd: rig.local };
  heard = [];
  rig.chat.subscribe((e) => heard.push(e));
});
afterEach(async () => {
  await rig.close();
});

describe('netroom announce', () => {
  it('with the token from the data folder reaches everyone, exit 0', async () => {
    expect(await runAnnounce('back in 5 minutes', { url: rig.base, data: rig.data }, io)).toBe(0);
    expect(out.text).toBe(`announced to 127.0.0.1:${rig.port}\n`);
    expect(heard).toMatchObject([{ kind: 'announce', text: 'back in 5 minutes' }]);
  });

  it('takes --token over NETROOM_ADMIN_TOKEN over the file, and NETROOM_DATA for the folder', async () => {
    const env = { NETROOM_ADMIN_TOKEN: rig.adminToken, NETROOM_DATA: '/nonexistent' };
    expect(await runAnnounce('from env', { url: rig.base }, { ...io, env })).toBe(0);
    expect(await runAnnounce('from NETROOM_DATA', { url: rig.base }, { ...io, env: { NETROOM_DATA: rig.data } })).toBe(0);
    expect(await runAnnounce('flag wins', { url: rig.base, token: 'wrong-token-0123456789' }, { ...io, env })).toBe(1);
    expect(heard.map((e) => (e.kind === 'announce' ? e.text : e.kind))).toEqual(['from env', 'from NETROOM_DATA']);
    expect(await findToken({}, {}, rig.data)).toMatchObject({ missing: expect.stringMatching(/netroom-data\/admin-token/u) as unknown });
    expect(await findToken({ data: '.' }, {}, rig.data)).toEqual({ token: rig.adminToken });
  });

  it('a wrong token: exit 1 with the reason, nobody hears anything', async () => {
    expect(await runAnnounce('hijack', { url: rig.base, token: 'not-the-token-at-all' }, io)).toBe(1);
    expect(err.text).toMatch(/^netroom announce: the server refused the admin token \(NOT_SIGNED_IN: /u);
    expect(heard).toEqual([]);
  });

  it('exit 2 for bad usage (no text, no token anywhere, bad URL); 1 when the server is away or refuses the text', async () => {
    expect(await runAnnounce('   ', { url: rig.base, data: rig.data }, io)).toBe(2);
    expect(await runAnnounce('hi', { url: rig.base, data: path.join(rig.local, 'nothing-here') }, io)).toBe(2);
    expect(await runAnnounce('hi', { url: 'ftp://x', data: rig.data }, io)).toBe(2);
    expect(await runAnnounce('hi', { url: `http://127.0.0.1:${await deadPort()}`, data: rig.data }, io)).toBe(1);
    expect(await runAnnounce('x'.repeat(2001), { url: rig.base, data: rig.data }, io)).toBe(1);
    const lines = err.text.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/nothing to announce/u);
    expect(lines[1]).toMatch(/no admin token: give --token, set NETROOM_ADMIN_TOKEN, or point --data/u);
    expect(lines[3]).toMatch(/connection refused/u);
    expect(lines[4]).toMatch(/MESSAGE_TOO_LONG/u);
    expect(heard).toEqual([]);
  });

  it('an unreadable or empty token file: exit 1', async () => {
    const data = path.join(rig.local, 'data');
    await fs.mkdir(data);
    await fs.writeFile(path.join(data, 'admin-token'), '\n');
    expect(await runAnnounce('hi', { url: rig.base, data }, io)).toBe(1);
    expect(err.text).toMatch(/admin-token is empty/u);
  });

  it('registers `announce <text...>` and joins the words', () => {
    const program = new Command('netroom');
    registerAnnounce(program);
    const announce = program.commands.find((c) => c.name() === 'announce');
    expect(announce?.options.map((o) => o.long)).toEqual(['--url', '--token', '--data']);
    expect(announce?.registeredArguments[0]?.variadic).toBe(true);
  });
});
