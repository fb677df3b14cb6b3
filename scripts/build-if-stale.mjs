// `npm start`'s build step: compile the server and build the web UI only when their sources changed since the last build.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {object} Step One part of the build.
 * @property {string} name
 * @property {string[]} dirs folders whose files are inputs
 * @property {string[]} files single input files
 * @property {boolean} followImports also the files that the inputs import from outside `dirs`
 * @property {string} output a file the step writes: missing means "build"
 * @property {string[][]} commands node scripts (path from the root, then arguments)
 */

/** @typedef {(root: string, command: string[]) => Promise<void>} Run */

/** What was built from which inputs, kept in dist/ so a fresh clone (no dist/) always builds. */
export const STATE_FILE = join('dist', '.build-state.json');

/**
 * The two parts of `npm run build`, each with its inputs, an output that must exist, and its commands
 * (node scripts run with this node: node_modules/.bin is not on the PATH outside npm scripts).
 */
/** @type {readonly Step[]} */
export const STEPS = [
  {
    name: 'server',
    dirs: ['src', 'test', 'bench'],
    files: ['tsconfig.json', 'package-lock.json'],
    followImports: false,
    output: join('dist', 'src', 'cli', 'main.js'),
    commands: [['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']],
  },
  {
    name: 'web',
    dirs: ['web'],
    files: ['package-lock.json'],
    // The UI imports a few server modules (wire types, texts): those, and what they import, count too.
    followImports: true,
    output: join('dist', 'web', 'index.html'),
    commands: [
      ['node_modules/typescript/bin/tsc', '-p', 'web/tsconfig.json'],
      ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'],
    ],
  },
];

/**
 * Every file under `dir` (relative to root, `/`-separated), skipping node_modules; none if `dir` is missing.
 * @param {string} root
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
async function filesUnder(root, dir) {
  let entries;
  try {
    entries = await readdir(join(root, dir), { withFileTypes: true, recursive: true });
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ENOENT') return [];
    throw err;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => !path.split('/').includes('node_modules'));
}

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/gu;

/**
 * The files that `start` imports by relative paths, transitively (`x.js` is written for `x.ts`).
 * @param {string} root
 * @param {string[]} start
 * @returns {Promise<string[]>}
 */
async function importedFiles(root, start) {
  /** @type {Set<string>} */
  const seen = new Set();
  const queue = [...start];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (!/\.(?:[cm]?[jt]sx?)$/u.test(file)) continue;
    const text = await readFile(join(root, file), 'utf8').catch(() => '');
    for (const match of text.matchAll(IMPORT)) {
      const target = relative(root, resolve(root, dirname(file), match[1] ?? '.')).split(sep).join('/');
      for (const candidate of [target, target.replace(/\.js$/u, '.ts'), target.replace(/\.js$/u, '.tsx')]) {
        if (seen.has(candidate) || start.includes(candidate)) continue;
        if (!(await stat(join(root, candidate)).then((s) => s.isFile(), () => false))) continue;
        seen.add(candidate);
        queue.push(candidate);
      }
    }
  }
  return [...seen];
}

/**
 * A digest of the step's inputs: path, size and mtime of each, so any edit, addition or removal changes it.
 * @param {string} root
 * @param {Step} step
 * @returns {Promise<string>}
 */
export async function fingerprint(root, step) {
  const files = new Set(step.files);
  const inDirs = (await Promise.all(step.dirs.map((dir) => filesUnder(root, dir)))).flat();
  for (const file of inDirs) files.add(file);
  if (step.followImports) for (const file of await importedFiles(root, inDirs)) files.add(file);
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    const info = await stat(join(root, file)).catch(() => null);
    hash.update(`${file}\0${info ? `${info.size}\0${info.mtimeMs}` : 'missing'}\n`);
  }
  return hash.digest('hex');
}

/**
 * @param {string} root
 * @returns {Promise<Record<string, string>>} step name to the fingerprint it was last built from
 */
async function readState(root) {
  /** @type {unknown} */
  let parsed;
  try {
    parsed = JSON.parse(await readFile(join(root, STATE_FILE), 'utf8'));
  } catch {
    return {};
  }
  // Anything but step names and fingerprints (a hand edit, another version) counts as "not built".
  if (typeof parsed !== 'object' || parsed === null) return {};
  /** @type {Record<string, string>} */
  const state = {};
  for (const [name, print] of Object.entries(parsed)) if (typeof print === 'string') state[name] = print;
  return state;
}

/**
 * Run a node script from root; rejects with its exit status.
 * @type {Run}
 */
function runNode(root, [script = '', ...args]) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(root, script), ...args], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise(undefined);
      else reject(new Error(`${script} ${args.join(' ')} failed (${signal ?? `exit ${String(code)}`})`));
    });
  });
}

/**
 * Build each step whose inputs changed since it was last built here, or whose output is missing.
 * The fingerprint is taken before building, so an edit made during the build is seen next time.
 * @param {string} root
 * @param {{ run?: Run, log?: (line: string) => void }} [options] `run` runs one command (replaced in tests)
 * @returns {Promise<string[]>} the names of the steps built
 */
export async function buildIfStale(root, { run = runNode, log = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const state = await readState(root);
  const built = [];
  for (const step of STEPS) {
    const print = await fingerprint(root, step);
    const hasOutput = await stat(join(root, step.output)).then(() => true, () => false);
    if (hasOutput && state[step.name] === print) continue;
    log(`build: ${step.name} ${hasOutput ? 'sources changed' : 'not built yet'}, building`);
    for (const command of step.commands) await run(root, command);
    state[step.name] = print;
    await mkdir(dirname(join(root, STATE_FILE)), { recursive: true });
    await writeFile(join(root, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
    built.push(step.name);
  }
  return built;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildIfStale(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
  } catch (err) {
    process.stderr.write(`build: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
