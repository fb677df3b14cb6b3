// End to end in real Chromium: the web UI's chat with another page and a seed UDP client, on the real server.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestUdpClient } from './helpers/udp.js';
import {
  enterRoom,
  focused,
  launchBrowser,
  logLine,
  openPage,
  say,
  screenshot,
  scrollWidth,
  startServer,
  waitForMembers,
  type E2eServer,
  type WebPage,
} from './helpers/browser.js';

let server: E2eServer;
let browser: Browser;
const pages: WebPage[] = [];
const udpClients: TestUdpClient[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

/** A server of its own for each describe block, so each block's screenshots show only its own story. */
function serverPerBlock(flags: Parameters<typeof startServer>[0]): void {
  beforeAll(async () => {
    server = await startServer(flags);
  });
  afterAll(async () => {
    await server?.close();
  });
}

afterEach(async () => {
  // Every page must have run without uncaught errors and without asking anyone but the server.
  const problems = pages.flatMap((p) => p.problems);
  for (const p of pages.splice(0)) await p.context.close();
  for (const c of udpClients.splice(0)) c.close();
  expect(problems).toEqual([]);
});

async function open(options?: Parameters<typeof openPage>[2]): Promise<WebPage> {
  const page = await openPage(browser, server.base, options);
  pages.push(page);
  return page;
}

async function udp(name: string): Promise<TestUdpClient> {
  const client = await TestUdpClient.open(server.udpPort);
  udpClients.push(client);
  await client.enter(name);
  return client;
}

describe('web UI: chat', () => {
  // A tight flood limit (one message per 100 s, bursts of 4) so the RATE_LIMITED test needs no timing luck.
  serverPerBlock({ flood: '0.01:4' });

  it('two pages chat with each other and with a UDP client', async () => {
    const { page: alice } = await open();
    const { page: bob } = await open();
    await enterRoom(alice, 'alice');
    await enterRoom(bob, 'bob');
    await logLine(alice, 'bob joined the room').waitFor();
    await waitForMembers(alice, ['alice', 'bob']);
    await waitForMembers(bob, ['alice', 'bob']);

    // The seed protocol's client: L NAME, C NAME TEXT.
    const carol = await udp('carol');
    await logLine(alice, 'carol joined the room').waitFor();
    await logLine(bob, 'carol joined the room').waitFor();
    await waitForMembers(bob, ['alice', 'bob', 'carol']);

    await say(alice, 'hello from the browser');
    await logLine(bob, 'hello from the browser').waitFor();
    expect(await carol.waitFor((t) => t.includes('hello from the browser'))).toBe('\nalice: hello from the browser');
    // The author sees her own line once (the server does not echo it; the UI shows it locally).
    expect(await logLine(alice, 'hello from the browser').count()).toBe(1);
    expect(await logLine(alice, 'hello from the browser').getAttribute('class')).toContain('mine');

    carol.send('C carol 你好 from UDP');
    await logLine(alice, '你好 from UDP').waitFor();
    await logLine(bob, '你好 from UDP').waitFor();
    expect(await logLine(bob, '你好 from UDP').locator('.who').textContent()).toBe('carol');

    await say(bob, 'bob answers');
    await logLine(alice, 'bob answers').waitFor();
    await carol.waitFor('\nbob: bob answers');

    // An administrator announcement is marked as such.
    server.server.announce('maintenance at noon');
    await alice.locator('.log li.announce', { hasText: 'maintenance at noon' }).waitFor();

    carol.send('Q carol');
    await logLine(alice, 'carol left the room').waitFor();
    await waitForMembers(alice, ['alice', 'bob']);
    expect(await alice.locator('.log li.notice.leave').count()).toBeGreaterThan(0);
    await screenshot(alice.locator('section.chat'), 'web-chat.png');
  });

  it('shows refusals inline and enters once the name is acceptable', async () => {
    const { page: first } = await open();
    await enterRoom(first, 'dora');
    const { page } = await open();
    await page.locator('#name').fill('DORA'); // names are unique case-insensitively
    await page.locator('#name').press('Enter');
    await page.locator('#name-error', { hasText: 'NAME_TAKEN' }).waitFor();
    await page.locator('#name').fill('admin');
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.locator('#name-error', { hasText: 'RESERVED_NAME' }).waitFor();
    expect(await page.locator('#name').getAttribute('aria-invalid')).toBe('true');
    await enterRoom(page, 'dora2');
    // (Members of earlier tests may still be listed: a closed page keeps its name for the leave grace.)
    await page.locator('.members li[data-name="dora"]').waitFor();
    await page.locator('.members li[data-name="dora2"]').waitFor();
  });

  it('replays recent history to a page that enters later', async () => {
    const { page: early } = await open();
    await enterRoom(early, 'early');
    await say(early, 'said before you came');
    const carol = await udp('uma');
    carol.send('C uma udp line before you came');
    await logLine(early, 'udp line before you came').waitFor();

    const { page: late } = await open();
    await enterRoom(late, 'late');
    await logLine(late, 'said before you came').waitFor();
    await logLine(late, 'udp line before you came').waitFor();
    await logLine(late, 'uma joined the room').waitFor();
  });

  it('shows RATE_LIMITED under the composer and marks the refused message', async () => {
    const { page } = await open();
    await enterRoom(page, 'rapid');
    // Bursts of 4 at 1 message/s: six messages typed back to back overflow the bucket.
    for (let i = 1; i <= 6; i++) await say(page, `burst ${i}`);
    await page.locator('#say-error', { hasText: 'RATE_LIMITED' }).waitFor();
    await page.locator('.log li.failed').first().waitFor();
    expect(await page.locator('#composer').getAttribute('aria-describedby')).toBe('say-error');
    // "Send again" on a refused line sends its text once more: the line moves to the end.
    const refused = page.locator('.log li.failed').first();
    const text = (await refused.locator('.text').textContent()) ?? '';
    expect(text).toMatch(/^burst [1-6]$/u);
    await refused.getByRole('button', { name: 'Send again' }).click();
    await page.locator('.log li').last().filter({ hasText: text }).waitFor();
    expect(await logLine(page, text).count()).toBe(1);
  });

  it('reconnects by itself after a server restart and re-enters with the same name', async () => {
    const { page: alice } = await open();
    const { page: bob } = await open();
    await enterRoom(alice, 'phoenix');
    await enterRoom(bob, 'witness');
    await say(alice, 'before the restart');
    await logLine(bob, 'before the restart').waitFor();

    await server.restart();
    // The server said it was closing; the page shows it is reconnecting, then comes back by itself.
    await logLine(alice, 'The server is closing').waitFor();
    await alice.locator('.log li', { hasText: 'Reconnected' }).waitFor();
    await alice.locator('.status', { hasText: 'In the room as phoenix' }).waitFor();
    await bob.locator('.log li', { hasText: 'Reconnected' }).waitFor();
    await waitForMembers(alice, ['phoenix', 'witness']);

    // History survived the restart, and merging it did not repeat what the page already showed.
    expect(await logLine(alice, 'before the restart').count()).toBe(1);
    expect(await logLine(bob, 'before the restart').count()).toBe(1);
    await say(alice, 'after the restart');
    await logLine(bob, 'after the restart').waitFor();
  });
});

describe('web UI: staying and leaving', () => {
  serverPerBlock({});

  it('re-enters with the same name after a reload, and Leave leaves', async () => {
    const { page } = await open();
    const { page: other } = await open();
    await enterRoom(page, 'stayer');
    await enterRoom(other, 'watcher');
    await page.reload();
    // No name form: the tab's resume token brings it straight back in under the same name.
    await page.locator('.status', { hasText: 'In the room as stayer' }).waitFor();
    await waitForMembers(page, ['stayer', 'watcher']);
    await say(page, 'still here after a reload');
    await logLine(other, 'still here after a reload').waitFor();
    // The resume token made the reload silent: the others saw neither a leave nor a join.
    expect(await logLine(other, 'stayer left the room').count()).toBe(0);
    expect(await logLine(other, 'stayer joined the room').count()).toBe(1);

    // exact: each room in the sidebar has its own "Leave #room" button.
    await page.getByRole('button', { name: 'Leave', exact: true }).click();
    await page.getByRole('heading', { name: 'Enter the room' }).waitFor();
    await waitForMembers(other, ['watcher']);
    await other.locator('.log li').last().filter({ hasText: 'stayer left the room' }).waitFor();
    // The name form remembers the last name; entering again works on the same connection.
    expect(await page.locator('#name').inputValue()).toBe('stayer');
    await page.locator('#name').press('Enter');
    await page.locator('.status', { hasText: 'In the room as stayer' }).waitFor();
    await waitForMembers(other, ['stayer', 'watcher']);
  });
});

describe('web UI: language and layout', () => {
  serverPerBlock({});

  it('renders in Chinese for a Chinese browser, switches to English and back', async () => {
    const { page } = await open({ locale: 'zh-CN' });
    await page.getByRole('heading', { name: '进入聊天室' }).waitFor();
    await page.getByLabel('姓名').fill('小明');
    await page.getByRole('button', { name: '进入' }).click();
    await page.locator('#composer').waitFor();
    await page.getByRole('heading', { name: '聊天', exact: true }).waitFor();
    await page.getByRole('heading', { name: '文件', exact: true }).waitFor();
    await page.locator('.status', { hasText: '已进入聊天室：小明' }).waitFor();
    await logLine(page, '欢迎 小明 进入聊天室').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('#composer').getAttribute('placeholder')).toContain('回车发送');
    await page.locator('#composer').fill('');
    const udpFriend = await udp('小红');
    await logLine(page, '欢迎 小红 进入聊天室').waitFor();
    udpFriend.send('C 小红 你好，小明');
    await logLine(page, '你好，小明').waitFor();
    await page.setInputFiles('#upload-input', { name: '笔记.txt', mimeType: 'text/plain', buffer: Buffer.from('第一行\n') });
    await logLine(page, '小明 分享了').waitFor();
    await page.locator('.listing tr[data-name="笔记.txt"] td.num', { hasText: '10 B' }).waitFor();
    expect(await udpFriend.waitFor((t) => t.includes('笔记.txt'))).toBe('\n小明 shared 笔记.txt (10 B)');
    await screenshot(page, 'web-zh.png');

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Chat' }).waitFor();
    await logLine(page, '小红 joined the room').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('heading', { name: '聊天', exact: true }).waitFor();
  });

  it('is usable on a phone-sized screen: chat and files are tabs, nothing overflows sideways', async () => {
    const { page } = await open({ viewport: { width: 390, height: 844 } });
    await page.getByRole('heading', { name: 'Enter the room' }).waitFor();
    await screenshot(page, 'web-mobile-enter.png');
    await enterRoom(page, 'pocket');
    // The chat tab: the composer is usable, the long line wraps, nothing is wider than the screen.
    expect(await page.getByRole('tab', { name: 'Chat' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('section.files').isHidden()).toBe(true);
    await say(page, 'typed on a phone: a message long enough to wrap onto more than one line of this narrow screen');
    await logLine(page, 'typed on a phone').waitFor();
    expect(await page.getByLabel('Message', { exact: true }).inputValue()).toBe('');
    const chat = await page.locator('section.chat').boundingBox();
    expect(chat?.width).toBeLessThanOrEqual(390);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, 'web-mobile.png');

    // The files tab: the files pane instead of the chat, within the screen too.
    await page.getByRole('tab', { name: 'Files' }).click();
    await page.getByRole('tabpanel', { name: 'Files' }).waitFor();
    const files = page.locator('section.files');
    await files.waitFor();
    expect(await page.locator('section.chat').isHidden()).toBe(true);
    expect((await files.boundingBox())?.width).toBeLessThanOrEqual(390);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
    await screenshot(page, 'web-mobile-files.png');

    // Back to the chat: the composer takes a message again.
    await page.getByRole('tab', { name: 'Chat' }).click();
    await say(page, 'back on the chat tab');
    await logLine(page, 'back on the chat tab').waitFor();
  });

  it('is keyboard accessible: labelled controls, visible focus, a polite live log', async () => {
    const { page } = await open();
    // The name field has focus on arrival; Tab reaches the Enter button; Enter submits.
    expect(await focused(page)).toBe('name');
    await page.keyboard.type('keys');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('Enter');
    await page.keyboard.press('Enter');
    await page.locator('#composer').waitFor();
    expect(await page.locator('.log').getAttribute('aria-live')).toBe('polite');
    await page.getByLabel('Message', { exact: true }).focus();
    expect(await focused(page)).toBe('composer');
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).not.toBe('none');
    await page.keyboard.type('sent with the keyboard');
    await page.keyboard.press('Enter');
    await logLine(page, 'sent with the keyboard').waitFor();
    expect(await page.getByLabel('Message', { exact: true }).inputValue()).toBe('');
  });
});
