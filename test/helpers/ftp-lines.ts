// FTP replies read off a control connection (RFC 959 4.2: single and multi-line), shared by the plain and the TLS raw clients.
import type * as net from 'node:net';
import { StringDecoder } from 'node:string_decoder';

/** One FTP reply: the code and every line's text. */
export interface FtpReply {
  readonly code: number;
  readonly lines: string[];
  readonly text: string;
}

/** Send a line, read the next complete (possibly multi-line) reply; the socket can be swapped (AUTH TLS). */
export class FtpLines {
  private buffer = '';
  /** UTF-8 split across reads stays whole (names in replies are UTF-8). */
  private readonly decoder = new StringDecoder('utf8');
  private readonly replies: FtpReply[] = [];
  private waiter: (() => void) | null = null;
  closed = false;
  private readonly onData = (chunk: Buffer): void => {
    this.buffer += this.decoder.write(chunk);
    this.parse();
  };
  private readonly onClose = (): void => {
    this.closed = true;
    this.waiter?.();
  };

  constructor(public socket: net.Socket) {
    this.attach(socket);
  }

  /** Read replies from `socket` from now on (the TLS socket over the plain one after AUTH TLS). */
  protected attach(socket: net.Socket): void {
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('error', () => undefined);
    socket.on('close', this.onClose);
  }

  /** Stop reading the current socket (before it is wrapped). */
  protected detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
  }

  send(line: string | Buffer): void {
    this.socket.write(typeof line === 'string' ? `${line}\r\n` : line);
  }

  /** The next reply (waits for it). */
  async reply(): Promise<FtpReply> {
    while (this.replies.length === 0) {
      if (this.closed) throw new Error(`connection closed; unparsed: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = null;
    }
    return this.replies.shift()!;
  }

  /** Send a command and return its reply. */
  async command(line: string): Promise<FtpReply> {
    this.send(line);
    return this.reply();
  }

  /** Send a command and require the reply code. */
  async expect(line: string, code: number): Promise<FtpReply> {
    const reply = await this.command(line);
    if (reply.code !== code) throw new Error(`${line}: expected ${code}, got ${reply.code} ${reply.text}`);
    return reply;
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): void {
    for (;;) {
      const lines = this.buffer.split('\r\n');
      if (lines.length < 2) return;
      const first = lines[0]!;
      const match = /^(\d{3})([ -])/u.exec(first);
      if (!match) throw new Error(`bad reply line ${JSON.stringify(first)}`);
      let end = 0;
      if (match[2] === '-') {
        end = lines.findIndex((l, i) => i > 0 && l.startsWith(`${match[1]} `));
        if (end < 0 || end === lines.length - 1) return; // not complete yet
      }
      const taken = lines.slice(0, end + 1);
      this.buffer = lines.slice(end + 1).join('\r\n');
      this.replies.push({ code: Number(match[1]), lines: taken, text: taken.map((l) => l.replace(/^\d{3}[ -]/u, '')).join('\n') });
      this.waiter?.();
    }
  }
}
