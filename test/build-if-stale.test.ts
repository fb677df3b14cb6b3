// Unit tests of scripts/build-if-stale.mjs (npm start's build step) on a small fake project, with the build commands recorded instead of run.
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** The script's API (it is JavaScript: it runs before anything is compiled). */
interface BuildScript {
  STATE_FILE: string;
  buildIfStale(root: string, options?: { run?: (root: string, command: string[]) => Promise<void>; log?: (line: string) => void }): Promise<string[]>;
}

// A computed specifier: TypeScript would otherwise want a declaration file for the .mjs.
const script = (await import(new URL('../scripts/build-if-stale.mjs', import.meta.url).href)) as BuildScript;

let root: string;
let ran: string[];
let failing: string | undefined;

/** Stands in for tsc and vite: records the command and writes the output the real one would. */
async function fakeRun(at: string, command: string[]): Promise<void> {
  const name = command.join(' ');
  ran.push(name);
  if (failing !== undefined && name.includes(failing)) throw new Error(`${name} failed (exit 2)`);
  if (name.includes('vite')) await put(join('dist', 'web', 'index.html'), '<!doctype html>', at);
  else if (!name.includes('web/tsconfig')) await put(join('dist', 'src', 'cli', 'main.js'), '// built', at);
}

async function put(file: string, text: string, at = root): Promise<void> {
  await mkdir(dirname(join(at, file)), { recursive: true });
  await writeFile(join(at, file), text);
}

/** Move a file's mtime forward, as an editor saving it would. */
async function touch(file: string): Promise<void> {
  const later = new Date(Date.now() + 60_000);
  await utimes(join(root, file), later, later);
}

async function build(): Promise<string[]> {
  ran = [];
  return script.buildIfStale(root, { run: fakeRun, log: () => undefined });
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'netroom-build-'));
  failing = undefined;
  await put('tsconfig.json', '{}');
  await put('package-lock.json', '{}');
  await put('src/cli/main.ts', "import './server-only.js';\n");
  await put('src/cli/server-only.ts', 'export const x = 1;\n');
  await put('src/shared.ts', "export type { Wire } from './wire.js';\n");
  await put('src/wire.ts', 'export type Wire = string;\n');
  await put('web/index.html', '<script type="module" src="./src/main.tsx"></script>');
  await put('web/tsconfig.json', '{}');
  await put('web/src/main.tsx', "import type { Wire } from '../../src/shared.js';\nimport { view } from './view.js';\n");
  await put('web/src/view.ts', 'export const view = 1;\n');
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('build-if-stale', () => {
  it('builds both parts on a fresh clone (no dist/), then nothing while nothing changed', async () => {
    expect(await build()).toEqual(['server', 'web']);
    expect(ran).toEqual([
      'node_modules/typescript/bin/tsc -p tsconfig.json',
      'node_modules/typescript/bin/tsc -p web/tsconfig.json',
      'node_modules/vite/bin/vite.js build --config web/vite.config.ts --logLevel warn',
    ]);
    expect(await build()).toEqual([]);
    expect(ran).toEqual([]);
  });

  it('rebuilds only the server when a server-only source changes', async () => {
    await build();
    await touch('src/cli/server-only.ts');
    expect(await build()).toEqual(['server']);
  });

  it('rebuilds only the web UI when a file under web/ changes', async () => {
    await build();
    await touch('web/src/view.ts');
    expect(await build()).toEqual(['web']);
  });

  it('rebuilds both when a server module the web UI imports (even indirectly) changes', async () => {
    await build();
    await touch('src/wire.ts');
    expect(await build()).toEqual(['server', 'web']);
  });

  it('rebuilds on an added or removed source, and when an output is missing', async () => {
    await build();
    await put('src/cli/new.ts', 'export {};\n');
    expect(await build()).toEqual(['server']);
    await rm(join(root, 'src/cli/new.ts'));
    expect(await build()).toEqual(['server']);
    await rm(join(root, 'dist/web/index.html'));
    expect(await build()).toEqual(['web']);
  });

  it('records nothing for a failed step, so the next start tries again', async () => {
    failing = 'vite';
    await expect(build()).rejects.toThrow(/vite\.js build .* failed/u);
    failing = undefined;
    expect(await build()).toEqual(['web']);
    const state = JSON.parse(await readFile(join(root, script.STATE_FILE), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(state)).toEqual(['server', 'web']);
  });
});
