// Issue 13's "done when": three nodes on one PostgreSQL, one Redis and one library folder behave as one server for a
// browser (node one), the seed UDP protocol (node two), an IRC client and curl over FTP (node three).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertWebBuilt, enterRoom, launchBrowser, logLine, openPage, say, waitForMembers } from './helpers/browser.js';
import { clusterEngines, type ClusterEngines } from './helpers/cluster.js';
import { RawIrcClient } from './helpers/irc.js';
import { TestUdpClient } from './helpers/udp.js';

const run = promisify(execFile);
let engines: ClusterEngines;
let browser: Browser;
beforeAll(async () => {
  assertWebBuilt();
  engines = await clusterEngines();
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await engines?.stop();
});

describe('three nodes as one server', () => {
  it('a browser, the seed UDP protocol, IRC and FTP on different nodes share one room, one member list and one library', async () => {
    const cluster = await engines.start(3, { ftp: '0' });
    const udp: TestUdpClient[] = [];
    const irc: RawIrcClient[] = [];
    try {
      const [one, two, three] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];

      // Node one: a browser.
      const web = await openPage(browser, `http://127.0.0.1:${one.http}/`);
      await enterRoom(web.page, 'wendy');

      // Node two: the seed UDP protocol (L NAME / C NAME TEXT), as the seeds' client speaks it.
      const seed = await TestUdpClient.open(two.seed);
      udp.push(seed);
      await seed.enter('sam');

      // Node three: an IRC client.
      const ian = await RawIrcClient.open(three.irc);
      irc.push(ian);
      ian.autoPong = true;
      await ian.joinLobby('ian');

      // One member list everywhere.
      await waitForMembers(web.page, ['ian', 'sam', 'wendy']);
      ian.send('NAMES #lobby');
      const names = await ian.waitFor((l) => l.command === '353' && ['sam', 'wendy'].every((n) => (l.params.at(-1) ?? '').includes(n)));
      expect(names.params.at(-1)?.split(' ').map((n) => n.replace(/^[@+]/u, '')).sort()).toEqual(['ian', 'sam', 'wendy']);

      // A message from each reaches the other two.
      await say(web.page, 'hello from the browser');
      expect((await ian.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'hello from the browser')).source).toMatch(/^wendy!/u);
      await seed.waitFor((text) => text.includes('wendy') && text.includes('hello from the browser'));
      seed.send('C sam hello from the seeds');
      await ian.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'hello from the seeds');
      await logLine(web.page, 'hello from the seeds').waitFor();
      ian.send('PRIVMSG #lobby :hello from irc');
      await logLine(web.page, 'hello from irc').waitFor();
      await seed.waitFor((text) => text.includes('ian') && text.includes('hello from irc'));

      // curl uploads through node three's FTP door: the file is in the one library, and everyone hears of it.
      const local = join(cluster.dir, '..', 'upload.txt');
      await writeFile(local, 'one library\n');
      await run('curl', ['-sS', '--fail', '-T', local, `ftp://127.0.0.1:${String(three.ftp)}/shared.txt`], { timeout: 20_000 }).catch((err: unknown) => {
        throw new Error(`curl failed: ${String(err)}`);
      });
      await logLine(web.page, 'shared.txt').waitFor();
      await seed.waitFor((text) => text.includes('shared.txt'));
      expect(await readFile(join(cluster.dir, 'shared.txt'), 'utf8')).toBe('one library\n');
      const listed = await fetch(`http://127.0.0.1:${two.http}/api/files`).then((r) => r.json());
      expect(JSON.stringify(listed)).toContain('shared.txt');

      // The browser leaves: node two's seed client and node three's IRC client hear it.
      await web.context.close();
      await ian.waitFor((l) => (l.command === 'QUIT' || l.command === 'PART') && (l.source ?? '').startsWith('wendy!'), 20_000);
      expect(web.problems).toEqual([]);
    } finally {
      for (const c of irc) c.close();
      for (const c of udp) c.close();
      await cluster.close();
    }
  }, 120_000);
});
