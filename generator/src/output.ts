/**
 * Where emitters write: a ts-morph Project on an in-memory file system (Kubb's storage port), plus
 * the bookkeeping the format and save stages need. Nothing here touches the real disk.
 */
import { posix } from 'node:path';
import { IndentationText, Project, QuoteKind, type SourceFile } from 'ts-morph';

/** `generated`: rewritten on every run, checked byte for byte. `once`: created if absent, then the team's. */
export type FileKind = 'generated' | 'once';

export interface GeneratedFile {
  /** Relative to the output root, posix separators. */
  path: string;
  content: string;
  kind: FileKind;
}

export class OutputTree {
  readonly project = new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    compilerOptions: { allowImportingTsExtensions: true, noEmit: true },
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Single },
  });
  readonly #kinds = new Map<string, FileKind>();
  readonly #data = new Map<string, string>();

  /** A TypeScript file the format stage will format and give a header. */
  addSource(path: string, text: string, kind: FileKind = 'generated'): SourceFile {
    this.#claim(path, kind);
    return this.project.createSourceFile(absolute(path), text, { overwrite: false });
  }

  /** A data file (JSON, YAML, ignore file) whose emitter already rendered it, header included. */
  addData(path: string, text: string, kind: FileKind = 'generated'): void {
    this.#claim(path, kind);
    this.#data.set(path, text);
  }

  sources(): { path: string; file: SourceFile; kind: FileKind }[] {
    return this.project
      .getSourceFiles()
      .map((file) => {
        const path = file.getFilePath().slice(1);
        return { path, file, kind: this.#kinds.get(path) ?? 'generated' };
      })
      .sort((a, b) => compare(a.path, b.path));
  }

  data(): { path: string; text: string; kind: FileKind }[] {
    return [...this.#data.entries()]
      .map(([path, text]) => ({ path, text, kind: this.#kinds.get(path) ?? 'generated' }))
      .sort((a, b) => compare(a.path, b.path));
  }

  #claim(path: string, kind: FileKind): void {
    if (this.#kinds.has(path)) throw new Error(`two emitters wrote ${path}`);
    if (path.startsWith('/') || path.split('/').includes('..'))
      throw new Error(`output path escapes the root: ${path}`);
    this.#kinds.set(path, kind);
  }
}

export function absolute(path: string): string {
  return posix.join('/', path);
}

/** Code-unit order: the same on every machine and locale (never localeCompare). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
