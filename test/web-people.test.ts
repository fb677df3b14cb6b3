// End to end in real Chromium, two browsers: @name completion with the keyboard, the mentioned reader's highlight, sidebar badge and title count, typing indicators.
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { expectAccessible as expectAccessibleIn } from './helpers/axe.js';
import { joinRoom, logLine, say, screenshot } from './helpers/browser.js';
import { TestWsClient } from './helpers/ws.js';

const rig = browserRig({ flood: 'off' });
const wsClients: TestWsClient[] = [];

afterEach(() => {
  for (const c of wsClients.splice(0)) c.close();
});

function roomRow(page: Page, room: string) {
  return page.locator(`#sidebar li[data-room="${room}"]`);
}

/** Axe in light and dark, with a screenshot of each. */
function expectAccessible(page: Page, screen: string): Promise<void> {
  return expectAccessibleIn(page, screen, { stem: `screenshots/web-people-${screen}`, target: page.locator('main') });
}

describe('web UI: mentions', () => {
  it('completes @name from the keyboard (arrows, Tab, Enter, Escape), as a listbox tied to the message box', async () => {
    const alice = await rig.enter('alice');
    await rig.enter('bob');
    await rig.enter('bobby');
    const carol = await rig.enter('carol');
    await carol.locator('.members li[data-name="bobby"]').waitFor();
    const box = carol.locator('#composer');
    await box.pressSequentially('hello @B');
    const list = carol.locator('#mention-list[role="listbox"]');
    await list.waitFor();
    expect(await list.locator('[role="option"]').allTextContents()).toEqual(['@bob', '@bobby']);
    expect(await box.getAttribute('aria-controls')).toBe('mention-list');
    expect(await box.getAttribute('aria-activedescendant')).toBe('mention-opt-0');
    await box.press('ArrowDown');
    await carol.locator('#mention-opt-1[aria-selected="true"]', { hasText: '@bobby' }).waitFor();
    expect(await box.getAttribute('aria-activedescendant')).toBe('mention-opt-1');
    await expectAccessible(carol, 'completion');
    await box.press('Tab');
    await list.waitFor({ state: 'detached' });
    expect(await box.inputValue()).toBe('hello @bobby ');
    expect(await box.getAttribute('aria-activedescendant')).toBeNull();
    // Escape closes without changing the text; typing on opens it again.
    await box.pressSequentially('and @');
    await list.waitFor();
    await box.press('Escape');
    await list.waitFor({ state: 'detached' });
    expect(await box.inputValue()).toBe('hello @bobby and @');
    await box.pressSequentially('AL');
    await list.locator('[role="option"]', { hasText: '@alice' }).waitFor();
    await box.press('Enter'); // picks, does not send
    expect(await box.inputValue()).toBe('hello @bobby and @alice ');
    await box.press('Enter'); // the list is closed: now it sends
    await logLine(alice, 'hello @bobby and @alice').waitFor();
    expect(await box.inputValue()).toBe('');
  });

  it('shows the mentioned reader the highlight, an @ badge on the room and the count in the title', async () => {
    const dana = await rig.enter('dana');
    const erin = await rig.enter('erin');
    await joinRoom(dana, '#side');
    await expect.poll(() => dana.title()).toBe('dana · netroom');
    await say(erin, 'plain words');
    await roomRow(dana, '#lobby').locator('.unread', { hasText: '1' }).waitFor();
    expect(await roomRow(dana, '#lobby').locator('.mentions').count()).toBe(0);
    await expect.poll(() => dana.title()).toBe('(1) dana · netroom');
    await say(erin, 'look here @Dana, please');
    await roomRow(dana, '#lobby').locator('.mentions', { hasText: '@1' }).waitFor();
    await roomRow(dana, '#lobby').locator('.unread', { hasText: '2' }).waitFor();
    expect(await roomRow(dana, '#lobby').locator('button.open').textContent()).toContain('2 unread, 1 mentions you');
    await expect.poll(() => dana.title()).toBe('(2, @1) dana · netroom');
    await expectAccessible(dana, 'mention-badge');
    // erin is not mentioned: no badge, no count in her title.
    expect(await erin.locator('#sidebar .mentions').count()).toBe(0);
    expect(await erin.title()).toBe('erin · netroom');

    // Opened: the line names dana, marked for her; the counts are gone.
    await roomRow(dana, '#lobby').locator('button.open').click();
    const line = logLine(dana, 'look here');
    await line.locator('.mention-me', { hasText: '@Dana' }).waitFor();
    expect(await logLine(dana, 'plain words').locator('.mention-me').count()).toBe(0);
    await expect.poll(() => dana.title()).toBe('dana · netroom');
    expect(await roomRow(dana, '#lobby').locator('.mentions').count()).toBe(0);
    // The whole line stands out for her (the log's own colours, checked by axe in light and dark).
    expect(await dana.locator('.log li.message:has(.mention-me)').count()).toBe(1);
    await expectAccessible(dana, 'mention-line');
    // The writer sees the name marked too, but not as naming herself.
    await logLine(erin, 'look here').locator('.mention:not(.mention-me)', { hasText: '@Dana' }).waitFor();
  });

  it('counts a direct message in the conversation row in the mention colour and in the title', async () => {
    const fay = await rig.enter('fay');
    const gus = await rig.enter('gus');
    await gus.locator('.members button.member', { hasText: 'fay' }).click();
    await gus.locator('#chat-title', { hasText: 'fay' }).waitFor();
    await say(gus, 'just for you');
    const row = fay.locator('#sidebar li[data-with="gus"]');
    await row.locator('.unread.direct', { hasText: '1' }).waitFor();
    expect(await row.locator('button.open').textContent()).toContain('1 message to you');
    await expect.poll(() => fay.title()).toBe('(1, @1) fay · netroom');
  });
});

