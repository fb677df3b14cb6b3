// One server and one Chromium per test file; every page a test opened is closed after it, and its problems fail it.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { RawOptions } from '../../src/config.js';
import { launchBrowser, openPage, startServer, type E2eServer, type PageOptions, type WebPage } from './browser.js';

/** What a test file uses: the server, the browser, and pages that are cleaned up for it. */
export interface BrowserRig {
  readonly server: E2eServer;
  readonly browser: Browser;
  /** A page in a fresh context (see openPage), closed after the current test. */
  open(options?: PageOptions): Promise<WebPage>;
}

/** Registers the file's hooks: a server with `flags` and Chromium before all tests, pages checked after each. */
export function browserRig(flags: RawOptions = {}): BrowserRig {
  let server: E2eServer | undefined;
  let browser: Browser | undefined;
  const pages: WebPage[] = [];
  beforeAll(async () => {
    server = await startServer(flags);
    browser = await launchBrowser();
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
    async open(options?: PageOptions): Promise<WebPage> {
      const page = await openPage(rig.browser, rig.server.base, options);
      pages.push(page);
      return page;
    },
  };
  return rig;
}
