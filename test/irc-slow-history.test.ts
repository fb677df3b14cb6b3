// IRC door over a history store that answers late (as a networked one may): CHATHISTORY and JOIN's replay keep their place, labels wrap the right lines, a closed connection is no error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteHistory } from '../src/store/sqlite.js';
import { startIrcRig, type IrcRig, type Line, type RawIrcClient } from './helpers/irc.js';
import { SlowHistory } from './helpers/slow-history.js';

const CAPS = ['batch', 'draft/chathistory', 'labeled-response', 'message-tags', 'server-time'];

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<{ r: IrcRig; slow: SlowHistory }> {
  const dir = await mkdtemp(join(tmpdir(), 'netroom-irc-slow-'));
  const slow = new SlowHistory(SqliteHistory.open(dir));
  const r = await startIrcRig({ history: slow });
  cleanups.push(async () => {
    slow.release();
    await r.close();
    slow.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { r, slow };
}

/** Lines up to and including the first that matches (consumed). */
async function linesUntil(c: RawIrcClient, match: (line: Line) => boolean): Promise<Line[]> {
  const seen: Line[] = [];
  await c.waitFor((line) => {
    seen.push(line);
    return match(line);
  });
  return seen;
}

/** A line as `COMMAND last-param`, with its label when it has one: enough to read an order off. */
function brief(line: Line): string {
  const label = /(?:^|;)label=([^;]*)/u.exec(line.tags ?? '')?.[1];
  return `${label === undefined ? '' : `[${label}] `}${line.command} ${line.params.at(-1) ?? ''}`.trim();
}

describe('IRC door: a history store that answers late', () => {
  it('answers a labelled CHATHISTORY before the next command and before what was said meanwhile', async () => {
    const { r, slow } = await start();
    const alice = await r.member('alice', CAPS);
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    bob.send('PRIVMSG #lobby :one');
    await alice.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'one');

    slow.hold();
    alice.send('@label=a CHATHISTORY LATEST #lobby * 10');
    alice.send('@label=b PING :after');
    await slow.reads(1);
    bob.send('PRIVMSG #lobby :meanwhile');
    await carol.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'meanwhile');
    slow.release();

    const lines = await linesUntil(alice, (l) => l.command === 'PONG');
    expect(lines.map(brief)).toEqual([
      '[a] BATCH #lobby',
      'PRIVMSG one',
      'PRIVMSG meanwhile',
      expect.stringMatching(/^BATCH -/u),
      // Said while the read waited: live, after the reply (the history read late has it too: CHATHISTORY is the store's view).
      'PRIVMSG meanwhile',
      '[b] PONG after',
    ]);
    const [open, , , close] = lines;
    const ref = open?.params[0]?.slice(1);
    expect(open?.params.slice(1)).toEqual(['chathistory', '#lobby']);
    expect(close?.params).toEqual([`-${ref}`]);
    expect(lines[1]?.tags).toContain(`batch=${ref}`);
  });

  it('replays history after JOIN before what is said meanwhile, each line once', async () => {
    const { r, slow } = await start();
    const bob = await r.member('bob');
    const carol = await r.member('carol');
    bob.send('PRIVMSG #lobby :earlier');
    await carol.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'earlier');
    const dave = await r.client();
    await dave.register('dave');

    slow.hold();
    dave.send('JOIN #lobby');
    dave.send('TIME');
    await slow.reads(1);
    bob.send('PRIVMSG #lobby :meanwhile');
    await carol.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === 'meanwhile');
    slow.release();

    const lines = await linesUntil(dave, (l) => l.command === '391');
    const order = lines.filter((l) => ['366', 'PRIVMSG', '391'].includes(l.command)).map((l) => `${l.command} ${l.command === 'PRIVMSG' ? (l.params[1] ?? '').replace(/^\[[^\]]*\] /u, '') : ''}`.trim());
    expect(order).toEqual(['366', 'PRIVMSG earlier', 'PRIVMSG meanwhile', '391']);
    // The replay is the stamped copy; the live one is not: "meanwhile" came live, so the replay left it out.
    const said = lines.filter((l) => l.command === 'PRIVMSG');
    expect(said.map((l) => l.params[1])).toEqual([expect.stringMatching(/^\[\d{4}-\d\d-\d\d \d\d:\d\d UTC\] earlier$/u), 'meanwhile']);
  });

  it('says FAIL MESSAGE_ERROR when the store fails, and goes on with the next command', async () => {
    const { r, slow } = await start();
    const alice = await r.member('alice', CAPS);
    slow.hold();
    alice.send('CHATHISTORY LATEST #lobby * 10');
    alice.send('PING :next');
    await slow.reads(1);
    slow.fail();
    const lines = await linesUntil(alice, (l) => l.command === 'PONG');
    expect(lines.map((l) => [l.command, ...l.params])).toEqual([
      ['FAIL', 'CHATHISTORY', 'MESSAGE_ERROR', 'LATEST', '#lobby', 'History is unavailable'],
      ['PONG', 'irc.netroom', 'next'],
    ]);
  });

  it('drops the answer of a connection that closed while its read waited, and serves the others', async () => {
    const { r, slow } = await start();
    const alice = await r.member('alice', CAPS);
    const bob = await r.member('bob');
    slow.hold();
    alice.send('@label=x CHATHISTORY LATEST #lobby * 10');
    await slow.reads(1);
    alice.close();
    await bob.waitFor((l) => l.command === 'QUIT' && l.source?.startsWith('alice!') === true);
    slow.release();
    bob.send('PRIVMSG #lobby :still here');
    // The door goes on: bob's own CHATHISTORY is answered (stamped lines: bob has no server-time).
    const answer = await bob.request('CHATHISTORY LATEST #lobby * 10', (l) => l.command === 'PRIVMSG');
    expect(answer.params[1]).toMatch(/ still here$/u);
  });
});
