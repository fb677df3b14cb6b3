// End to end in real Chromium, two browsers: files pasted or dropped into the composer are uploaded into the folder shown and announced in the room on screen.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { enterRoom, logLine, screenshot } from './helpers/browser.js';

const rig = browserRig({ flood: 'off' });

async function member(name: string, at?: string): Promise<Page> {
  const { page } = await rig.open(at === undefined ? {} : { path: at });
  await enterRoom(page, name);
  return page;
}

/** Put a file into the composer as the browser does: a `paste` with clipboard files, or a `drop` with dragged ones. */
async function put(page: Page, how: 'paste' | 'drop', file: { name: string; type: string; text: string }): Promise<void> {
  const make =
    how === 'paste'
      ? "new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true })"
      : "new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true })";
  await page.evaluate(`(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([${JSON.stringify(file.text)}], ${JSON.stringify(file.name)}, { type: ${JSON.stringify(file.type)} }));
    document.getElementById('composer').dispatchEvent(${make});
  })()`);
}

describe('web UI: files pasted or dropped into the composer', () => {
  it('uploads a pasted file into the folder shown and announces it in the room; a nameless image gets a pasted-time name', async () => {
    const quinn = await member('quinn');
    const rosa = await member('rosa');
    await put(quinn, 'paste', { name: 'notes.txt', type: 'text/plain', text: 'pasted words' });
    await logLine(rosa, 'notes.txt').waitFor();
    await logLine(quinn, 'notes.txt').waitFor();
    expect(await fs.readFile(path.join(rig.server.dir, 'notes.txt'), 'utf8')).toBe('pasted words');
    // The text box keeps what was typed: the paste was a file, not text.
    expect(await quinn.locator('#composer').inputValue()).toBe('');

    await put(quinn, 'paste', { name: 'image.png', type: 'image/png', text: 'not really a png' });
    const pasted = logLine(rosa, /pasted-\d{8}-\d{6}\.png/u);
    await pasted.waitFor();
    const name = /pasted-\d{8}-\d{6}\.png/u.exec((await pasted.textContent()) ?? '')?.[0] ?? '';
    expect(await fs.readFile(path.join(rig.server.dir, name), 'utf8')).toBe('not really a png');
    await screenshot(rosa.locator('section.chat'), 'screenshots/web-people-pasted.png');
  });

  it('uploads a dropped file into the folder the files pane shows, shared into the room on screen', async () => {
    await fs.mkdir(path.join(rig.server.dir, 'docs'), { recursive: true });
    const sam = await member('sam', 'files/docs/');
    const tess = await member('tess');
    await sam.locator('#join-room').fill('#team');
    await sam.locator('#join-room').press('Enter');
    await sam.locator('#chat-title', { hasText: '#team' }).waitFor();
    await tess.locator('#join-room').fill('#team');
    await tess.locator('#join-room').press('Enter');
    await tess.locator('#chat-title', { hasText: '#team' }).waitFor();
    await put(sam, 'drop', { name: 'dropped.txt', type: 'text/plain', text: 'dropped words' });
    await logLine(tess, 'docs/dropped.txt').waitFor();
    expect(await fs.readFile(path.join(rig.server.dir, 'docs', 'dropped.txt'), 'utf8')).toBe('dropped words');
    // Into #team only: #lobby was not told.
    await tess.locator('#sidebar li[data-room="#lobby"] button.open').click();
    await tess.locator('#chat-title', { hasText: '#lobby' }).waitFor();
    expect(await logLine(tess, 'dropped.txt').count()).toBe(0);
  });

  it('shares nothing from a private conversation, and says why', async () => {
    const uma = await member('uma');
    await member('vic');
    await uma.locator('.members button.member', { hasText: 'vic' }).click();
    await uma.locator('#chat-title', { hasText: 'vic' }).waitFor();
    await put(uma, 'paste', { name: 'secret.txt', type: 'text/plain', text: 'for vic' });
    await uma.locator('#share-error', { hasText: 'open a room' }).waitFor();
    await expect(fs.stat(path.join(rig.server.dir, 'secret.txt'))).rejects.toThrow();
  });
});
