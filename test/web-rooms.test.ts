// End to end in real Chromium: the web UI's rooms and conversations (sidebar, unread counts, DMs, paging, search, leaving) on the real server.
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { enterRoom, logLine, say, screenshot, scrollLogTopUntil, scrollWidth, waitForMembers } from './helpers/browser.js';
import { TestWsClient } from './helpers/ws.js';

// No flood limit: the paging test seeds 120 messages as fast as a socket takes them.
const rig = browserRig({ flood: 'off' });
const wsClients: TestWsClient[] = [];

afterEach(() => {
  for (const c of wsClients.splice(0)) c.close();
});

async function member(name: string, options?: Parameters<typeof rig.open>[0]): Promise<Page> {
  const { page } = await rig.open(options);
  await enterRoom(page, name);
  return page;
}

/** A WebSocket client (protocol v2) entered under `name`. */
async function wsMember(name: string): Promise<TestWsClient> {
  const client = await TestWsClient.open(`${rig.server.base.replace(/^http/u, 'ws')}ws`);
  wsClients.push(client);
  await client.enter(name);
  return client;
}

/** Join (or create) a room with the sidebar's "join or create" field, and wait until it is on screen. */
async function joinRoom(page: Page, room: string, shown = room.startsWith('#') ? room : `#${room}`): Promise<void> {
  await page.locator('#join-room').fill(room);
  await page.locator('#join-room').press('Enter');
  await page.locator('#chat-title', { hasText: shown }).waitFor();
}

/** The message line whose text is exactly `text`. */
function messageLine(page: Page, text: string) {
  return page.locator('.log li.message').filter({ has: page.locator('.text').getByText(text, { exact: true }) });
}

/** The sidebar row of a room. */
function roomRow(page: Page, room: string) {
  return page.locator(`#sidebar li[data-room="${room}"]`);
}

/** Put a room on screen from the sidebar. */
async function openRoom(page: Page, room: string): Promise<void> {
  await roomRow(page, room).locator('button.open').click();
  await page.locator('#chat-title', { hasText: room }).waitFor();
}

