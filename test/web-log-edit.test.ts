// End to end in real Chromium, two browsers: editing and deleting messages from the log's menu, seen live by the other side and after a reload.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { expectAccessible } from './helpers/axe.js';
import { enterSignedIn, logLine, say, screenshot } from './helpers/browser.js';

const rig = browserRig({ flood: 'off' }, { boss: 'admin' });

/** The message line whose text is exactly `text`. */
function messageLine(page: Page, text: string) {
  return page.locator('.log li.message').filter({ has: page.locator('.text').getByText(text, { exact: true }) });
}

/** Edit our line `text` into `next` through its menu (Edit waits for the line's id). */
async function editLine(page: Page, text: string, next: string): Promise<void> {
  await messageLine(page, text).getByRole('button', { name: /^Actions on the line by /u }).click();
  await page.getByRole('menuitem', { name: 'Edit' }).and(page.locator(':enabled')).click();
  const editor = page.getByRole('textbox', { name: 'Edit the message' });
  await editor.fill(next);
  await editor.press('Enter');
  await editor.waitFor({ state: 'detached' });
}

describe('web UI: editing and deleting messages', () => {
  it('edits and deletes one’s own messages; the other browser sees both, and a reload keeps them', async () => {
    const ann = await rig.enter('editann');
    const ben = await rig.enter('editben');
    await logLine(ann, 'editben joined the room').waitFor();
    await say(ann, 'a message with a tpyo');
    await say(ann, 'a message to take back');
    await messageLine(ben, 'a message to take back').waitFor();

    // Ben may neither edit nor delete Ann's lines: no menu there.
    expect(await messageLine(ben, 'a message with a tpyo').getByRole('button', { name: /Actions on the line/u }).count()).toBe(0);

    // Edit with the mouse: the menu, Edit, the inline editor; Escape cancels, Enter saves.
    const typo = messageLine(ann, 'a message with a tpyo');
    await typo.getByRole('button', { name: 'Actions on the line by editann' }).click();
    await ann.getByRole('menuitem', { name: 'Edit' }).and(ann.locator(':enabled')).click();
    const editor = ann.getByRole('textbox', { name: 'Edit the message' });
    await expectAccessible(ann, 'the log with a line being edited');
    await editor.fill('never sent');
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    expect(await typo.count()).toBe(1);
    await typo.getByRole('button', { name: 'Actions on the line by editann' }).click();
    await ann.getByRole('menuitem', { name: 'Edit' }).and(ann.locator(':enabled')).click();
    expect(await editor.inputValue()).toBe('a message with a tpyo');
    await editor.fill('a message with **no** typo');
    await editor.press('Enter');

    const fixed = ben.locator('.log li.message', { hasText: 'a message with no typo' });
    await fixed.locator('.edited').waitFor();
    expect(await fixed.locator('strong').textContent()).toBe('no');
    expect(await fixed.locator('.edited').getAttribute('title')).toMatch(/^edited /u);
    expect(await logLine(ben, 'tpyo').count()).toBe(0);
    await ann.locator('.log li.message', { hasText: 'a message with no typo' }).locator('.edited').waitFor();

    // Delete with the keyboard: the menu button, arrows, Enter, then the confirmation.
    await messageLine(ann, 'a message to take back').getByRole('button', { name: 'Actions on the line by editann' }).focus();
    await ann.keyboard.press('Enter');
    await ann.getByRole('menuitem', { name: 'Delete' }).and(ann.locator(':enabled')).waitFor();
    await expectAccessible(ann, 'the log with a line menu open');
    await ann.keyboard.press('ArrowDown');
    expect(await ann.evaluate('document.activeElement.textContent')).toBe('Delete');
    await ann.keyboard.press('Enter');
    await ann.getByRole('button', { name: 'Delete', exact: true }).focus();
    await ann.keyboard.press('Enter');
    await ben.locator('.log li.message.deleted', { hasText: 'message deleted' }).waitFor();
    await ann.locator('.log li.message.deleted', { hasText: 'message deleted' }).waitFor();
    expect(await logLine(ben, 'a message to take back').count()).toBe(0);
    await screenshot(ben.locator('section.chat'), 'screenshots/web-log-edited.png');

    // After a reload the history carries both: the edited text with its mark, and the tombstone.
    await ben.reload();
    await ben.locator('.log li.message', { hasText: 'a message with no typo' }).locator('.edited').waitFor();
    await ben.locator('.log li.message.deleted', { hasText: 'message deleted' }).waitFor();
    expect(await logLine(ben, 'a message to take back').count()).toBe(0);
  });

  it('edits a message the moment it is sent, and one of ours older than the newest 50 lines', async () => {
    const ann = await rig.enter('quickann');
    const ben = await rig.enter('quickben');
    await logLine(ann, 'quickben joined the room').waitFor();

    // Just sent: the server's `sent` gives the line its id; Edit is there without asking for history.
    await say(ann, 'said and fixed at once');
    await editLine(ann, 'said and fixed at once', 'said and fixed at once!');
    await messageLine(ben, 'said and fixed at once!').locator('.edited').waitFor();

    // Sixty more from this tab: the first is beyond the newest 50 lines of the room (a history page
    // of the newest would not find it), yet it knows its id too.
    for (let i = 1; i <= 60; i++) await say(ann, `numbered line ${i}`);
    await messageLine(ben, 'numbered line 60').waitFor();
    await editLine(ann, 'numbered line 60', 'numbered line sixty');
    await messageLine(ben, 'numbered line sixty').locator('.edited').waitFor();
    await ann.evaluate("document.querySelector('.log').scrollTop = 0");
    await editLine(ann, 'numbered line 1', 'numbered line one');
    await messageLine(ann, 'numbered line one').locator('.edited').waitFor();
    // The other browser sees the change on the right line (the id was the one it has).
    await ben.evaluate("document.querySelector('.log').scrollTop = 0");
    await messageLine(ben, 'numbered line one').locator('.edited').waitFor();
    expect(await messageLine(ben, 'numbered line 1').count()).toBe(0);
    expect(await messageLine(ben, 'numbered line 2').count()).toBe(1);
  });

  it('lets an administrator delete anyone’s message, but not edit it', async () => {
    const dan = await rig.enter('spammer');
    const { page: boss } = await rig.open({ as: 'boss' });
    await enterSignedIn(boss);
    await say(dan, 'buy cheap things');
    const line = messageLine(boss, 'buy cheap things');
    await line.waitFor();
    await line.getByRole('button', { name: 'Actions on the line by spammer' }).click();
    expect(await boss.getByRole('menuitem', { name: 'Edit' }).count()).toBe(0);
    await boss.getByRole('menuitem', { name: 'Delete' }).click();
    await boss.getByRole('button', { name: 'Delete', exact: true }).click();
    const gone = (page: Page) => page.locator('.log li.message.deleted').filter({ has: page.locator('.who', { hasText: 'spammer' }) });
    await gone(dan).locator('.tombstone', { hasText: 'message deleted' }).waitFor();
    await gone(boss).locator('.tombstone', { hasText: 'message deleted' }).waitFor();
    expect(await logLine(dan, 'buy cheap things').count()).toBe(0);
  });
});
