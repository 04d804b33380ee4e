/** The golden output of every starter type-checks with the generated tsconfig (strict, as the client's CI runs it). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, starters, typeCheck } from './golden.ts';

describe('golden output', () => {
  it('would report a type error (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kongo-typecheck-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(
        join(dir, 'tsconfig.json'),
        '{ "compilerOptions": { "strict": true, "noEmit": true, "types": [] } }',
      );
      writeFileSync(join(dir, 'src/broken.gen.ts'), 'export const count: number = "three";\n');
      expect(typeCheck([dir], dir)).toEqual([
        "src/broken.gen.ts(1): Type 'string' is not assignable to type 'number'.",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('type-checks for every starter with its own tsconfig.json', () => {
    const dirs = starters().map((starter) => join(GOLDEN_DIR, starter.name));
    expect(dirs.length).toBeGreaterThanOrEqual(2);
    expect(typeCheck(dirs)).toEqual([]);
  }, 240_000);
});
