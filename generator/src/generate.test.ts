import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getConnector } from '@kongo/connectors';
import type { ConnectorDocument } from '@kongo/runtime/connector';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidSpecError } from './errors.ts';
import { generate } from './generate.ts';
import { checkProject, writeProject } from './save.ts';
import { GENERATOR_VERSION } from './version.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STARTER = 'contacts-events.integration-spec.json';
const specText = readFileSync(join(ROOT, 'templates/starters', STARTER), 'utf8');
const sha = createHash('sha256').update(specText).digest('hex');
const temp: string[] = [];
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kongo-gen-'));
  temp.push(dir);
  return dir;
}

function fingerprint(files: { path: string; content: string }[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(file.path).update('\0').update(file.content).update('\0');
  return hash.digest('hex');
}

describe('generate', () => {
  const first = generate({ specText, specFileName: `/some/where/${STARTER}` });

  it('emits handlers, a worker per direction, the heartbeat, the reconciliation, mappings, the CDK app, project files and the pipeline', () => {
    expect(first.files.map((file) => file.path)).toEqual([
      '.github/workflows/integration.yml',
      '.gitignore',
      'cdk.json',
      'infra/app.gen.test.ts',
      'infra/app.gen.ts',
      'infra/main.gen.ts',
      'infra/pipeline.gen.ts',
      'package.json',
      'src/connector.gen.ts',
      'src/environment.gen.ts',
      'src/extensions.ts',
      'src/handlers/destination-to-hubspot-worker.gen.ts',
      'src/handlers/destination-webhook.gen.ts',
      'src/handlers/heartbeat.gen.ts',
      'src/handlers/hubspot-to-destination-worker.gen.ts',
      'src/handlers/hubspot-webhook.gen.ts',
      'src/handlers/reconcile.gen.ts',
      'src/mapping-table.gen.ts',
      'src/mappings.gen.test.ts',
      'src/mappings.gen.ts',
      'src/runtime.gen.ts',
      'src/spec.gen.ts',
      'src/webhook.gen.ts',
      'tsconfig.json',
      'vitest.config.gen.ts',
    ]);
  });

  it('starts every generated file with the header: generator version, spec file, sha256, do not edit', () => {
    for (const file of first.files.filter((f) => f.kind === 'generated')) {
      const head = file.content.slice(0, 400);
      expect(head, file.path).toContain(`@kongo/generator ${GENERATOR_VERSION} from ${STARTER}`);
      expect(head, file.path).toContain(`sha256 ${sha}`);
      expect(head, file.path).toContain('DO NOT EDIT');
    }
    expect(first.files.find((f) => f.path === 'src/extensions.ts')?.content).not.toContain('DO NOT EDIT');
  });

  it('never puts a local path, a time or a date in the output', () => {
    const all = first.files.map((f) => f.content).join('\n');
    expect(all).not.toContain('/some/where');
    expect(all).not.toContain(ROOT);
    expect(all).not.toMatch(/20\d\d-\d\d-\d\dT/);
  });

  it('writes one line per mapping with the runtime builders', () => {
    const mappings = first.files.find((f) => f.path === 'src/mappings.gen.ts')?.content ?? '';
    expect(mappings).toContain("  email: lowercase(stripSpaces(field('email'))),\n");
    expect(mappings).toContain(
      "  ticketType: enumMap(field('lifecyclestage'), { customer: 'VIP', evangelist: 'SPEAKER', other: 'GENERAL' }, nul()),\n",
    );
    expect(mappings).toContain(
      "import { enumMap, field, lowercase, nul, stripSpaces } from '@kongo/runtime/formulas';",
    );
  });

  it('gives the same bytes on a second run', () => {
    expect(fingerprint(generate({ specText, specFileName: STARTER }).files)).toBe(fingerprint(first.files));
  });

  it('gives the same bytes under another time zone and locale (child process)', () => {
    const script = [
      "import { createHash } from 'node:crypto';",
      "import { readFileSync } from 'node:fs';",
      "import { generate } from './generator/src/generate.ts';",
      `const r = generate({ specText: readFileSync('templates/starters/${STARTER}', 'utf8'), specFileName: '${STARTER}' });`,
      "const h = createHash('sha256');",
      "for (const f of r.files) h.update(f.path).update('\\0').update(f.content).update('\\0');",
      'console.log(h.digest("hex"));',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, TZ: 'Pacific/Chatham', LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8' },
      encoding: 'utf8',
    });
    expect(output.trim()).toBe(fingerprint(first.files));
  });

  it('has a pipeline that only calls npm scripts the generated package.json defines', () => {
    const workflow = first.files.find((f) => f.path === '.github/workflows/integration.yml')?.content ?? '';
    const manifest = JSON.parse(first.files.find((f) => f.path === 'package.json')?.content ?? '{}') as {
      scripts: Record<string, string>;
      config: { spec: string };
    };
    const called = [...workflow.matchAll(/npm run (?:--silent )?([\w:-]+)/g)].map((m) => m[1]);
    expect(new Set(called)).toEqual(
      new Set([
        'generate',
        'generate:check',
        'typecheck',
        'synth',
        'review',
        'deploy:sandbox',
        'deploy:production',
      ]),
    );
    for (const script of called) expect(Object.keys(manifest.scripts)).toContain(script);
    expect(workflow).toContain('npm test');
    expect(manifest.config.spec).toBe(STARTER);
    expect(manifest.scripts['generate:check']).toBe(
      'kongo generate "$npm_package_config_spec" --out . --check',
    );
  });

  it('diffs each environment on pull requests with the read-only role and deploys them in order', () => {
    const workflow = first.files.find((f) => f.path === '.github/workflows/integration.yml')?.content ?? '';
    // One cdk diff per environment, each through its own read-only role (lookup role only).
    expect(workflow).toMatch(
      /- environment: sandbox\n\s+stack: kongo-velflex-attendees-sandbox\n\s+region: ap-southeast-2\n\s+role: AWS_DIFF_ROLE_ARN_SANDBOX/,
    );
    expect(workflow).toContain('role: AWS_DIFF_ROLE_ARN_PRODUCTION');
    expect(workflow).toContain(`npx cdk diff "$\{{ matrix.stack }}" --method=template`);
    // Production waits for sandbox and runs in its GitHub environment (required reviewers).
    expect(workflow).toMatch(
      /deploy-production:\n\s+if: github.event_name == 'push'\n\s+needs: deploy-sandbox\n[\s\S]*?environment: production/,
    );
    // Every job that runs cdk keeps each environment's custom domain.
    expect(workflow).toContain(
      `KONGO_CERTIFICATE_ARN_PRODUCTION: $\{{ vars.KONGO_CERTIFICATE_ARN_PRODUCTION }}`,
    );
    expect(first.files.map((f) => f.path)).toContain('infra/pipeline.gen.ts');
  });

  it('rejects an invalid spec naming the pointer, and generates nothing', () => {
    const broken = specText.replace('"region": "ap-southeast-2"', '"region": "mars-1"');
    expect(() => generate({ specText: broken, specFileName: STARTER })).toThrow(InvalidSpecError);
    expect(() => generate({ specText: broken, specFileName: STARTER })).toThrow(/\/integration\/region/);
  });

  it('only emits the functions a one-way polling spec needs', () => {
    const spec = JSON.parse(specText);
    spec.flows = spec.flows.filter(
      (flow: { direction: string }) => flow.direction === 'destination-to-hubspot',
    );
    delete spec.destination.webhooks;
    delete spec.environments.production.destination.webhooks;
    spec.destination.polling = { intervalSeconds: 300, cursorField: 'updatedAt' };
    const paths = generate({ specText: JSON.stringify(spec), specFileName: STARTER }).files.map(
      (f) => f.path,
    );
    expect(paths.filter((p) => p.startsWith('src/handlers/'))).toEqual([
      'src/handlers/destination-to-hubspot-worker.gen.ts',
      'src/handlers/heartbeat.gen.ts',
      'src/handlers/poller.gen.ts',
      'src/handlers/reconcile.gen.ts',
    ]);
  });
});

