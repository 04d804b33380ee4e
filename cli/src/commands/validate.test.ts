import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateFiles } from './validate.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'cli/bin/kongo.js');
const STARTERS = [
  'templates/starters/contacts-events.integration-spec.json',
  'templates/starters/deals-jobs.integration-spec.json',
];

function kongo(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function capture(): {
  lines: string[];
  errors: string[];
  output: { out(l: string): void; err(l: string): void };
} {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, output: { out: (l) => lines.push(l), err: (l) => errors.push(l) } };
}

const NO_STACK = /\n\s+at |Error: |node:internal/;

describe('kongo validate (child process)', () => {
  it('exits 0 on both starters and says so', async () => {
    const result = await kongo('validate', ...STARTERS);
    expect(result).toEqual({
      code: 0,
      stdout: `${STARTERS[0]}: valid (velflex-attendees: 2 flows, 16 mappings)\n${STARTERS[1]}: valid (porter-group-jobs: 2 flows, 8 mappings)\n`,
      stderr: '',
    });
  });

  it('exits 1 listing every problem with file:line:col, pointer and suggestion (a misspelt key is not also missing)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kongo-validate-'));
    const file = join(dir, 'spec.json');
    writeFileSync(
      file,
      '{\n  "specVersion": 1,\n  "client": { "slug": "Velflex", "name": "Velflex" },\n  "integraton": {}\n}\n',
    );
    const result = await kongo('validate', file);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `${file}:1:1 missing required property "publicBaseUrl" — base URL the webhooks are called on. HubSpot's v3 signature covers the full URL.`,
      `${file}:1:1 missing required property "hubspot" — the HubSpot side: object type, app, secrets, rate limits, sync id property.`,
      `${file}:1:1 missing required property "destination" — the other system: API kind, base URL, object type, natural key, webhooks or polling.`,
      `${file}:1:1 missing required property "flows" — one flow per direction, each with its triggers and mappings.`,
      `${file}:3:15 /client/slug "Velflex" is not valid: lowercase letters, digits and single hyphens, starting with a letter (e.g. "velflex")`,
      `${file}:4:3 /integraton unknown property "integraton"; allowed here: $schema, specVersion, client, integration, environment, publicBaseUrl, environments, hubspot, destination, policies, monitoring, flows, studio (did you mean "integration"?)`,
      '',
    ]);
    expect(result.stderr).toBe(`${file}: 6 problems\n`);
  });

  it('prints one clear line for a missing file, an empty file, broken JSON and a wrong version — no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kongo-validate-'));
    writeFileSync(join(dir, 'empty.json'), '');
    writeFileSync(join(dir, 'broken.json'), '{\n  "specVersion": 1,\n  "client": {\n');
    writeFileSync(join(dir, 'v9.json'), '{ "specVersion": 9 }');
    const result = await kongo(
      'validate',
      join(dir, 'missing.json'),
      join(dir, 'empty.json'),
      join(dir, 'broken.json'),
      join(dir, 'v9.json'),
      dir,
    );
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `${join(dir, 'missing.json')}: cannot read the file: no such file`,
      `${join(dir, 'empty.json')}:1:1 the file is empty; expected an integration spec (a JSON object)`,
      `${join(dir, 'broken.json')}:3:14 not valid JSON: the file ends before every { and [ is closed; it looks truncated`,
      `${join(dir, 'v9.json')}:1:3 /specVersion specVersion 9 is not supported; this Kongo reads specVersion 1`,
      `${dir}: cannot read the file: it is a directory, not a file`,
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toMatch(NO_STACK);
  });

  it('answers --help with exit 0 and lists the commands', async () => {
    const result = await kongo('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('validate [options] <files...>');
    expect(result.stdout).toContain('sim [options] <name>');
  });

  it('exits 1 without a stack trace on an unknown command or a missing argument', async () => {
    const unknown = await kongo('valdate', 'x.json');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error: unknown command 'valdate'");
    expect(unknown.stderr).toContain('(Did you mean validate?)');
    expect(unknown.stderr).not.toMatch(NO_STACK);
    const missing = await kongo('validate');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("error: missing required argument 'files'");
    expect(missing.stderr).not.toMatch(NO_STACK);
  });
});

describe('validateFiles (in process)', () => {
  it('prints a JSON report with --json', async () => {
    const { lines, output } = capture();
    const code = await validateFiles(
      [join(ROOT, STARTERS[0] as string), join(ROOT, 'nope.json')],
      { json: true },
      output,
    );
    expect(code).toBe(1);
    expect(JSON.parse(lines.join('\n'))).toEqual([
      { file: join(ROOT, STARTERS[0] as string), ok: true, problems: [] },
      {
        file: join(ROOT, 'nope.json'),
        ok: false,
        problems: [{ pointer: '', message: 'cannot read the file: no such file' }],
      },
    ]);
  });

  it('exits 0 and prints nothing on stderr for a valid file', async () => {
    const { lines, errors, output } = capture();
    expect(await validateFiles([join(ROOT, STARTERS[1] as string)], {}, output)).toBe(0);
    expect(lines).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
