// `netroom chat` over WebSocket, driven through streams against a real server: names, history, say, who, quit, reconnect.
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chatUrl } from '../src/client/http.js';
import { WsChatClient } from '../src/client/ws.js';
import { chatCommand, registerChat, runWsChat } from '../src/cli/chat.js';
import type { WireEvent } from '../src/doors/ws/messages.js';
import { Inbox } from './contract/inbox.js';
import { Proxy, Screen, WAIT_MS, deadPort, startNetroom, type NetroomRig } from './helpers/netroom.js';

let rig: NetroomRig;
let proxy: Proxy | undefined;
const clients: WsChatClient[] = [];

beforeEach(async () => {
  rig = await startNetroom();
});
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await proxy?.close();
  proxy = undefined;
  await rig.close();
});

/** A member entered directly with the client, whose events a test can await in order. */
async function member(name: string): Promise<{ client: WsChatClient; hear: (notice: string) => Promise<void>; heard: readonly string[] }> {
  const client = new WsChatClient({ url: chatUrl(rig.base) });
  clients.push(client);
  await client.connect();
  await client.enter(name);
  const heard = new Inbox<string>(name);
  client.on('event', (e: WireEvent) => heard.push(e.notice));
  const hear = async (notice: string): Promise<void> => {
    await heard.waitFor((n) => n === notice, WAIT_MS);
  };
  return { client, hear, heard: heard.all() };
}

function session(base: string, extra: { terminal?: boolean; client?: object } = {}) {
  const input = new PassThrough();
  const screen = new Screen();
  const errors = new Screen();
  const done = runWsChat({ url: chatUrl(base), input, output: screen.stream, errorOutput: errors.stream, ...extra });
  return { input, screen, errors, done };
}

