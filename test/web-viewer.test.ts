// End to end in real Chromium, keyboard only: the file viewer opened from the address (`files/DIR/?view=NAME`): images with next/previous and Back, text, code, Markdown, PDF, audio, video, downloads; nothing in a file runs.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible as expectAccessibleIn } from './helpers/axe.js';
import { browserRig } from './helpers/browser-rig.js';
import { screenshot, scrollWidth, type WebPage } from './helpers/browser.js';

const rig = browserRig();

async function put(rel: string, data: Buffer | string): Promise<void> {
  const file = path.join(rig.server.dir, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
}

function picture(width: number, height: number, r: number, format: 'png' | 'jpeg'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r, g: 120, b: 200 } } })
    .toFormat(format)
    .toBuffer();
}

// A one-page PDF, written out by hand (the xref offsets need not be exact for the element test).
const PDF = '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n';

const MARKDOWN = [
  '# Project notes',
  '',
  'Some **bold** and *italic* text, `inline code` and a [site](https://example.com/docs).',
  '',
  '<script>window.__mdRan = 1; alert("md")</script>',
  '',
  '[bad](javascript:alert(1)) <img src=x onerror="window.__imgRan = 1">',
  '',
  '- one',
  '- two',
  '',
  '```js',
  'const x = 1 < 2;',
  '```',
].join('\n');

const HTML = '<!doctype html><title>page</title><script>window.top.__htmlRan = 1; alert("html")</script><h1>Hello</h1>\n';

beforeAll(async () => {
  await put('pics/a.png', await picture(800, 600, 20, 'png'));
  await put('pics/b.png', await picture(600, 800, 120, 'png'));
  await put('pics/c.jpg', await picture(640, 480, 220, 'jpeg'));
  await put('pics/d.svg', '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><script>window.top.__svgRan = 1</script><rect width="40" height="40" fill="teal"/></svg>');
  await put('pics/notes.txt', 'not an image\n');
  await put('docs/readme.md', MARKDOWN);
  await put('docs/page.html', HTML);
  await put('docs/app.ts', 'export function add(a: number, b: number): number {\n  return a + b; // <b>not bold</b>\n}\n');
  await put('docs/manual.pdf', PDF);
  await put('docs/big.log', 'x'.repeat(1024 * 1024 + 10));
  await put('docs/data.bin', Buffer.from([0, 1, 2, 3, 4, 5]));
  await put('media/song.mp3', Buffer.alloc(64));
  await put('media/clip.mp4', Buffer.alloc(64));
});

/** A page opened at `files/DIR/?view=NAME`, counting any alert/confirm a file might raise. */
async function openAt(address: string): Promise<WebPage & { dialogs: string[] }> {
  const opened = await rig.open({ path: address });
  const dialogs: string[] = [];
  opened.page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { ...opened, dialogs };
}

const viewer = (page: Page) => page.getByRole('dialog');
const focusInViewer = (page: Page): Promise<boolean> =>
  page.evaluate<boolean>('document.querySelector("#viewer").contains(document.activeElement)');
const viewParam = (page: Page): string | null => new URL(page.url()).searchParams.get('view');

/** Nothing a file held ran: no alert, no flag set on the page. */
async function nothingRan(page: Page, dialogs: string[]): Promise<void> {
  const flags = await page.evaluate('[window.__mdRan, window.__imgRan, window.__htmlRan, window.__svgRan].filter((v) => v !== undefined).length');
  expect(flags).toBe(0);
  expect(dialogs).toEqual([]);
}

/** Axe in light and dark, with a screenshot of each. */
function expectAccessible(page: Page, screen: string): Promise<void> {
  return expectAccessibleIn(page, screen, { stem: `screenshots/web-viewer-${screen}` });
}

