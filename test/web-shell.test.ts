// The page as a whole in Chromium: deep links to rooms and conversations, the address following the sidebar, Back/Forward and reload, and the phone's chat/files tabs.
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { enterRoom, logLine, say, screenshot } from './helpers/browser.js';

const rig = browserRig();
const PHONE = { width: 390, height: 844 };

/** The query of the page's address, decoded. */
function query(page: Page): Record<string, string> {
  return Object.fromEntries(new URL(page.url()).searchParams);
}

/** The room or conversation on screen (the chat's title, and the sidebar's current row). */
async function onScreen(page: Page, name: string): Promise<void> {
  await page.locator('#chat-title', { hasText: name }).waitFor();
  // (Attached: on a phone the sidebar is a closed drawer.)
  await page.locator(`#sidebar li.current[${name.startsWith('#') ? 'data-room' : 'data-with'}="${name}"]`).waitFor({ state: 'attached' });
}

async function waitForQuery(page: Page, expected: Record<string, string>): Promise<void> {
  await expect.poll(() => query(page)).toEqual(expected);
}

async function joinRoom(page: Page, room: string): Promise<void> {
  await page.locator('#join-room').fill(room);
  await page.locator('#join-room').press('Enter');
  await onScreen(page, room);
}

describe('web UI: deep links', () => {
  it('a link to a room (?room=%23dev) joins and opens it once entered; ?room=dev works too', async () => {
    const { page } = await rig.open({ path: '?room=%23dev' });
    // Not entered yet: the link waits, and stays in the address.
    await page.locator('#name').waitFor();
    expect(query(page)).toEqual({ room: '#dev' });
    await enterRoom(page, 'alice');
    await onScreen(page, '#dev');
    await waitForQuery(page, { room: '#dev' });

    const { page: other } = await rig.open({ path: '?room=garden' });
    await enterRoom(other, 'bob');
    await onScreen(other, '#garden');
    await waitForQuery(other, { room: '#garden' });
    // The room is the real one: what is said there arrives there.
    await say(other, 'tomatoes');
    await logLine(other, 'tomatoes').waitFor();
  });

  it('a link to a conversation (?dm=NAME) opens it once entered', async () => {
    const { page: dora } = await rig.open();
    await enterRoom(dora, 'dora');
    const { page } = await rig.open({ path: '?dm=dora' });
    await enterRoom(page, 'erin');
    await onScreen(page, 'dora');
    await waitForQuery(page, { dm: 'dora' });
    await say(page, 'hello dora');
    await dora.locator('#sidebar li[data-with="erin"]').waitFor();
  });

  it('a room that cannot be joined leaves the address at the room on screen', async () => {
    const { page } = await rig.open({ path: '?room=%23no!bang' });
    await enterRoom(page, 'fay');
    await page.locator('#room-error').waitFor();
    await waitForQuery(page, { room: '#lobby' });
    await onScreen(page, '#lobby');
  });
});

