// Tests of UdpChatClient and the `netroom chat --udp` session logic, against a real UDP door.
import { createSocket } from 'node:dgram';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UdpChatClient, UdpChatError, errorCodeOf } from '../src/client/udp.js';
import { parseHostPort } from '../src/cli/args.js';
import { chatCommand, registerChat, runUdpChat } from '../src/cli/chat.js';
import { decodeRequest } from '../src/doors/udp/codec.js';
import { TestUdpClient, WAIT_MS, startUdpRig, type UdpRig } from './helpers/udp.js';
import { Waker } from './helpers/waker.js';

let rig: UdpRig | undefined;
const clients: UdpChatClient[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await rig?.close();
  rig = undefined;
});

function chatClient(port: number, extra: { timeoutMs?: number; heartbeatMs?: number } = {}): UdpChatClient {
  const client = new UdpChatClient({ host: '127.0.0.1', port, ...extra });
  clients.push(client);
  return client;
}

/** Resolve with the next `notice` event of a client (fails the test after WAIT_MS). */
function nextNotice(client: UdpChatClient): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no notice')), WAIT_MS);
    client.once('notice', (text) => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

/** A port nobody listens on: bind one, read it, close it. */
async function deadPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** Collects what a session writes and lets the test await a piece of it. */
class Screen {
  readonly stream = new PassThrough();
  text = '';
  private readonly waker = new Waker();

  constructor() {
    this.stream.setEncoding('utf8');
    this.stream.on('data', (chunk: string) => {
      this.text += chunk;
      this.waker.wake();
    });
  }

  /** Wait until the output contains `needle` (after `from`, default anywhere). */
  async waitFor(needle: string, from = 0): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!this.text.includes(needle, from)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`output never showed ${JSON.stringify(needle)}; got ${JSON.stringify(this.text)}`);
      await this.waker.wait(left);
    }
  }
}

describe('UdpChatClient', () => {
  it('enters, hears notices without the leading newline, says, and quits on EXIT', async () => {
    rig = await startUdpRig();
    const bob = await rig.member('bob');
    const alice = chatClient(rig.port);
    await alice.enter('alice');
    expect(alice.memberName).toBe('alice');
    expect(await bob.next()).toBe('\nalice joined the room');
    const heard = nextNotice(alice);
    bob.send('C bob hi alice');
    expect(await heard).toBe('bob: hi alice');
    alice.say('hello  bob');
    expect(await bob.next()).toBe('\nalice: hello  bob');
    await alice.quit();
    expect(await bob.next()).toBe('\nalice left the room');
    expect(rig.chat.find('alice')).toBeUndefined();
  });

  it("rejects a refused name with the server's text and lets the caller try again", async () => {
    rig = await startUdpRig();
    await rig.member('alice');
    const client = chatClient(rig.port);
    const refusal = await client.enter('ALICE').catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(UdpChatError);
    expect((refusal as UdpChatError).kind).toBe('refused');
    expect((refusal as UdpChatError).code).toBe('NAME_TAKEN');
    expect((refusal as UdpChatError).message).toMatch(/^ERROR NAME_TAKEN: /);
    await client.enter('alice2');
    expect(client.memberName).toBe('alice2');
  });

  it('reassembles a notice split over several datagrams into one event', async () => {
    rig = await startUdpRig();
    const bob = await rig.member('bob');
    const alice = chatClient(rig.port);
    await alice.enter('alice');
    const text = '长消息'.repeat(666) + '!!'; // 2000 characters, ~6 KB
    const heard = nextNotice(alice);
    bob.send(`C bob ${text}`);
    expect(await heard).toBe(`bob: ${text}`);
  });

  it('emits exit after the closing notice when the room closes', async () => {
    rig = await startUdpRig();
    const alice = chatClient(rig.port);
    await alice.enter('alice');
    const notices: string[] = [];
    alice.on('notice', (t) => notices.push(t));
    const exited = new Promise<void>((resolve) => alice.once('exit', resolve));
    rig.chat.close();
    await exited;
    expect(notices).toEqual(['the server is closing']);
  });

  it('sends heartbeats when asked to, which the door then tracks', async () => {
    rig = await startUdpRig();
    const bob = await rig.member('bob');
    const alice = chatClient(rig.port, { heartbeatMs: 60_000 });
    await alice.enter('alice');
    alice.say('after the first beat'); // the first H went out right after OK, on the same socket
    await bob.waitFor('\nalice: after the first beat');
    expect([...rig.door.peers.heartbeating].map((p) => p.member.name)).toEqual(['alice']);
  });

  it('retries L once, then times out against a server that never answers', async () => {
    const silent = await TestUdpClient.open(0); // just a socket that reads and never replies
    try {
      const client = chatClient(silent.localPort, { timeoutMs: 300 });
      const err = await client.enter('alice').catch((e: unknown) => e);
      expect((err as UdpChatError).kind).toBe('timeout');
      // Padded (issue 10 item 7: the door answers a stranger with no more bytes than it sent).
      for (let i = 0; i < 2; i++) expect(decodeRequest(await silent.nextBuffer())).toEqual({ ok: true, request: { kind: 'L', name: 'alice' } });
    } finally {
      silent.close();
    }
  });

  it('fails fast with a network error when nothing listens', async () => {
    const client = chatClient(await deadPort());
    const err = await client.enter('alice').catch((e: unknown) => e);
    expect((err as UdpChatError).kind).toBe('network');
    expect((err as UdpChatError).message).toMatch(/refused/);
  });

  it('sends a direct message with M (netroom extension), heard by its addressee only', async () => {
    rig = await startUdpRig();
    const bob = await rig.member('bob');
    const carol = await rig.member('carol');
    await bob.waitFor('\ncarol joined the room');
    const alice = chatClient(rig.port);
    await alice.enter('alice');
    await bob.waitFor('\nalice joined the room');
    await carol.waitFor('\nalice joined the room');
    alice.dm('BOB', 'just  you');
    expect(await bob.next()).toBe('\nalice (private): just  you');
    const refused = nextNotice(alice);
    alice.dm('nobody', 'hello?');
    expect(await refused).toMatch(/^ERROR NO_SUCH_MEMBER: /);
    alice.say('public');
    expect(await carol.next()).toBe('\nalice: public');
  });

  it('finds the error code in English and Chinese error texts', () => {
    expect(errorCodeOf('ERROR NAME_TAKEN: the name a is already in the room')).toBe('NAME_TAKEN');
    expect(errorCodeOf('该用户已存在 (NAME_TAKEN)')).toBe('NAME_TAKEN');
    expect(errorCodeOf('该用户已存在')).toBeUndefined();
  });
});

