// Password hashing: scrypt (memory-hard, from node:crypto), self-describing hashes, constant-time checks.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost: N = 2^15, r = 8, p = 1 takes 32 MiB and about 0.1 s per hash on our machines. */
export const SCRYPT_COST = { N: 2 ** 15, r: 8, p: 1 } as const;
/** Longest password accepted (a longer one is a mistake or an attack on the hash's time). */
export const MAX_PASSWORD_LENGTH = 1024;
/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 8;
/** Hashes computed at once: each takes 32 MiB, so a burst of sign-ins queues instead of taking the memory. */
const MAX_CONCURRENT = 2;
const KEY_LENGTH = 32;

let running = 0;
const waiting: (() => void)[] = [];

/** Hash `password` as `scrypt$N$r$p$salt$hash` (base64url), so the cost can grow without breaking old hashes. */
export async function hashPassword(password: string, cost: { N: number; r: number; p: number } = SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** True when `password` matches `stored` (from hashPassword); false for any malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 2 ** 20) return false;
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await derive(password, Buffer.from(parts[4] ?? '', 'base64url'), { N, r, p });
  return timingSafeEqual(actual, expected);
}

/** A hash of nothing, to spend the same time on an unknown account as on a known one. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

/** Why `password` breaks the length rules, or null when it keeps them. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'a password must be text';
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `a password needs at least ${MIN_PASSWORD_LENGTH} characters`;
  if (length > MAX_PASSWORD_LENGTH) return `a password is at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

async function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  await slot();
  try {
    const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
    return await new Promise<Buffer>((resolve, reject) => {
      scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function slot(): Promise<void> {
  if (running < MAX_CONCURRENT) {
    running++;
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    waiting.push(() => {
      running++;
      resolve();
    });
  });
}