describe('write and --check', () => {
  const generated = generate({ specText, specFileName: STARTER });

  it('passes on fresh output and fails with a readable diff on a hand edit', () => {
    const dir = tempDir();
    writeProject(generated.files, dir);
    expect(checkProject(generated.files, dir)).toEqual({ ok: true, summary: [], diff: '' });
    const path = join(dir, 'src/mappings.gen.ts');
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace("firstName: field('firstname')", "firstName: field('lastname')"),
    );
    const report = checkProject(generated.files, dir);
    expect(report.ok).toBe(false);
    expect(report.summary).toEqual(['changed src/mappings.gen.ts']);
    expect(report.diff).toContain("-  firstName: field('lastname'),");
    expect(report.diff).toContain("+  firstName: field('firstname'),");
  });

  it('creates the extension module once and never overwrites or checks it', () => {
    const dir = tempDir();
    writeProject(generated.files, dir);
    const path = join(dir, 'src/extensions.ts');
    writeFileSync(path, '// our own business logic\nexport const hooks = {};\n');
    const report = writeProject(generated.files, dir);
    expect(report.kept).toEqual(['src/extensions.ts']);
    expect(readFileSync(path, 'utf8')).toContain('our own business logic');
    expect(checkProject(generated.files, dir).ok).toBe(true);
  });

  it('reports and removes generated files the spec no longer produces', () => {
    const dir = tempDir();
    writeProject(generated.files, dir);
    writeFileSync(join(dir, 'src/handlers/poller.gen.ts'), '// stale\n');
    expect(checkProject(generated.files, dir).summary).toEqual([
      'stale src/handlers/poller.gen.ts (no longer generated; generate removes it)',
    ]);
    expect(writeProject(generated.files, dir).removed).toEqual(['src/handlers/poller.gen.ts']);
    expect(existsSync(join(dir, 'src/handlers/poller.gen.ts'))).toBe(false);
  });

  it('reports a missing file', () => {
    const dir = tempDir();
    writeProject(generated.files, dir);
    rmSync(join(dir, 'package.json'));
    expect(checkProject(generated.files, dir).summary).toEqual(['missing package.json']);
  });
});

