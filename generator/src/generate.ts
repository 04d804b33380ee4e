/**
 * The generator, stage by stage: load + validate → normalise → one emitter per output → format.
 * Output lands in an in-memory ts-morph Project; `save.ts` writes it to disk or checks it.
 */
import type { ConnectorDocument } from '@kongo/runtime/connector';
import type { Project } from 'ts-morph';
import { emitConnector } from './emit/connector.ts';
import { emitExtensions, emitHandlers } from './emit/handlers.ts';
import { emitMappings } from './emit/mappings.ts';
import { emitPipeline } from './emit/pipeline.ts';
import { emitProject } from './emit/project.ts';
import { emitSpec } from './emit/spec.ts';
import { emitStack } from './emit/stack.ts';
import { format } from './format.ts';
import { connectorOf, type LoadedSpec, loadSpec } from './load.ts';
import { type NormalizedIntegration, normalize } from './normalize.ts';
import { type GeneratedFile, OutputTree } from './output.ts';
import { Templates } from './templates.ts';

export interface GenerateInput {
  /** The spec file's text, exactly as read. */
  specText: string;
  /** Its file name (only the base name reaches the output). */
  specFileName: string;
  /** Path of the spec relative to the output root, for npm scripts. @default the base name */
  specPath?: string;
  /** The connector the spec names, from a `<id>.connector.json` beside it. @default the catalog's entry */
  connector?: ConnectorDocument;
}

export interface GeneratedProject {
  integration: NormalizedIntegration;
  /** Every file, sorted by path, formatted, with its header. */
  files: GeneratedFile[];
  /** The in-memory project holding the same files (paths rooted at /). */
  project: Project;
}

export type Emitter = (integration: NormalizedIntegration, tree: OutputTree, templates: Templates) => void;

/** One emitter per output, in a fixed order. */
export const EMITTERS: readonly Emitter[] = [
  emitSpec,
  emitConnector,
  emitMappings,
  emitHandlers,
  emitExtensions,
  emitStack,
  emitProject,
  emitPipeline,
];

/** Template path → output path: how template imports are rewritten. */
function outputPaths(integration: NormalizedIntegration): Record<string, string> {
  const paths: Record<string, string> = {
    'src/spec.ts': 'src/spec.gen.ts',
    'src/connector.ts': 'src/connector.gen.ts',
    'src/mapping-table.ts': 'src/mapping-table.gen.ts',
    'src/mappings.ts': 'src/mappings.gen.ts',
    'src/runtime.ts': 'src/runtime.gen.ts',
    'src/environment.ts': 'src/environment.gen.ts',
    'src/webhook.ts': 'src/webhook.gen.ts',
    'src/extensions.ts': 'src/extensions.ts',
    'infra/app.ts': 'infra/app.gen.ts',
  };
  for (const fn of integration.functions) paths[`src/handlers/${fn.template}`] ??= fn.path;
  return paths;
}

export function generateFromLoaded(
  loaded: LoadedSpec,
  options: { specPath?: string; connector?: ConnectorDocument } = {},
): GeneratedProject {
  const integration = normalize(loaded, {
    ...(options.specPath === undefined ? {} : { specPath: options.specPath }),
    connector: connectorOf(loaded, options.connector),
  });
  const tree = new OutputTree();
  const templates = new Templates(outputPaths(integration));
  for (const emit of EMITTERS) emit(integration, tree, templates);
  const files = format(integration, tree);
  const fs = tree.project.getFileSystem();
  for (const file of files) fs.writeFileSync(`/${file.path}`, file.content);
  return { integration, files, project: tree.project };
}

/** Generates the integration's files from spec text. Throws InvalidSpecError on a bad spec. */
export function generate(input: GenerateInput): GeneratedProject {
  return generateFromLoaded(loadSpec(input.specText, input.specFileName), {
    ...(input.specPath === undefined ? {} : { specPath: input.specPath }),
    ...(input.connector ? { connector: input.connector } : {}),
  });
}
