/** Stage 1 — load: read the spec text, validate it (defaults applied) and fingerprint it. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { type IntegrationSpec, parseSpecText } from '@kongo/runtime/spec';
import { InvalidSpecError } from './errors.ts';

export interface LoadedSpec {
  spec: IntegrationSpec;
  /** The spec file's base name, as headers name it (no directories: output never holds local paths). */
  fileName: string;
  /** sha256 of the spec file's bytes, hex. */
  sha256: string;
}

/** Validates `text`; throws InvalidSpecError listing every problem with its pointer and line. */
export function loadSpec(text: string, fileName: string): LoadedSpec {
  const name = basename(fileName);
  const result = parseSpecText(text, name);
  if (!result.ok) throw new InvalidSpecError(name, result.problems);
  return {
    spec: result.spec,
    fileName: name,
    sha256: createHash('sha256').update(text, 'utf8').digest('hex'),
  };
}

export function loadSpecFile(path: string): LoadedSpec {
  return loadSpec(readFileSync(path, 'utf8'), path);
}
