// Integration tests of history on entering through the WebSocket door, with the SQLite store on real files.
import { afterEach, describe, expect, it } from 'vitest';
import { startWsRig, type WsRig, type WsRigOptions } from './helpers/ws.js';

const rigs: WsRig[] = [];
async function start(options: WsRigOptions = {}): Promise<WsRig> {
  const r = await startWsRig(options);
  rigs.push(r);
  return r;
}
afterEach(async () => {
  for (const r of rigs.splice(0).reverse()) await r.close();
});

describe('WS door: history on entering', () => {
  it('replays the recent events, oldest first, ending with your own join', async () => {
    const r = await start({ history: true });
    const watcher = await r.member('watcher');
    const a = await r.member('alice');
    a.send({ type: 'say', text: 'first' });
    a.send({ type: 'say', text: 'second' });
    await watcher.notice('alice: second');
    r.chat.announce('note');
    r.chat.fileShared('a.txt', 10);
    const b = await r.client();
    const welcome = await b.enter('bob');
    expect(welcome.history.map((e) => e.notice)).toEqual([
      'watcher joined the room',
      'alice joined the room',
      'alice: first',
      'alice: second',
      '[admin] note',
      'someone shared a.txt (10 B)',
      'bob joined the room',
    ]);
    expect(welcome.history[2]).toEqual({ id: 3, at: welcome.history[2]?.at, kind: 'message', room: '#lobby', name: 'alice', text: 'first', notice: 'alice: first' });
  });

  it('gives live events the ids they have in history, so a client can match them', async () => {
    const r = await start({ history: true });
    const a = await r.member('alice');
    const b = await r.member('bob');
    a.send({ type: 'say', text: 'match me' });
    const live = await b.nextOf('event');
    const c = await r.client();
    const welcome = await c.enter('carol');
    const stored = welcome.history.find((e) => e.text === 'match me');
    expect(stored).toEqual(live.event);
  });

  it('replays at most historySize events', async () => {
    const r = await start({ history: true, ws: { historySize: 2 } });
    for (let i = 0; i < 5; i++) r.chat.announce(`n${i}`);
    const c = await r.client();
    expect((await c.enter('dave')).history.map((e) => e.notice)).toEqual(['[admin] n4', 'dave joined the room']);
  });

  it('renders history in the server language', async () => {
    const r = await start({ history: true, lang: 'zh', ws: { leaveGraceMs: 0 } });
    const a = await r.member('alice');
    a.send({ type: 'say', text: '你好' });
    a.close();
    await r.member('watcher');
    const c = await r.client();
    const notices = (await c.enter('bob')).history.map((e) => e.notice);
    expect(notices.slice(0, 3)).toEqual(['欢迎 alice 进入聊天室', 'alice 说: 你好', 'alice 离开了聊天室']);
  });

  it('has no history without a store', async () => {
    const r = await start();
    r.chat.announce('lost');
    const c = await r.client();
    expect((await c.enter('erin')).history).toEqual([]);
  });

  it('keeps history across a restart on the same data folder, with increasing ids', async () => {
    const first = await start({ history: true });
    const watcher = await first.member('watcher');
    const a = await first.member('alice');
    a.send({ type: 'say', text: 'before the restart' });
    await watcher.notice('alice: before the restart');
    await first.close({ keepData: true });
    rigs.splice(rigs.indexOf(first), 1);

    const second = await start({ history: true, dataDir: first.dataDir });
    const c = await second.client();
    const history = (await c.enter('alice')).history;
    const notices = history.map((e) => e.notice);
    expect(notices.slice(0, 3)).toEqual(['watcher joined the room', 'alice joined the room', 'alice: before the restart']);
    // The first server's members left when it closed; those leaves are history too.
    expect(notices).toContain('watcher left the room');
    expect(notices.at(-1)).toBe('alice joined the room');
    const ids = history.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
