/**
 * `kongo review OLD_SPEC NEW_SPEC`: prints the Markdown summary for the pull request — mappings,
 * enum tables, triggers, policies and infrastructure changed, generator version, and the
 * hand-written extensions listed apart.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CommandOutput } from './generate.ts';

export interface ReviewCommandOptions {
  /** Hand-written extension modules to list apart. */
  extensions?: string[];
  /** A generated file from the base branch; its header names the generator version that made it. */
  previousGenerated?: string;
}

const processOutput: CommandOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

async function readOptional(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function runReview(
  oldSpec: string,
  newSpec: string,
  options: ReviewCommandOptions = {},
  output: CommandOutput = processOutput,
): Promise<number> {
  const { extensionHooks, generatorVersionOf, reviewMarkdown } = await import('@kongo/generator');
  const { formatProblem, parseSpecText } = await import('@kongo/runtime/spec');
  const newText = await readOptional(newSpec);
  if (newText === undefined) {
    output.err(`kongo review: cannot read ${newSpec}\n`);
    return 1;
  }
  const next = parseSpecText(newText, newSpec);
  if (!next.ok) {
    output.err(`kongo review: ${newSpec} is not a valid spec:\n`);
    for (const problem of next.problems) output.err(`  ${formatProblem(problem, newSpec)}\n`);
    return 1;
  }
  // A missing or empty base spec (first pull request) means "everything is new".
  const oldText = await readOptional(oldSpec);
  const old =
    oldText === undefined || oldText.trim() === '' || oldText.trim() === '{}'
      ? undefined
      : parseSpecText(oldText, oldSpec);
  if (old && !old.ok) {
    output.err(`kongo review: the old spec ${oldSpec} does not validate; summarising against nothing\n`);
  }
  const extensions = [];
  for (const path of options.extensions ?? []) {
    const text = await readOptional(path);
    if (text !== undefined) extensions.push(extensionHooks(path, text));
  }
  const previousText = await readOptional(options.previousGenerated);
  const previousGeneratorVersion = previousText === undefined ? undefined : generatorVersionOf(previousText);
  output.out(
    reviewMarkdown({
      old: old?.ok ? old.spec : undefined,
      new: next.spec,
      extensions,
      ...(previousGeneratorVersion === undefined ? {} : { previousGeneratorVersion }),
    }),
  );
  return 0;
}

export function register(program: Command): void {
  program
    .command('review')
    .description('print the Markdown pull-request summary of what changed between two specs')
    .argument('<old>', 'the base branch spec (missing or {} means none)')
    .argument('<new>', 'the spec in the pull request')
    .option(
      '--extensions <file>',
      'a hand-written extension module to list apart (repeatable)',
      (file: string, previous: string[]) => [...previous, file],
      [] as string[],
    )
    .option(
      '--previous-generated <file>',
      'a generated file from the base branch (its header names the generator version)',
    )
    .action(async (oldSpec: string, newSpec: string, options: ReviewCommandOptions) => {
      process.exitCode = await runReview(oldSpec, newSpec, options);
    });
}
