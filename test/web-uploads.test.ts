// End to end in real Chromium: uploads as a person sees them: failures, rows that clear, name clashes, no name needed.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { enterRoom, enterSignedIn, fileRow, focused, logLine, screenshot, type WebPage } from './helpers/browser.js';

// Replacing a file takes its owner (or an admin): the member `careful` replaces its own.
const rig = browserRig({ maxUpload: '1M' }, { careful: 'member' });

async function open(name?: string): Promise<WebPage> {
  const page = await rig.open();
  if (name !== undefined) await enterRoom(page.page, name);
  return page;
}

function file(name: string, text: string): { name: string; mimeType: string; buffer: Buffer } {
  return { name, mimeType: 'text/plain', buffer: Buffer.from(text) };
}

describe('web UI: uploads', () => {
  it('shows a failed upload as failed (no full bar) until dismissed, while finished rows clear themselves', async () => {
    const { page } = await open('uploader');
    await page.setInputFiles('#upload-input', file('.hidden-name', 'refused'));
    const failed = page.locator('.uploads li.failed', { hasText: '.hidden-name' });
    await failed.locator('.error', { hasText: 'HIDDEN_PATH' }).waitFor();
    await failed.getByText('Not uploaded').waitFor();
    // However many bytes went out before the refusal, no bar suggests the file arrived.
    expect(await failed.locator('progress').count()).toBe(0);

    await page.setInputFiles('#upload-input', file('fine.txt', 'stored'));
    const done = page.locator('.uploads li.done', { hasText: 'fine.txt' });
    await done.waitFor();
    await screenshot(page.locator('section.files'), 'web-uploads-failed-and-done.png');
    // The finished row goes by itself (the listing has the file); the failure stays to be read.
    await done.waitFor({ state: 'detached' });
    await fileRow(page, 'fine.txt').waitFor();
    expect(await failed.count()).toBe(1);
    await failed.getByRole('button', { name: 'Dismiss the failed upload of .hidden-name' }).click();
    await page.locator('section.uploads').waitFor({ state: 'detached' });
  });

  it('asks before replacing a name that exists: keep both, replace, cancel', async () => {
    const { page } = await rig.open({ as: 'careful' });
    await enterSignedIn(page);
    // The member's own file (put there with its token), so "Replace" is the member's to choose.
    const put = await fetch(new URL('files/notes.txt', rig.server.base), { method: 'PUT', body: 'original', headers: { Authorization: `Bearer ${rig.token('careful')}` } });
    expect(put.status).toBe(201);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await fileRow(page, 'notes.txt').waitFor();

    const asking = page.locator('.uploads li.asking', { hasText: 'notes.txt already exists here.' });
    await page.setInputFiles('#upload-input', file('notes.txt', 'second'));
    await asking.waitFor();
    await screenshot(page.locator('section.files'), 'web-uploads-ask.png');
    // The keyboard is brought to the question, on its harmless answer; Enter takes it.
    expect(await focused(page)).toBe('Keep both');
    await page.keyboard.press('Enter');
    await fileRow(page, 'notes (1).txt').waitFor();
    expect(await fs.readFile(path.join(rig.server.dir, 'notes (1).txt'), 'utf8')).toBe('second');
    expect(await fs.readFile(path.join(rig.server.dir, 'notes.txt'), 'utf8')).toBe('original');

    await page.setInputFiles('#upload-input', file('notes.txt', 'third'));
    await asking.getByRole('button', { name: 'Keep both' }).click();
    await fileRow(page, 'notes (2).txt').waitFor();
    expect(await fs.readFile(path.join(rig.server.dir, 'notes (2).txt'), 'utf8')).toBe('third');

    await page.setInputFiles('#upload-input', file('notes.txt', 'replacement'));
    await asking.getByRole('button', { name: 'Cancel' }).click();
    await asking.waitFor({ state: 'detached' });
    expect(await fs.readFile(path.join(rig.server.dir, 'notes.txt'), 'utf8')).toBe('original');

    await page.setInputFiles('#upload-input', file('notes.txt', 'replacement'));
    await asking.getByRole('button', { name: 'Replace' }).click();
    await page.locator('.uploads li.done', { hasText: 'notes.txt' }).waitFor();
    expect(await fs.readFile(path.join(rig.server.dir, 'notes.txt'), 'utf8')).toBe('replacement');
  });

  it('asks too when the name appeared after the listing was read (If-None-Match: *), never replacing silently', async () => {
    const { page } = await open('racer');
    await page.getByText('This folder is empty.').or(fileRow(page, 'notes.txt')).first().waitFor();
    // Written behind the page's back: the listing it shows does not have it.
    await fs.writeFile(path.join(rig.server.dir, 'late.txt'), 'there first');
    await page.setInputFiles('#upload-input', file('late.txt', 'mine'));
    const asking = page.locator('.uploads li.asking', { hasText: 'late.txt already exists here.' });
    await asking.waitFor();
    expect(await fs.readFile(path.join(rig.server.dir, 'late.txt'), 'utf8')).toBe('there first');
    await asking.getByRole('button', { name: 'Keep both' }).click();
    await page.locator('.uploads li.done', { hasText: 'late (1).txt' }).waitFor();
    expect(await fs.readFile(path.join(rig.server.dir, 'late (1).txt'), 'utf8')).toBe('mine');
  });

  it('browses, downloads and uploads without entering the chat; the upload is announced as from someone', async () => {
    const { page: member } = await open('listener');
    await fs.mkdir(path.join(rig.server.dir, 'open'));
    await fs.writeFile(path.join(rig.server.dir, 'open', 'readme.txt'), 'no name needed');
    const { page } = await open();
    // The name form and the files pane side by side; no name entered.
    await page.getByRole('heading', { name: 'Enter the room' }).waitFor();
    await page.getByRole('link', { name: 'Open folder open' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), fileRow(page, 'readme.txt').getByRole('link', { name: 'Download readme.txt' }).click()]);
    expect(download.suggestedFilename()).toBe('readme.txt');
    expect(await fs.readFile(await download.path(), 'utf8')).toBe('no name needed');

    await page.locator('.files .anonymous').waitFor();
    await page.setInputFiles('#upload-input', file('anonymous.txt', 'from nobody in particular'));
    await page.locator('.uploads li.done', { hasText: 'anonymous.txt' }).waitFor();
    expect(await fs.readFile(path.join(rig.server.dir, 'open', 'anonymous.txt'), 'utf8')).toBe('from nobody in particular');
    await logLine(member, 'someone shared open/anonymous.txt').waitFor();
    await screenshot(page, 'web-uploads-no-name.png');
  });

  it('drops a folder error once that folder is opened', async () => {
    const { page } = await open('tidy');
    await page.getByLabel('Name of the new folder').fill('docs');
    await page.getByRole('button', { name: 'Create' }).click();
    await fileRow(page, 'docs').waitFor();
    await page.getByLabel('Name of the new folder').fill('docs');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('#folder-error', { hasText: 'ALREADY_EXISTS' }).waitFor();
    await page.getByLabel('Open folder docs').click();
    await page.locator('.crumbs [aria-current="page"]', { hasText: 'docs' }).waitFor();
    await page.locator('#folder-error').waitFor({ state: 'detached' });
  });
});