describe('web UI: the address follows the chat', () => {
  it('switching rooms and conversations moves the address; Back and Forward move back; reload keeps the place', async () => {
    const { page: hank } = await rig.open();
    await enterRoom(hank, 'hank');
    const { page } = await rig.open();
    await enterRoom(page, 'gina');
    // Entering names the room on screen, without a new history entry.
    await waitForQuery(page, { room: '#lobby' });
    await joinRoom(page, '#dev');
    await waitForQuery(page, { room: '#dev' });
    await page.locator('#sidebar li[data-room="#lobby"] button.open').click();
    await onScreen(page, '#lobby');
    await waitForQuery(page, { room: '#lobby' });
    await page.getByRole('button', { name: 'Talk privately with hank' }).click();
    await onScreen(page, 'hank');
    await waitForQuery(page, { dm: 'hank' });

    await page.goBack();
    await onScreen(page, '#lobby');
    await page.goBack();
    await onScreen(page, '#dev');
    await waitForQuery(page, { room: '#dev' });
    await page.goForward();
    await onScreen(page, '#lobby');
    await page.goForward();
    await onScreen(page, 'hank');

    // A reload resumes the chat and comes back to the same conversation, then the same room.
    await page.reload();
    await onScreen(page, 'hank');
    await page.goBack();
    await onScreen(page, '#lobby');
    await page.reload();
    await onScreen(page, '#lobby');
    await waitForQuery(page, { room: '#lobby' });
  });

  it('a folder and a room live in one address: opening a folder keeps the room, and the room the folder', async () => {
    await mkdir(path.join(rig.server.dir, 'docs'), { recursive: true });
    const { page } = await rig.open({ path: 'files/docs/?room=%23dev' });
    await enterRoom(page, 'ivan');
    await onScreen(page, '#dev');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/files/docs/');
    await page.locator('#sidebar li[data-room="#lobby"] button.open').click();
    await waitForQuery(page, { room: '#lobby' });
    await expect.poll(() => new URL(page.url()).pathname).toBe('/files/docs/');
    await page.goBack();
    await onScreen(page, '#dev');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/files/docs/');
  });

  it('leaving the chat takes the room out of the address', async () => {
    const { page } = await rig.open({ path: '?room=%23dev' });
    await enterRoom(page, 'jill');
    await onScreen(page, '#dev');
    await page.locator('#leave').click();
    await page.locator('#name').waitFor();
    await waitForQuery(page, {});
  });
});

describe('web UI: the phone layout', () => {
  it('switches between the chat and the files with tabs; the address remembers which', async () => {
    const { page } = await rig.open({ viewport: PHONE });
    const tabs = page.getByRole('tablist');
    await tabs.waitFor();
    const chatTab = page.getByRole('tab', { name: 'Chat' });
    const filesTab = page.getByRole('tab', { name: 'Files' });
    expect(await chatTab.getAttribute('aria-selected')).toBe('true');
    // One pane at a time: the name form, and no files.
    await page.locator('#name').waitFor();
    expect(await page.locator('#panel-files').isHidden()).toBe(true);
    await enterRoom(page, 'kate');
    await screenshot(page, 'screenshots/web-shell-phone-chat.png');

    await filesTab.click();
    await page.getByRole('tabpanel', { name: 'Files' }).waitFor();
    expect(await page.locator('#panel-chat').isHidden()).toBe(true);
    expect(await filesTab.getAttribute('aria-selected')).toBe('true');
    await waitForQuery(page, { room: '#lobby', pane: 'files' });
    await screenshot(page, 'screenshots/web-shell-phone-files.png');

    // Reload: still the files (and still in the chat).
    await page.reload();
    await page.getByRole('tabpanel', { name: 'Files' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Files' }).getAttribute('aria-selected')).toBe('true');
    // Back: the chat again.
    await page.goBack();
    await page.locator('#composer').waitFor();
    expect(await page.locator('#panel-files').isHidden()).toBe(true);

    // Keyboard: arrows move between the tabs (one tab stop).
    await page.getByRole('tab', { name: 'Chat' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('tabpanel', { name: 'Files' }).waitFor();
    expect(await page.evaluate('document.activeElement.id')).toBe('tab-files');
    await page.keyboard.press('ArrowLeft');
    await page.locator('#composer').waitFor();
  });

  it('the chat tab counts what arrived while the files were on screen', async () => {
    const { page } = await rig.open({ viewport: PHONE, path: '?pane=files' });
    await page.getByRole('tab', { name: 'Chat' }).click();
    await enterRoom(page, 'liam');
    // Rooms are in a drawer on a phone.
    await page.getByRole('button', { name: /^Rooms/u }).click();
    await joinRoom(page, '#dev');
    await page.getByRole('tab', { name: 'Files' }).click();
    await page.getByRole('tabpanel', { name: 'Files' }).waitFor();
    const { page: other } = await rig.open();
    await enterRoom(other, 'mona');
    await say(other, 'anyone here?');
    await page.getByRole('tab', { name: 'Chat (1 unread)' }).waitFor();
  });

  it('a wide screen shows both panes and no tabs', async () => {
    const { page } = await rig.open();
    await page.locator('#name').waitFor();
    await page.locator('.files').waitFor();
    expect(await page.getByRole('tablist').count()).toBe(0);
  });
});
