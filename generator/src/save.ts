/**
 * Stage "save" and `--check`: write the generated files into a folder, or compare the folder with
 * them and explain every difference as a unified diff. Files of kind `once` (the extension module)
 * are created when missing and never overwritten or compared. Generated files no longer produced
 * (a `.gen.` file or vendor tarball the spec no longer calls for) are removed / reported.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { compare, type GeneratedFile } from './output.ts';
import type { BinaryFile } from './vendor.ts';

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', 'cdk.out', '.kongo']);

/** Files on disk the generator owns: `*.gen.*` anywhere, and vendor/*.tgz. */
function ownedOnDisk(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED_DIRECTORIES.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const rel = relative(root, path).split(sep).join('/');
        if (/\.gen\.[^/]+$/.test(entry.name) || /^vendor\/[^/]+\.tgz$/.test(rel)) found.push(rel);
      }
    }
  };
  walk(root);
  return found.sort(compare);
}

export interface WriteReport {
  written: string[];
  /** `once` files that already existed and were left alone. */
  kept: string[];
  removed: string[];
}

export function writeProject(
  files: GeneratedFile[],
  outDir: string,
  binaries: BinaryFile[] = [],
): WriteReport {
  const report: WriteReport = { written: [], kept: [], removed: [] };
  const expected = new Set([...files.map((f) => f.path), ...binaries.map((b) => b.path)]);
  for (const stale of ownedOnDisk(outDir)) {
    if (expected.has(stale)) continue;
    // vendor tarballs are only replaced when this run vendors
    if (stale.startsWith('vendor/') && binaries.length === 0) continue;
    rmSync(join(outDir, stale));
    report.removed.push(stale);
  }
  for (const file of files) {
    const path = join(outDir, file.path);
    if (file.kind === 'once' && existsSync(path)) {
      report.kept.push(file.path);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.content);
    report.written.push(file.path);
  }
  for (const binary of binaries) {
    mkdirSync(dirname(join(outDir, binary.path)), { recursive: true });
    writeFileSync(join(outDir, binary.path), binary.bytes);
    report.written.push(binary.path);
  }
  return report;
}

export interface CheckReport {
  ok: boolean;
  /** One line per difference: `changed src/x.gen.ts`, `missing …`, `stale …`. */
  summary: string[];
  /** Unified diffs, on-disk (a/) against what the spec produces (b/). */
  diff: string;
}

export function checkProject(
  files: GeneratedFile[],
  outDir: string,
  binaries: BinaryFile[] = [],
): CheckReport {
  const summary: string[] = [];
  const patches: string[] = [];
  for (const file of files) {
    const path = join(outDir, file.path);
    if (!existsSync(path)) {
      summary.push(`missing ${file.path}`);
      if (file.kind === 'generated')
        patches.push(createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, '', file.content));
      continue;
    }
    if (file.kind === 'once') continue;
    const onDisk = readFileSync(path, 'utf8');
    if (onDisk !== file.content) {
      summary.push(`changed ${file.path}`);
      patches.push(createTwoFilesPatch(`a/${file.path}`, `b/${file.path}`, onDisk, file.content));
    }
  }
  for (const binary of binaries) {
    const path = join(outDir, binary.path);
    if (!existsSync(path)) summary.push(`missing ${binary.path}`);
    else if (!readFileSync(path).equals(binary.bytes))
      summary.push(`changed ${binary.path} (binary; re-run generate)`);
  }
  const expected = new Set([...files.map((f) => f.path), ...binaries.map((b) => b.path)]);
  for (const stale of ownedOnDisk(outDir)) {
    if (expected.has(stale) || (stale.startsWith('vendor/') && binaries.length === 0)) continue;
    summary.push(`stale ${stale} (no longer generated; generate removes it)`);
  }
  return { ok: summary.length === 0, summary, diff: patches.join('') };
}