describe('a spec on a catalog connector', () => {
  const starter = readFileSync(
    join(ROOT, 'templates/starters/deals-servicem8.integration-spec.json'),
    'utf8',
  );
  const problemsOf = (text: string): string[] => {
    try {
      generate({ specText: text, specFileName: 'x.integration-spec.json' });
    } catch (error) {
      if (error instanceof InvalidSpecError) return error.problems.map((p) => `${p.pointer} ${p.message}`);
      throw error;
    }
    return [];
  };

  it('embeds the catalog document in src/connector.gen.ts for the handlers', () => {
    const file = generate({
      specText: starter,
      specFileName: 'deals-servicem8.integration-spec.json',
    }).files.find((f) => f.path === 'src/connector.gen.ts');
    expect(file?.content).toContain("id: 'servicem8-jobs'");
    expect(file?.content).toContain("name: 'X-API-Key'");
  });

  it('refuses a connector the catalog does not hold, naming /destination/connector', () => {
    const spec = JSON.parse(starter);
    spec.destination.connector = 'servicem8-jobz';
    expect(problemsOf(JSON.stringify(spec))).toEqual([
      expect.stringMatching(/^\/destination\/connector no connector "servicem8-jobz" in the catalog/),
    ]);
  });

  it('refuses a spec that does not fit its connector, as kongo validate does', () => {
    const spec = JSON.parse(starter);
    spec.flows[0].mappings[1].target = 'generated_job_id';
    expect(problemsOf(JSON.stringify(spec))).toEqual([
      expect.stringMatching(
        /^\/flows\/0\/mappings\/1\/target connector servicem8-jobs can't write "generated_job_id"/,
      ),
    ]);
  });

  it('uses a connector document given beside the spec instead of the catalog entry', () => {
    const given = generate({
      specText: starter,
      specFileName: 'deals-servicem8.integration-spec.json',
      connector: {
        ...(getConnector('servicem8-jobs') as ConnectorDocument),
        name: 'ServiceM8 jobs (custom)',
      },
    }).files.find((f) => f.path === 'src/connector.gen.ts');
    expect(given?.content).toContain("name: 'ServiceM8 jobs (custom)'");
  });
});
