/** Emitter: infra/app.gen.ts (the CDK app instantiating @kongo/infra's IntegrationStack), main, synth test. */
import { posix } from 'node:path';
import { ts } from 'ts-morph';
import { objectLiteral, print, propertyName, stringLiteral } from '../ast.ts';
import type { NormalizedIntegration } from '../normalize.ts';
import type { OutputTree } from '../output.ts';
import type { Templates } from '../templates.ts';

const { factory } = ts;

export function emitStack(integration: NormalizedIntegration, tree: OutputTree, templates: Templates): void {
  const app = templates.copy(tree, 'infra/app.ts', 'infra/app.gen.ts');
  const entries = objectLiteral(
    integration.functions.map((fn) =>
      factory.createPropertyAssignment(
        propertyName(fn.entryKey),
        factory.createCallExpression(factory.createIdentifier('entry'), undefined, [
          stringLiteral(posix.relative('infra', fn.path)),
        ]),
      ),
    ),
    true,
  );
  app.getVariableDeclarationOrThrow('ENTRIES').getInitializerOrThrow().replaceWithText(print(entries));
  templates.copy(tree, 'infra/main.ts', 'infra/main.gen.ts');
  templates.copy(tree, 'infra/pipeline.ts', 'infra/pipeline.gen.ts');
  templates.copy(tree, 'infra/app.test.ts', 'infra/app.gen.test.ts');
}