describe('runUdpChat', () => {
  it('asks again after a refusal, chats, answers /who and leaves on /quit', async () => {
    rig = await startUdpRig();
    const bob = await rig.member('bob');
    const input = new PassThrough();
    const screen = new Screen();
    const session = runUdpChat({ host: '127.0.0.1', port: rig.port, input, output: screen.stream, heartbeatMs: 0 });
    input.write('admin\n');
    await screen.waitFor('refused: ');
    expect(screen.text).toMatch(/refused: .*reserved.* \(RESERVED_NAME\)\n/u);
    input.write('alice\n');
    await screen.waitFor('you are in the room as alice');
    expect(await bob.next()).toBe('\nalice joined the room');
    bob.send('C bob hi alice');
    await screen.waitFor('bob: hi alice\n');
    input.write('hello  world\n');
    expect(await bob.next()).toBe('\nalice: hello  world');
    input.write('//slash\n');
    expect(await bob.next()).toBe('\nalice: /slash');
    input.write('/who\n');
    await screen.waitFor('no member list');
    input.write('/dance\n');
    await screen.waitFor('unknown command /dance');
    input.write('/quit\n');
    expect(await session).toBe(0);
    expect(await bob.next()).toBe('\nalice left the room');
    expect(screen.text).not.toContain('name: '); // no prompts without a terminal
  });

  it('/msg NAME TEXT sends a direct message and shows it; a bad /msg shows the usage', async () => {
    rig = await startUdpRig();
    const bob = await rig.member('bob');
    const input = new PassThrough();
    const screen = new Screen();
    const session = runUdpChat({ host: '127.0.0.1', port: rig.port, input, output: screen.stream, heartbeatMs: 0 });
    input.write('alice\n');
    await screen.waitFor('you are in the room as alice');
    expect(await bob.next()).toBe('\nalice joined the room');
    input.write('/msg bob hi  there\n');
    expect(await bob.next()).toBe('\nalice (private): hi  there');
    await screen.waitFor('(private to bob): hi  there\n');
    input.write('/msg bob\n');
    await screen.waitFor('(usage: /msg NAME TEXT)');
    input.write('/MSG nobody hello\n');
    await screen.waitFor('ERROR NO_SUCH_MEMBER: ');
    input.write('/help-me\n');
    await screen.waitFor('/msg NAME TEXT, /who, /quit');
    input.write('/quit\n');
    expect(await session).toBe(0);
    // Nothing but the one direct message reached bob before alice left.
    expect(await bob.next()).toBe('\nalice left the room');
  });

  it('leaves at the end of input, sending what came before', async () => {
    rig = await startUdpRig();
    const bob = await rig.member('bob');
    const input = new PassThrough();
    const screen = new Screen();
    const session = runUdpChat({ host: '127.0.0.1', port: rig.port, input, output: screen.stream, heartbeatMs: 0 });
    input.end('carol\nlast words\n');
    expect(await session).toBe(0);
    expect(await bob.waitFor((t) => t.startsWith('\ncarol:'))).toBe('\ncarol: last words');
    expect(await bob.next()).toBe('\ncarol left the room');
  });

  it('exits 1 with a reason when the server ends the session', async () => {
    rig = await startUdpRig();
    const input = new PassThrough();
    const screen = new Screen();
    const errors = new Screen();
    const session = runUdpChat({ host: '127.0.0.1', port: rig.port, input, output: screen.stream, errorOutput: errors.stream });
    input.write('dave\n');
    await screen.waitFor('you are in the room as dave');
    rig.chat.close();
    expect(await session).toBe(1);
    expect(screen.text).toContain('the server is closing\n');
    expect(errors.text).toBe('netroom: the server ended the session\n');
  });

  it('exits 1 with a one-line reason when the server cannot be reached', async () => {
    const input = new PassThrough();
    const screen = new Screen();
    const errors = new Screen();
    const session = runUdpChat({ host: '127.0.0.1', port: await deadPort(), input, output: screen.stream, errorOutput: errors.stream });
    input.write('erin\n');
    expect(await session).toBe(1);
    expect(errors.text).toMatch(/^netroom: 127\.0\.0\.1:\d+ refused: nothing listens there\n$/);
  });

  it('in a terminal, prints a notice above the half-typed line and redraws it', async () => {
    rig = await startUdpRig();
    const bob = await rig.member('bob');
    const input = new PassThrough();
    const screen = new Screen();
    const session = runUdpChat({ host: '127.0.0.1', port: rig.port, input, output: screen.stream, terminal: true, heartbeatMs: 0 });
    await screen.waitFor('name: ');
    input.write('frank\r');
    await screen.waitFor('you are in the room as frank');
    await bob.waitFor('\nfrank joined the room');
    input.write('half-typ');
    await screen.waitFor('half-typ');
    const mark = screen.text.length;
    bob.send('C bob interrupting');
    await screen.waitFor('> half-typ', screen.text.indexOf('bob: interrupting', mark));
    input.write('ed\r');
    expect(await bob.next()).toBe('\nfrank: half-typed');
    input.write('/quit\r');
    expect(await session).toBe(0);
  });
});

