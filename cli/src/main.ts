/**
 * The `kongo` CLI: builds the commander program from every module in ./commands/ (each exports
 * `register(program)`), so a new subcommand is one new file. Commands import heavy dependencies
 * inside their actions, keeping `kongo --help` fast.
 */
import { readdirSync } from 'node:fs';
import { Command, CommanderError } from 'commander';

export interface CommandModule {
  register(program: Command): void;
}

const COMMANDS_DIR = new URL('./commands/', import.meta.url);

/** Every command module file, in name order; tests and helpers are not commands. */
export function commandFiles(): string[] {
  return readdirSync(COMMANDS_DIR)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.startsWith('_'))
    .sort();
}

function isCommandModule(value: unknown): value is CommandModule {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { register?: unknown }).register === 'function'
  );
}

/** The program with every command registered. A command file that fails to load is reported, not fatal. */
export async function buildProgram(): Promise<Command> {
  const program = new Command('kongo')
    .description(
      'Kongo Integration Studio: validate specs, run the simulators, generate and operate integrations.',
    )
    .showHelpAfterError('(run kongo --help for usage)')
    .exitOverride();
  for (const file of commandFiles()) {
    try {
      const module: unknown = await import(new URL(file, COMMANDS_DIR).href);
      if (!isCommandModule(module)) throw new Error('it does not export register(program)');
      module.register(program);
    } catch (error) {
      process.stderr.write(
        `kongo: skipped command file ${file}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    }
  }
  return program;
}

/**
 * Runs the CLI and resolves to its exit code. Commands set `process.exitCode`; anything thrown is
 * printed as one line, never a stack trace.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const program = await buildProgram();
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`kongo: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
