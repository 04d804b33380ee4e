import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runGenerate } from './generate.ts';
import { runReview } from './review.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SPEC = join(ROOT, 'templates/starters/deals-jobs.integration-spec.json');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) } };
}

function kongo(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'cli/bin/kongo.js'), ...args],
      { cwd: ROOT, timeout: 30_000 },
      (error, stdout) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout });
      },
    );
  });
}

describe('kongo generate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kongo-cli-gen-'));
  dirs.push(dir);

  it('writes the project, then --check passes', async () => {
    const write = capture();
    expect(await runGenerate(SPEC, { out: dir, vendor: false }, write.output)).toBe(0);
    expect(write.out.join('')).toMatch(/^Generated porter-group-jobs into .*: 24 files written\n$/);
    const check = capture();
    expect(await runGenerate(SPEC, { out: dir, check: true, vendor: false }, check.output)).toBe(0);
    expect(check.out.join('')).toContain('is up to date with deals-jobs.integration-spec.json');
  });

  it('exits 1 from the command line with a readable diff after a hand edit', async () => {
    const path = join(dir, 'src/handlers/heartbeat.gen.ts');
    writeFileSync(path, readFileSync(path, 'utf8').replace('heartbeat();', 'heartbeat(); // tweak'));
    const result = await kongo('generate', SPEC, '--out', dir, '--check', '--no-vendor');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('changed src/handlers/heartbeat.gen.ts');
    expect(result.stdout).toContain('-  await integrationRuntime().heartbeat(); // tweak');
    expect(result.stdout).toContain('+  await integrationRuntime().heartbeat();');
  });

  it('explains an invalid spec and exits 1', async () => {
    const bad = join(dir, 'bad.integration-spec.json');
    writeFileSync(bad, '{"specVersion": 1}');
    const run = capture();
    expect(await runGenerate(bad, { out: dir, vendor: false }, run.output)).toBe(1);
    expect(run.err.join('')).toContain('bad.integration-spec.json is not a valid integration spec');
  });
});

describe('kongo review', () => {
  it('takes --extensions before the two specs, as the generated npm script passes them', async () => {
    const result = await kongo(
      'review',
      '--extensions',
      'templates/integration/src/extensions.ts',
      'nothing.json',
      SPEC,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '- `templates/integration/src/extensions.ts` (14 lines): hooks none (empty)',
    );
  });

  it('prints the Markdown summary, treating a missing base spec as none', async () => {
    const run = capture();
    expect(await runReview(join(ROOT, 'no-such-base.json'), SPEC, {}, run.output)).toBe(0);
    expect(run.out.join('')).toContain('## Kongo integration review: `porter-group-jobs`');
    expect(run.out.join('')).toContain('No previous spec on the base branch');
  });
});
