// irctest harness: create (or re-password) an account in a netroom data folder, as irctest's registerUser and OPER tests need.
// Usage: node dist/bench/irctest/add-account.js DATA_DIR NAME PASSWORD [member|admin]
// Writes the access store directly (the running server reads it at once), hashing with netroom's own
// scrypt: irctest's passwords ("sesame", "bar") are shorter than the 8 characters `netroom user add`
// asks for, and this harness must accept what irctest uses. Never use this for real accounts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../../src/core/access/passwords.js';
import { isAccountRole } from '../../src/core/access/roles.js';
import { checkName, foldName } from '../../src/core/names.js';
import { ACCESS_FILE, SqliteAccessStore } from '../../src/store/access-sqlite.js';

const [data, name, password, role = 'member'] = process.argv.slice(2);
if (data === undefined || name === undefined || password === undefined || !isAccountRole(role)) {
  console.error('usage: add-account.js DATA_DIR NAME PASSWORD [member|admin]');
  process.exit(2);
}
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
