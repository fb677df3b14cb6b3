// End to end in real Chromium: writing in the chat: focus after entering, the length limit, refusals and their reasons.
import { describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { enterRoom, focused, logLine, say, screenshot, type WebPage } from './helpers/browser.js';

// A tight flood limit (one message per 100 s, bursts of 4): a burst of six is refused however slowly the browser sends.
const rig = browserRig({ flood: '0.01:4' });

async function member(name: string): Promise<WebPage> {
  const page = await rig.open();
  await enterRoom(page.page, name);
  return page;
}

describe('web UI: writing', () => {
  it('puts the caret in the message box once the name is accepted', async () => {
    const { page } = await member('typist');
    await page.locator('.status', { hasText: 'In the room as typist' }).waitFor();
    expect(await focused(page)).toBe('composer');
    // So the next keys go straight into a message.
    await page.keyboard.type('first words');
    await page.keyboard.press('Enter');
    await logLine(page, 'first words').waitFor();
  });

  it('counts characters near the limit and refuses a message over it before sending, keeping the text', async () => {
    const { page } = await member('longwinded');
    const composer = page.locator('#composer');
    await composer.fill('x'.repeat(1700));
    expect(await page.locator('#say-count').count()).toBe(0); // no counter for ordinary lengths
    await composer.fill('é'.repeat(2001)); // characters, not bytes: 2001 of them, 4002 bytes of UTF-8
    await page.locator('#say-count.over', { hasText: '2001 / 2000' }).waitFor();
    expect(await composer.getAttribute('aria-invalid')).toBe('true');
    await composer.press('Enter');
    await page.locator('#say-error', { hasText: 'MESSAGE_TOO_LONG' }).waitFor();
    // Nothing was sent and nothing was lost: the text is still there to shorten.
    expect(await composer.inputValue()).toBe('é'.repeat(2001));
    expect(await page.locator('.log li.mine').count()).toBe(0);
    await screenshot(page.locator('section.chat'), 'web-compose-too-long.png');

    // Shortened to the limit: the complaint goes with its cause, and the message goes through.
    await composer.press('End');
    await composer.press('Backspace');
    await page.locator('#say-count:not(.over)', { hasText: '2000 / 2000' }).waitFor();
    await page.locator('#say-error').waitFor({ state: 'detached' });
    await composer.press('Enter');
    await page.locator('.log li.mine:not(.failed)', { hasText: 'é'.repeat(20) }).waitFor();
    expect(await composer.inputValue()).toBe('');
  });

  it('keeps each refused message\'s reason on its line, with Send again and Edit', async () => {
    const { page } = await member('rapid');
    for (let i = 1; i <= 6; i++) await say(page, `burst ${i}`);
    const refused = page.locator('.log li.failed');
    await refused.nth(1).waitFor();
    // However many sends came after, every refused line says why it was refused.
    for (const line of await refused.all()) {
      expect(await line.locator('.tag').textContent()).toContain('not sent: RATE_LIMITED');
      await line.getByRole('button', { name: 'Send again' }).waitFor();
    }
    await screenshot(page.locator('section.chat'), 'web-compose-refused.png');
    // Edit puts the text back into the message box and takes the line off the log.
    const text = (await refused.first().locator('.text').textContent()) ?? '';
    await refused.first().getByRole('button', { name: 'Edit' }).click();
    expect(await page.locator('#composer').inputValue()).toBe(text);
    expect(await focused(page)).toBe('composer');
    expect(await logLine(page, text).count()).toBe(0);
  });

  it('drops "not connected" once the connection is back, and keeps what was typed', async () => {
    const { page } = await member('patient');
    await rig.server.restart(async () => {
      await page.locator('.status', { hasText: 'reconnecting' }).waitFor();
      await say(page, 'typed while the server was away');
      await page.locator('#say-error', { hasText: 'NOT_CONNECTED' }).waitFor();
    });
    await page.locator('.status', { hasText: 'In the room as patient' }).waitFor();
    await page.locator('#say-error').waitFor({ state: 'detached' });
    expect(await page.locator('#composer').inputValue()).toBe('typed while the server was away');
    await page.locator('#composer').press('Enter');
    await logLine(page, 'typed while the server was away').waitFor();
  });
});
