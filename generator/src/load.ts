/** Stage 1 — load: read the spec text, validate it (defaults applied) and fingerprint it. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { getConnector } from '@kongo/connectors';
import { type ConnectorDocument, checkSpecWithConnector } from '@kongo/runtime/connector';
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

/**
 * The connector document the spec names, checked against the spec: `given` (a `<id>.connector.json`
 * beside the spec) or the catalog's entry. Undefined when the spec names none (a legacy entry).
 * Throws InvalidSpecError naming `/destination/connector` or each misfit, as `kongo validate` does.
 */
export function connectorOf(loaded: LoadedSpec, given?: ConnectorDocument): ConnectorDocument | undefined {
  const id = loaded.spec.destination.connector;
  if (id === undefined) return undefined;
  const connector = given ?? getConnector(id);
  if (!connector)
    throw new InvalidSpecError(loaded.fileName, [
      {
        pointer: '/destination/connector',
        message: `no connector "${id}" in the catalog (npx kongo connectors lists it) or beside the spec as ${id}.connector.json`,
      },
    ]);
  if (connector.id !== id)
    throw new InvalidSpecError(loaded.fileName, [
      {
        pointer: '/destination/connector',
        message: `names "${id}" but the connector document given is "${connector.id}"`,
      },
    ]);
  const problems = checkSpecWithConnector(loaded.spec, connector);
  if (problems.length > 0) throw new InvalidSpecError(loaded.fileName, problems);
  return connector;
}
