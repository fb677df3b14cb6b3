// Accessibility measured in Chromium: axe-core over every screen in light and dark (no serious or critical violations), and the main flow with the keyboard alone.
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from './helpers/axe.js';
import { browserRig } from './helpers/browser-rig.js';
import { enterRoom, enterSignedIn, fileRow, logLine, say } from './helpers/browser.js';

const rig = browserRig({}, { ada: 'admin' });
const PHONE = { width: 390, height: 844 };
const PICTURE =
  '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="500"><defs><linearGradient id="s" x2="0" y2="1"><stop offset="0" stop-color="#7fb6ff"/><stop offset="1" stop-color="#ffe3a8"/></linearGradient></defs><rect width="800" height="500" fill="url(#s)"/><circle cx="620" cy="130" r="60" fill="#fff3c4"/><path d="M0 500 L260 240 L420 380 L560 270 L800 500z" fill="#3d7a4f"/></svg>';

beforeAll(async () => {
  await mkdir(path.join(rig.server.dir, 'docs'), { recursive: true });
  await writeFile(path.join(rig.server.dir, 'docs', 'notes.txt'), 'some notes\n');
  await writeFile(path.join(rig.server.dir, 'readme.md'), '# netroom\n\nA *test* file.\n');
  // A picture for the viewer.
  await sharp(Buffer.from(PICTURE)).png().toFile(path.join(rig.server.dir, 'x.png'));
});

describe('axe: no serious or critical violations', () => {
  it('the entry page (name and sign-in forms, files beside)', async () => {
    const { page } = await rig.open();
    await page.locator('#name').waitFor();
    await fileRow(page, 'docs').waitFor();
    await expectAccessible(page, 'entry');
  });

  it('the chat with rooms, a conversation and the files pane in a folder', async () => {
    const { page: other } = await rig.open();
    await enterRoom(other, 'bob');
    const { page } = await rig.open();
    await enterRoom(page, 'alice');
    await say(page, 'hello **world**, see https://example.org');
    await logLine(page, 'hello').waitFor();
    await page.locator('#join-room').fill('#dev');
    await page.locator('#join-room').press('Enter');
    await page.locator('#chat-title', { hasText: '#dev' }).waitFor();
    await say(page, 'in dev');
    await page.getByRole('button', { name: 'Browse rooms' }).click();
    await page.locator('#directory li[data-room="#lobby"]').waitFor();
    await expectAccessible(page, 'chat');

    await page.getByRole('button', { name: 'Talk privately with bob' }).waitFor({ state: 'attached' }).catch(() => undefined);
    await page.locator('#sidebar li[data-room="#lobby"] button.open').click();
    await page.getByRole('button', { name: 'Talk privately with bob' }).click();
    await page.locator('#chat-title', { hasText: 'bob' }).waitFor();
    await expectAccessible(page, 'conversation');

    await fileRow(page, 'docs').locator('a').first().click();
    await fileRow(page, 'notes.txt').waitFor();
    await expectAccessible(page, 'files');
  });

  it('signed in: the account entry and the sessions panel', async () => {
    const { page } = await rig.open({ as: 'ada' });
    await page.locator('#enter-account').waitFor();
    await expectAccessible(page, 'account entry');
    await enterSignedIn(page);
    await page.locator('#sessions-open').click();
    await page.locator('.sessions li').first().waitFor();
    await expectAccessible(page, 'sessions');
  });

  it('an invitation page', async () => {
    const { secret } = rig.access.invitations.create('member', 'ada');
    const { page } = await rig.open({ path: `join/${secret}` });
    await page.locator('#invite-name').waitFor();
    await expectAccessible(page, 'invitation');
  });

  it('the phone layout: the chat tab and the files tab', async () => {
    const { page } = await rig.open({ viewport: PHONE });
    await page.locator('#name').waitFor();
    await expectAccessible(page, 'phone entry');
    await enterRoom(page, 'carol');
    await say(page, 'from a phone');
    await expectAccessible(page, 'phone chat');
    await page.getByRole('button', { name: /^Rooms/u }).click();
    await page.locator('#sidebar').waitFor();
    await expectAccessible(page, 'phone rooms drawer');
    await page.getByRole('tab', { name: 'Files' }).click();
    await fileRow(page, 'docs').waitFor();
    await expectAccessible(page, 'phone files');
  });

  it('the viewer (files/?view=x.png)', async () => {
    const { page } = await rig.open({ path: 'files/?view=x.png' });
    await page.locator('.viewer, [role="dialog"]').first().waitFor();
    await expectAccessible(page, 'viewer');
  });
});

/** Press Tab (or Shift+Tab) until the focused element matches `selector`; fails after `max` presses. */
async function tabTo(page: Page, selector: string, options: { back?: boolean; max?: number } = {}): Promise<void> {
  const max = options.max ?? 120;
  for (let i = 0; i < max; i++) {
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) === true`)) return;
    await page.keyboard.press(options.back === true ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`${selector} never took the focus in ${max} presses of Tab`);
}

/** Whether the focused element shows a focus ring (an outline, as :focus-visible draws it). */
async function focusVisible(page: Page): Promise<boolean> {
  return Boolean(await page.evaluate('(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0; })()'));
}

describe('keyboard only', () => {
  it('enters a name, sends a message, opens a room and a folder without the mouse', async () => {
    const { page: other } = await rig.open();
    await enterRoom(other, 'dave');
    const { page } = await rig.open();
    await page.locator('#name').waitFor();
    await tabTo(page, '#name');
    expect(await focusVisible(page)).toBe(true);
    await page.keyboard.type('erin');
    await page.keyboard.press('Enter');
    // Entered: the caret is in the composer.
    await page.locator('#composer').waitFor();
    await expect.poll(() => page.evaluate('document.activeElement?.id')).toBe('composer');
    await page.keyboard.type('typed, not clicked');
    await page.keyboard.press('Enter');
    await logLine(other, 'typed, not clicked').waitFor();

    // A room: the "join or create" field, then back to #lobby from the sidebar's list.
    await tabTo(page, '#join-room', { back: true });
    await page.keyboard.type('#kbd');
    await page.keyboard.press('Enter');
    await page.locator('#chat-title', { hasText: '#kbd' }).waitFor();
    await tabTo(page, '#sidebar li[data-room="#lobby"] button.open', { back: true });
    expect(await focusVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('#chat-title', { hasText: '#lobby' }).waitFor();
    await logLine(page, 'typed, not clicked').waitFor();

    // A folder: its link in the files listing.
    await tabTo(page, '.listing tr[data-name="docs"] a');
    expect(await focusVisible(page)).toBe(true);
    await page.keyboard.press('Enter');
    await fileRow(page, 'notes.txt').waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/files/docs/');
  });

  it('switches the phone tabs with the keyboard', async () => {
    const { page } = await rig.open({ viewport: PHONE });
    await page.locator('#name').waitFor();
    await tabTo(page, '#tab-chat');
    await page.keyboard.press('ArrowRight');
    await fileRow(page, 'docs').waitFor();
    expect(await page.evaluate('document.activeElement?.id')).toBe('tab-files');
    // Tab goes from the tab list into the files panel.
    await tabTo(page, '.listing tr[data-name="docs"] a');
  });
});
