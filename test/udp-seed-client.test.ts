// The seeds' own UDP chat client (seed 002, verbatim) against the door on the rooms chat: #lobby only, direct messages received, chat and quit as before.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { LOBBY, type ChatEvent } from '../src/core/chat/types.js';
import { hasPython } from './helpers/seedfiles.js';
import { WAIT_MS, startUdpRig, type UdpRig } from './helpers/udp.js';
import { Waker } from './helpers/waker.js';
import { SEED_LOGIN_DEF } from './helpers/seed-login.js';

/** Seed 002's client as published (imports, login, do_child, do_parent, main). */
const SEED_CLIENT = `
from socket import *
import sys, os


${SEED_LOGIN_DEF}

# 发送消息
def do_child(s, name, addr):
    while True:
        text = input("发言(quit退出):")
        # 退出
        if text.strip() == "quit":
            msg = "Q " + name
            s.sendto(msg.encode(), addr)
            sys.exit("退出聊天室")

        msg = "C %s %s" % (name, text)
        s.sendto(msg.encode(), addr)


# 接收消息
def do_parent(s):
    while True:
        msg, addr = s.recvfrom(1024)
        if msg.decode() == 'EXIT':
            sys.exit(0)
        print(msg.decode() + "\\n发言(quit退出):",end="")


# main控制套接字的创建
def main():
    if len(sys.argv) < 3:
        print("argv is error")
        return
    HOST = sys.argv[1]
    PORT = int(sys.argv[2])
    ADDR = (HOST, PORT)

    s = socket(AF_INET, SOCK_DGRAM)

    name = login(s, ADDR)
    if name:
        pid = os.fork()
        if pid < 0:
            sys.exit("创建子进程失败")
        elif pid == 0:
            do_child(s, name, ADDR)
        else:
            do_parent(s)
    else:
        return


if __name__ == "__main__":
    main()
`;

let rig: UdpRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** The seed client's terminal: what it printed so far, and a wait for a piece of it. */
class SeedTerminal {
  text = '';
  private readonly waker = new Waker();

  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.text += chunk;
      this.waker.wake();
    });
  }

  async waitFor(needle: string): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (!this.text.includes(needle)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`the seed client never printed ${JSON.stringify(needle)}; it printed ${JSON.stringify(this.text)}`);
      await this.waker.wait(left);
    }
  }
}

/** The next chat event matching `test`. */
function nextEvent(r: UdpRig, test: (e: ChatEvent) => boolean): Promise<ChatEvent> {
  return new Promise((resolve) => {
    const stop = r.chat.subscribe((e) => {
      if (test(e)) {
        stop();
        resolve(e);
      }
    });
  });
}

describe.skipIf(!hasPython())("the seeds' UDP chat client on the rooms chat", () => {
  it('enters #lobby, prints #lobby and its direct messages only, chats, and quits on EXIT', async () => {
    const r = (rig = await startUdpRig({ lang: 'zh' }));
    // -u: the seed's prints reach the pipe as they happen (the program itself is unchanged).
    const child = spawn('python3', ['-u', '-c', SEED_CLIENT, '127.0.0.1', String(r.port)], { stdio: 'pipe' });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const screen = new SeedTerminal(child.stdout);
      child.stdin.write('小明\n');
      await screen.waitFor('@进入聊天室@');
      const xiaoming = r.chat.find('小明');
      expect(xiaoming && r.chat.roomsOf(xiaoming)).toEqual([LOBBY]);

      const ira = r.chat.connect('ira', 'irc');
      r.chat.join(ira, '#dev');
      r.chat.say(ira, '#dev', 'dev only talk');
      r.chat.dm(ira, '小明', '悄悄话');
      r.chat.join(ira, LOBBY);
      r.chat.say(ira, LOBBY, '大家好');
      await screen.waitFor('ira 说: 大家好');
      expect(screen.text).toContain('\nira 私下说: 悄悄话\n发言(quit退出):');
      expect(screen.text).toContain('\n欢迎 ira 进入聊天室\n发言(quit退出):');
      expect(screen.text).not.toContain('dev only talk');

      const said = nextEvent(r, (e) => e.kind === 'message' && e.name === '小明');
      child.stdin.write('你好 世界\n');
      expect(await said).toMatchObject({ room: LOBBY, text: '你好 世界' });

      const left = nextEvent(r, (e) => e.kind === 'quit' && e.name === '小明');
      child.stdin.end('quit\n');
      expect(await left).toMatchObject({ reason: 'quit', rooms: [LOBBY] });
      // The receiving process exits 0 on the door's EXIT.
      expect(await closed).toBe(0);
      expect(r.chat.find('小明')).toBeUndefined();
    } finally {
      // The forked sender reads stdin: end it too, or it outlives a failed test.
      child.stdin.end();
      child.kill();
      await closed;
    }
  });
});
