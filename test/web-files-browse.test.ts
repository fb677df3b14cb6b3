// End to end in real Chromium: the files pane's sorting, filter, list/grid switch, details (who made a file), storage for administrators, and a file opening in the viewer.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { violationsInBothSchemes } from './helpers/axe.js';
import { enterSignedIn, fileRow, screenshot } from './helpers/browser.js';

const rig = browserRig({}, { mia: 'member', root: 'admin' });

/** The names the listing shows, top to bottom. */
async function rows(page: Page): Promise<string[]> {
  const names: string[] = [];
  for (const row of await page.locator('.listing tbody tr[data-name]').all()) names.push((await row.getAttribute('data-name')) ?? '');
  return names;
}

const day = 24 * 3600 * 1000;

/** Files and folders with known sizes and times in `dir` (below the library root). */
async function sample(dir: string): Promise<void> {
  const at = (name: string): string => path.join(rig.server.dir, dir, name);
  await fs.mkdir(at('b-folder'), { recursive: true });
  await fs.mkdir(at('a-folder'));
  await fs.writeFile(at('small.txt'), Buffer.alloc(10));
  await fs.writeFile(at('big.bin'), Buffer.alloc(5000));
  await fs.writeFile(at('Zed.md'), Buffer.alloc(100));
  const now = Date.now();
  const times: Record<string, number> = { 'small.txt': now - 3 * day, 'big.bin': now - 2 * day, 'Zed.md': now - day, 'a-folder': now - 5 * day, 'b-folder': now - 4 * day };
  for (const [name, ms] of Object.entries(times)) await fs.utimes(at(name), ms / 1000, ms / 1000);
}