describe('web UI: the file viewer', () => {
  it('an image from the address; arrows step through the folder\'s images, Back returns, Escape closes, focus stays in the dialog', async () => {
    const { page, dialogs } = await openAt('files/pics/?view=a.png');
    const dialog = page.getByRole('dialog', { name: 'a.png' });
    await dialog.waitFor();
    const img = dialog.locator('img.viewer-image');
    expect(await img.getAttribute('src')).toBe('files/pics/a.png');
    await expect.poll(() => page.evaluate('document.querySelector("#viewer img").naturalWidth')).toBe(800);
    // The dialog takes the focus (its close button) and is named by the file.
    await expect.poll(() => page.evaluate('document.activeElement.getAttribute("aria-label")')).toBe('Close the viewer');
    await expect.poll(() => dialog.locator('.viewer-position').textContent()).toBe('Image 1 of 4');
    await expectAccessible(page, 'image');

    // Right, Right, Left: b, c.jpg, b (names in reading order; the text file is not an image).
    await page.keyboard.press('ArrowRight');
    await page.getByRole('dialog', { name: 'b.png' }).waitFor();
    await expect.poll(() => viewParam(page)).toBe('b.png');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('dialog', { name: 'c.jpg' }).waitFor();
    expect(await viewer(page).locator('img').getAttribute('src')).toBe('files/pics/c.jpg');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('dialog', { name: 'd.svg' }).waitFor();
    // SVG is shown as a picture (no scripts in <img>), never in a frame.
    expect(await viewer(page).locator('img').getAttribute('src')).toBe('files/pics/d.svg');
    await page.keyboard.press('ArrowRight'); // round to the first
    await page.getByRole('dialog', { name: 'a.png' }).waitFor();
    await page.keyboard.press('ArrowLeft');
    await page.getByRole('dialog', { name: 'd.svg' }).waitFor();

    // Each step was a history entry: Back goes to the image before.
    await page.goBack();
    await page.getByRole('dialog', { name: 'a.png' }).waitFor();
    await page.goBack();
    await page.getByRole('dialog', { name: 'd.svg' }).waitFor();

    // Tab goes round the dialog's controls only (the page behind is inert).
    for (let i = 0; i < 8; i += 1) {
      await page.keyboard.press('Tab');
      expect(await focusInViewer(page)).toBe(true);
    }
    // The buttons work from the keyboard too.
    await viewer(page).getByRole('button', { name: 'Previous image' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog', { name: 'c.jpg' }).waitFor();

    await page.keyboard.press('Escape');
    await viewer(page).waitFor({ state: 'detached' });
    await expect.poll(() => viewParam(page)).toBeNull();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/\/files\/pics\/$/u);
    // Closing was a step too: Back opens the image again.
    await page.goBack();
    await page.getByRole('dialog', { name: 'c.jpg' }).waitFor();
    await viewer(page).getByRole('button', { name: 'Close the viewer' }).focus();
    await page.keyboard.press('Enter');
    await viewer(page).waitFor({ state: 'detached' });
    await nothingRan(page, dialogs);
  });

  it('text and code are shown as text; a web page is text, never run', async () => {
    const { page, dialogs } = await openAt('files/docs/?view=app.ts');
    const code = page.getByRole('dialog', { name: 'app.ts' }).locator('pre.viewer-text');
    await expect.poll(() => code.textContent()).toContain('return a + b; // <b>not bold</b>');
    expect(await code.locator('b').count()).toBe(0);

    await page.keyboard.press('Escape');
    await viewer(page).waitFor({ state: 'detached' });
    await page.goto(new URL('files/docs/?view=page.html', rig.server.base).href);
    const html = page.getByRole('dialog', { name: 'page.html' }).locator('pre.viewer-text');
    await expect.poll(() => html.textContent()).toBe(HTML);
    expect(await viewer(page).locator('iframe, object, embed, script').count()).toBe(0);
    // Only the text is set in monospace (the dialog once shared a class name with the text's styles).
    expect(await page.evaluate('getComputedStyle(document.querySelector("#viewer-title")).fontFamily')).not.toMatch(/mono/u);
    expect(await page.title()).not.toBe('page');
    await expectAccessible(page, 'text');
    await nothingRan(page, dialogs);
  });

  it('Markdown is rendered: headings, emphasis, safe links, lists, code; its HTML stays text and never runs', async () => {
    const { page, dialogs } = await openAt('files/docs/?view=readme.md');
    const doc = page.getByRole('dialog', { name: 'readme.md' }).locator('article.viewer-markdown');
    await doc.getByRole('heading', { name: 'Project notes', level: 1 }).waitFor();
    expect(await doc.locator('strong').textContent()).toBe('bold');
    expect(await doc.locator('em').textContent()).toBe('italic');
    const link = doc.getByRole('link', { name: 'site' });
    expect([await link.getAttribute('href'), await link.getAttribute('rel')]).toEqual(['https://example.com/docs', 'noopener noreferrer nofollow']);
    expect(await doc.locator('li').allTextContents()).toEqual(['one', 'two']);
    expect(await doc.locator('pre code.language-js').textContent()).toBe('const x = 1 < 2;');
    // The script, the javascript: link and the <img> are text on the page, not elements.
    expect(await doc.textContent()).toContain('<script>window.__mdRan = 1; alert("md")</script>');
    expect(await doc.textContent()).toContain('[bad](javascript:alert(1))');
    expect(await doc.locator('script, img, iframe').count()).toBe(0);
    expect(await doc.locator('a[href^="javascript"]').count()).toBe(0);
    await expectAccessible(page, 'markdown');
    await nothingRan(page, dialogs);
  });

  it('a PDF in a frame of files/PATH; audio and video players on the file', async () => {
    const { page, problems } = await openAt('files/docs/?view=manual.pdf');
    const frame = page.getByRole('dialog', { name: 'manual.pdf' }).locator('iframe.viewer-pdf');
    await frame.waitFor();
    // Chromium's own PDF viewer loads from chrome:// and its built-in extension: the browser, not the page.
    const browserOwn = (problem: string): boolean => /^external request: chrome(-extension)?:\/\//u.test(problem);
    const own = () => problems.splice(0, problems.length, ...problems.filter((p) => !browserOwn(p)));
    expect([await frame.getAttribute('src'), await frame.getAttribute('title')]).toEqual(['files/docs/manual.pdf?inline=1', 'PDF document manual.pdf']);
    // What the frame loads comes under the sandbox policy: an opaque origin, no scripts.
    const served = await page.request.get(new URL('files/docs/manual.pdf?inline=1', rig.server.base).href);
    expect([served.headers()['content-security-policy'], served.headers()['content-type']]).toEqual(['sandbox', 'application/pdf']);

    await page.goto(new URL('files/media/?view=song.mp3', rig.server.base).href);
    const audio = page.getByRole('dialog', { name: 'song.mp3' }).locator('audio');
    await audio.waitFor();
    expect([await audio.getAttribute('src'), await audio.getAttribute('controls')]).toEqual(['files/media/song.mp3', '']);
    await page.goto(new URL('files/media/?view=clip.mp4', rig.server.base).href);
    const video = page.getByRole('dialog', { name: 'clip.mp4' }).locator('video');
    await video.waitFor();
    expect([await video.getAttribute('src'), await video.getAttribute('controls')]).toEqual(['files/media/clip.mp4', '']);
    own();
  });

  it('follows the library: a changed text is shown again, a moved file followed, a deleted one said to be gone', async () => {
    await put('live/note.txt', 'first version\n');
    const { page } = await openAt('files/live/?view=note.txt');
    const text = page.getByRole('dialog', { name: 'note.txt' }).locator('pre.viewer-text');
    await expect.poll(() => text.textContent()).toBe('first version\n');
    const admin = { authorization: `Bearer ${rig.adminToken}` };
    const base = rig.server.base;
    expect((await fetch(new URL('files/live/note.txt', base), { method: 'PUT', headers: admin, body: 'second version, longer\n' })).status).toBe(200);
    await expect.poll(() => text.textContent()).toBe('second version, longer\n');

    const moved = await fetch(new URL('files/live/note.txt', base), { method: 'MOVE', headers: { ...admin, destination: '/files/live/renamed.txt' } });
    expect(moved.status).toBe(201);
    await page.getByRole('dialog', { name: 'renamed.txt' }).locator('pre.viewer-text', { hasText: 'second version' }).waitFor();
    await expect.poll(() => viewParam(page)).toBe('renamed.txt');

    expect((await fetch(new URL('files/live/renamed.txt', base), { method: 'DELETE', headers: admin })).status).toBe(204);
    await page.getByRole('dialog', { name: 'renamed.txt' }).getByRole('alert').getByText('This file is not in the folder (any more).').waitFor();
  });

  it('fits a phone: the image within the screen, the arrows over it, nothing sideways; Chinese texts', async () => {
    const { page } = await rig.open({ path: 'files/pics/?view=b.png', viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    const dialog = page.getByRole('dialog', { name: 'b.png' });
    await dialog.locator('img').waitFor();
    await dialog.getByRole('button', { name: '下一张图片' }).waitFor();
    const box = await dialog.locator('img').boundingBox();
    expect(box !== null && box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844).toBe(true);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, 'screenshots/web-viewer-phone-zh.png');
    await page.keyboard.press('ArrowRight');
    await page.getByRole('dialog', { name: 'c.jpg' }).waitFor();
  });

  it('a text over 1 MiB, a file of no known kind and a missing one: name, size and a download instead', async () => {
    const { page } = await openAt('files/docs/?view=big.log');
    const big = page.getByRole('dialog', { name: 'big.log' });
    await big.getByText(/too large to show here/u).waitFor();
    expect(await big.locator('pre').count()).toBe(0);
    expect(await big.getByRole('link', { name: 'Download big.log' }).first().getAttribute('href')).toBe('files/docs/big.log');

    await page.goto(new URL('files/docs/?view=data.bin', rig.server.base).href);
    const other = page.getByRole('dialog', { name: 'data.bin' });
    await other.getByText('This kind of file cannot be shown here.').waitFor();
    await expectAccessible(page, 'other');
    expect(await other.locator('.viewer-facts').textContent()).toBe('data.bin · 6 B');
    const [download] = await Promise.all([page.waitForEvent('download'), other.getByRole('link', { name: 'Download data.bin' }).press('Enter')]);
    expect(download.suggestedFilename()).toBe('data.bin');

    await page.goto(new URL('files/docs/?view=nothing-here.txt', rig.server.base).href);
    await page.getByRole('dialog', { name: 'nothing-here.txt' }).getByRole('alert').waitFor();
  });
});
