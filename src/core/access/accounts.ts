// Accounts: add, list, change password or role, delete, and sign in (rate-limited), over the access store.
import { NetroomError } from '../errors.js';
import { checkName, foldName } from '../names.js';
import type { AccessStore, AccountRecord } from '../../store/access.js';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './passwords.js';
import type { AccountRole } from './roles.js';
import { SignInLimiter } from './sign-in-limit.js';

/** An account as shown (never its hash). */
export interface AccountInfo {
  readonly name: string;
  readonly role: AccountRole;
  readonly createdAt: number;
}

/** The accounts of one store; the name rules are the members' own (checkName, look-alikes fold together). */
export class Accounts {
  private readonly store: AccessStore;
  private readonly limiter: SignInLimiter;
  private readonly now: () => number;

  constructor(store: AccessStore, options: { limiter?: SignInLimiter; now?: () => number } = {}) {
    this.store = store;
    this.limiter = options.limiter ?? new SignInLimiter();
    this.now = options.now ?? Date.now;
  }

  /** Create an account; BAD_NAME / RESERVED_NAME / NAME_TAKEN / BAD_PASSWORD. */
  async add(name: string, password: string, role: AccountRole = 'member'): Promise<AccountInfo> {
    const checked = checkName(name);
    checkPassword(password);
    const key = foldName(checked);
    if (this.store.account(key)) throw taken(checked);
    const record: AccountRecord = { name: checked, key, role, hash: await hashPassword(password), createdAt: this.now() };
    this.store.addAccount(record);
    return infoOf(record);
  }

  list(): AccountInfo[] {
    return this.store.accounts().map(infoOf);
  }

  /** The account whose name reads as `name` (case, width, look-alikes folded), if any. */
  find(name: string): AccountInfo | undefined {
    const record = this.store.account(foldName(name.normalize('NFC')));
    return record && infoOf(record);
  }

  /** The account holding the folded name `key`, if any (the chat's name reservation). */
  byKey(key: string): AccountInfo | undefined {
    const record = this.store.account(key);
    return record && infoOf(record);
  }

  async setPassword(name: string, password: string): Promise<void> {
    checkPassword(password);
    const key = this.keyOf(name);
    this.store.updateAccount(key, { hash: await hashPassword(password) });
  }

  setRole(name: string, role: AccountRole): AccountInfo {
    const key = this.keyOf(name);
    this.store.updateAccount(key, { role });
    return infoOf(this.store.account(key) as AccountRecord);
  }

  /** Delete the account with its sessions and tokens; its name is free again. */
  remove(name: string): void {
    if (!this.store.deleteAccount(this.keyOf(name))) throw noSuch(name);
  }

  /**
   * Sign in: the account when `password` is right. BAD_CREDENTIALS for a wrong name or password
   * (the same answer, in the same time), RATE_LIMITED (with `retryAfter` seconds) after too many failures.
   */
  async verify(name: string, password: string, address: string): Promise<AccountInfo> {
    const key = typeof name === 'string' ? foldName(name.normalize('NFC')) : '';
    const wait = this.limiter.retryAfter(key, address);
    if (wait > 0) throw new NetroomError('RATE_LIMITED', `too many failed sign-ins: try again in ${wait} s`, { retryAfter: wait });
    const record = key === '' ? undefined : this.store.account(key);
    const ok = typeof password === 'string' && password.length <= 4096 && (await verifyPassword(password, record?.hash ?? (await decoyHash())));
    if (!ok || record === undefined) {
      this.limiter.failed(key, address);
      throw new NetroomError('BAD_CREDENTIALS', 'wrong name or password');
    }
    this.limiter.succeeded(key, address);
    return infoOf(record);
  }

  private keyOf(name: string): string {
    const key = foldName(name.normalize('NFC'));
    if (!this.store.account(key)) throw noSuch(name);
    return key;
  }
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem !== null) throw new NetroomError('BAD_PASSWORD', problem);
}

function infoOf(r: AccountRecord): AccountInfo {
  return { name: r.name, role: r.role, createdAt: r.createdAt };
}

function taken(name: string): NetroomError {
  return new NetroomError('NAME_TAKEN', `an account already has the name ${name} (or one that reads alike)`, { name });
}

function noSuch(name: string): NetroomError {
  return new NetroomError('NO_SUCH_ACCOUNT', `no account is called ${name}`, { name });
}
