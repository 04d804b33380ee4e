/**
 * Templates: real TypeScript under templates/integration/ that type-checks on its own. The
 * generator reads them with ts-morph, copies them into the output tree, and rewrites relative
 * imports to the generated files' names (`./spec.ts` → `./spec.gen.ts`).
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, type SourceFile } from 'ts-morph';
import type { FileKind, OutputTree } from './output.ts';

/** templates/integration/, next to this package in the monorepo and in node_modules/@kongo alike. */
export const TEMPLATE_ROOT = fileURLToPath(new URL('../../templates/integration/', import.meta.url));

export class Templates {
  readonly #project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  /** template path → output path, for import rewriting. */
  readonly #outputPathOf = new Map<string, string>();

  constructor(outputPaths: Record<string, string>) {
    for (const [template, output] of Object.entries(outputPaths)) this.#outputPathOf.set(template, output);
  }

  /** Raw text of a non-TypeScript template file (under templates/integration/). */
  text(path: string): string {
    return readFileSync(TEMPLATE_ROOT + path, 'utf8');
  }

  /** Copies template `path` to `outputPath` in the tree, imports rewritten; returns the copy to fill. */
  copy(tree: OutputTree, path: string, outputPath: string, kind: FileKind = 'generated'): SourceFile {
    const template = this.#load(path);
    const copy = tree.addSource(outputPath, template.getFullText(), kind);
    for (const declaration of [...copy.getImportDeclarations(), ...copy.getExportDeclarations()]) {
      const specifier = declaration.getModuleSpecifierValue();
      if (specifier === undefined || !specifier.startsWith('.')) continue;
      const target = posix.normalize(posix.join(posix.dirname(path), specifier));
      const output = this.#outputPathOf.get(target);
      if (output === undefined)
        throw new Error(`template ${path} imports ${specifier}, which has no output path`);
      let relative = posix.relative(posix.dirname(outputPath), output);
      if (!relative.startsWith('.')) relative = `./${relative}`;
      declaration.setModuleSpecifier(relative);
    }
    return copy;
  }

  #load(path: string): SourceFile {
    return (
      this.#project.getSourceFile(TEMPLATE_ROOT + path) ??
      this.#project.addSourceFileAtPath(TEMPLATE_ROOT + path)
    );
  }
}
