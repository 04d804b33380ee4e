/** `kongo validate FILE…`: checks integration-spec.json files and lists every problem with its place. */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readConnectorDirectory } from '@kongo/connectors/files';
import { type ConnectorDocument, checkSpecWithConnector, parseConnectorText } from '@kongo/runtime/connector';
import {
  didYouMean,
  formatProblem,
  parseJsonDocument,
  parseSpecText,
  type SpecProblem,
  type ValidationResult,
  validateSpec,
} from '@kongo/runtime/spec';
import type { Command } from 'commander';

export interface ValidateOutput {
  out(line: string): void;
  err(line: string): void;
}

const processOutput: ValidateOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Validates each file; returns the exit code (0 when every file is valid, 1 otherwise).
 * Valid: one "file: valid …" line on stdout. Invalid: one line per problem on stdout,
 * `file:line:col pointer message (did you mean …)`. With `json`, one JSON report on stdout.
 */
export async function validateFiles(
  files: readonly string[],
  options: { json?: boolean } = {},
  output: ValidateOutput = processOutput,
): Promise<number> {
  let exitCode = 0;
  const report: Array<{ file: string; ok: boolean; problems: SpecProblem[] }> = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      exitCode = 1;
      const message = `cannot read the file: ${reason(error)}`;
      report.push({ file, ok: false, problems: [{ pointer: '', message }] });
      if (!options.json) output.out(`${file}: ${message}`);
      continue;
    }
    if (/"connectorVersion"\s*:/.test(text)) {
      const connector = parseConnectorText(text);
      if (connector.ok) {
        report.push({ file, ok: true, problems: [] });
        if (!options.json)
          output.out(
            `${file}: valid connector (${connector.connector.id}: ${connector.connector.api}, ${connector.connector.record.fields.length} fields)`,
          );
      } else {
        exitCode = 1;
        report.push({ file, ok: false, problems: connector.problems });
        if (!options.json) {
          for (const problem of connector.problems) output.out(formatProblem(problem, file));
          if (connector.problems.length > 1) output.err(`${file}: ${connector.problems.length} problems`);
        }
      }
      continue;
    }
    const result = await checkSpecText(text, file);
    if (result.ok) {
      report.push({ file, ok: true, problems: [] });
      if (!options.json) {
        const mappings = result.spec.flows.reduce((sum, flow) => sum + flow.mappings.length, 0);
        output.out(
          `${file}: valid (${result.spec.integration.name}: ${result.spec.flows.length} flow${
            result.spec.flows.length === 1 ? '' : 's'
          }, ${mappings} mapping${mappings === 1 ? '' : 's'})`,
        );
      }
      continue;
    }
    exitCode = 1;
    report.push({ file, ok: false, problems: result.problems });
    if (!options.json) {
      for (const problem of result.problems) output.out(formatProblem(problem, file));
      if (result.problems.length > 1) output.err(`${file}: ${result.problems.length} problems`);
    }
  }
  if (options.json) output.out(JSON.stringify(report, null, 2));
  return exitCode;
}

/**
 * A spec's problems, and when it names a connector, the problems of the spec with that connector
 * (a mapping into a field the API can't write, a missing connection setting…), each with its place.
 * The connector comes from the catalog or from a `*.connector.json` beside the spec.
 */
async function checkSpecText(text: string, file: string): Promise<ValidationResult> {
  const first = parseSpecText(text, file);
  if (!first.ok || first.spec.destination.connector === undefined) return first;
  const id = first.spec.destination.connector;
  const known = new Map<string, ConnectorDocument>(await readConnectorDirectory());
  try {
    for (const [key, doc] of await readConnectorDirectory(dirname(file))) known.set(key, doc);
  } catch (error) {
    return {
      ok: false,
      problems: [
        {
          pointer: '/destination/connector',
          message: `a connector file beside the spec is invalid: ${(error as Error).message}`,
        },
      ],
    };
  }
  const connector = known.get(id);
  return parseJsonDocument(
    text,
    (json): ValidationResult => {
      const result = validateSpec(json);
      if (!result.ok) return result;
      if (!connector) {
        const hint = didYouMean(id, known.keys());
        return {
          ok: false,
          problems: [
            {
              pointer: '/destination/connector',
              message: `no connector "${id}" in the catalog (npx kongo connectors lists it) or beside the spec as ${id}.connector.json`,
              ...(hint ? { hint } : {}),
            },
          ],
        };
      }
      const problems = checkSpecWithConnector(result.spec, connector);
      return problems.length > 0 ? { ok: false, problems } : result;
    },
    'an integration spec (a JSON object)',
  );
}

export function register(program: Command): void {
  program
    .command('validate')
    .description(
      'check integration-spec.json and *.connector.json files: exit 0 when valid, else list every problem and exit 1',
    )
    .argument('<files...>', 'integration-spec.json or connector files')
    .option('--json', 'print a JSON report instead of lines')
    .action(async (files: string[], options: { json?: boolean }) => {
      process.exitCode = await validateFiles(files, options);
    });
}
