/**
 * Both stacks synthesize offline with cdk-nag's AwsSolutions checks and no unacknowledged finding.
 * Bundling is skipped here to keep the test fast; `npm run synth` (CI) bundles every handler.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveEnvironment } from '@kongo/runtime/spec';
import { describe, expect, it } from 'vitest';
import { declaredSpec } from '../src/spec.ts';
import { buildApp, ENVIRONMENTS, stackName } from './app.ts';

describe('CDK app', () => {
  it('synthesizes one nag-clean stack per environment', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'kongo-synth-'));
    try {
      const assembly = buildApp({ outdir, bundle: false }).synth();
      expect(assembly.stacks.map((stack) => stack.stackName).sort()).toEqual(
        ENVIRONMENTS.map(stackName).sort(),
      );
      // Each stack holds none of another environment's parameter names: it can read only its own secrets.
      for (const environment of ENVIRONMENTS) {
        const template = JSON.stringify(assembly.getStackByName(stackName(environment)).template);
        const mine = resolveEnvironment(declaredSpec, environment);
        for (const other of ENVIRONMENTS.filter((e) => e !== environment)) {
          const theirs = resolveEnvironment(declaredSpec, other);
          for (const pick of [
            (s: typeof mine) => s.hubspot.secretParameter,
            (s: typeof mine) => s.hubspot.accessTokenParameter,
            (s: typeof mine) => s.destination.auth.tokenParameter,
          ]) {
            if (pick(theirs) !== pick(mine)) expect(template).not.toContain(`parameter${pick(theirs)}"`);
          }
        }
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
    // Two stacks with cdk-nag take 10-40 s on a busy CI runner.
  }, 120_000);
});
