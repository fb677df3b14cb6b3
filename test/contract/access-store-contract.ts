// The AccessStore contract: every method's behaviour, written once and run against each store (SQLite, PostgreSQL).
import { describe, expect, it } from 'vitest';
import { isNetroomError } from '../../src/core/errors.js';
import type { AccessStore, AccountRecord, CredentialRecord, InvitationRecord, RestrictionRecord } from '../../src/store/access.js';

/** A store under test, and a second view of the same data once the first's writes are saved. */
export interface AccessStoreFixture {
  readonly store: AccessStore;
  /** Another store on the same data, opened after every write of `store` so far reached it. */
  readonly saved: () => Promise<AccessStore>;
}

const T = 1_700_000_000_000;
const DAY = 24 * 60 * 60 * 1000;

export function account(name: string, extra: Partial<AccountRecord> = {}): AccountRecord {
  return { name, key: name.toLowerCase(), role: 'member', hash: `hash-of-${name}`, createdAt: T, ...extra };
}

export function credential(hash: string, accountKey: string, extra: Partial<CredentialRecord> = {}): CredentialRecord {
  return { hash, id: `id-${hash}`, accountKey, kind: 'session', label: 'Firefox', createdAt: T, lastUsedAt: null, expiresAt: null, ...extra };
}

export function invitation(hash: string, extra: Partial<InvitationRecord> = {}): InvitationRecord {
  return { hash, role: 'member', createdBy: 'root', createdAt: T, expiresAt: T + DAY, usedAt: null, usedBy: null, ...extra };
}

export function restriction(value: string, extra: Partial<Omit<RestrictionRecord, 'id'>> = {}): Omit<RestrictionRecord, 'id'> {
  return { type: 'ban', room: null, kind: 'name', value, shown: value, reason: '', by: 'root', createdAt: T, until: null, ...extra };
}

/** Everything a store holds, in its own orders, for comparing two views. */
function snapshot(s: AccessStore, keys: string[], hashes: string[]): unknown {
  return {
    accounts: s.accounts(),
    credentials: keys.map((k) => s.credentials(k)),
    invitations: hashes.map((h) => s.invitation(h) ?? null),
    restrictions: s.restrictions(),
  };
}

