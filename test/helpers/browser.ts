// End-to-end fixtures: the real server in-process, Debian's Chromium through playwright-core, and page helpers.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { resolveConfig, type RawOptions } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { NetroomServer, type DoorStatus } from '../../src/server.js';

/** Debian's Chromium (installed by .ci/run); NETROOM_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.NETROOM_CHROMIUM ?? '/usr/bin/chromium';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** Where `vite build --config web/vite.config.ts` puts the UI, and where the server serves it from. */
export const WEB_DIST = path.join(REPO, 'dist', 'web');
/** CI artifacts (screenshots). */
export const RESULTS = path.join(REPO, 'test-results');
/** How long a page waits for something to appear before the test fails with Playwright's message. */
export const WAIT_MS = 10_000;

/** Fail with a clear message when the UI is not built, or built from older sources than web/ has now. */
export function assertWebBuilt(): void {
  const index = path.join(WEB_DIST, 'index.html');
  const how = 'run "npm run build" (or "npx vite build --config web/vite.config.ts")';
  if (!existsSync(index)) throw new Error(`the web UI is not built: ${index} is missing; ${how}`);
  const built = statSync(index).mtimeMs;
  const newer = newestFile(path.join(REPO, 'web'));
  if (newer && newer.mtime > built) throw new Error(`dist/web is older than ${path.relative(REPO, newer.file)}; ${how}`);
}

function newestFile(dir: string): { file: string; mtime: number } | undefined {
  let best: { file: string; mtime: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const found = entry.isDirectory() ? newestFile(full) : { file: full, mtime: statSync(full).mtimeMs };
    if (found && (!best || found.mtime > best.mtime)) best = found;
  }
  return best;
}

/** A running netroom (HTTP + WebSocket + UDP doors) on free ports over temp folders. */
export interface E2eServer {
  server: NetroomServer;
  readonly dir: string;
  readonly data: string;
  /** `http://127.0.0.1:PORT/` */
  readonly base: string;
  readonly httpPort: number;
  udpPort: number;
  /** The FTP door's port when started with `ftp: '0'` (off by default). */
  ftpPort: number | undefined;
  /** Stop and start again on the same HTTP port with the same folders (history must survive); `whileDown` runs in between. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** Start the real server (as `netroom serve` composes it) with IRC and FTP off. */
export async function startServer(flags: RawOptions = {}): Promise<E2eServer> {
  assertWebBuilt();
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'netroom-web-'));
  const dir = path.join(root, 'files');
  const data = path.join(root, 'data');
  const launch = async (http: string): Promise<{ server: NetroomServer; http: number; udp: number; ftp: number | undefined }> => {
    const config = resolveConfig({ port: '0', http, irc: 'off', ftp: 'off', dir, data, logLevel: 'silent', ...flags }, {});
    const server = new NetroomServer(config, silentLogger());
    const statuses = await server.start();
    const ftp = flags.ftp === undefined || flags.ftp === 'off' ? undefined : portOf(statuses, 'ftp');
    return { server, http: portOf(statuses, 'http'), udp: portOf(statuses, 'udp'), ftp };
  };
  const first = await launch('0');
  const e2e: E2eServer = {
    server: first.server,
    dir,
    data,
    base: `http://127.0.0.1:${first.http}/`,
    httpPort: first.http,
    udpPort: first.udp,
    ftpPort: first.ftp,
    async restart(whileDown) {
      await e2e.server.stop();
      await whileDown?.();
      const next = await launch(String(first.http));
      e2e.server = next.server;
      e2e.udpPort = next.udp;
      e2e.ftpPort = next.ftp;
    },
    async close() {
      await e2e.server.stop();
      await fs.rm(root, { recursive: true, force: true });
    },
  };
  return e2e;
}

function portOf(statuses: DoorStatus[], door: string): number {
  const status = statuses.find((s) => s.door === door);
  if (status?.state !== 'listening') throw new Error(`the ${door} door is not listening: ${JSON.stringify(statuses)}`);
  return status.address.port;
}

/** Chromium, headless, with nothing that phones home. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install Debian's chromium (see .ci/run) or set NETROOM_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A browser page of its own context (own storage, like another person's browser). */
export interface WebPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Uncaught page errors and requests to anywhere but the server: each one fails the test. */
  readonly problems: string[];
}

/** Options of {@link openPage}. */
export interface PageOptions {
  locale?: string;
  viewport?: { width: number; height: number };
  /** Where to open, relative to the server's base (e.g. `files/docs/`); default the base itself. */
  path?: string;
  /** A session secret (`nrs_...`) set as the `netroom_session` cookie before the page opens: the page is then signed in. */
  session?: string;
}

