// The web UI over HTTPS in Chromium: the page loads from https://, chats over wss://, and the member sees itself in the list.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterRoom, launchBrowser, startServer, waitForMembers, WAIT_MS, type E2eServer } from './helpers/browser.js';
import { makeTestCert, type TestCert } from './helpers/tls.js';

let cert: TestCert;
let server: E2eServer;
let browser: Browser;

beforeAll(async () => {
  cert = await makeTestCert();
  server = await startServer({ tlsCert: cert.certFile, tlsKey: cert.keyFile, ircs: 'off' });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await cert?.remove();
});

describe('web UI over HTTPS', () => {
  it('loads over https, enters the room over wss and shows the member in the list', async () => {
    const base = `https://127.0.0.1:${server.httpPort}/`;
    // The test certificate is self-signed: Chromium is told to accept it (a real deployment has a CA-signed one).
    const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-US' });
    context.setDefaultTimeout(WAIT_MS);
    const requests: string[] = [];
    const sockets: string[] = [];
    const errors: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    try {
      const page = await context.newPage();
      page.on('websocket', (ws) => sockets.push(ws.url()));
      page.on('pageerror', (err) => errors.push(err.message));
      const response = await page.goto(base);
      expect(response?.status()).toBe(200);
      expect(await response?.headerValue('strict-transport-security')).toBe('max-age=31536000');
      await enterRoom(page, 'tlsweb');
      await waitForMembers(page, ['tlsweb']);
      expect(server.server.chat.find('tlsweb')).toBeDefined();
      expect(sockets.length).toBeGreaterThan(0);
      expect(sockets.every((url) => url.startsWith(`wss://127.0.0.1:${server.httpPort}/`))).toBe(true);
      // Everything came from the server itself, over TLS.
      expect(requests.filter((url) => !url.startsWith(base) && !url.startsWith('wss://') && !/^(data|blob):/u.test(url))).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
