/** Integration keys: generated with enough entropy, stored only as a SHA-256 hash, compared in constant time. */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new key, e.g. `nck_3q2…` (32 random bytes, base64url). */
export function generateKey(): string {
  return `nck_${randomBytes(32).toString('base64url')}`;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

// Compared even when the integration is unknown, so a timing difference can't reveal which ids exist.
const DUMMY_HASH = hashKey('no-such-integration');

/**
 * True when `presented` hashes to `keyHash`. Both sides are fixed-length digests, so `timingSafeEqual`
 * compares in constant time whatever the presented key's length.
 */
export function keyMatches(presented: string, keyHash: string | null): boolean {
  const expected = Buffer.from(keyHash ?? DUMMY_HASH, 'hex');
  const actual = createHash('sha256').update(presented, 'utf8').digest();
  const same = expected.length === actual.length && timingSafeEqual(expected, actual);
  return same && keyHash !== null;
}

/** The bearer token from an Authorization header, or null. */
export function bearerToken(header: string | null): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
