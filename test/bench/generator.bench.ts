/**
 * Generator benchmark (a script, not a test): `node --import tsx test/bench/generator.bench.ts`.
 * 1. Generating a spec with 300 mappings (150 per direction, every formula): cold first run and
 *    the median of 5 warm runs, in process; then its output type-checked with the generated
 *    tsconfig (error count must be 0).
 * 2. Each generated handler of the contacts-events starter bundled by esbuild exactly as infra's
 *    KongoFunction (NodejsFunction) ships it: minified ESM, node22, AWS SDK bundled in, no legal
 *    comments, form-data aliased to infra's stub: bytes, goal ≤ 1 MB. For comparison, the size with
 *    @aws-sdk/* left external.
 * 3. Each bundle's module load in a fresh Node process (the Lambda cold-start proxy): median of
 *    5 runs, goal ≤ 150 ms; and the same with the SDK external (loaded from node_modules, as the
 *    Lambda runtime's own SDK would be).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORM_DATA_STUB } from '@kongo/infra';
import { build } from 'esbuild';
import { generate, writeProject } from '../../generator/src/index.ts';
import { ROOT, starters, typeCheck } from '../generator/golden.ts';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const ms = (value: number) => `${value.toFixed(0)} ms`;

function bigSpec(): string {
  const spec = JSON.parse(
    readFileSync(join(ROOT, 'templates/starters/contacts-events.integration-spec.json'), 'utf8'),
  );
  const value = (i: number) => {
    switch (i % 6) {
      case 0:
        return { field: `source_${i}` };
      case 1:
        return { lowercase: [{ stripSpaces: [{ field: `source_${i}` }] }] };
      case 2:
        return { concat: [{ field: `first_${i}` }, { literal: ' ' }, { field: `last_${i}` }] };
      case 3:
        return {
          enumMap: {
            input: { field: `stage_${i}` },
            map: { lead: 'PROSPECT', customer: 'CLIENT' },
            otherwise: { null: {} },
          },
        };
      case 4:
        return { literal: `constant ${i}` };
      default:
        return { null: {} };
    }
  };
  // The starter's own mappings stay (natural key, field ownership); the rest fill each flow to 150.
  for (const [index, prefix] of [
    [0, 'target_'],
    [1, 'hs_target_'],
  ] as const) {
    const flow = spec.flows[index];
    const extra = 150 - flow.mappings.length;
    flow.mappings.push(
      ...Array.from({ length: extra }, (_, i) => ({ target: `${prefix}${i}`, value: value(i) })),
    );
  }
  return JSON.stringify(spec, null, 2);
}

const temp = mkdtempSync(join(tmpdir(), 'kongo-bench-'));
try {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()[0]?.toFixed(1)}, node ${process.version}`,
  );

  // 1. Generation of 300 mappings
  const text = bigSpec();
  let started = performance.now();
  let generated = generate({ specText: text, specFileName: 'bench-300.integration-spec.json' });
  const cold = performance.now() - started;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    started = performance.now();
    generated = generate({ specText: text, specFileName: 'bench-300.integration-spec.json' });
    warm.push(performance.now() - started);
  }
  const mappings = generated.integration.spec.flows.reduce((sum, flow) => sum + flow.mappings.length, 0);
  console.log(
    `generate ${mappings} mappings: cold ${ms(cold)}, warm median ${ms(median(warm))} (goal ≤ 2000 ms)`,
  );
  const out = join(temp, 'bench-300');
  writeProject(generated.files, out);
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  started = performance.now();
  const errors = typeCheck([out], out);
  console.log(
    `type-check of the 300-mapping output: ${errors.length} errors in ${ms(performance.now() - started)}`,
  );
  for (const error of errors.slice(0, 10)) console.log(`  ${error}`);

  // 2 + 3. Handler bundles and module load
  const starter = starters().find((s) => s.name === 'contacts-events');
  if (!starter) throw new Error('contacts-events starter missing');
  const project = join(temp, 'contacts-events');
  writeProject(generate({ specText: starter.text, specFileName: starter.fileName }).files, project);
  symlinkSync(join(ROOT, 'node_modules'), join(project, 'node_modules'));
  const handlers = [
    'hubspot-webhook',
    'destination-webhook',
    'hubspot-to-destination-worker',
    'destination-to-hubspot-worker',
    'heartbeat',
  ];
  console.log(
    'handler bundles (esbuild, minified ESM as KongoFunction ships them; goals ≤ 1 MB, load ≤ 150 ms):',
  );
  const variants = handlers.flatMap((h) => [
    { name: h, sdk: 'bundled' },
    { name: h, sdk: 'external' },
  ]);
  for (const { name, sdk } of variants) {
    const outfile = join(project, 'dist', `${name}-${sdk}`, 'index.mjs');
    await build({
      entryPoints: [join(project, 'src/handlers', `${name}.gen.ts`)],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      mainFields: ['module', 'main'],
      external: sdk === 'external' ? ['@aws-sdk/*'] : [],
      legalComments: 'none',
      // As the integration stack's KongoFunctions (stubFormData): form-data → infra's stub.
      alias: { 'form-data': FORM_DATA_STUB },
      banner: {
        js: "import { createRequire as __kongoCreateRequire } from 'node:module'; const require = __kongoCreateRequire(import.meta.url);",
      },
      outfile,
      logLevel: 'silent',
    });
    const bytes = statSync(outfile).size;
    const loads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const output = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const t = performance.now(); const m = await import(${JSON.stringify(outfile)}); if (typeof m.handler !== 'function') throw new Error('no handler'); console.log(performance.now() - t);`,
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        },
      );
      loads.push(Number(output.trim()));
    }
    console.log(
      `  ${name.padEnd(30)} SDK ${sdk.padEnd(8)} ${bytes.toLocaleString('en-US').padStart(9)} bytes   load median ${ms(median(loads))} (min ${ms(Math.min(...loads))}, max ${ms(Math.max(...loads))})`,
    );
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
