/** Reading connector files from disk (Node only): `kongo validate` and custom connectors beside a spec. */
import { readFile } from 'node:fs/promises';
import {
  type ConnectorDocument,
  type ConnectorValidation,
  parseConnectorText,
} from '@kongo/runtime/connector';

/** Reads and validates a connector file; problems carry line and column. */
export async function readConnectorFile(path: string): Promise<ConnectorValidation> {
  return parseConnectorText(await readFile(path, 'utf8'));
}

/** The catalog folder (`connectors/catalog`). */
export const CATALOG_DIR = new URL('../catalog/', import.meta.url);

/**
 * Every `*.connector.json` in `dir` (default: the catalog folder), validated; a broken file is an
 * error naming it and its first problems.
 */
export async function readConnectorDirectory(
  dir: URL | string = CATALOG_DIR,
): Promise<Map<string, ConnectorDocument>> {
  const { readdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const path = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const found = new Map<string, ConnectorDocument>();
  for (const name of (await readdir(path)).filter((n) => n.endsWith('.connector.json')).sort()) {
    const result = await readConnectorFile(join(path, name));
    if (!result.ok)
      throw new Error(
        `${join(path, name)}: ${result.problems
          .slice(0, 3)
          .map((p) => `${p.line ?? 1}:${p.column ?? 1} ${p.pointer} ${p.message}`)
          .join('; ')}`,
      );
    found.set(result.connector.id, result.connector);
  }
  return found;
}

/**
 * The connector a spec file names: `<id>.connector.json` beside the spec (a custom connector, validated;
 * a broken one is an error naming its line and column), else the catalog's entry; undefined when neither.
 */
export async function connectorBesideSpec(
  specFile: string,
  id: string,
): Promise<ConnectorDocument | undefined> {
  const { access } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  const { getConnector } = await import('./index.ts');
  const path = join(dirname(specFile), `${id}.connector.json`);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (!exists) return getConnector(id);
  const result = await readConnectorFile(path);
  if (!result.ok)
    throw new Error(
      `${path}: ${result.problems
        .slice(0, 3)
        .map((p) => `${p.line ?? 1}:${p.column ?? 1} ${p.pointer} ${p.message}`)
        .join('; ')}`,
    );
  return result.connector;
}
