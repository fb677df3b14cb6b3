// Screenshots of every screen in light and dark, English and Chinese, desktop and phone (test-results/screenshots/NAME-THEME-LANG-DEVICE.png), each checked for its key element.
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import sharp from 'sharp';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { browserRig } from './helpers/browser-rig.js';
import { enterRoom, fileRow, logLine, say, screenshot } from './helpers/browser.js';
import { TestWsClient } from './helpers/ws.js';

const rig = browserRig({ flood: 'off' }, { ada: 'admin' });
const PICTURE =
  '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="500"><defs><linearGradient id="s" x2="0" y2="1"><stop offset="0" stop-color="#7fb6ff"/><stop offset="1" stop-color="#ffe3a8"/></linearGradient></defs><rect width="800" height="500" fill="url(#s)"/><circle cx="620" cy="130" r="60" fill="#fff3c4"/><path d="M0 500 L260 240 L420 380 L560 270 L800 500z" fill="#3d7a4f"/></svg>';
const DEVICES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;
const LOCALES = { en: 'en-US', zh: 'zh-CN' } as const;
let bob: TestWsClient | undefined;

beforeAll(async () => {
  await mkdir(path.join(rig.server.dir, 'docs'), { recursive: true });
  await writeFile(path.join(rig.server.dir, 'docs', 'notes.txt'), 'some notes\n');
  await writeFile(path.join(rig.server.dir, 'docs', 'plan.md'), '# Plan\n\n- one\n- two\n');
  await writeFile(path.join(rig.server.dir, 'readme.md'), '# netroom\n\nA *test* file.\n');
  // A picture for the viewer.
  await sharp(Buffer.from(PICTURE)).png().toFile(path.join(rig.server.dir, 'x.png'));
  // Someone already talking in #lobby, so the chat has lines to show.
  bob = await TestWsClient.open(`${rig.server.base.replace(/^http/u, 'ws')}ws`);
  await bob.enter('bob');
  // (The pages wait for the last of them in their log.)
  for (const text of ['Good morning! The **plan** is in `docs/plan.md`', 'See https://example.org for the agenda', '你好，大家好 👋']) {
    bob.send({ type: 'say', room: '#lobby', text });
  }
});

afterAll(() => bob?.close());

type Theme = 'light' | 'dark';
type Lang = keyof typeof LOCALES;
type Device = keyof typeof DEVICES;

/** A page in this combination, motion reduced so the shots are stable. */
async function open(theme: Theme, lang: Lang, device: Device, options: { path?: string; as?: string } = {}): Promise<Page> {
  const { page } = await rig.open({ locale: LOCALES[lang], viewport: DEVICES[device], ...options });
  await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
  return page;
}

/** Wait for the screen's key element, then save it as NAME-THEME-LANG-DEVICE.png. */
async function shoot(page: Page, key: Locator, name: string, theme: Theme, lang: Lang, device: Device): Promise<void> {
  await key.waitFor();
  await screenshot(page, `screenshots/${name}-${theme}-${lang}-${device}.png`);
}

const COMBOS = (['light', 'dark'] as const).flatMap((theme) =>
  (['en', 'zh'] as const).flatMap((lang) => (['desktop', 'phone'] as const).map((device) => ({ theme, lang, device }))),
);

describe('screenshots', () => {
  let n = 0;
  for (const { theme, lang, device } of COMBOS) {
    it(`${theme}, ${lang}, ${device}`, async () => {
      const at = [theme, lang, device] as const;
      const me = `guest${++n}`;

      const entry = await open(...at);
      await shoot(entry, entry.locator('#name'), 'entry', ...at);

      const { secret } = rig.access.invitations.create('member', 'ada');
      const invite = await open(...at, { path: `join/${secret}` });
      await shoot(invite, invite.locator('#invite-name'), 'invite', ...at);

      const signedIn = await open(...at, { as: 'ada' });
      await signedIn.locator('#enter-account').waitFor();
      await signedIn.locator('#sessions-open').click();
      await shoot(signedIn, signedIn.locator('.sessions li').first(), 'sessions', ...at);

      // The chat: entered as a guest, after bob's lines, with a line of our own.
      await enterRoom(entry, me);
      const mine = lang === 'zh' ? `${me} 来了，看看文件` : `${me} here, looking at the files`;
      await say(entry, mine);
      await logLine(entry, 'agenda').waitFor();
      await shoot(entry, logLine(entry, mine), 'chat', ...at);

      // The files: a folder open (on a phone, the files tab).
      if (device === 'phone') await entry.getByRole('tab', { name: lang === 'zh' ? '文件' : 'Files' }).click();
      await fileRow(entry, 'docs').locator('a').first().click();
      await shoot(entry, fileRow(entry, 'notes.txt'), 'files', ...at);

      const viewer = await open(...at, { path: 'files/?view=x.png' });
      await shoot(viewer, viewer.locator('.viewer, [role="dialog"]').first(), 'viewer', ...at);
    });
  }
});