/** Registers the contract's tests; `make` gives a fresh, empty store per test (closed by the caller). */
export function accessStoreContract(label: string, make: () => Promise<AccessStoreFixture>): void {
  describe(`AccessStore contract: ${label}`, () => {
    it('adds accounts, lists them by name (code point order), and refuses a key already held', async () => {
      const { store, saved } = await make();
      store.addAccount(account('alice'));
      store.addAccount(account('Zed', { key: 'zed', role: 'admin' }));
      store.addAccount(account('Émile', { key: 'emile' }));
      expect(store.account('zed')).toEqual(account('Zed', { key: 'zed', role: 'admin' }));
      expect(store.account('nobody')).toBeUndefined();
      expect(store.accounts().map((a) => a.name)).toEqual(['Zed', 'alice', 'Émile']);
      const err: unknown = (() => {
        try {
          store.addAccount(account('ALICE', { key: 'alice', hash: 'other' }));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(isNetroomError(err) && err.code).toBe('NAME_TAKEN');
      expect(store.account('alice')?.hash).toBe('hash-of-alice');
      const again = await saved();
      expect(again.accounts()).toEqual(store.accounts());
    });

    it('updates role and hash, and says false for no change or no account', async () => {
      const { store, saved } = await make();
      store.addAccount(account('bob'));
      expect(store.updateAccount('bob', { role: 'admin' })).toBe(true);
      expect(store.updateAccount('bob', { hash: 'new' })).toBe(true);
      expect(store.updateAccount('bob', {})).toBe(false);
      expect(store.updateAccount('ghost', { role: 'admin' })).toBe(false);
      expect(store.account('bob')).toMatchObject({ role: 'admin', hash: 'new' });
      expect((await saved()).account('bob')).toEqual(store.account('bob'));
    });

    it('deletes an account with its sessions and tokens', async () => {
      const { store, saved } = await make();
      store.addAccount(account('carol'));
      store.addAccount(account('dave'));
      store.addCredential(credential('c1', 'carol'));
      store.addCredential(credential('d1', 'dave'));
      expect(store.deleteAccount('carol')).toBe(true);
      expect(store.deleteAccount('carol')).toBe(false);
      expect(store.account('carol')).toBeUndefined();
      expect(store.credential('c1')).toBeUndefined();
      expect(store.credentials('carol')).toEqual([]);
      expect(store.credential('d1')).toBeDefined();
      const again = await saved();
      expect(snapshot(again, ['carol', 'dave'], [])).toEqual(snapshot(store, ['carol', 'dave'], []));
    });

    it('keeps credentials: by hash, per account oldest first, touched, revoked by id', async () => {
      const { store, saved } = await make();
      store.addAccount(account('erin'));
      store.addAccount(account('frank'));
      store.addCredential(credential('e2', 'erin', { createdAt: T + 2, kind: 'token', label: 'ci', expiresAt: T + DAY }));
      store.addCredential(credential('e1', 'erin', { createdAt: T + 1 }));
      store.addCredential(credential('f1', 'frank'));
      expect(() => store.addCredential(credential('x1', 'nobody'))).toThrow();
      expect(store.credential('x1')).toBeUndefined();
      expect(store.credentials('erin').map((c) => c.hash)).toEqual(['e1', 'e2']);
      expect(store.credential('e2')).toEqual(credential('e2', 'erin', { createdAt: T + 2, kind: 'token', label: 'ci', expiresAt: T + DAY }));
      store.touchCredential('e1', T + 100);
      store.touchCredential('e1', T + 200);
      store.touchCredential('unknown', T + 100);
      expect(store.credential('e1')?.lastUsedAt).toBe(T + 200);
      expect(store.deleteCredential('frank', 'id-e2')).toBe(false);
      expect(store.deleteCredential('erin', 'id-e2')).toBe(true);
      expect(store.deleteCredential('erin', 'id-e2')).toBe(false);
      expect(store.credentials('erin').map((c) => c.hash)).toEqual(['e1']);
      const again = await saved();
      expect(snapshot(again, ['erin', 'frank'], [])).toEqual(snapshot(store, ['erin', 'frank'], []));
    });

    it('uses an invitation once, only while it is valid', async () => {
      const { store, saved } = await make();
      store.addInvitation(invitation('i1'));
      store.addInvitation(invitation('i2', { role: 'admin' }));
      expect(store.invitation('i2')).toEqual(invitation('i2', { role: 'admin' }));
      expect(store.invitation('nope')).toBeUndefined();
      expect(store.useInvitation('i1', T + 10, 'gina')).toBe(true);
      expect(store.useInvitation('i1', T + 11, 'hank')).toBe(false);
      expect(store.invitation('i1')).toMatchObject({ usedAt: T + 10, usedBy: 'gina' });
      expect(store.useInvitation('i2', T + DAY, 'ivan')).toBe(false);
      expect(store.invitation('i2')).toMatchObject({ usedAt: null, usedBy: null });
      expect(store.useInvitation('nope', T, 'ivan')).toBe(false);
      const again = await saved();
      expect(snapshot(again, [], ['i1', 'i2'])).toEqual(snapshot(store, [], ['i1', 'i2']));
    });

    it('numbers restrictions, lists them by id, and deletes them', async () => {
      const { store, saved } = await make();
      const a = store.addRestriction(restriction('mallory'));
      const b = store.addRestriction(restriction('10.0.0.0/8', { kind: 'address', type: 'mute', room: 'lobby', until: T + DAY, reason: 'spam' }));
      expect(a).toEqual({ ...restriction('mallory'), id: a.id });
      expect(b.id).toBeGreaterThan(a.id);
      expect(store.restrictions()).toEqual([a, b]);
      expect(store.deleteRestriction(a.id)).toBe(true);
      expect(store.deleteRestriction(a.id)).toBe(false);
      expect(store.restrictions()).toEqual([b]);
      expect((await saved()).restrictions()).toEqual([b]);
    });

    it('prunes ended restrictions, expired credentials, and invitations a day past their end', async () => {
      const { store, saved } = await make();
      store.addAccount(account('judy'));
      store.addCredential(credential('old', 'judy', { expiresAt: T + 5 }));
      store.addCredential(credential('new', 'judy', { expiresAt: T + 50 }));
      store.addCredential(credential('ever', 'judy'));
      const ended = store.addRestriction(restriction('a', { until: T + 5 }));
      const later = store.addRestriction(restriction('b', { until: T + 50 }));
      const forever = store.addRestriction(restriction('c'));
      store.addInvitation(invitation('gone', { expiresAt: T + 10 - DAY }));
      store.addInvitation(invitation('kept', { expiresAt: T + 11 - DAY }));
      store.prune(T + 10);
      expect(store.restrictions().map((r) => r.id)).toEqual([later.id, forever.id]);
      expect(store.restrictions().some((r) => r.id === ended.id)).toBe(false);
      expect(store.credentials('judy').map((c) => c.hash).sort()).toEqual(['ever', 'new']);
      expect(store.invitation('gone')).toBeUndefined();
      expect(store.invitation('kept')).toBeDefined();
      const again = await saved();
      expect(snapshot(again, ['judy'], ['gone', 'kept'])).toEqual(snapshot(store, ['judy'], ['gone', 'kept']));
    });
  });
}
