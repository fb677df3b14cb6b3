// Bearer secrets (session cookies, API tokens, invitation links): random, shown once, stored only as SHA-256.
import { createHash, randomBytes } from 'node:crypto';

/** Prefixes say what a secret is when one turns up in a log or a paste: `nrs_` session, `nrt_` token, `nri_` invitation. */
export type SecretKind = 'nrs' | 'nrt' | 'nri';

/** A new secret of `kind`: 32 random bytes, base64url, behind its prefix. */
export function newSecret(kind: SecretKind): string {
  return `${kind}_${randomBytes(32).toString('base64url')}`;
}

/** What the store keeps of a secret: its SHA-256 (a stolen database does not sign anyone in). */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** A short id to list and revoke a credential by, derived from its hash (never the secret). */
export function credentialId(hash: string): string {
  return hash.slice(0, 12);
}
