import { describe, expect, it } from 'vitest';
import { bearerToken, generateKey, hashKey, keyMatches } from './keys.ts';

describe('integration keys', () => {
  it('matches only the exact key, whatever the presented length', () => {
    const key = generateKey();
    const hash = hashKey(key);
    expect(keyMatches(key, hash)).toBe(true);
    expect(keyMatches(`${key}x`, hash)).toBe(false);
    expect(keyMatches(key.slice(0, -1), hash)).toBe(false);
    expect(keyMatches('', hash)).toBe(false);
  });

  it('never matches for an unknown integration, even the dummy key', () => {
    expect(keyMatches('no-such-integration', null)).toBe(false);
  });

  it('generates distinct 256-bit keys and stores only their hash', () => {
    const a = generateKey();
    expect(a).not.toBe(generateKey());
    expect(hashKey(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashKey(a)).not.toContain(a);
  });

  it('reads a bearer token', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(null)).toBeNull();
  });
});
