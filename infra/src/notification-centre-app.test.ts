import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNotificationCentreApp } from './notification-centre-app.ts';

describe('Notification Centre app', () => {
  it('bundles the real notification-centre/src/lambda.ts and synthesizes nag-clean', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'kongo-nc-app-'));
    try {
      const assembly = buildNotificationCentreApp({
        outdir,
        publicUrl: 'https://nc.kongo.example.com',
      }).synth();
      expect(assembly.stacks.map((stack) => stack.stackName)).toEqual(['KongoNotificationCentre']);
      const bundles = readdirSync(outdir)
        .filter((name) => name.startsWith('asset.'))
        .map((name) => statSync(join(outdir, name, 'index.mjs')).size);
      expect(bundles.length).toBeGreaterThan(0);
      for (const size of bundles) expect(size).toBeLessThan(2_000_000);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }, 60_000);
});
