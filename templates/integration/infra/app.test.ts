/**
 * Both stacks synthesize offline with cdk-nag's AwsSolutions checks and no unacknowledged finding.
 * Bundling is skipped here to keep the test fast; `npm run synth` (CI) bundles every handler.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp, ENVIRONMENTS, stackName } from './app.ts';

describe('CDK app', () => {
  it('synthesizes one nag-clean stack per environment', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'kongo-synth-'));
    try {
      const assembly = buildApp({ outdir, bundle: false }).synth();
      expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(
        ENVIRONMENTS.map(stackName).sort(),
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
