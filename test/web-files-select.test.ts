// End to end in real Chromium: multi-select (shift ranges, select all) to download one zip or delete, rename in place, move by dragging onto a folder or a breadcrumb or with Move to…, whole folders uploaded.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { fileRow, screenshot } from './helpers/browser.js';

const run = promisify(execFile);
// The admin may rename, move and delete what was placed on disk (nobody known made it).
const rig = browserRig({}, { root: 'admin' });

/** Python's zipfile reads the download: each entry's name and its text (null for folders). */
async function zipEntries(file: string): Promise<Record<string, string | null>> {
  const script = `
import sys, zipfile, json
with zipfile.ZipFile(sys.argv[1]) as z:
    assert z.testzip() is None
    print(json.dumps({i.filename: (None if i.is_dir() else z.read(i).decode()) for i in z.infolist()}))
`;
  const { stdout } = await run('python3', ['-c', script, file], { timeout: 20_000 });
  return JSON.parse(stdout) as Record<string, string | null>;
}

/** A folder of the library with files (name -> text) and folders (name -> null). */
async function folder(dir: string, content: Record<string, string | null>): Promise<void> {
  await fs.mkdir(path.join(rig.server.dir, dir), { recursive: true });
  for (const [name, text] of Object.entries(content)) {
    const at = path.join(rig.server.dir, dir, name);
    if (text === null) await fs.mkdir(at, { recursive: true });
    else {
      await fs.mkdir(path.dirname(at), { recursive: true });
      await fs.writeFile(at, text);
    }
  }
}

/** A page signed in as the admin, not in the chat (the files pane needs no room). */
async function admin(at: string): Promise<Page> {
  return (await rig.open({ as: 'root', path: at })).page;
}

const box = (page: Page, name: string) => page.getByRole('checkbox', { name: `Select ${name}` });
const onDisk = (rel: string): Promise<string> => fs.readFile(path.join(rig.server.dir, rel), 'utf8');

