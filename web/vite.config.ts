// Vite build of the web UI: web/ -> dist/web (served by the HTTP door); Preact JSX through oxc, no plugins.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  // Relative asset URLs: the UI keeps working when a proxy serves netroom under a sub-path.
  base: './',
  // The web app manifest and its icons (scripts/make-icons.mjs), copied as they are to dist/web.
  publicDir: here('public'),
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    // Browsers with ES2022 all support modulepreload; no polyfill code.
    modulePreload: { polyfill: false },
  },
  server: {
    // `npx vite --config web/vite.config.ts` next to `netroom serve` (HTTP on 8080) for UI work.
    // The manifest and icons need no entry: Vite serves them from publicDir as the server serves dist/web's copy.
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/files': 'http://127.0.0.1:8080',
      '/thumbs': 'http://127.0.0.1:8080',
      '/healthz': 'http://127.0.0.1:8080',
      '/ws': { target: 'ws://127.0.0.1:8080', ws: true },
    },
  },
});
