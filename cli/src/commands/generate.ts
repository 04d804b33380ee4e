/**
 * `kongo generate SPEC --out DIR [--check]`: writes the integration's generated code, CDK app,
 * project files, pipeline and vendored packages into DIR — or, with --check, compares DIR with what
 * the spec produces and exits 1 with a readable diff when anything differs (CI runs this).
 */
import { readFile } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';

export interface GenerateCommandOptions {
  out: string;
  check?: boolean;
  /** commander's --no-vendor sets vendor: false. */
  vendor?: boolean;
  /** A HubSpot properties snapshot to check the enumMap labels against (never changes the output). */
  hubspotProperties?: string;
}

export interface CommandOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: CommandOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** The spec's path as the generated npm scripts use it: relative to DIR when inside it. */
function specPathFor(specFile: string, outDir: string): string {
  const path = relative(resolve(outDir), resolve(specFile));
  return path === '' || path.startsWith('..') ? basename(specFile) : path.split(sep).join('/');
}

/** The connector document the spec text names (beside the spec, else the catalog's), if any. */
async function connectorNamedBy(specFile: string, specText: string) {
  let named: unknown;
  try {
    named = (JSON.parse(specText) as { destination?: { connector?: unknown } }).destination?.connector;
  } catch {
    return undefined; // the spec's own validation reports the JSON error
  }
  if (typeof named !== 'string') return undefined;
  const { connectorBesideSpec } = await import('@kongo/connectors/files');
  return connectorBesideSpec(specFile, named);
}

/** Runs generate (or check); resolves to the exit code. */
export async function runGenerate(
  specFile: string,
  options: GenerateCommandOptions,
  output: CommandOutput = processOutput,
): Promise<number> {
  const {
    checkEnumLabels,
    checkProject,
    formatLabelCheck,
    generate,
    InvalidSpecError,
    packVendored,
    writeProject,
  } = await import('@kongo/generator');
  let specText: string;
  try {
    specText = await readFile(specFile, 'utf8');
  } catch (error) {
    output.err(
      `kongo generate: cannot read ${specFile}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  // A connector file beside the spec wins over the catalog's entry of the same id.
  let connector: Awaited<ReturnType<typeof connectorNamedBy>>;
  try {
    connector = await connectorNamedBy(specFile, specText);
  } catch (error) {
    output.err(`kongo generate: ${(error as Error).message}\n`);
    return 1;
  }
  let generated: ReturnType<typeof generate>;
  try {
    generated = generate({
      specText,
      specFileName: specFile,
      specPath: specPathFor(specFile, options.out),
      ...(connector ? { connector } : {}),
    });
  } catch (error) {
    if (error instanceof InvalidSpecError) {
      output.err(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  let hubspotProperties: unknown;
  if (options.hubspotProperties !== undefined) {
    try {
      hubspotProperties = JSON.parse(await readFile(options.hubspotProperties, 'utf8'));
    } catch (error) {
      output.err(
        `kongo generate: cannot read --hubspot-properties ${options.hubspotProperties}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return 1;
    }
  }
  // Human mistakes in enumMap labels: warnings only, the output is the same either way.
  const { spec } = generated.integration;
  try {
    const check = checkEnumLabels({
      spec,
      ...(hubspotProperties === undefined ? {} : { hubspotProperties }),
    });
    for (const line of formatLabelCheck(check, spec.hubspot.objectType)) output.err(`${line}\n`);
  } catch (error) {
    output.err(
      `kongo generate: --hubspot-properties ${options.hubspotProperties ?? ''}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  const binaries = options.vendor === false ? [] : packVendored();
  if (options.check) {
    const report = checkProject(generated.files, options.out, binaries);
    if (report.ok) {
      output.out(
        `${options.out} is up to date with ${basename(specFile)} (${generated.files.length + binaries.length} files)\n`,
      );
      return 0;
    }
    output.out(
      `${options.out} differs from what ${basename(specFile)} generates — generated files are never edited by hand; change the spec (or src/extensions.ts) and run \`kongo generate\`:\n`,
    );
    for (const line of report.summary) output.out(`  ${line}\n`);
    if (report.diff !== '') output.out(`\n${report.diff}`);
    return 1;
  }
  const report = writeProject(generated.files, options.out, binaries);
  output.out(
    `Generated ${generated.integration.spec.integration.name} into ${options.out}: ${report.written.length} files written\n`,
  );
  for (const path of report.kept) output.out(`  kept ${path} (hand-written, never overwritten)\n`);
  for (const path of report.removed) output.out(`  removed ${path} (no longer generated)\n`);
  return 0;
}

export function register(program: Command): void {
  program
    .command('generate')
    .description('generate handler code, the CDK app and the pipeline from an integration spec')
    .argument('<spec>', 'integration-spec.json')
    .requiredOption('--out <dir>', 'output folder (the client repository root)')
    .option('--check', 'compare instead of writing: exit 1 with a diff when the folder differs')
    .option('--no-vendor', 'skip packing @kongo/* tarballs into vendor/')
    .option(
      '--hubspot-properties <file>',
      'check enumMap labels against this snapshot of GET /crm/v3/properties/{objectType} (warnings only)',
    )
    .action(async (spec: string, options: GenerateCommandOptions) => {
      process.exitCode = await runGenerate(spec, options);
    });
}
