// End to end in real Chromium, two browsers: desktop notifications for mentions and direct messages while the tab is hidden, and the click that opens them.
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { enterRoom, logLine, say, screenshot } from './helpers/browser.js';

const rig = browserRig({ flood: 'off' });

// Run in the page before its scripts: a visibility the test sets (headless pages are always
// "visible"), and window.Notification wrapped to record what the page shows and asks.
const PAGE_SPY = `(() => {
  let hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  window.__setHidden = (h) => { hidden = h; document.dispatchEvent(new Event('visibilitychange')); };
  const Real = window.Notification;
  window.__notes = [];
  window.__asked = 0;
  class Recorded extends Real {
    constructor(title, options) {
      super(title, options);
      window.__notes.push({ title, body: options && options.body, tag: options && options.tag, note: this });
    }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
  Recorded.requestPermission = (...args) => { window.__asked += 1; return Real.requestPermission(...args); };
  window.Notification = Recorded;
})();`;

interface Note {
  title: string;
  body: string;
  tag: string;
}

/** A member whose page records notifications; `grant` gives the site the permission first. */
async function watched(name: string, grant: boolean): Promise<{ page: Page; context: BrowserContext }> {
  const { page, context } = await rig.open();
  await context.addInitScript(PAGE_SPY);
  if (grant) await context.grantPermissions(['notifications'], { origin: rig.server.base });
  await page.reload();
  await enterRoom(page, name);
  return { page, context };
}

async function notes(page: Page): Promise<Note[]> {
  return page.evaluate<Note[]>('window.__notes.map((n) => ({ title: n.title, body: n.body, tag: n.tag }))');
}

async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate(`window.__setHidden(${hidden})`);
}

describe('web UI: desktop notifications', () => {
  it('asks for the permission only when the user clicks the control', async () => {
    const { page } = await watched('asker', false);
    const allow = page.locator('#notify-allow');
    await allow.waitFor();
    expect(await page.evaluate('window.__asked')).toBe(0);
    await allow.click();
    await expect.poll(() => page.evaluate('window.__asked')).toBe(1);
  });

  it('notifies a mention and a direct message while hidden, not a plain message nor while visible; a click opens the room', async () => {
    const { page: mia } = await watched('mia', true);
    const ned = (await rig.open()).page;
    await enterRoom(ned, 'ned');
    // Granted: the control is an on/off switch, on.
    await mia.locator('#notify-switch[aria-pressed="true"]').waitFor();
    await screenshot(mia.locator('#sidebar'), 'screenshots/web-people-notify-switch.png');
    await mia.locator('#join-room').fill('#elsewhere');
    await mia.locator('#join-room').press('Enter');
    await mia.locator('#chat-title', { hasText: '#elsewhere' }).waitFor();
    await setHidden(mia, true);

    await say(ned, 'nothing for anyone');
    await say(ned, 'hey @mia, look');
    await expect.poll(() => notes(mia)).toEqual([{ title: 'ned mentioned you in #lobby', body: 'hey @mia, look', tag: 'room:#lobby' }]);
    // The plain message came first, on the same socket: it was seen, and made none.
    await mia.locator('#sidebar li[data-room="#lobby"] .unread', { hasText: '2' }).waitFor();

    // A direct message notifies too.
    await ned.locator('.members button.member', { hasText: 'mia' }).click();
    await say(ned, 'a private word');
    await expect.poll(async () => (await notes(mia)).length).toBe(2);
    expect((await notes(mia))[1]).toEqual({ title: 'ned wrote to you', body: 'a private word', tag: 'dm:ned' });

    // Clicking the mention's notification brings #lobby on screen (and into the address).
    await mia.evaluate("window.__notes[0].note.dispatchEvent(new Event('click'))");
    await mia.locator('#chat-title', { hasText: '#lobby' }).waitFor();
    await logLine(mia, 'hey @mia, look').waitFor();
    expect(new URL(mia.url()).searchParams.get('room')).toBe('#lobby');
    // And the conversation's opens the conversation.
    await mia.evaluate("window.__notes[1].note.dispatchEvent(new Event('click'))");
    await mia.locator('#chat-title', { hasText: 'ned' }).waitFor();
    expect(new URL(mia.url()).searchParams.get('dm')).toBe('ned');

    // Visible again: mentions show in the page, not on the desktop.
    await setHidden(mia, false);
    await ned.locator('#sidebar li[data-room="#lobby"] button.open').click();
    await say(ned, 'again @mia');
    await mia.locator('#sidebar li[data-room="#lobby"] .mentions', { hasText: '@1' }).waitFor();
    expect(await notes(mia)).toHaveLength(2);

    // Switched off here: hidden or not, nothing.
    await mia.locator('#notify-switch').click();
    await mia.locator('#notify-switch[aria-pressed="false"]').waitFor();
    await setHidden(mia, true);
    await say(ned, 'once more @mia');
    await mia.locator('#sidebar li[data-room="#lobby"] .mentions', { hasText: '@2' }).waitFor();
    expect(await notes(mia)).toHaveLength(2);
  });

  it('counts in the title what arrives in the room on screen while the tab is hidden, until it is seen', async () => {
    const { page: ona } = await watched('ona', false);
    const pim = (await rig.open()).page;
    await enterRoom(pim, 'pim');
    await ona.locator('.members li[data-name="pim"]').waitFor();
    await say(pim, 'said before');
    await logLine(ona, 'said before').waitFor();
    await setHidden(ona, true);
    await say(pim, 'said while away');
    await say(pim, 'and @ona, this');
    await expect.poll(() => ona.title()).toBe('(2, @1) ona · netroom');
    // The sidebar's counts are for the rooms not on screen: #lobby shows none.
    expect(await ona.locator('#sidebar li[data-room="#lobby"] .unread').count()).toBe(0);
    await setHidden(ona, false);
    await expect.poll(() => ona.title()).toBe('ona · netroom');
  });
});
