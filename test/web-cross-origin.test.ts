// Chromium: a page of another origin (a second local server, or a rebound name) can neither open netroom's WebSocket nor create a folder; netroom's own pages can.
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchBrowser } from './helpers/browser.js';
import { startNetroom, type NetroomRig } from './helpers/netroom.js';

/** In the page: try the WebSocket and say how it went ('open', or 'error' when the handshake was refused). */
function tryWebSocket(url: string): string {
  return `new Promise((resolve) => {
    const ws = new WebSocket(${JSON.stringify(url)});
    ws.onopen = () => { ws.close(); resolve('open'); };
    ws.onerror = () => resolve('error');
  })`;
}

/** In the page: the attack of the report, a no-cors form-like POST; resolves once the request is done. */
function tryCreateFolder(url: string): string {
  return `fetch(${JSON.stringify(url)}, { method: 'POST', mode: 'no-cors', body: 'x', headers: { 'content-type': 'text/plain' } })
    .then((res) => res.type + ' ' + res.status, (err) => 'failed: ' + err.message)`;
}

describe('Chromium against another origin', () => {
  let netroom: NetroomRig;
  let browser: Browser;
  let other: http.Server;
  let otherBase: string;
  beforeAll(async () => {
    netroom = await startNetroom();
    browser = await launchBrowser();
    // The "other site": a second local server on its own port, so another origin.
    other = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
    other.listen(0, '127.0.0.1');
    await once(other, 'listening');
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await browser?.close();
    other?.close();
    await netroom?.close();
  });

  async function pageAt(url: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  it('a page of another origin cannot open ws://127.0.0.1:PORT/ws, nor POST /api/folders', async () => {
    const page = await pageAt(`${otherBase}/`);
    const ws = `ws://127.0.0.1:${netroom.port}/ws`;
    expect(await page.evaluate(tryWebSocket(ws))).toBe('error');
    // localhost is another origin again (another host name), though the same machine.
    expect(await page.evaluate(tryWebSocket(`ws://localhost:${netroom.port}/ws`))).toBe('error');
    const posted = await page.evaluate(tryCreateFolder(`${netroom.base}/api/folders?path=csrf_folder`));
    expect(posted).toBe('opaque 0');
    await expect(fs.stat(path.join(netroom.root, 'csrf_folder'))).rejects.toMatchObject({ code: 'ENOENT' });
    await page.context().close();
  });

  it('DNS rebinding: an attacker’s name that resolves to 127.0.0.1 gets 421 BAD_HOST, reads included', async () => {
    // Chromium resolves attacker.example to loopback (what a rebinding DNS server does): no traffic leaves the machine.
    const rebinding = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--host-resolver-rules=MAP attacker.example 127.0.0.1'],
    });
    try {
      const page = await (await rebinding.newContext()).newPage();
      const answer = await page.goto(`http://attacker.example:${netroom.port}/api/files`);
      expect(answer?.status()).toBe(421);
      expect(JSON.parse(await page.locator('body').innerText())).toMatchObject({ error: { code: 'BAD_HOST' } });
      // The page is the attacker's origin now; its own-origin WebSocket reaches netroom and is refused too.
      expect(await page.evaluate(tryWebSocket(`ws://attacker.example:${netroom.port}/ws`))).toBe('error');
    } finally {
      await rebinding.close();
    }
  });

  it('a page of netroom’s own origin can', async () => {
    const page = await pageAt(`${netroom.base}/healthz`);
    expect(await page.evaluate(tryWebSocket(`ws://127.0.0.1:${netroom.port}/ws`))).toBe('open');
    const created = await page.evaluate(`fetch('/api/folders?path=own_folder', { method: 'POST' }).then((res) => res.status)`);
    expect(created).toBe(201);
    expect((await fs.stat(path.join(netroom.root, 'own_folder'))).isDirectory()).toBe(true);
    await page.context().close();
  });
});
