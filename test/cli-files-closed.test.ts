// The files menu when input ends while a command is still in flight: no prompt on a closed readline (Node 24 throws "readline was closed").
// No netroom server here (a stub HTTP server holds one request), so this also runs on a Node whose native addons are not built.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runHttpFiles } from '../src/cli/files.js';

describe('netroom files: end of input while a command is still running', () => {
  it('shows no prompt once input has closed (Node 24 throws "readline was closed" from prompt())', async () => {
    // A server that answers the first listing at once and holds the second one until the test has
    // ended the menu's input, so the command is surely in flight when readline closes.
    let release: () => void = () => undefined;
    let requests = 0;
    let heldSeen: () => void = () => undefined;
    const secondRequest = new Promise<void>((resolve) => (heldSeen = resolve));
    const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      const answer = (): void => void res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
      requests += 1;
      if (requests !== 2) return answer();
      release = answer;
      heldSeen();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const run = runHttpFiles({ url: `http://127.0.0.1:${port}/`, input, output, cwd: tmpdir(), terminal: true });
      input.write('list\r');
      await secondRequest;
      const ended = once(input, 'end'); // readline's own 'end' listener (which closes it) runs first
      input.end();
      await ended;
      const mark = out.length;
      release();
      expect(await run).toBe(0);
      expect(out.slice(mark)).not.toContain('files:/>'); // no prompt after the close
      expect(out.slice(mark)).toContain('(/: 0 folders, 0 files)'); // the command still reported
      expect(out.trimEnd().endsWith('bye')).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
