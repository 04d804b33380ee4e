/** The studio bundles the spec validator and the formula engine: they must build for the browser. */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('@kongo/runtime/spec and /formulas', () => {
  it('bundle for the browser with no Node built-ins', async () => {
    const result = await build({
      entryPoints: [
        new URL('./index.ts', import.meta.url).pathname,
        new URL('../formulas/index.ts', import.meta.url).pathname,
      ],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      outdir: '/tmp/kongo-browser-check',
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(
      inputs.filter((input) => input.startsWith('node:') || /^(fs|path|os|crypto)$/.test(input)),
    ).toEqual([]);
    expect(inputs.some((input) => input.includes('ajv'))).toBe(true);
  });
});