/** Open the UI in a fresh context (English by default, desktop size); `options.path` opens an address below `base`. */
export async function openPage(browser: Browser, base: string, options: PageOptions = {}): Promise<WebPage> {
  const context = await browser.newContext({
    locale: options.locale ?? 'en-US',
    viewport: options.viewport ?? { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  context.setDefaultTimeout(WAIT_MS);
  // The cookie the server sets at sign-in (HttpOnly, so the page itself could not set it either).
  if (options.session !== undefined) await context.addCookies([{ name: 'netroom_session', value: options.session, url: base, httpOnly: true, sameSite: 'Lax' }]);
  const problems: string[] = [];
  // SPEC: no external network requests (no CDN, no fonts): everything comes from the server itself.
  context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith(base.replace(/^http/u, 'ws')) && !/^(data|blob):/u.test(url)) {
      problems.push(`external request: ${url}`);
    }
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  await page.goto(new URL(options.path ?? '', base).href);
  return { page, context, problems };
}

/** Enter the room through the name form and wait for the chat pane. */
export async function enterRoom(page: Page, name: string): Promise<void> {
  await page.locator('#name').fill(name);
  await page.locator('#name').press('Enter');
  await page.locator('#composer').waitFor();
}

/**
 * Scroll the chat log to its top until `condition` (a JavaScript expression) holds in the page: the
 * log loads older history when scrolled to the top. The scroll is made again on each check, since a
 * render that keeps the reader's place can undo a scroll made before its scroll event was handled.
 */
export async function scrollLogTopUntil(page: Page, condition: string): Promise<void> {
  await page.waitForFunction(`(() => {
    if (${condition}) return true;
    const log = document.querySelector('.log');
    if (log) log.scrollTop = 0;
    return false;
  })()`);
}

/** Join (or create) a room from the sidebar and wait until it is on screen. */
export async function joinRoom(page: Page, room: string): Promise<void> {
  await page.locator('#join-room').fill(room);
  await page.locator('#join-room').press('Enter');
  await page.locator('#chat-title', { hasText: room }).waitFor();
}

/** Signed in (see PageOptions.session): enter the room under the account's name and wait for the chat pane. */
export async function enterSignedIn(page: Page): Promise<void> {
  await page.locator('#enter-account').click();
  await page.locator('#composer').waitFor();
}

/** Type a message and send it with Enter. */
export async function say(page: Page, text: string): Promise<void> {
  await page.locator('#composer').fill(text);
  await page.locator('#composer').press('Enter');
}

/** The chat log lines containing `text`. */
export function logLine(page: Page, text: string | RegExp): Locator {
  return page.locator('.log li', { hasText: text });
}

/** The member list, as shown. */
export async function members(page: Page): Promise<string[]> {
  const names = await Promise.all((await page.locator('.members li').all()).map((li) => li.getAttribute('data-name')));
  return names.map((n) => n ?? '');
}

/** Wait until the member list is exactly `expected` (in any order). */
export async function waitForMembers(page: Page, expected: string[]): Promise<void> {
  // A string expression: the test project has no DOM types (it type-checks Node code).
  const want = JSON.stringify([...expected].sort());
  await page.waitForFunction(
    `JSON.stringify([...document.querySelectorAll('.members li')].map((li) => li.dataset.name).sort()) === ${JSON.stringify(want)}`,
    undefined,
    { timeout: WAIT_MS },
  );
}

/** The id (or text, when it has no id) of the focused element. */
export async function focused(page: Page): Promise<string> {
  const el = page.locator(':focus');
  return (await el.getAttribute('id')) ?? (await el.textContent()) ?? '';
}

/** The page's width including anything overflowing sideways. */
export async function scrollWidth(page: Page): Promise<number> {
  return Number(await page.evaluate('document.documentElement.scrollWidth'));
}

/** The row of the files listing for `name`. */
export function fileRow(page: Page, name: string): Locator {
  return page.locator(`.listing tr[data-name="${name.replace(/["\\]/gu, '\\$&')}"]`);
}

export function sha256(bytes: Buffer | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Save a screenshot as a CI artifact under test-results/. */
export async function screenshot(target: Page | Locator, name: string): Promise<string> {
  await fs.mkdir(RESULTS, { recursive: true });
  const file = path.join(RESULTS, name);
  await target.screenshot({ path: file, animations: 'disabled' });
  return file;
}
