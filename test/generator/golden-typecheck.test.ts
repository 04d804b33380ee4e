/** The golden output of every starter type-checks with the generated tsconfig (strict, as the client's CI runs it). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, starters, typeCheck } from './golden.ts';

describe('golden output', () => {
  it('type-checks for every starter with its own tsconfig.json', () => {
    const dirs = starters().map((starter) => join(GOLDEN_DIR, starter.name));
    expect(dirs.length).toBeGreaterThanOrEqual(2);
    expect(typeCheck(dirs)).toEqual([]);
  }, 60_000);
});