describe('web UI: typing indicators', () => {
  it('shows who is typing to the others, and clears it when the message arrives', async () => {
    const hal = await rig.enter('hal');
    const ida = await rig.enter('ida');
    const jo = await rig.enter('jo');
    await jo.locator('.members li[data-name="ida"]').waitFor();
    await hal.locator('#typing').waitFor({ state: 'attached' });
    await ida.locator('#composer').pressSequentially('typed by ida');
    await hal.locator('#typing', { hasText: 'ida is typing…' }).waitFor();
    // The typist does not see herself.
    expect(await ida.locator('#typing').textContent()).toBe('');
    await jo.locator('#composer').pressSequentially('wa');
    // A key from each keeps both fresh (after 5 s idle a composer says paused, and the name goes).
    await ida.locator('#composer').press('!');
    await hal.locator('#typing', { hasText: 'ida and jo are typing…' }).waitFor();
    await screenshot(hal.locator('section.chat'), 'screenshots/web-people-typing.png');
    await ida.locator('#composer').press('Enter');
    await logLine(hal, 'typed by ida!').waitFor();
    await jo.locator('#composer').press('i');
    await hal.locator('#typing', { hasText: /^jo is typing…$/u }).waitFor();
    // Cleared text says done.
    await jo.locator('#composer').fill('');
    await jo.locator('#composer').dispatchEvent('input');
    await hal.locator('#typing', { hasText: /^$/u }).waitFor();
  });

  it('drops an indicator not refreshed within 6 s, and shows a conversation\'s only there', async () => {
    const kay = await rig.enter('kay');
    const ws = await TestWsClient.open(`${rig.server.base.replace(/^http/u, 'ws')}ws`);
    wsClients.push(ws);
    await ws.enter('lee');
    await kay.locator('.members li[data-name="lee"]').waitFor();
    ws.send({ type: 'typing', room: '#lobby', state: 'active' });
    await kay.locator('#typing', { hasText: 'lee is typing…' }).waitFor();
    // No refresh: gone after 6 s (waited for on the page, within its 10 s).
    await kay.locator('#typing', { hasText: /^$/u }).waitFor();
    // Typing to kay privately shows in their conversation, not in #lobby.
    ws.send({ type: 'say', to: 'kay', text: 'hi kay' });
    await kay.locator('#sidebar li[data-with="lee"]').waitFor();
    ws.send({ type: 'typing', to: 'kay', state: 'active' });
    await kay.locator('#sidebar li[data-with="lee"] button.open').click();
    await kay.locator('#typing', { hasText: 'lee is typing…' }).waitFor();
    await kay.locator('#sidebar li[data-room="#lobby"] button.open').click();
    await kay.locator('#chat-title', { hasText: '#lobby' }).waitFor();
    expect(await kay.locator('#typing').textContent()).toBe('');
  });
});
