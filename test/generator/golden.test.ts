/**
 * Golden files: each starter spec's generated output is checked in under test/fixtures/golden/,
 * compared file by file, type-checked with the generated tsconfig, its mappings compared with the
 * spec, and its CDK app synthesized with cdk-nag (bundling skipped: the benchmark bundles every handler).
 * Type-checking is in golden-typecheck.test.ts. `npm run test:update` (KONGO_UPDATE_GOLDEN=1)
 * rewrites the folders.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, writeProject } from '@kongo/generator';
import { deployedEnvironments } from '@kongo/runtime/spec';
import { describe, expect, it } from 'vitest';
import { GOLDEN_DIR, listFiles, starters } from './golden.ts';

const UPDATE = process.env.KONGO_UPDATE_GOLDEN === '1';

describe.each(starters())('golden output of the $name starter', (starter) => {
  const dir = join(GOLDEN_DIR, starter.name);
  const generated = generate({ specText: starter.text, specFileName: starter.fileName });
  if (UPDATE) {
    rmSync(dir, { recursive: true, force: true });
    writeProject(generated.files, dir);
  }

  it('holds exactly the files the generator produces', () => {
    expect(listFiles(dir)).toEqual(generated.files.map((file) => file.path));
  });

  it.each(generated.files.map((file) => [file.path, file.content] as const))(
    '%s matches byte for byte',
    (path, content) => {
      expect(readFileSync(join(dir, path), 'utf8')).toBe(content);
    },
  );

  it('has mapping modules that deep-equal the spec', async () => {
    const { mappings } = (await import(join(dir, 'src/mappings.gen.ts'))) as {
      mappings: Record<string, unknown>;
    };
    const directions = Object.fromEntries(
      generated.integration.spec.flows.map((flow) => [flow.direction, flow.mappings]),
    );
    expect(mappings).toStrictEqual(directions);
  });

  it('synthesizes one stack per declared environment with cdk-nag and no unacknowledged finding', async () => {
    const { buildApp } = (await import(join(dir, 'infra/app.gen.ts'))) as {
      buildApp(options: { outdir: string; bundle: boolean }): {
        synth(): { stacks: { stackName: string }[] };
      };
    };
    const outdir = mkdtempSync(join(tmpdir(), 'kongo-golden-'));
    try {
      const started = performance.now();
      const assembly = buildApp({ outdir, bundle: false }).synth();
      const spec = generated.integration.spec;
      expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(
        deployedEnvironments(spec)
          .map((environment) => `kongo-${spec.integration.name}-${environment}`)
          .sort(),
      );
      // A sanity bound only: the shared machine runs this at a load of 20.
      expect(performance.now() - started).toBeLessThan(180_000);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 240_000);
});