describe('netroom chat command line', () => {
  it('parses HOST:PORT', () => {
    expect(parseHostPort('127.0.0.1:8888')).toEqual({ host: '127.0.0.1', port: 8888 });
    expect(parseHostPort('localhost:1')).toEqual({ host: 'localhost', port: 1 });
    expect(parseHostPort('[::1]:8888')).toEqual({ host: '::1', port: 8888 });
    for (const bad of ['', '8888', 'host', 'host:', ':8888', 'host:0', 'host:65536', 'host:12ab', '::1:8888', 'a b:1']) {
      expect(() => parseHostPort(bad), bad).toThrow(/HOST:PORT/);
    }
  });

  it('exits 2 with a one-line message on bad usage', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await chatCommand(undefined, { udp: '' })).toBe(2);
      expect(stderr).toHaveBeenLastCalledWith('netroom chat: --udp: expected HOST:PORT (e.g. 127.0.0.1:8888 or [::1]:8888), not ""\n');
      expect(await chatCommand(undefined, { udp: 'nonsense' })).toBe(2);
      expect(await chatCommand('http://x', { udp: '127.0.0.1:8888' })).toBe(2);
      expect(await chatCommand(undefined, { udp: '127.0.0.1:8888', heartbeat: 'soon' })).toBe(2);
      for (const [line] of stderr.mock.calls) expect(String(line).trimEnd().split('\n')).toHaveLength(1);
    } finally {
      stderr.mockRestore();
    }
  });

  it('registers `chat` on the program', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const program = new Command().exitOverride();
    registerChat(program);
    try {
      await program.parseAsync(['chat', '--udp', 'bad'], { from: 'user' });
      expect(process.exitCode).toBe(2);
    } finally {
      process.exitCode = undefined;
      stderr.mockRestore();
    }
  });
});
