/** Shared helpers for the generator's cross-package tests: starters, golden folders, type-checking. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, ts } from 'ts-morph';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const STARTERS_DIR = join(ROOT, 'templates/starters');
export const GOLDEN_DIR = join(ROOT, 'test/fixtures/golden');

export interface Starter {
  name: string;
  fileName: string;
  text: string;
}

export function starters(): Starter[] {
  return readdirSync(STARTERS_DIR)
    .filter((file) => file.endsWith('.integration-spec.json'))
    .sort()
    .map((fileName) => ({
      name: fileName.replace(/\.integration-spec\.json$/, ''),
      fileName,
      text: readFileSync(join(STARTERS_DIR, fileName), 'utf8'),
    }));
}

/** Every file under `dir`, relative, posix separators, sorted (node_modules and cdk.out skipped). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'cdk.out') continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Type-checks generated projects with the compiler options of their own tsconfig.json (the root
 * tsconfig excludes generated code), in one program so aws-cdk-lib's types load once; returns
 * "file(line): message" lines relative to `base`, empty when clean.
 */
export function typeCheck(dirs: string[], base: string = ROOT): string[] {
  const first = dirs[0];
  if (first === undefined) return [];
  const config = ts.parseConfigFileTextToJson(
    'tsconfig.json',
    readFileSync(join(first, 'tsconfig.json'), 'utf8'),
  );
  const parsed = ts.convertCompilerOptionsFromJson(
    (config.config as { compilerOptions: unknown }).compilerOptions,
    first,
  );
  const project = new Project({ compilerOptions: parsed.options, skipAddingFilesFromTsConfig: true });
  const files = dirs.flatMap((dir) =>
    project.addSourceFilesAtPaths([join(dir, 'src/**/*.ts'), join(dir, 'infra/**/*.ts'), join(dir, '*.ts')]),
  );
  // Only the generated files' diagnostics: the packages they import are checked by the root tsconfig.
  const program = project.getProgram();
  const diagnostics = [
    ...program.getGlobalDiagnostics(),
    ...files.flatMap((file) => [
      ...program.getSyntacticDiagnostics(file),
      ...program.getSemanticDiagnostics(file),
    ]),
  ];
  return diagnostics.map((diagnostic) => {
    const file = diagnostic.getSourceFile()?.getFilePath() ?? '';
    const message = ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, '\n');
    return `${relative(base, file)}(${diagnostic.getLineNumber() ?? 0}): ${message}`;
  });
}