describe('web UI: browsing files', () => {
  it('sorts by name, size and date with folders first, the header saying which way (aria-sort)', async () => {
    await sample('sorting');
    const { page } = await rig.open({ path: 'files/sorting/' });
    await fileRow(page, 'Zed.md').waitFor();
    expect(await rows(page)).toEqual(['a-folder', 'b-folder', 'big.bin', 'small.txt', 'Zed.md']);
    const header = (name: string) => page.locator('.listing thead th', { has: page.getByRole('button', { name: `Sort by ${name}` }) });
    expect(await header('Name').getAttribute('aria-sort')).toBe('ascending');

    await page.getByRole('button', { name: 'Sort by Size' }).click();
    await expect.poll(() => rows(page)).toEqual(['a-folder', 'b-folder', 'small.txt', 'Zed.md', 'big.bin']);
    expect(await header('Size').getAttribute('aria-sort')).toBe('ascending');
    expect(await header('Name').getAttribute('aria-sort')).toBe('none');
    await page.getByRole('button', { name: 'Sort by Size' }).click();
    await expect.poll(() => rows(page)).toEqual(['b-folder', 'a-folder', 'big.bin', 'Zed.md', 'small.txt']);
    expect(await header('Size').getAttribute('aria-sort')).toBe('descending');

    // Dates start newest first; the keyboard works the header too.
    await page.getByRole('button', { name: 'Sort by Modified' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => rows(page)).toEqual(['b-folder', 'a-folder', 'Zed.md', 'big.bin', 'small.txt']);
    expect(await header('Modified').getAttribute('aria-sort')).toBe('descending');
    await screenshot(page.locator('section.files'), 'screenshots/web-files-sorted.png');
  });

  it('filters the folder shown by name, says when nothing matches, Escape clears', async () => {
    await sample('filtering');
    const { page } = await rig.open({ path: 'files/filtering/' });
    await fileRow(page, 'Zed.md').waitFor();
    const filter = page.getByRole('searchbox', { name: 'Filter this folder by name' });
    await filter.fill('SM');
    await expect.poll(() => rows(page)).toEqual(['small.txt']);
    await filter.fill('folder');
    await expect.poll(() => rows(page)).toEqual(['a-folder', 'b-folder']);
    await filter.fill('nothing like it');
    await page.getByText('Nothing here matches “nothing like it”.').waitFor();
    await filter.press('Escape');
    await expect.poll(() => rows(page)).toHaveLength(5);
    // Another folder starts unfiltered.
    await filter.fill('a-');
    await page.getByRole('link', { name: 'Open folder a-folder' }).click();
    await page.getByText('This folder is empty.').waitFor();
    expect(await filter.inputValue()).toBe('');
  });

  it('switches to a grid (thumbnails for images, icons otherwise, an icon where the server has no thumbnail), remembered after a reload', async () => {
    await fs.mkdir(path.join(rig.server.dir, 'grid'));
    await fs.writeFile(path.join(rig.server.dir, 'grid', 'photo.png'), await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3366cc' } }).png().toBuffer());
    // Named as an image, really text: the server answers 415 NOT_AN_IMAGE.
    await fs.writeFile(path.join(rig.server.dir, 'grid', 'x.png'), 'not a picture, only words');
    // A format the server makes no thumbnails of: never asked for.
    await fs.writeFile(path.join(rig.server.dir, 'grid', 'old.bmp'), Buffer.from('BM'));
    await fs.writeFile(path.join(rig.server.dir, 'grid', 'notes.txt'), 'words');
    const { page } = await rig.open({ path: 'files/grid/' });
    const asked: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/thumbs/')) asked.push(new URL(r.url()).pathname);
    });
    await fileRow(page, 'photo.png').waitFor();
    await page.getByRole('button', { name: 'Grid' }).click();
    const card = (name: string) => page.locator(`.file-grid li[data-name="${name}"]`);
    await card('photo.png').waitFor();
    expect(await page.getByRole('button', { name: 'Grid' }).getAttribute('aria-pressed')).toBe('true');
    expect(await card('photo.png').locator('img').getAttribute('src')).toBe('thumbs/grid/photo.png');
    // The refused thumbnail gives way to the file icon (no broken image left in the card).
    await card('x.png').locator('.thumb svg.icon').waitFor();
    expect(await card('x.png').locator('img').count()).toBe(0);
    expect(await card('photo.png').locator('img').count()).toBe(1);
    for (const name of ['notes.txt', 'old.bmp']) {
      expect(await card(name).locator('img').count()).toBe(0);
      expect(await card(name).locator('svg.icon').count()).toBe(1);
    }
    expect(asked.sort()).toEqual(['/thumbs/grid/photo.png', '/thumbs/grid/x.png']);
    await screenshot(page.locator('section.files'), 'screenshots/web-files-grid-icons.png');
    expect(await page.locator('.listing').count()).toBe(0);
    await page.reload();
    await card('notes.txt').waitFor();
    await page.getByRole('button', { name: 'List' }).click();
    await fileRow(page, 'notes.txt').waitFor();
    await page.reload();
    await fileRow(page, 'notes.txt').waitFor();
  });

  it('opens a file in the viewer (view= in the address, the room kept) and keeps a plain download link', async () => {
    await fs.mkdir(path.join(rig.server.dir, 'viewing'));
    await fs.writeFile(path.join(rig.server.dir, 'viewing', 'read me.txt'), 'hello');
    const { page } = await rig.open({ path: 'files/viewing/?room=%23dev' });
    await page.getByRole('link', { name: 'View read me.txt' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe('read me.txt');
    expect(new URL(page.url()).searchParams.get('room')).toBe('#dev');
    expect(new URL(page.url()).pathname).toBe('/files/viewing/');
    // Back closes the viewer; the row's download link stays a plain download.
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBeNull();
    const [download] = await Promise.all([page.waitForEvent('download'), fileRow(page, 'read me.txt').getByRole('link', { name: 'Download read me.txt' }).click()]);
    expect(await fs.readFile(await download.path(), 'utf8')).toBe('hello');
  });

  it('shows who made a file and when in the details panel (not recorded for one placed on disk)', async () => {
    await fs.mkdir(path.join(rig.server.dir, 'made'));
    await fs.writeFile(path.join(rig.server.dir, 'made', 'by-hand.txt'), 'x');
    const { page } = await rig.open({ as: 'mia', path: 'files/made/' });
    await enterSignedIn(page);
    await page.setInputFiles('#upload-input', { name: 'mine.txt', mimeType: 'text/plain', buffer: Buffer.from('mia wrote this\n') });
    await fileRow(page, 'mine.txt').waitFor();
    await page.getByRole('button', { name: 'Details of mine.txt' }).click();
    const panel = page.locator('aside.file-details');
    await panel.locator('.made-by', { hasText: 'mia' }).waitFor();
    expect(await panel.locator('h3').textContent()).toBe('mine.txt');
    expect(await panel.textContent()).toContain('15 B');
    expect(await panel.textContent()).toContain('TXT file');
    await panel.locator('.made-at').waitFor();
    await screenshot(page.locator('section.files'), 'screenshots/web-files-details.png');
    await page.getByRole('button', { name: 'Details of by-hand.txt' }).click();
    await panel.locator('.made-by', { hasText: 'not recorded' }).waitFor();
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
  });

  it('shows storage used and free to an administrator only', async () => {
    const { page: admin } = await rig.open({ as: 'root' });
    await admin.locator('#storage', { hasText: /Library: .+ used · .+ free of .+/u }).waitFor();
    await screenshot(admin.locator('section.files'), 'screenshots/web-files-storage-admin.png');
    const { page: member } = await rig.open({ as: 'mia' });
    const { page: guest } = await rig.open();
    for (const page of [member, guest]) {
      await page.locator('.listing, .files .muted').first().waitFor();
      await page.locator('#account, #name').first().waitFor();
      expect(await page.locator('#storage').count()).toBe(0);
    }
  });

  it('axe finds nothing serious in the selection toolbar, rename form, details panel and grid, light and dark', async () => {
    await sample('axe');
    const { page } = await rig.open({ as: 'root', path: 'files/axe/' });
    await fileRow(page, 'Zed.md').waitFor();
    await page.getByRole('checkbox', { name: 'Select big.bin' }).click();
    await page.getByRole('button', { name: 'Move to…' }).click();
    await page.getByRole('button', { name: 'Details of Zed.md' }).click();
    await page.locator('aside.file-details .made-by').waitFor();
    await page.getByRole('button', { name: 'Rename small.txt' }).click();
    const check = (screen: string): Promise<string> => violationsInBothSchemes(page, screen, { stem: `screenshots/web-files-${screen}`, target: page.locator('section.files') });
    const found = [await check('tools')];
    await page.getByRole('button', { name: 'Grid' }).click();
    await page.locator('.file-grid').waitFor();
    found.push(await check('grid'));
    expect(found.filter((x) => x !== '').join('\n'), 'axe found serious or critical violations').toBe('');
  });
});
