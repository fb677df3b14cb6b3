// Test fixtures for the seed file door: a door on a temp library, hashing, a raw socket, the seeds' Python programs.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Library, type LibraryOptions } from '../../src/core/library.js';
import { Chat } from '../../src/core/chat/chat.js';
import type { ChatEvent } from '../../src/core/chat/types.js';
import type { Lang } from '../../src/core/i18n.js';
import { SeedFilesDoor, type SeedFilesDoorOptions } from '../../src/doors/seedfiles/door.js';
import { silentLogger } from '../../src/log.js';

/** A running door on a fresh temp library, with every room event recorded. */
export interface SeedFixture {
  readonly dir: string;
  readonly root: string;
  readonly chat: Chat;
  readonly library: Library;
  readonly door: SeedFilesDoor;
  readonly port: number;
  readonly events: ChatEvent[];
  close(): Promise<void>;
}

/** Start a door on 127.0.0.1 port 0 over `<tmp>/lib`; `<tmp>` itself is there to check nothing escapes. */
export async function startSeedDoor(
  options: { door?: Partial<SeedFilesDoorOptions>; library?: LibraryOptions; lang?: Lang } = {},
): Promise<SeedFixture> {
  const dir = await tempDir('netroom-seedfiles-');
  const root = path.join(dir, 'lib');
  const library = new Library(root, options.library);
  await library.init();
  const chat = new Chat();
  const events: ChatEvent[] = [];
  chat.subscribe((e) => events.push(e));
  const ctx = { chat, library, lang: options.lang ?? 'en', log: silentLogger() };
  const door = new SeedFilesDoor(ctx, { host: '127.0.0.1', port: 0, ...options.door });
  await door.listen();
  return {
    dir,
    root,
    chat,
    library,
    door,
    port: door.address().port,
    events,
    async close() {
      await door.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Write `bytes` (random if a number) to `dir/name`; returns the path and the SHA-256. */
export async function makeFile(dir: string, name: string, bytes: Buffer | number): Promise<{ file: string; sha256: string; size: number }> {
  const data = typeof bytes === 'number' ? randomBytes(bytes) : bytes;
  const file = path.join(dir, name);
  await fs.writeFile(file, data);
  return { file, sha256: sha256(data), size: data.length };
}

/** Resolves with the next room event of `kind` (already recorded or still to come). */
export function nextEvent(chat: Chat, test: (e: ChatEvent) => boolean): Promise<ChatEvent> {
  return new Promise((resolve) => {
    const stop = chat.subscribe((e) => {
      if (!test(e)) return;
      stop();
      resolve(e);
    });
  });
}

/** A raw TCP connection that collects what the server sends, to speak the protocol byte by byte. */
export class RawClient {
  readonly socket: net.Socket;
  private received = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  ended = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    return new RawClient(socket);
  }

  /** Wait until what was received (since the last take) satisfies `test`, then take it all. */
  async until(test: (text: Buffer) => boolean): Promise<Buffer> {
    while (!test(this.received)) {
      if (this.ended) throw new Error(`connection closed; received so far: ${JSON.stringify(this.received.toString())}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const all = this.received;
    this.received = Buffer.alloc(0);
    return all;
  }

  /** Wait for the server to close the connection; resolves with everything not yet taken. */
  async closed(): Promise<Buffer> {
    while (!this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.received;
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** True when a `python3` runs here: the compatibility tests with the seeds' own programs need it. */
export function hasPython(): boolean {
  try {
    execFileSync('python3', ['-c', 'print(1)'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The seed's FtpClient class (seed 003), verbatim, driven by a script instead of `input()`. */
export const SEED_FTP_CLIENT = `
import sys, os, time
from socket import *

class FtpClient(object):
    def __init__(self,sockfd):
        self.sockfd = sockfd

    def do_list(self):
        self.sockfd.send(b'L') # 发送请求
        # 等待回复
        data = self.sockfd.recv(128).decode()
        if data == 'OK':
            data = self.sockfd.recv(4096).decode()
            files = data.split('#')
            for file in files:
                print(file)
            print('文件列表展示完毕\\n')
        else:
            # 无法执行操作
            print(data)

    def do_quit(self):
        self.sockfd.send(b'Q')
        self.sockfd.close()
        sys.exit('谢谢使用')

    def do_get(self,filename):
        self.sockfd.send(('G '+filename).encode())
        data = self.sockfd.recv(128).decode()
        if data == 'OK':
            fd = open(filename,'wb')
            while True:
                data = self.sockfd.recv(1024)
                # 接收结束标志
                if data == b'##':
                    break
                fd.write(data)
            fd.close()
            print('%s下载完毕'%filename)
        else:
            print(data)

    def do_put(self,filename):
        try:
            fd = open(filename,'rb')
        except:
            print('没有找到文件')
            return
        self.sockfd.send(('P '+filename).encode())
        data = self.sockfd.recv(128).decode()
        if data == 'OK':
            while True:
                data = fd.read(1024)
                if not data:
                    time.sleep(0.1)
                    # 发送文件读取完标志
                    self.sockfd.send(b'##')
                    break
                self.sockfd.send(data)
            fd.close()
            print('%s上传完毕'%filename)
        else:
            print(data)

# Driver (not in the seed): port, then commands such as list, get NAME, put NAME, quit.
sockfd = socket()
sockfd.connect(('127.0.0.1', int(sys.argv[1])))
ftp = FtpClient(sockfd)
for cmd in sys.argv[2:]:
    if cmd == 'list': ftp.do_list()
    elif cmd == 'quit': ftp.do_quit()
    elif cmd[:3] == 'get': ftp.do_get(cmd.split()[-1])
    elif cmd[:3] == 'put': ftp.do_put(cmd.split()[-1])
    sys.stdout.flush()
`;

/**
 * The seed's FtpServer class (seed 003), verbatim, served by threads instead of fork() on a free
 * port that it prints, with FILE_PATH from argv[1].
 */
export const SEED_FTP_SERVER = `
import sys, os, time, threading
from socket import *

class FtpServer(object):
    def __init__(self,connfd):
        self.connfd = connfd

    def do_list(self):
        print('执行List')
        # 获取文件列表
        file_list = os.listdir(FILE_PATH)
        if not file_list:
            self.connfd.send('文件库为空').encode()
        else:
            self.connfd.send(b'OK')
            time.sleep(0.1)

        files = ''
        for file in file_list:
            if file[0] != '.' and os.path.isfile(FILE_PATH + file):
                files = files + file + '#'
        # 将拼接好的文件名字符串发送给客户端
        self.connfd.sendall(files.encode())

    def do_get(self,filename):
        try:
            fd = open(FILE_PATH+filename,'rb')
        except:
            self.connfd.send('文件不存在'.encode())
            return
        else:
            self.connfd.send(b'OK')
            time.sleep(0.1)
        # 发送文件内容
        while True:
            data = fd.read(1024)
            if not data:
                time.sleep(0.1)
                self.connfd.send(b'##')
                break
            self.connfd.send(data)
        print('文件发送完毕')

    def do_put(self,filename):
        try:
            fd = open(FILE_PATH+filename,'wb')
        except:
            self.connfd.send('上传失败'.encode())
            return
        else:
            self.connfd.send(b'OK')
        # 接收文件
        while True:
            data = self.connfd.recv(1024)
            if data == b'##':
                break
            fd.write(data)
        fd.close()
        print('接收完毕')

# Driver (not in the seed): the seed's accept loop, with a thread per client instead of fork().
FILE_PATH = sys.argv[1].rstrip('/') + '/'
sockfd = socket()
sockfd.setsockopt(SOL_SOCKET,SO_REUSEADDR,1)
sockfd.bind(('127.0.0.1', 0))
sockfd.listen(5)
print(sockfd.getsockname()[1], flush=True)

def serve(connfd):
    ftp = FtpServer(connfd)
    while True:
        data = connfd.recv(1024).decode()
        if not data or data[0] == 'Q':
            connfd.close()
            return
        elif data[0] == 'L':
            ftp.do_list()
        elif data[0] == 'G':
            ftp.do_get(data.split(' ')[-1])
        elif data[0] == 'P':
            ftp.do_put(data.split(' ')[-1])

while True:
    connfd, addr = sockfd.accept()
    threading.Thread(target=serve, args=(connfd,), daemon=True).start()
`;
