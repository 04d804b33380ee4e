/** Emitter: src/spec.gen.ts — the validated spec as typed data (studio state dropped). */
import { type Json, jsonExpression, print } from '../ast.ts';
import type { NormalizedIntegration } from '../normalize.ts';
import type { OutputTree } from '../output.ts';
import type { Templates } from '../templates.ts';

export function emitSpec(integration: NormalizedIntegration, tree: OutputTree, templates: Templates): void {
  const file = templates.copy(tree, 'src/spec.ts', 'src/spec.gen.ts');
  file
    .getVariableDeclarationOrThrow('declaredSpec')
    .getInitializerOrThrow()
    .replaceWithText(print(jsonExpression(integration.codeSpec as unknown as Json)));
}
