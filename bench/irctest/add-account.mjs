// irctest harness: create (or re-password) an account in a netroom data folder, as irctest's registerUser and OPER tests need.
// Usage: node bench/irctest/add-account.mjs DATA_DIR NAME PASSWORD [member|admin]
// Writes the access store directly (the running server reads it at once), hashing with netroom's own
// scrypt: irctest's passwords ("sesame", "bar") are shorter than the 8 characters `netroom user add`
// asks for, and this harness must accept what irctest uses. Never use this for real accounts.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [data, name, password, role = 'member'] = process.argv.slice(2);
if (!data || !name || password === undefined || !['member', 'admin'].includes(role)) {
  console.error('usage: add-account.mjs DATA_DIR NAME PASSWORD [member|admin]');
  process.exit(2);
}
const dist = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'dist/src');
const load = (path) => import(pathToFileURL(join(dist, path)).href);
const { ACCESS_FILE, SqliteAccessStore } = await load('store/access-sqlite.js');
const { hashPassword } = await load('core/access/passwords.js');
const { checkName, foldName } = await load('core/names.js');

mkdirSync(data, { recursive: true });
const store = SqliteAccessStore.open(join(data, ACCESS_FILE));
try {
  const checked = checkName(name);
  const key = foldName(checked);
  const hash = await hashPassword(password);
  if (store.account(key)) store.updateAccount(key, { hash, role });
  else store.addAccount({ name: checked, key, role, hash, createdAt: Date.now() });
} finally {
  store.close();
}
