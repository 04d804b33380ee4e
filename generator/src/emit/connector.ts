/** Emitter: src/connector.gen.ts — the connector document the spec names, as data (none: `undefined`). */
import { type Json, jsonExpression, print } from '../ast.ts';
import type { NormalizedIntegration } from '../normalize.ts';
import type { OutputTree } from '../output.ts';
import type { Templates } from '../templates.ts';

export function emitConnector(
  integration: NormalizedIntegration,
  tree: OutputTree,
  templates: Templates,
): void {
  const file = templates.copy(tree, 'src/connector.ts', 'src/connector.gen.ts');
  if (integration.connector === undefined) return;
  file
    .getVariableDeclarationOrThrow('connector')
    .getInitializerOrThrow()
    .replaceWithText(print(jsonExpression(integration.connector as unknown as Json)));
}
