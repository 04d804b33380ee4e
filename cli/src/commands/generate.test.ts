import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '@kongo/generator';
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
    expect(write.out.join('')).toMatch(/^Generated porter-group-jobs into .*: 26 files written\n$/);
    const check = capture();
    expect(await runGenerate(SPEC, { out: dir, check: true, vendor: false }, check.output)).toBe(0);
    expect(check.out.join('')).toContain('is up to date with deals-jobs.integration-spec.json');
    // No options to check the enumMap labels against: said in one line, with how to check them.
    expect(write.err).toEqual([
      'enumMap labels not checked: no options known for HubSpot "dealstage" and destination "status"; pass --hubspot-properties FILE (the body of GET /crm/v3/properties/deals), keep studio.schemas in the spec (the studio stores it), or run `kongo reconcile SPEC --dry-run` against the live systems.\n',
    ]);
  });

  it('warns about enumMap labels that miss the HubSpot options by a typo, and writes the same files', async () => {
    const spec = JSON.parse(readFileSync(SPEC, 'utf8'));
    spec.flows[1].mappings[2].value.enumMap.map.CANCELLED = 'closedlots';
    const specFile = join(dir, 'typo.integration-spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const properties = join(dir, 'deal-properties.json');
    writeFileSync(
      properties,
      JSON.stringify({
        results: [
          {
            name: 'dealstage',
            options: ['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled']
              .concat(['decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'])
              .map((value) => ({ value, label: value })),
          },
        ],
      }),
    );
    const plainDir = mkdtempSync(join(tmpdir(), 'kongo-cli-gen-'));
    const checkedDir = mkdtempSync(join(tmpdir(), 'kongo-cli-gen-'));
    dirs.push(plainDir, checkedDir);
    const plain = capture();
    expect(await runGenerate(specFile, { out: plainDir, vendor: false }, plain.output)).toBe(0);
    const checked = capture();
    const options = { out: checkedDir, vendor: false, hubspotProperties: properties };
    expect(await runGenerate(specFile, options, checked.output)).toBe(0);
    expect(checked.err).toEqual([
      'warning: 1 enumMap entry does not exactly match the options in the HubSpot properties file (the runtime matches exactly; nothing was changed):\n',
      'warning:   /flows/1/mappings/2/value/enumMap/map/CANCELLED (map value): "closedlots" is not an option of HubSpot property "dealstage"; the closest live option is "closedlost" (a typo?)\n',
      'enumMap labels not checked for destination "status" (no options known); pass --hubspot-properties FILE (the body of GET /crm/v3/properties/deals), keep studio.schemas in the spec (the studio stores it), or run `kongo reconcile SPEC --dry-run` against the live systems.\n',
    ]);
    const files = (root: string) =>
      generate({ specText: JSON.stringify(spec), specFileName: 'typo.integration-spec.json' }).files.map(
        (file) => [file.path, readFileSync(join(root, file.path), 'utf8')],
      );
    expect(files(checkedDir)).toEqual(files(plainDir));
    expect(await runGenerate(specFile, { ...options, check: true }, capture().output)).toBe(0);

    const unreadable = capture();
    expect(await runGenerate(specFile, { ...options, hubspotProperties: specFile }, unreadable.output)).toBe(
      1,
    );
    expect(unreadable.err.join('')).toContain('not HubSpot property definitions');
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
