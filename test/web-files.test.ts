// End to end in real Chromium: the web UI's files pane (upload, browse, download, delete) on the real rig.server.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { enterRoom, enterSignedIn, fileRow, focused, logLine, screenshot, scrollWidth, sha256, type WebPage, type PageOptions } from './helpers/browser.js';

// Guests upload and make folders; changing what exists takes an account (its owner, or an admin).
const rig = browserRig({ maxUpload: '4M' }, { folders: 'member', root: 'admin' });

/** A guest in the room under `name`. */
async function member(name: string, options?: PageOptions): Promise<WebPage> {
  const page = await rig.open(options);
  await enterRoom(page.page, name);
  return page;
}

/** A page signed in as `account` (one of the rig's), in the room under the account's name. */
async function signedIn(account: string): Promise<WebPage> {
  const page = await rig.open({ as: account });
  await enterSignedIn(page.page);
  return page;
}

describe('web UI: files', () => {
  it('an upload in one page appears in the other page\'s list and chat, and downloads byte-exact', async () => {
    const { page: alice } = await member('alice');
    const { page: bob } = await member('bob');
    const bytes = randomBytes(1536 * 1024 + 7);
    await alice.setInputFiles('#upload-input', { name: 'report 2024 报告.bin', mimeType: 'application/octet-stream', buffer: bytes });

    // The uploader: a finished progress bar, and the new row in the listing.
    const item = alice.locator('.uploads li.upload.done', { hasText: 'report 2024 报告.bin' });
    await item.waitFor();
    const bar = item.locator('progress');
    expect(await bar.getAttribute('value')).toBe(await bar.getAttribute('max'));
    await fileRow(alice, 'report 2024 报告.bin').waitFor();

    // The other page: the file notice names the uploader and links to the file; the list refreshed itself.
    const notice = logLine(bob, 'report 2024 报告.bin');
    await notice.waitFor();
    expect(await notice.getAttribute('class')).toContain('file');
    expect(await notice.textContent()).toContain('alice shared');
    expect(await notice.textContent()).toContain('1.5 MiB');
    await fileRow(bob, 'report 2024 报告.bin').waitFor();
    expect(await fileRow(bob, 'report 2024 报告.bin').locator('td.num').textContent()).toBe('1.5 MiB');

    // What is on disk is what was sent.
    expect(sha256(await fs.readFile(path.join(rig.server.dir, 'report 2024 报告.bin')))).toBe(sha256(bytes));

    // Download through the chat link as a browser download, and through the listing's link.
    const [download] = await Promise.all([bob.waitForEvent('download'), notice.locator('a').click()]);
    expect(download.suggestedFilename()).toBe('report 2024 报告.bin');
    expect(sha256(await fs.readFile(await download.path()))).toBe(sha256(bytes));
    const href = await fileRow(bob, 'report 2024 报告.bin').getByRole('link', { name: 'Download report 2024 报告.bin' }).getAttribute('href');
    const response = await bob.request.get(new URL(href ?? '', rig.server.base).href);
    expect(response.status()).toBe(200);
    expect(sha256(await response.body())).toBe(sha256(bytes));

    await screenshot(bob.locator('section.files'), 'web-files.png');
  });

  it('creates folders, browses them with breadcrumbs, uploads into them and deletes with confirmation', async () => {
    // A member: the files it uploads are its own to delete.
    const { page } = await signedIn('folders');
    await page.getByLabel('Name of the new folder').fill('projects');
    await page.getByRole('button', { name: 'Create' }).click();
    await fileRow(page, 'projects').waitFor();
    await page.getByRole('link', { name: 'Open folder projects' }).click();
    await page.locator('.crumbs [aria-current="page"]', { hasText: 'projects' }).waitFor();
    await page.getByText('This folder is empty.').waitFor();

    await page.setInputFiles('#upload-input', [
      { name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('first\n') },
      { name: 'b.txt', mimeType: 'text/plain', buffer: Buffer.from('second\n') },
    ]);
    await fileRow(page, 'a.txt').waitFor();
    await fileRow(page, 'b.txt').waitFor();
    expect(await fs.readFile(path.join(rig.server.dir, 'projects', 'b.txt'), 'utf8')).toBe('second\n');
    await logLine(page, 'projects/a.txt').waitFor();

    // Delete asks first; "Keep" keeps, "Yes, delete" deletes.
    await page.getByRole('button', { name: 'Delete a.txt' }).click();
    await page.getByRole('button', { name: 'Keep' }).click();
    await fileRow(page, 'a.txt').getByRole('button', { name: 'Delete a.txt' }).waitFor();
    expect(await focused(page)).toBe('Delete'); // focus went back to where it was
    await page.getByRole('button', { name: 'Delete a.txt' }).click();
    // Focus moved to the safe answer, so the keyboard user is not lost.
    expect(await focused(page)).toBe('Keep');
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await fileRow(page, 'a.txt').waitFor({ state: 'detached' });
    await expect(fs.stat(path.join(rig.server.dir, 'projects', 'a.txt'))).rejects.toThrow(/ENOENT/u);

    await page.locator('.crumbs').getByRole('link', { name: 'All files' }).click();
    await fileRow(page, 'projects').waitFor();
  });

  it('refuses a guest who deletes or replaces a file someone else made, says why in place, and keeps the file', async () => {
    // The member's file, put there over HTTP with its token (its CLI, say).
    const put = await fetch(new URL('files/kept.txt', rig.server.base), {
      method: 'PUT',
      body: 'the member\'s words',
      headers: { Authorization: `Bearer ${rig.token('folders')}` },
    });
    expect(put.status).toBe(201);
    const { page } = await member('passer-by');
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = fileRow(page, 'kept.txt');
    await row.waitFor();

    await page.getByRole('button', { name: 'Delete kept.txt' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    // The server's own words: what was refused, and what would allow it.
    const refusal = row.locator('.error[role="alert"]', { hasText: 'PERMISSION_DENIED' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('guests may not delete existing entries: sign in with an account (kept.txt)');
    await screenshot(page.locator('section.files'), 'web-files-guest-refused.png');
    expect(await fs.readFile(path.join(rig.server.dir, 'kept.txt'), 'utf8')).toBe('the member\'s words');
    // Still listed after the server's listing is read again.
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.getByRole('button', { name: 'Delete kept.txt' }).waitFor();

    // Replacing is overwriting: refused the same way; "Keep both" would have been the guest's way.
    await page.setInputFiles('#upload-input', { name: 'kept.txt', mimeType: 'text/plain', buffer: Buffer.from('a guest\'s words') });
    await page.locator('.uploads li.asking', { hasText: 'kept.txt already exists here.' }).getByRole('button', { name: 'Replace' }).click();
    const failed = page.locator('.uploads li.failed', { hasText: 'kept.txt' });
    await failed.locator('.error', { hasText: 'guests may not overwrite existing entries: sign in with an account (kept.txt)' }).waitFor();
    expect(await failed.locator('.error').textContent()).toContain('PERMISSION_DENIED');
    expect(await fs.readFile(path.join(rig.server.dir, 'kept.txt'), 'utf8')).toBe('the member\'s words');
  });

  it('shows errors in place: existing folder, non-empty folder, hidden name, too large', async () => {
    // An admin: the folder placed on disk has no known owner, and only an admin may try to delete it.
    const { page } = await signedIn('root');
    await fs.mkdir(path.join(rig.server.dir, 'full'));
    await fs.writeFile(path.join(rig.server.dir, 'full', 'inside.txt'), 'x');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await fileRow(page, 'full').waitFor();

    await page.getByLabel('Name of the new folder').fill('full');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('#folder-error', { hasText: 'ALREADY_EXISTS' }).waitFor();

    await page.getByRole('button', { name: 'Delete full' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await fileRow(page, 'full').locator('.error', { hasText: 'NOT_EMPTY' }).waitFor();
    expect(await fs.readFile(path.join(rig.server.dir, 'full', 'inside.txt'), 'utf8')).toBe('x');

    await page.setInputFiles('#upload-input', { name: '.secret', mimeType: 'text/plain', buffer: Buffer.from('hidden') });
    await page.locator('.uploads li.failed', { hasText: '.secret' }).locator('.error', { hasText: 'HIDDEN_PATH' }).waitFor();

    await page.setInputFiles('#upload-input', { name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(5 * 1024 * 1024) });
    await page.locator('.uploads li.failed', { hasText: 'huge.bin' }).locator('.error', { hasText: 'TOO_LARGE' }).waitFor();
    expect((await fs.readdir(rig.server.dir)).filter((n) => n.includes('huge') || n === '.secret')).toEqual([]);
  });

  it('uploads files dropped onto the pane', async () => {
    const { page } = await member('dropper');
    const { page: other } = await member('onlooker');
    // A DataTransfer holding a file, as the browser builds for a drop from the desktop.
    const dataTransfer = await page.evaluateHandle(
      `(() => { const dt = new DataTransfer(); dt.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' })); return dt; })()`,
    );
    const pane = page.locator('section.files');
    await pane.dispatchEvent('dragover', { dataTransfer });
    await page.locator('section.files.dragging').waitFor();
    await pane.dispatchEvent('drop', { dataTransfer });
    await page.locator('section.files:not(.dragging)').waitFor();
    await page.locator('.uploads li.done', { hasText: 'dropped.txt' }).waitFor();
    await fileRow(page, 'dropped.txt').waitFor();
    await logLine(other, 'dropper shared dropped.txt').waitFor();
    expect(await fs.readFile(path.join(rig.server.dir, 'dropped.txt'), 'utf8')).toBe('dropped bytes');
  });

  it('cancels a running upload and leaves no file behind', async () => {
    const { page, context } = await member('canceller');
    // Throttle this page's network so the upload is still running when Cancel is pressed.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 64 * 1024 });
    await page.setInputFiles('#upload-input', { name: 'slow.bin', mimeType: 'application/octet-stream', buffer: randomBytes(3 * 1024 * 1024) });
    const item = page.locator('.uploads li.upload', { hasText: 'slow.bin' });
    await item.getByRole('button', { name: 'Cancel the upload of slow.bin' }).click();
    await item.locator('.upload-status', { hasText: 'cancelled' }).waitFor();
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    // Nothing visible: neither on disk nor in the listing the server gives.
    expect((await fs.readdir(rig.server.dir)).filter((n) => n === 'slow.bin')).toEqual([]);
    const listing = await page.request.get(new URL('api/files?path=', rig.server.base).href);
    expect(((await listing.json()) as Array<{ name: string }>).map((e) => e.name)).not.toContain('slow.bin');
  });

  it('works on a phone-sized screen in Chinese', async () => {
    const { page } = await member('手机', { locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    // A phone shows one pane at a time: the files are behind their tab.
    await page.locator('#tab-files').click();
    await page.setInputFiles('#upload-input', { name: '照片.jpg', mimeType: 'image/jpeg', buffer: randomBytes(2048) });
    await page.locator('.uploads li.done', { hasText: '照片.jpg' }).waitFor();
    await fileRow(page, '照片.jpg').waitFor();
    await page.getByRole('button', { name: '上传文件' }).or(page.getByText('上传文件')).first().waitFor();
    // The chat tab has the notice.
    await page.locator('#tab-chat').click();
    await logLine(page, '手机 分享了').waitFor();
    await page.locator('#tab-files').click();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await page.locator('section.files').scrollIntoViewIfNeeded();
    await screenshot(page.locator('section.files'), 'web-files-zh-mobile.png');
  });
});
