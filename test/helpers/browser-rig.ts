// One server and one Chromium per test file; every page a test opened is closed after it, and its problems fail it.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Access } from '../../src/core/access/access.js';
import type { AccountRole } from '../../src/core/access/roles.js';
import type { RawOptions } from '../../src/config.js';
import { enterRoom, launchBrowser, openPage, startServer, type E2eServer, type PageOptions, type WebPage } from './browser.js';
import { PASSWORD } from './ftp.js';

export { PASSWORD };

/** Options of {@link BrowserRig.open}: a page's options, and the account it is signed in as. */
export interface RigPageOptions extends Omit<PageOptions, 'session'> {
  /** An account of the rig's `accounts`: the page opens signed in as it (a fresh session cookie). */
  as?: string;
}

/** What a test file uses: the server, the browser, and pages that are cleaned up for it. */
export interface BrowserRig {
  readonly server: E2eServer;
  readonly browser: Browser;
  /** The running server's accounts, sessions and tokens. */
  readonly access: Access;
  /** The server's admin token (`Authorization: Bearer` of it acts as the administrator). */
  readonly adminToken: string;
  /** A page in a fresh context (see openPage), closed after the current test. */
  open(options?: RigPageOptions): Promise<WebPage>;
  /** A fresh page (see open) that has entered the chat as the guest `name`, its composer ready. */
  enter(name: string): Promise<Page>;
  /** A new API token of `account`, for `Authorization: Bearer` (another person's script or CLI). */
  token(account: string): string;
}

/**
 * Registers the file's hooks: a server with `flags` and Chromium before all tests, pages checked
 * after each. `accounts` (name -> role, password {@link PASSWORD}) are made once the server runs;
 * hashing a password takes a while, so a file makes only the few it needs.
 */
export function browserRig(flags: RawOptions = {}, accounts: Readonly<Record<string, AccountRole>> = {}): BrowserRig {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  const pages: WebPage[] = [];
  beforeAll(async () => {
    server = await startServer(flags);
    browser = await launchBrowser();
    for (const [name, role] of Object.entries(accounts)) await rig.access.accounts.add(name, PASSWORD, role);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    const problems = pages.flatMap((p) => p.problems);
    for (const p of pages.splice(0)) await p.context.close();
    expect(problems).toEqual([]);
  });
  const rig: BrowserRig = {
    get server(): E2eServer {
      if (server === undefined) throw new Error('the server starts in beforeAll');
      return server;
    },
    get browser(): Browser {
      if (browser === undefined) throw new Error('the browser starts in beforeAll');
      return browser;
    },
    get access(): Access {
      // Read each time: a restart makes a new server object (over the same data folder).
      const found = rig.server.server.access;
      if (found === undefined) throw new Error('the server keeps no accounts');
      return found;
    },
    get adminToken(): string {
      return rig.server.server.adminToken;
    },
    async enter(name: string): Promise<Page> {
      const { page } = await rig.open();
      await enterRoom(page, name);
      return page;
    },
    async open(options: RigPageOptions = {}): Promise<WebPage> {
      const { as, ...rest } = options;
      const session = as === undefined ? undefined : rig.access.credentials.create(as, 'session', 'browser test').secret;
      const page = await openPage(rig.browser, rig.server.base, session === undefined ? rest : { ...rest, session });
      pages.push(page);
      return page;
    },
    token(account: string): string {
      return rig.access.credentials.create(account, 'token', 'test').secret;
    },
  };
  return rig;
}