describe('web UI: rooms', () => {
  it('joins and creates rooms from the sidebar; a message in #dev stays out of #lobby and raises #dev unread count', async () => {
    const alice = await member('alice');
    const bob = await member('bob');
    // Everyone starts in #lobby, highlighted as the room on screen.
    await alice.locator('#sidebar li.current[data-room="#lobby"]').waitFor();
    await joinRoom(alice, '#dev');
    await alice.locator('#sidebar li.current[data-room="#dev"]').waitFor();
    expect(await roomRow(alice, '#lobby').getAttribute('class')).not.toContain('current');
    await joinRoom(bob, 'dev'); // typed without '#': the sidebar adds it
    await logLine(alice, 'bob joined the room').waitFor();
    await waitForMembers(alice, ['alice', 'bob']);

    await openRoom(alice, '#lobby');
    await say(bob, 'only for dev');
    await roomRow(alice, '#dev').locator('.unread', { hasText: '1' }).waitFor();
    expect(await logLine(alice, 'only for dev').count()).toBe(0);
    await say(bob, 'still dev');
    await roomRow(alice, '#dev').locator('.unread', { hasText: '2' }).waitFor();
    expect(await roomRow(alice, '#dev').locator('button.open').textContent()).toContain('2 unread');
    await screenshot(alice, 'web-rooms-unread.png');

    // Opening it shows what was said there and clears the count.
    await openRoom(alice, '#dev');
    await logLine(alice, 'only for dev').waitFor();
    await logLine(alice, 'still dev').waitFor();
    expect(await roomRow(alice, '#dev').locator('.unread').count()).toBe(0);
    // The composer writes to the room on screen.
    await say(alice, 'answer in dev');
    await logLine(bob, 'answer in dev').waitFor();
  });

  it('shows why a room cannot be joined, and browses rooms with their member counts and topics', async () => {
    const page = await member('carol');
    await page.locator('#join-room').fill('#no!bang');
    await page.locator('#join-room').press('Enter');
    // (The server says BAD_NAME for characters no name may have, BAD_ROOM for a name without '#'.)
    await page.locator('#room-error', { hasText: /BAD_(ROOM|NAME)/u }).waitFor();
    expect(await page.locator('#join-room').getAttribute('aria-invalid')).toBe('true');
    expect(await roomRow(page, '#no!bang').count()).toBe(0);

    // A room with a topic, made by someone else.
    const dora = await wsMember('dora');
    dora.send({ type: 'join', room: '#garden' });
    await dora.nextOf('joined');
    dora.send({ type: 'topic', room: '#garden', topic: 'tomatoes and beans' });
    await dora.waitFor((m) => m.type === 'event' && m.event.kind === 'topic');

    await page.getByRole('button', { name: 'Browse rooms' }).click();
    const listed = page.locator('#directory li[data-room="#garden"]');
    await listed.filter({ hasText: '1 member' }).filter({ hasText: 'tomatoes and beans' }).waitFor();
    await page.locator('#directory li[data-room="#lobby"]').waitFor();
    await listed.locator('button').click();
    await page.locator('#chat-title', { hasText: '#garden' }).waitFor();
    await page.locator('.chat-head .topic', { hasText: 'tomatoes and beans' }).waitFor();
    await waitForMembers(page, ['carol', 'dora']);
    // A successful join clears the earlier refusal.
    expect(await page.locator('#room-error').count()).toBe(0);
  });

  it('starts a conversation from the member list and exchanges direct messages with another browser', async () => {
    const erin = await member('erin');
    const frank = await member('frank');
    // (Members of earlier tests may still be listed: a closed page keeps its name for the leave grace.)
    await erin.locator('.members li[data-name="frank"]').waitFor();
    await erin.getByRole('button', { name: 'Talk privately with frank' }).click();
    await erin.locator('#chat-title', { hasText: 'frank' }).waitFor();
    await erin.locator('#sidebar li[data-with="frank"].current').waitFor();
    await say(erin, 'psst, frank');

    // frank's sidebar gets the conversation, unread; #lobby does not show it.
    const row = frank.locator('#sidebar li[data-with="erin"]');
    await row.locator('.unread', { hasText: '1' }).waitFor();
    expect(await logLine(frank, 'psst, frank').count()).toBe(0);
    await row.locator('button.open').click();
    await logLine(frank, 'psst, frank').waitFor();
    expect(await row.locator('.unread').count()).toBe(0);
    await say(frank, 'hi erin, just us');
    await logLine(erin, 'hi erin, just us').waitFor();
    // Each side sees each message once (the server sends a direct message back to its author too).
    expect(await logLine(erin, 'psst, frank').count()).toBe(1);
    expect(await logLine(frank, 'hi erin, just us').count()).toBe(1);
    await screenshot(erin.locator('section.chat'), 'web-dm.png');

    // Opened later (another tab), the conversation loads its history.
    const { page: again } = await rig.open();
    await enterRoom(again, 'gina');
    const ws = await wsMember('hank');
    ws.send({ type: 'say', to: 'gina', text: 'stored for gina' });
    await again.locator('#sidebar li[data-with="hank"] .unread').waitFor();
    await again.reload();
    await again.locator('#sidebar li[data-with="hank"] button.open').click();
    await logLine(again, 'stored for gina').waitFor();
  });

  it('loads older messages when the log is scrolled to the top, keeping the reader in place', async () => {
    const seeder = await wsMember('seeder');
    seeder.send({ type: 'join', room: '#archive' });
    await seeder.nextOf('joined');
    for (let i = 1; i <= 120; i++) seeder.send({ type: 'say', room: '#archive', text: `archived line ${i}` });
    // A `who` after the burst is answered after every message of it was handled.
    seeder.send({ type: 'who', room: '#archive' });
    await seeder.nextOf('members');

    const page = await member('reader');
    await joinRoom(page, '#archive');
    await messageLine(page, 'archived line 120').waitFor();
    // The newest page only (the server's history size): the oldest lines come by scrolling up.
    expect(await messageLine(page, 'archived line 1').count()).toBe(0);
    const log = page.locator('.log');
    for (let pages = 0; (await messageLine(page, 'archived line 1').count()) === 0; pages++) {
      expect(pages).toBeLessThan(5);
      const before = await page.locator('.log li.message').count();
      const firstText = (await page.locator('.log li.message .text').first().textContent()) ?? '';
      await scrollLogTopUntil(page, `document.querySelectorAll('.log li.message').length > ${before}`);
      // The line that was at the top is still in view: the page went on top without moving the reader.
      const box = await messageLine(page, firstText).boundingBox();
      const view = await log.boundingBox();
      expect(box && view).toBeTruthy();
      if (box && view) {
        expect(box.y).toBeGreaterThanOrEqual(view.y - box.height);
        expect(box.y).toBeLessThanOrEqual(view.y + view.height);
      }
    }
    // Every line once, in order, and no more asking once the start is reached.
    const texts = await page.locator('.log li.message .text').allTextContents();
    expect(texts).toEqual(Array.from({ length: 120 }, (_, i) => `archived line ${i + 1}`));
  });

  it('searches messages, lists where and when, and opens the room of a result', async () => {
    const ivy = await member('ivy');
    const jack = await wsMember('jack');
    jack.send({ type: 'join', room: '#attic' });
    await jack.nextOf('joined');
    jack.send({ type: 'say', room: '#attic', text: 'the needle is under the floorboards' });
    jack.send({ type: 'who', room: '#attic' });
    await jack.nextOf('members');

    await ivy.getByRole('searchbox', { name: 'Search the chat' }).fill('needle');
    await ivy.getByRole('searchbox', { name: 'Search the chat' }).press('Enter');
    const result = ivy.locator('.results li', { hasText: 'the needle is under the floorboards' });
    await result.filter({ hasText: '#attic' }).waitFor();
    await ivy.locator('#results-title', { hasText: '1 result for “needle”' }).waitFor();
    expect(await result.locator('time').count()).toBe(1);
    // ivy is not in #attic (a public room): opening the result joins it and shows the line.
    await result.locator('button').click();
    await ivy.locator('#chat-title', { hasText: '#attic' }).waitFor();
    await ivy.locator('.log li.highlight', { hasText: 'the needle is under the floorboards' }).waitFor();
    await roomRow(ivy, '#attic').waitFor();
    await ivy.getByRole('button', { name: 'Close the search results' }).click();
    expect(await ivy.locator('.results').count()).toBe(0);
  });

  it('leaves a room: it goes from the sidebar, #lobby comes on screen, the others see the leave', async () => {
    const kim = await member('kim');
    const lee = await member('lee');
    await joinRoom(kim, '#quiet');
    await joinRoom(lee, '#quiet');
    await waitForMembers(kim, ['kim', 'lee']);
    await kim.getByRole('button', { name: 'Leave #quiet' }).click();
    await roomRow(kim, '#quiet').waitFor({ state: 'detached' });
    await kim.locator('#chat-title', { hasText: '#lobby' }).waitFor();
    await logLine(lee, 'kim left the room').waitFor();
    await waitForMembers(lee, ['lee']);
    // kim is still in #lobby, and may leave that too: the pane says how to get back into a room.
    await kim.getByRole('button', { name: 'Leave #lobby' }).click();
    await kim.locator('.no-conversation').waitFor();
    expect(await kim.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await joinRoom(kim, '#lobby');
  });

  it('shares an upload into the room on screen', async () => {
    const page = await member('uploader');
    await joinRoom(page, '#files');
    await page.setInputFiles('#upload-input', { name: 'for-files.txt', mimeType: 'text/plain', buffer: Buffer.from('room file\n') });
    await page.locator('.log li.file', { hasText: 'for-files.txt' }).waitFor();
    await openRoom(page, '#lobby');
    expect(await page.locator('.log li.file', { hasText: 'for-files.txt' }).count()).toBe(0);
  });

  it('brings every room back after a reload (resume), and after a server restart (joined again)', async () => {
    const page = await member('mona');
    await joinRoom(page, '#den');
    await say(page, 'said in the den');
    await page.reload();
    await roomRow(page, '#den').waitFor();
    await openRoom(page, '#den');
    await logLine(page, 'said in the den').waitFor();
    expect(await logLine(page, 'said in the den').count()).toBe(1);

    await rig.server.restart();
    await logLine(page, 'The server is closing').waitFor();
    const watcher = await wsMember('nina');
    watcher.send({ type: 'join', room: '#den' });
    const joined = await watcher.nextOf('joined');
    // mona is in #den again (joined again by the page itself, as the restarted server forgot her).
    if (!joined.members.includes('mona')) await watcher.waitFor((m) => m.type === 'event' && m.event.kind === 'join' && m.event.name === 'mona');
    await say(page, 'back in the den');
    await watcher.waitFor((m) => m.type === 'event' && m.event.text === 'back in the den');
    expect(await logLine(page, 'said in the den').count()).toBe(1);
  });
});

describe('web UI: rooms on a phone', () => {
  it('opens the sidebar as a drawer from the chat header; picking a room closes it; nothing overflows', async () => {
    const page = await member('pocket2', { viewport: { width: 390, height: 844 } });
    const sidebar = page.locator('#sidebar');
    expect(await sidebar.isVisible()).toBe(false);
    const toggle = page.getByRole('button', { name: 'Rooms', exact: true });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    await sidebar.waitFor({ state: 'visible' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, 'web-mobile-sidebar.png');
    await page.locator('#join-room').fill('#pockets');
    await page.locator('#join-room').press('Enter');
    await page.locator('#chat-title', { hasText: '#pockets' }).waitFor();
    await sidebar.waitFor({ state: 'hidden' });
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
  });
});
