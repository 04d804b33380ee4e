/** Emitter: .github/workflows/integration.yml — a thin workflow over the project's npm scripts. */
import { headerComment } from '../header.ts';
import type { NormalizedIntegration } from '../normalize.ts';
import type { OutputTree } from '../output.ts';
import type { Templates } from '../templates.ts';

export function emitPipeline(
  integration: NormalizedIntegration,
  tree: OutputTree,
  templates: Templates,
): void {
  tree.addData(
    '.github/workflows/integration.yml',
    headerComment(integration, '#') + templates.text('files/github-workflow.yml'),
  );
}
