// Accounts and moderation in Chromium: signing in through the form, sessions and tokens, an invitation link, and an admin kicking and banning a guest from the member menu.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Access } from '../src/core/access/access.js';
import { enterRoom, logLine, waitForMembers } from './helpers/browser.js';
import { browserRig } from './helpers/browser-rig.js';

const rig = browserRig({ flood: 'off' });
const PASSWORD = 'correct horse battery';

function access(): Access {
  const found = rig.server.server.access;
  if (!found) throw new Error('the server keeps no accounts');
  return found;
}

beforeAll(async () => {
  await access().accounts.add('alice', PASSWORD, 'member');
  await access().accounts.add('root', PASSWORD, 'admin');
});

async function signIn(page: import('playwright-core').Page, name: string, password = PASSWORD): Promise<void> {
  await page.locator('#signin-name').fill(name);
  await page.locator('#signin-password').fill(password);
  await page.locator('#signin-submit').click();
}

describe('web UI: accounts', () => {
  it('signs in through the form beside the guest form: enters as the account, lists sessions and tokens, signs out', async () => {
    const { page } = await rig.open();
    await page.locator('#name').waitFor(); // "enter as a guest" is still there
    await signIn(page, 'alice', 'wrong password');
    await page.locator('#signin-error', { hasText: 'BAD_CREDENTIALS' }).waitFor();
    await signIn(page, 'ALICE');
    await page.locator('#composer').waitFor();
    await page.locator('#account', { hasText: 'Signed in as alice' }).waitFor();
    await waitForMembers(page, ['alice']);
    expect(rig.server.server.chat.find('alice')).toMatchObject({ account: 'alice', role: 'member' });

    await page.locator('#sessions-open').click();
    const mine = page.locator('.credentials li.current');
    await mine.waitFor();
    expect(await mine.getAttribute('data-kind')).toBe('session');
    await page.locator('#token-label').fill('laptop');
    await page.locator('#token-create').click();
    const secret = await page.locator('#token-secret').inputValue();
    expect(secret).toMatch(/^nrt_/u);
    expect(access().credentials.check(secret)?.account.name).toBe('alice');
    const token = page.locator('.credentials li[data-kind="token"]');
    await token.locator('.revoke').click();
    await token.waitFor({ state: 'detached' });
    expect(access().credentials.check(secret)).toBeUndefined();

    await page.locator('#sign-out').click();
    await page.locator('#signin-name').waitFor();
    expect(await page.locator('#account').count()).toBe(0);
    expect(rig.server.server.chat.find('alice')).toBeUndefined();
    // A guest may not take the account's name.
    await enterRoomRefused(page, 'Alice');
  });

  it('an invitation link makes an account and signs the browser in; the link is then used up', async () => {
    const { secret } = access().invitations.create('member', 'root');
    const { page } = await rig.open({ path: `join/${secret}` });
    await page.locator('#invite-offer', { hasText: 'invited as a member' }).waitFor();
    await page.locator('#invite-name').fill('newbie');
    await page.locator('#invite-password').fill(PASSWORD);
    await page.locator('#invite-submit').click();
    await page.locator('#composer').waitFor();
    await page.locator('#account', { hasText: 'Signed in as newbie' }).waitFor();
    expect(access().accounts.find('newbie')).toMatchObject({ name: 'newbie', role: 'member' });
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');

    const again = await rig.open({ path: `join/${secret}` });
    await again.page.locator('#invite-refused', { hasText: 'BAD_INVITATION' }).waitFor();
  });

  it('an admin kicks, then bans, a guest from the member menu: the guest sees the banner and stays out; the bans list lifts it', async () => {
    const admin = (await rig.open()).page;
    await signIn(admin, 'root');
    await admin.locator('#composer').waitFor();
    const guest = (await rig.open()).page;
    await enterRoom(guest, 'gus');
    // (Members of the earlier tests may still be there, within their leave grace.)
    await admin.locator('.members li[data-name="gus"]').waitFor();

    await admin.getByRole('button', { name: 'Moderate gus' }).click();
    await admin.locator('.member-menu input[value="remove"]').check();
    await admin.locator('#mod-reason').fill('spam');
    await admin.locator('#mod-submit').click();
    const banner = guest.locator('#removed');
    await banner.waitFor();
    expect(await banner.getAttribute('data-code')).toBe('KICKED');
    expect(await banner.textContent()).toContain('spam');
    await logLine(admin, 'gus was removed').waitFor();
    expect(rig.server.server.chat.find('gus')).toBeUndefined();
    // No reconnect and no name form while the banner is up.
    expect(await guest.locator('#name').count()).toBe(0);

    await banner.getByRole('button', { name: 'OK' }).click();
    await enterRoom(guest, 'gus');
    // (Members of the earlier tests may still be there, within their leave grace.)
    await admin.locator('.members li[data-name="gus"]').waitFor();
    await admin.getByRole('button', { name: 'Moderate gus' }).click();
    await admin.locator('.member-menu input[value="ban"]').check();
    await admin.locator('#mod-scope').selectOption('server');
    await admin.locator('#mod-duration').selectOption('1d');
    await admin.locator('#mod-reason').fill('again');
    await admin.locator('#mod-submit').click();
    await guest.locator('#removed[data-code="BANNED"]').waitFor();
    await logLine(admin, 'root banned gus: again').waitFor();
    await guest.locator('#removed').getByRole('button', { name: 'OK' }).click();
    await guest.locator('#name').fill('gus');
    await guest.locator('#name').press('Enter');
    await guest.locator('#name-error', { hasText: 'BANNED' }).waitFor();

    await admin.locator('#bans-open').click();
    const row = admin.locator('.restrictions li[data-value="gus"]');
    await row.waitFor();
    await row.locator('.lift').click();
    await admin.locator('.bans', { hasText: 'No bans or mutes in force.' }).waitFor();
    await enterRoom(guest, 'gus');
  });
});

/** Enter as a guest under `name` and expect NAME_RESERVED on the form. */
async function enterRoomRefused(page: import('playwright-core').Page, name: string): Promise<void> {
  await page.locator('#name').fill(name);
  await page.locator('#name').press('Enter');
  await page.locator('#name-error', { hasText: 'NAME_RESERVED' }).waitFor();
}
