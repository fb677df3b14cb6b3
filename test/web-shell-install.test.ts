// The web app is installable: the manifest the page links is served as application/manifest+json and names icons that are served at their stated sizes.
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type E2eServer } from './helpers/browser.js';

let server: E2eServer | undefined;

beforeAll(async () => {
  server = await startServer();
});

function base(): string {
  if (server === undefined) throw new Error('the server starts in beforeAll');
  return server.base;
}

afterAll(async () => {
  await server?.close();
});

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

describe('web app manifest', () => {
  it('is linked from the page with theme colours and an Apple icon', async () => {
    const html = await (await fetch(base())).text();
    expect(html).toMatch(/<link rel="manifest" href="\.\/manifest\.webmanifest"/u);
    expect(html).toMatch(/<meta name="theme-color" media="\(prefers-color-scheme: light\)"/u);
    expect(html).toMatch(/<meta name="theme-color" media="\(prefers-color-scheme: dark\)"/u);
    const apple = /<link rel="apple-touch-icon" href="\.\/([^"]+)"/u.exec(html)?.[1];
    expect(apple).toBeDefined();
    const answer = await fetch(new URL(apple ?? '', base()));
    expect(answer.headers.get('content-type')).toBe('image/png');
    expect(await sharp(Buffer.from(await answer.arrayBuffer())).metadata()).toMatchObject({ format: 'png', width: 180, height: 180 });
  });

  it('parses, says how to start, and every icon it names is served as stated', async () => {
    const answer = await fetch(new URL('manifest.webmanifest', base()));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/manifest\+json/u);
    const manifest = JSON.parse(await answer.text()) as { name: string; short_name: string; start_url: string; display: string; theme_color: string; background_color: string; icons: ManifestIcon[] };
    expect(manifest).toMatchObject({ name: 'netroom', short_name: 'netroom', start_url: '.', display: 'standalone' });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/iu);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/iu);
    const pngs = manifest.icons.filter((i) => i.type === 'image/png');
    expect(pngs.map((i) => i.sizes).sort()).toEqual(['192x192', '512x512', '512x512']);
    expect(pngs.some((i) => i.purpose === 'maskable')).toBe(true);
    expect(manifest.icons.some((i) => i.type === 'image/svg+xml')).toBe(true);
    const manifestUrl = new URL('manifest.webmanifest', base());
    for (const icon of manifest.icons) {
      const got = await fetch(new URL(icon.src, manifestUrl));
      expect(got.status, icon.src).toBe(200);
      expect(got.headers.get('content-type'), icon.src).toMatch(new RegExp(`^${icon.type.replace('+', '\\+')}`, 'u'));
      const meta = await sharp(Buffer.from(await got.arrayBuffer())).metadata();
      if (icon.type === 'image/png') {
        const [width, height] = icon.sizes.split('x').map(Number);
        expect({ src: icon.src, format: meta.format, width: meta.width, height: meta.height }).toEqual({ src: icon.src, format: 'png', width, height });
      } else {
        expect(meta.format, icon.src).toBe('svg');
      }
    }
  });

  it('is found from a folder page too (the page has a <base> back to the root)', async () => {
    const html = await (await fetch(new URL('files/', base()), { headers: { accept: 'text/html' } })).text();
    expect(html).toMatch(/<head><base href="\.\.\/">/u);
    expect(html).toContain('href="./manifest.webmanifest"');
  });
});
