// The Vite dev server (web/vite.config.ts) reaches every server path the web UI asks for: proxied to netroom, or served from publicDir.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../web/vite.config.js';

describe('web/vite.config.ts dev server', () => {
  it('proxies the API, files, thumbnails, health and WebSocket to the server', () => {
    const proxy = config.server?.proxy ?? {};
    for (const prefix of ['/api', '/files', '/thumbs', '/healthz', '/ws']) expect(Object.keys(proxy), prefix).toContain(prefix);
  });

  it('serves the manifest and its icons itself, from publicDir (no proxy entry to shadow them)', () => {
    expect(typeof config.publicDir).toBe('string');
    for (const name of ['manifest.webmanifest', 'icon-192.png', 'icon-512.png', 'icon.svg']) expect(existsSync(path.join(String(config.publicDir), name)), name).toBe(true);
    expect(Object.keys(config.server?.proxy ?? {})).not.toContain('/manifest.webmanifest');
  });
});