describe('netroom chat (WebSocket)', () => {
  it('asks again after refusals, shows history, chats, answers /who and leaves on /quit', async () => {
    const bob = await member('bob');
    bob.client.say('said before alice came');
    await bob.client.who(); // the message is stored before alice enters
    const { input, screen, errors, done } = session(rig.base);
    await screen.waitFor(/netroom chat with 127\.0\.0\.1:\d+ \(WebSocket\)/u);
    input.write('admin\n');
    await screen.waitFor('refused: ');
    expect(screen.text).toMatch(/refused: .*reserved/iu);
    input.write('BOB\n');
    await screen.waitFor(/refused: .*already in use \(as bob\)/u);
    input.write('alice\n');
    await screen.waitFor('you are in #lobby as alice with bob');
    expect(screen.text).toMatch(/--- recent history ---\n\[\d\d:\d\d\] bob joined the room\n\[\d\d:\d\d\] bob: said before alice came\n--- now ---\n/u);
    expect(screen.text).not.toContain('alice joined the room'); // our own entrance is not replayed as history
    await bob.hear('alice joined the room');

    bob.client.say('hi alice');
    await screen.waitFor(/\n\[\d\d:\d\d\] bob: hi alice\n/u); // live lines are stamped too
    input.write('hello  bob\n');
    await bob.hear('alice: hello  bob');
    input.write('//slash\n');
    await bob.hear('alice: /slash');
    input.write('/who\n');
    await screen.waitFor('in #lobby (2): bob, alice');
    input.write('/dance\n');
    await screen.waitFor('unknown command /dance');
    rig.chat.announce('closing at six');
    await screen.waitFor('[admin] closing at six');
    input.write('/quit\n');
    expect(await done).toBe(0);
    await bob.hear('alice left the room');
    expect(errors.text).toBe('');
    expect(screen.text).not.toContain('name: '); // no prompts without a terminal
  });

  it('shows a refused message (flood, empty) without leaving', async () => {
    const { input, screen, done } = session(rig.base);
    input.write('carol\n');
    await screen.waitFor('you are in #lobby as carol (nobody else is here)');
    input.write('x'.repeat(2001) + '\n');
    await screen.waitFor(/not sent: .+ \(MESSAGE_TOO_LONG\)\n/u);
    input.end();
    expect(await done).toBe(0); // end of input leaves cleanly
  });

  it('reconnects after the connection drops and re-enters with the same name', async () => {
    proxy = await Proxy.start(rig.port);
    const bob = await member('bob');
    const { input, screen, done } = session(proxy.base, { client: { initialDelayMs: 20 } });
    input.write('dave\n');
    await screen.waitFor('you are in #lobby as dave');
    await bob.hear('dave joined the room');
    proxy.hold();
    proxy.cutClients(); // the server still thinks dave's old connection is fine
    await screen.waitFor('(the connection was lost; reconnecting in 20 ms)');
    await proxy.waitAccepted(2);
    bob.client.say('you missed this');
    await bob.client.who();
    proxy.release();
    await screen.waitFor('(reconnected: you are dave again, in #lobby)');
    expect(screen.text).toMatch(/--- while you were away ---\n\[\d\d:\d\d\] bob: you missed this\n--- now ---\n/u);
    input.write('still here\n');
    await bob.hear('dave: still here');
    expect(bob.heard).toEqual(['dave joined the room', 'dave: still here']); // no leave, no second join
    input.write('/quit\n');
    expect(await done).toBe(0);
    await bob.hear('dave left the room');
  });

  it('comes back after a server restart under the same name; history survived, our own entrance is not news', async () => {
    proxy = await Proxy.start(rig.port);
    const { input, screen, done } = session(proxy.base, { client: { initialDelayMs: 20 } });
    input.write('gina\n');
    await screen.waitFor('you are in #lobby as gina');
    input.write('before the restart\n');
    input.write('/who\n'); // answered after the line before it was said (same connection, in order)
    await screen.waitFor('in #lobby (1): gina');
    proxy.hold(); // reconnect attempts wait at the proxy until the new server is up
    const restarted = rig.restart();
    await screen.waitFor('the server is closing');
    await restarted;
    proxy.targetPort = rig.port;
    proxy.release();
    const back = await screen.waitFor('(reconnected: you are gina again, in #lobby)');
    expect(screen.text.slice(0, back)).not.toContain('while you were away'); // only our own new entrance happened
    expect(rig.chat.online().map((m) => m.name)).toEqual(['gina']);
    input.write('/quit\n');
    expect(await done).toBe(0);
    // A new session sees what was said before the restart: history is on disk.
    const later = session(rig.base);
    later.input.write('hank\n');
    await later.screen.waitFor('you are in #lobby as hank');
    expect(later.screen.text).toMatch(/\] gina: before the restart\n/u);
    later.input.end();
    expect(await later.done).toBe(0);
  });

  it('exits 1 with one line when the server cannot be reached, or is gone for good', async () => {
    const unreachable = session(`http://127.0.0.1:${await deadPort()}`);
    expect(await unreachable.done).toBe(1);
    expect(unreachable.errors.text).toMatch(/^netroom: cannot connect to 127\.0\.0\.1:\d+: connection refused \(is the server running\?\)\n$/u);

    proxy = await Proxy.start(rig.port);
    const { input, screen, errors, done } = session(proxy.base, { client: { initialDelayMs: 5, maxAttempts: 2 } });
    input.write('erin\n');
    await screen.waitFor('you are in #lobby as erin');
    await proxy.close();
    proxy = undefined;
    expect(await done).toBe(1);
    expect(errors.text).toMatch(/^netroom: could not reconnect to 127\.0\.0\.1:\d+ after 2 attempts .*\n$/u);
  });

  it('in a terminal, prints events above the half-typed line and dims the history', async () => {
    const bob = await member('bob');
    const { input, screen, done } = session(rig.base, { terminal: true });
    await screen.waitFor('name: ');
    input.write('frank\r');
    await screen.waitFor('you are in #lobby as frank');
    expect(screen.text).toContain('\u001b[2m--- recent history ---'); // dim
    await bob.hear('frank joined the room');
    input.write('half-typ');
    await screen.waitFor('half-typ');
    const mark = screen.text.length;
    bob.client.say('interrupting');
    const at = await screen.waitFor('bob: interrupting', mark);
    await screen.waitFor('> half-typ', at);
    input.write('ed\r');
    await bob.hear('frank: half-typed');
    input.write('/quit\r');
    expect(await done).toBe(0);
  });
});

describe('netroom chat command line', () => {
  it('exits 2 with one line on bad usage', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await chatCommand('ftp://x', {})).toBe(2);
      expect(await chatCommand(undefined, { heartbeat: '100' })).toBe(2);
      expect(await chatCommand('http://x', { udp: '127.0.0.1:8888' })).toBe(2);
      const lines = stderr.mock.calls.map(([line]) => String(line));
      expect(lines[0]).toBe('netroom chat: expected an http:// or https:// URL, not "ftp://x"\n');
      expect(lines[1]).toMatch(/--heartbeat goes with --udp/u);
      for (const line of lines) expect(line.trimEnd().split('\n')).toHaveLength(1);
    } finally {
      stderr.mockRestore();
    }
  });

  it('registers `chat [url] --udp --heartbeat --lang --token`', () => {
    const program = new Command('netroom');
    registerChat(program);
    const chat = program.commands.find((c) => c.name() === 'chat');
    expect(chat?.options.map((o) => o.long)).toEqual(['--udp', '--heartbeat', '--lang', '--token']);
    expect(chat?.registeredArguments.map((a) => a.name())).toEqual(['url']);
  });
});
