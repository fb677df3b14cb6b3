// End to end in real Chromium: the library as the page shows it: live changes from other doors, file notices, folders in the URL.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { enterRoom, fileRow, logLine, screenshot, scrollWidth, type WebPage, type PageOptions } from './helpers/browser.js';
import { ftpClient, PASSWORD } from './helpers/ftp.js';

// Changes made elsewhere are made by accounts that may make them: a member (its own files) and an admin
// (what was placed on disk, which nobody known made). The pages watching are guests.
const rig = browserRig({ ftp: '0' }, { editor: 'member', keeper: 'admin' });

async function open(options: { name?: string; path?: string } & PageOptions = {}): Promise<WebPage> {
  const page = await rig.open(options);
  if (options.name !== undefined) await enterRoom(page.page, options.name);
  return page;
}

/** The test's own HTTP client: another person using the API (no browser), with `bearer` (a token) when given. */
async function api(method: string, where: string, body?: string, headers: Record<string, string> = {}, bearer?: string): Promise<Response> {
  const auth: Record<string, string> = bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` };
  const res = await fetch(new URL(where, rig.server.base), { method, body, headers: { ...headers, ...auth } });
  expect(res.status, `${method} ${where}`).toBeLessThan(300);
  return res;
}

describe('web UI: the library, live', () => {
  it('applies every change made elsewhere (HTTP, FTP) to the folder shown, entered or not, without a reload', async () => {
    await fs.mkdir(path.join(rig.server.dir, 'live'));
    const { page } = await open({ path: 'files/live/' });
    await page.getByText('This folder is empty.').waitFor();
    // One member, over HTTP with its token and over FTP signed in: its own files, its to rename and delete.
    const token = rig.token('editor');
    const ftp = await ftpClient(rig.server.ftpPort ?? 0, 'editor', PASSWORD);
    try {
      await api('PUT', 'files/live/from-http.txt', 'over HTTP', {}, token);
      await fileRow(page, 'from-http.txt').waitFor();
      expect(await fileRow(page, 'from-http.txt').locator('td.num').textContent()).toBe('9 B');
      await api('POST', 'api/folders?path=live%2Fnew-folder', undefined, {}, token);
      await fileRow(page, 'new-folder').waitFor();
      // Folders first, as a listing sorts them.
      expect(await page.locator('.listing tr[data-name]').first().getAttribute('data-name')).toBe('new-folder');
      // Elsewhere: not shown here.
      await api('PUT', 'files/elsewhere.txt', 'root', {}, token);
      await ftp.rename('/live/from-http.txt', '/live/renamed.txt');
      await fileRow(page, 'renamed.txt').waitFor();
      await fileRow(page, 'from-http.txt').waitFor({ state: 'detached' });
      await ftp.remove('/live/renamed.txt');
      await fileRow(page, 'renamed.txt').waitFor({ state: 'detached' });
      await api('DELETE', 'files/live/new-folder', undefined, {}, token);
      await fileRow(page, 'new-folder').waitFor({ state: 'detached' });
      await page.getByText('This folder is empty.').waitFor();
      expect(await fileRow(page, 'elsewhere.txt').count()).toBe(0);
    } finally {
      ftp.close();
    }
  });

  it('follows the folder shown when it is renamed, and says so when it is deleted', async () => {
    await fs.mkdir(path.join(rig.server.dir, 'old-name'));
    await fs.writeFile(path.join(rig.server.dir, 'old-name', 'inside.txt'), 'x');
    const { page } = await open({ path: 'files/old-name/' });
    await fileRow(page, 'inside.txt').waitFor();
    // Placed on disk, so made by nobody known: an admin's to rename and delete.
    const ftp = await ftpClient(rig.server.ftpPort ?? 0, 'keeper', PASSWORD);
    try {
      await ftp.rename('/old-name', '/new-name');
      await page.locator('.crumbs [aria-current="page"]', { hasText: 'new-name' }).waitFor();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/files/new-name/');
      await fileRow(page, 'inside.txt').waitFor();
      await ftp.remove('/new-name/inside.txt');
      await fileRow(page, 'inside.txt').waitFor({ state: 'detached' });
      await ftp.removeEmptyDir('/new-name');
      await page.locator('.files .error', { hasText: 'NOT_FOUND' }).waitFor();
    } finally {
      ftp.close();
    }
  });

  it('links a file notice under the file\'s own name, and marks it deleted when the file goes', async () => {
    const { page } = await open({ name: 'sharer' });
    await api('PUT', 'files/shared.json', '{"a":1}', { 'X-Netroom-Name': 'sharer' });
    const notice = logLine(page, 'sharer shared shared.json');
    await notice.waitFor();
    expect(await notice.locator('a').getAttribute('download')).toBe('shared.json');
    const [download] = await Promise.all([page.waitForEvent('download'), notice.locator('a').click()]);
    expect(download.suggestedFilename()).toBe('shared.json');

    // The guest may not delete it (not even under the same name): the administrator does.
    await api('DELETE', 'files/shared.json', undefined, {}, rig.adminToken);
    await page.locator('.log li.file.deleted', { hasText: 'shared.json' }).waitFor();
    expect(await notice.locator('a').count()).toBe(0); // nothing left to download
    await notice.locator('.tag', { hasText: 'deleted' }).waitFor();
    await screenshot(page.locator('section.chat'), 'web-library-deleted-notice.png');

    // A page entering later is shown the notice from history, already marked.
    const { page: late } = await open({ name: 'latecomer' });
    await late.locator('.log li.file.deleted', { hasText: 'shared.json' }).waitFor();
  });
});

describe('web UI: folders in the address bar', () => {
  it('answers a browser at /files/DIR/ with the UI there; other clients get what they always got', async () => {
    await fs.mkdir(path.join(rig.server.dir, 'deep', 'er'), { recursive: true });
    await fs.writeFile(path.join(rig.server.dir, 'deep', 'er', 'page.html'), '<p>a file</p>');
    const html = { Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
    const page = await fetch(new URL('files/deep/er/', rig.server.base), { headers: html });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('vary')).toContain('Accept');
    expect(await page.text()).toContain('<base href="../../../">');
    // Without the trailing slash the page's folder is one level up, and so is the way back.
    expect(await (await fetch(new URL('files/deep/er', rig.server.base), { headers: html })).text()).toContain('<base href="../../">');
    // A folder not (or no longer) there, written as a folder: the UI, which says so.
    expect((await fetch(new URL('files/not-there/', rig.server.base), { headers: html })).status).toBe(200);

    // curl, the API, scripts: unchanged.
    const curl = await fetch(new URL('files/deep/er/', rig.server.base), { headers: { Accept: '*/*' } });
    expect(curl.status).toBe(400);
    expect(((await curl.json()) as { error: { code: string } }).error.code).toBe('NOT_A_FILE');
    // A file stays a file, and a missing file stays a 404, even for a browser.
    const file = await fetch(new URL('files/deep/er/page.html', rig.server.base), { headers: html });
    expect(await file.text()).toBe('<p>a file</p>');
    expect(file.headers.get('content-security-policy')).toBe('sandbox');
    expect((await fetch(new URL('files/deep/gone.txt', rig.server.base), { headers: html })).status).toBe(404);
  });

  it('opens at a deep link, puts each folder in the URL, and Back and Forward move between folders', async () => {
    await fs.mkdir(path.join(rig.server.dir, 'docs', 'sub 子'), { recursive: true });
    await fs.writeFile(path.join(rig.server.dir, 'docs', 'sub 子', 'deep.txt'), 'deep bytes');
    await fs.writeFile(path.join(rig.server.dir, 'docs', 'top.txt'), 'top');
    const { page } = await open({ path: `files/docs/${encodeURIComponent('sub 子')}/` });
    await page.locator('.crumbs [aria-current="page"]', { hasText: 'sub 子' }).waitFor();
    await fileRow(page, 'deep.txt').waitFor();
    // Relative URLs still lead to the server's root: downloads, and the chat's WebSocket.
    const [download] = await Promise.all([page.waitForEvent('download'), fileRow(page, 'deep.txt').getByRole('link', { name: 'Download deep.txt' }).click()]);
    expect(await fs.readFile(await download.path(), 'utf8')).toBe('deep bytes');
    await enterRoom(page, 'deeplinker');
    await logLine(page, 'deeplinker joined the room').waitFor();
    await screenshot(page, 'web-library-deep-link.png');

    await page.locator('.crumbs').getByRole('link', { name: 'docs' }).click();
    await fileRow(page, 'top.txt').waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/files/docs/');
    await page.locator('.crumbs').getByRole('link', { name: 'All files' }).click();
    await fileRow(page, 'docs').waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');

    await page.goBack();
    await fileRow(page, 'top.txt').waitFor();
    await page.goBack();
    await fileRow(page, 'deep.txt').waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/files/docs/${encodeURIComponent('sub 子')}/`);
    await page.goForward();
    await fileRow(page, 'top.txt').waitFor();
    // Navigating never reloaded the page: still in the room.
    await page.locator('.status', { hasText: 'In the room as deeplinker' }).waitFor();
    // A folder link is a real link: its address opens that folder in a new tab too, in the same room.
    expect(await page.getByRole('link', { name: 'Open folder sub 子' }).getAttribute('href')).toBe(new URL(`files/docs/${encodeURIComponent('sub 子')}/?room=%23lobby`, rig.server.base).href);
    await expect.poll(() => new URL(page.url()).searchParams.get('room')).toBe('#lobby'); // the room survived every folder change
  });

  it('opens a folder link on a phone in Chinese without a name: the name form, the folder behind the files tab, nothing sideways', async () => {
    await fs.mkdir(path.join(rig.server.dir, '照片'), { recursive: true });
    await fs.writeFile(path.join(rig.server.dir, '照片', '海边.jpg'), 'jpeg');
    const { page } = await open({ path: `files/${encodeURIComponent('照片')}/`, locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    await page.getByRole('heading', { name: '进入聊天室' }).waitFor();
    // A phone shows one pane at a time: the folder is behind the files tab, no name needed.
    await page.locator('#tab-files').click();
    await fileRow(page, '海边.jpg').waitFor();
    await page.locator('.crumbs [aria-current="page"]', { hasText: '照片' }).waitFor();
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, 'web-library-phone-no-name.png');
  });
});