describe('web UI: selecting files', () => {
  it('selects a range with shift-click and downloads it as one zip; everything (a folder whole) too; one file as itself', async () => {
    await folder('pick', { 'a.txt': 'A', 'b.txt': 'B', 'c.txt': 'C', 'd.txt': 'D', 'sub/inner.txt': 'I' });
    const { page } = await rig.open({ path: 'files/pick/' });
    await fileRow(page, 'd.txt').waitFor();
    await box(page, 'a.txt').click();
    await box(page, 'c.txt').click({ modifiers: ['Shift'] });
    const bar = page.locator('.selection-bar');
    await bar.locator('.count', { hasText: '3 selected' }).waitFor();
    expect(await box(page, 'b.txt').isChecked()).toBe(true);
    expect(await box(page, 'd.txt').isChecked()).toBe(false);
    await screenshot(page.locator('section.files'), 'screenshots/web-files-selected.png');
    const [zip] = await Promise.all([page.waitForEvent('download'), bar.getByRole('link', { name: 'Download' }).click()]);
    expect(zip.suggestedFilename()).toBe('netroom-files.zip');
    expect(await zipEntries(await zip.path())).toEqual({ 'a.txt': 'A', 'b.txt': 'B', 'c.txt': 'C' });

    await page.getByRole('checkbox', { name: 'Select everything shown' }).click();
    await bar.locator('.count', { hasText: '5 selected' }).waitFor();
    const [all] = await Promise.all([page.waitForEvent('download'), bar.getByRole('link', { name: 'Download' }).click()]);
    expect(await zipEntries(await all.path())).toEqual({ 'sub/': null, 'sub/inner.txt': 'I', 'a.txt': 'A', 'b.txt': 'B', 'c.txt': 'C', 'd.txt': 'D' });

    await page.getByRole('button', { name: 'Clear the selection' }).click();
    await bar.waitFor({ state: 'detached' });
    await box(page, 'd.txt').click();
    const [one] = await Promise.all([page.waitForEvent('download'), bar.getByRole('link', { name: 'Download' }).click()]);
    expect(one.suggestedFilename()).toBe('d.txt');
    expect(await fs.readFile(await one.path(), 'utf8')).toBe('D');
  });

  it('deletes the selection after asking; Keep keeps everything', async () => {
    await folder('purge', { 'keep.txt': 'K', 'x.txt': 'X', 'y.txt': 'Y' });
    const page = await admin('files/purge/');
    await fileRow(page, 'y.txt').waitFor();
    await box(page, 'x.txt').click();
    await box(page, 'y.txt').click();
    const bar = page.locator('.selection-bar');
    await bar.getByRole('button', { name: 'Delete' }).click();
    await bar.getByText('Delete 2 items?').waitFor();
    await bar.getByRole('button', { name: 'Keep' }).click();
    expect(await onDisk('purge/x.txt')).toBe('X');
    await bar.getByRole('button', { name: 'Delete' }).click();
    await bar.getByRole('button', { name: 'Yes, delete' }).click();
    await fileRow(page, 'x.txt').waitFor({ state: 'detached' });
    await fileRow(page, 'y.txt').waitFor({ state: 'detached' });
    await bar.waitFor({ state: 'detached' });
    expect((await fs.readdir(path.join(rig.server.dir, 'purge'))).sort()).toEqual(['keep.txt']);
  });

  it('renames in place (Enter saves, Escape keeps), and a second browser sees the new name live', async () => {
    await folder('names', { 'draft.txt': 'words' });
    const page = await admin('files/names/');
    const { page: watcher } = await rig.open({ path: 'files/names/' });
    await fileRow(watcher, 'draft.txt').waitFor();
    await page.getByRole('button', { name: 'Rename draft.txt' }).click();
    const input = page.getByRole('textbox', { name: 'New name for draft.txt' });
    await input.press('Escape');
    await input.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Rename draft.txt' }).click();
    await input.fill('final 定稿.txt');
    await input.press('Enter');
    await fileRow(page, 'final 定稿.txt').waitFor();
    await fileRow(watcher, 'final 定稿.txt').waitFor();
    await fileRow(watcher, 'draft.txt').waitFor({ state: 'detached' });
    expect(await onDisk('names/final 定稿.txt')).toBe('words');
    // A name that is taken is refused in place, nothing replaced (MOVE with Overwrite: F).
    await fs.writeFile(path.join(rig.server.dir, 'names', 'other.txt'), 'other');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('button', { name: 'Rename other.txt' }).click();
    await page.getByRole('textbox', { name: 'New name for other.txt' }).fill('final 定稿.txt');
    await page.getByRole('textbox', { name: 'New name for other.txt' }).press('Enter');
    await fileRow(page, 'other.txt').locator('.error', { hasText: 'ALREADY_EXISTS' }).waitFor();
    expect(await onDisk('names/final 定稿.txt')).toBe('words');
  });

  it('moves by dragging a row onto a folder row and onto a breadcrumb, and with Move to…', async () => {
    await folder('moves', { 'one.txt': '1', 'two.txt': '2', 'three.txt': '3', 'box/inside.txt': 'in' });
    const page = await admin('files/moves/');
    await fileRow(page, 'one.txt').waitFor();
    await fileRow(page, 'one.txt').dragTo(fileRow(page, 'box'));
    await fileRow(page, 'one.txt').waitFor({ state: 'detached' });
    expect(await onDisk('moves/box/one.txt')).toBe('1');

    // The selection moves together when one of it is dragged.
    await box(page, 'two.txt').click();
    await box(page, 'three.txt').click();
    await fileRow(page, 'two.txt').dragTo(fileRow(page, 'box'));
    await fileRow(page, 'three.txt').waitFor({ state: 'detached' });
    expect([await onDisk('moves/box/two.txt'), await onDisk('moves/box/three.txt')]).toEqual(['2', '3']);

    await page.getByRole('link', { name: 'Open folder box' }).click();
    await fileRow(page, 'inside.txt').waitFor();
    await fileRow(page, 'inside.txt').dragTo(page.locator('.crumbs').getByRole('link', { name: 'moves' }));
    await fileRow(page, 'inside.txt').waitFor({ state: 'detached' });
    expect(await onDisk('moves/inside.txt')).toBe('in');

    await box(page, 'one.txt').click();
    await page.getByRole('button', { name: 'Move to…' }).click();
    const target = page.getByLabel('Folder to move into (empty: All files)');
    expect(await target.inputValue()).toBe('moves/box');
    await target.fill('');
    await target.press('Enter');
    await fileRow(page, 'one.txt').waitFor({ state: 'detached' });
    expect(await onDisk('one.txt')).toBe('1');
  });

  it('uploads a whole folder (a directory input), folders made and relative paths kept', async () => {
    await fs.mkdir(path.join(rig.server.dir, 'drop'));
    const local = await fs.mkdtemp(path.join(tmpdir(), 'netroom-tree-'));
    try {
      await fs.mkdir(path.join(local, 'album', 'deep'), { recursive: true });
      await fs.writeFile(path.join(local, 'album', 'x.txt'), 'x here');
      await fs.writeFile(path.join(local, 'album', 'deep', 'y.txt'), 'y deeper');
      const page = await admin('files/drop/');
      await page.getByText('This folder is empty.').waitFor();
      await page.setInputFiles('#upload-folder-input', path.join(local, 'album'));
      await fileRow(page, 'album').waitFor();
      await page.locator('.uploads li.done', { hasText: 'y.txt' }).waitFor();
      await expect.poll(() => onDisk('drop/album/x.txt').catch(() => '')).toBe('x here');
      expect(await onDisk('drop/album/deep/y.txt')).toBe('y deeper');
    } finally {
      await fs.rm(local, { recursive: true, force: true });
    }
  });
});
