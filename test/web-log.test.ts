// End to end in real Chromium: the chat log (Markdown, grouping and day separators, relative times, a 10,000-message room, file cards) on the real server.
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { expectAccessible } from './helpers/axe.js';
import { browserRig } from './helpers/browser-rig.js';
import { enterRoom, joinRoom, logLine, say, screenshot, scrollLogTopUntil } from './helpers/browser.js';

// No flood limit; history kept past 10,000 lines a room (the long room has 10,000 and a join).
const rig = browserRig({ flood: 'off', retentionCount: '20000' });

const DAY = 86_400_000;

/** Messages kept in the server's history as if said at `at` (the store keeps the time it is given). */
function seed(room: string, lines: readonly { name: string; text: string; at: number }[]): void {
  const history = rig.server.server.engines?.history;
  if (!history) throw new Error('the server has no history store');
  for (const line of lines) history.append({ id: 0, audience: [], kind: 'message', room, ...line });
}

/** The message line whose text is exactly `text`. */
function messageLine(page: Page, text: string) {
  return page.locator('.log li.message').filter({ has: page.locator('.text').getByText(text, { exact: true }) });
}

async function put(path: string, body: Buffer | string, room: string, as: string): Promise<void> {
  const res = await fetch(new URL(`files/${path}?room=${encodeURIComponent(room)}`, rig.server.base), { method: 'PUT', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'X-Netroom-Name': as } });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

/** A short valid WAV file (silence). */
function wav(samples = 800): Buffer {
  const data = Buffer.alloc(samples * 2);
  const head = Buffer.alloc(44);
  head.write('RIFF', 0);
  head.writeUInt32LE(36 + data.length, 4);
  head.write('WAVEfmt ', 8);
  head.writeUInt32LE(16, 16);
  head.writeUInt16LE(1, 20); // PCM
  head.writeUInt16LE(1, 22); // mono
  head.writeUInt32LE(8000, 24);
  head.writeUInt32LE(16000, 28);
  head.writeUInt16LE(2, 32);
  head.writeUInt16LE(16, 34);
  head.write('data', 36);
  head.writeUInt32LE(data.length, 40);
  return Buffer.concat([head, data]);
}

describe('web UI: the chat log', () => {
  it('renders a Markdown subset as elements, never as HTML, with safe links only', async () => {
    const ann = await rig.enter('mdann');
    const ben = await rig.enter('mdben');
    await logLine(ann, 'mdben joined the room').waitFor();
    const text = [
      '**bold** and _italic_ and `inline code`',
      '> a quote',
      '- one',
      '- two',
      '',
      'see https://example.com/page and [bad](javascript:alert(1)) <script>window.pwned = 1</script> <b>not bold</b>',
    ].join('\n');
    await ann.locator('#composer').fill(text);
    await ann.locator('#composer').press('Enter');
    const line = ben.locator('.log li.message', { hasText: 'a quote' });
    await line.waitFor();
    expect(await line.locator('strong').textContent()).toBe('bold');
    expect(await line.locator('em').textContent()).toBe('italic');
    expect(await line.locator('code').textContent()).toBe('inline code');
    expect(await line.locator('blockquote').textContent()).toBe('a quote');
    expect(await line.locator('ul > li').allTextContents()).toEqual(['one', 'two']);
    // The https address is a link (new tab, no opener); the javascript: one is text.
    expect(await line.locator('a').count()).toBe(1);
    expect(await line.locator('a').getAttribute('href')).toBe('https://example.com/page');
    expect(await line.locator('a').getAttribute('rel')).toContain('noopener');
    expect(await line.textContent()).toContain('[bad](javascript:alert(1))');
    // Tags typed in a message are characters: no script element, no <b>, nothing ran.
    expect(await line.textContent()).toContain('<script>window.pwned = 1</script> <b>not bold</b>');
    expect(await ben.locator('.log script, .log b').count()).toBe(0);
    expect(await ben.evaluate('window.pwned')).toBeUndefined();
    // The author's own copy is rendered the same way.
    expect(await ann.locator('.log li.message.mine strong', { hasText: 'bold' }).count()).toBe(1);
    await screenshot(ben.locator('section.chat'), 'screenshots/web-log-markdown.png');
  });

  it('groups lines by author and minute, separates days, and shows relative times that refresh', async () => {
    const now = Date.now();
    const threeDaysAgo = new Date(now - 3 * DAY).setHours(10, 0, 0, 0);
    const yesterday = new Date(now - DAY).setHours(15, 30, 0, 0);
    seed('#annals', [
      { name: 'ann', text: 'old first', at: threeDaysAgo },
      { name: 'ann', text: 'old same minute', at: threeDaysAgo + 20_000 },
      { name: 'bob', text: 'old other author', at: threeDaysAgo + 30_000 },
      { name: 'bob', text: 'old next minute', at: threeDaysAgo + 90_000 },
      { name: 'ann', text: 'said yesterday', at: yesterday },
      { name: 'bob', text: 'said just now', at: now - 40_000 },
    ]);
    const { page } = await rig.open();
    // A clock the test moves: the log's refresh timer runs when the test says so.
    await page.clock.install();
    await page.reload();
    await enterRoom(page, 'reader');
    await joinRoom(page, '#annals');
    await messageLine(page, 'said just now').waitFor();

    const days = await page.locator('.log li.day').allTextContents();
    expect(days).toHaveLength(3);
    expect(days[0]).toContain(String(new Date(threeDaysAgo).getFullYear()));
    expect(days.slice(1)).toEqual(['Yesterday', 'Today']);
    // Grouped: same author within the same minute; the name and time are not shown again (the name stays for screen readers).
    expect(await messageLine(page, 'old first').getAttribute('class')).not.toContain('grouped');
    expect(await messageLine(page, 'old same minute').getAttribute('class')).toContain('grouped');
    expect(await messageLine(page, 'old other author').getAttribute('class')).not.toContain('grouped');
    expect(await messageLine(page, 'old next minute').getAttribute('class')).not.toContain('grouped');
    expect((await messageLine(page, 'old same minute').locator('.who').boundingBox())?.width).toBeLessThanOrEqual(1);
    expect(await messageLine(page, 'old same minute').locator('.who').textContent()).toBe('ann');

    // Times: a <time datetime>, the exact time in the tooltip, "just now" while recent.
    const recent = messageLine(page, 'said just now').locator('time');
    expect(await recent.getAttribute('datetime')).toBe(new Date(now - 40_000).toISOString());
    expect(await recent.getAttribute('title')).toMatch(/\d{1,2}:\d{2}:\d{2}/u);
    expect(await recent.textContent()).toBe('just now');
    await page.clock.fastForward('00:31');
    await recent.filter({ hasText: '1 min ago' }).waitFor();
    await screenshot(page.locator('section.chat'), 'screenshots/web-log-days.png');

    // The same log in Chinese: 昨天 and 今天.
    await page.getByRole('button', { name: '中文' }).click();
    await page.locator('.log li.day', { hasText: '今天' }).waitFor();
    expect(await page.locator('.log li.day').allTextContents()).toContain('昨天');
    expect(await recent.textContent()).toBe('1 分钟前');
    await page.getByRole('button', { name: 'English' }).click();
  });

  it('shows shared files as cards: a thumbnail, players, a text snippet; a click opens the viewer; a deleted file is struck through', async () => {
    const page = await rig.enter('carder');
    await joinRoom(page, '#cards');
    await mkdir(path.join(rig.server.dir, 'cards'), { recursive: true });
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3366cc' } }).png().toBuffer();
    await put('cards/photo.png', png, '#cards', 'carder');
    await put('cards/tone.wav', wav(), '#cards', 'carder');
    await put('cards/clip.webm', Buffer.from('not really a video, never fetched: preload is none'), '#cards', 'carder');
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1} of the notes`).join('\n');
    await put('cards/notes.md', lines, '#cards', 'carder');
    await put('cards/archive.bin', Buffer.alloc(3000, 7), '#cards', 'carder');

    const card = (name: string) => page.locator('.log li.file', { hasText: name }).locator('.file-card');
    const img = card('photo.png').locator('img');
    await img.waitFor();
    expect(await img.getAttribute('src')).toBe('thumbs/cards/photo.png');
    expect(await img.getAttribute('alt')).toBe('photo.png');
    // The thumbnail itself loaded (a WebP the server made), at most 320 wide.
    await page.waitForFunction("[...document.querySelectorAll('.file-card img')].some((i) => i.complete && i.naturalWidth > 0 && i.naturalWidth <= 320)");
    expect(await card('tone.wav').locator('audio').getAttribute('src')).toBe('files/cards/tone.wav');
    expect(await card('tone.wav').locator('audio').getAttribute('preload')).toBe('none');
    expect(await card('clip.webm').locator('video').getAttribute('src')).toBe('files/cards/clip.webm');
    const snippet = card('notes.md').locator('pre');
    await snippet.filter({ hasText: 'line 1 of the notes' }).waitFor();
    expect((await snippet.textContent())?.split('\n')).toEqual(Array.from({ length: 8 }, (_, i) => `line ${i + 1} of the notes`));
    // Another kind: no card, the name, the size and the download link as before.
    expect(await card('archive.bin').count()).toBe(0);
    expect(await page.locator('.log li.file', { hasText: 'archive.bin' }).locator('a[download]').getAttribute('href')).toBe('files/cards/archive.bin');
    await expectAccessible(page, 'file cards', { stem: 'screenshots/web-log-cards', target: page.locator('section.chat') });

    // A click on the thumbnail opens the viewer on that file (the address says which).
    await card('photo.png').getByRole('button', { name: 'Open photo.png' }).click();
    await page.waitForURL((url) => url.searchParams.get('view') === 'photo.png' && url.pathname.endsWith('/files/cards/'));
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get('view') === null);
    // The snippet by keyboard.
    await card('notes.md').getByRole('button', { name: 'Open notes.md' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('view') === 'notes.md');
    await page.goBack();

    // Deleted: the path struck through, no card left.
    const res = await fetch(new URL('files/cards/photo.png', rig.server.base), { method: 'DELETE', headers: { Authorization: `Bearer ${rig.adminToken}` } });
    expect(res.status).toBeLessThan(300);
    await page.locator('.log li.file.deleted', { hasText: 'photo.png' }).locator('del.path').waitFor();
    expect(await card('photo.png').count()).toBe(0);
  });

  it('shows the file icon, not a broken image, for a shared x.png that is really text (its thumbnail refused)', async () => {
    const page = await rig.enter('faker');
    await joinRoom(page, '#fakes');
    await mkdir(path.join(rig.server.dir, 'fakes'), { recursive: true });
    await put('fakes/x.png', 'only words, not a picture\n', '#fakes', 'faker');
    const card = page.locator('.log li.file', { hasText: 'x.png' }).locator('.file-card');
    const open = card.getByRole('button', { name: 'Open x.png' });
    await open.locator('svg.icon').waitFor();
    expect(await card.locator('img').count()).toBe(0);
    await screenshot(page.locator('section.chat'), 'screenshots/web-log-card-no-thumbnail.png');
    // Still the way to the viewer.
    await open.click();
    await page.waitForURL((url) => url.searchParams.get('view') === 'x.png');
  });

  it('keeps a 10,000-message room to a few hundred rows in the DOM while it scrolls and loads back to the start', async () => {
    const start = Date.now() - 20 * 60_000;
    seed(
      '#long',
      Array.from({ length: 10_000 }, (_, i) => ({ name: i % 3 === 0 ? 'ann' : 'bob', text: `long line ${i + 1}`, at: start + i * 100 })),
    );
    const page = await rig.enter('scroller');
    await joinRoom(page, '#long');
    await messageLine(page, 'long line 10000').waitFor();
    const rows = (): Promise<number> => page.locator('.log > li').count();
    const oldestShown = async (): Promise<number> => Number(await page.evaluate(`Math.min(...[...document.querySelectorAll('.log li[data-id]')].map((li) => Number(li.dataset.id)))`));
    for (let pages = 0; (await messageLine(page, 'long line 1').count()) === 0; pages++) {
      expect(pages).toBeLessThan(60);
      const before = await oldestShown();
      await scrollLogTopUntil(page, `Math.min(...[...document.querySelectorAll('.log li[data-id]')].map((li) => Number(li.dataset.id))) < ${before}`);
      expect(await rows()).toBeLessThan(300);
    }
    // Every line is in the log's state: jumping to the middle shows the middle, with rows under the whole viewport.
    const covered = `(() => { const log = document.querySelector('.log'); const box = log.getBoundingClientRect();
      return [0.1, 0.5, 0.9].every((f) => document.elementFromPoint(box.left + box.width / 2, box.top + box.height * f)?.closest('.log > li:not(.log-spacer)') != null); })()`;
    await page.evaluate("(() => { const log = document.querySelector('.log'); log.scrollTop = log.scrollHeight / 2; })()");
    await page.waitForFunction(covered);
    expect(await rows()).toBeLessThan(300);
    const middle = await page.locator('.log li.message .text').first().textContent();
    expect(Number(/long line (\d+)/u.exec(middle ?? '')?.[1])).toBeGreaterThan(3000);
    expect(Number(/long line (\d+)/u.exec(middle ?? '')?.[1])).toBeLessThan(7000);
    // Back at the bottom, new lines are followed again.
    await page.evaluate("(() => { const log = document.querySelector('.log'); log.scrollTop = log.scrollHeight; })()");
    await messageLine(page, 'long line 10000').waitFor();
    await page.waitForFunction(covered);
    await say(page, 'a line after ten thousand');
    await messageLine(page, 'a line after ten thousand').waitFor();
    const box = await messageLine(page, 'a line after ten thousand').boundingBox();
    const view = await page.locator('.log').boundingBox();
    expect(box && view && box.y + box.height <= view.y + view.height + 1).toBe(true);
    expect(await rows()).toBeLessThan(300);
    await screenshot(page.locator('section.chat'), 'screenshots/web-log-long.png');
    // 50 pages of 200 asked for one after the other: a minute on a busy two-core machine is plenty.
  }, 90_000);
});
