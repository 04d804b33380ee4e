/**
 * Emitter: src/mappings.gen.ts (one line per target field, built with the runtime's formula
 * builders), src/mapping-table.gen.ts and the test asserting each table deep-equals the spec's.
 */

import { sourceFields } from '@kongo/runtime/formulas';
import type { IntegrationSpec, Mapping } from '@kongo/runtime/spec';
import { ts } from 'ts-morph';
import {
  buildersUsed,
  formulaExpression,
  objectLiteral,
  print,
  propertyName,
  stringLiteral,
} from '../ast.ts';
import type { NormalizedIntegration } from '../normalize.ts';
import { compare, type OutputTree } from '../output.ts';
import type { Templates } from '../templates.ts';

const { factory } = ts;

function exportedConst(name: string, type: string, initializer: ts.Expression): ts.VariableStatement {
  return factory.createVariableStatement(
    [factory.createModifier(ts.SyntaxKind.ExportKeyword)],
    factory.createVariableDeclarationList(
      [
        factory.createVariableDeclaration(
          name,
          undefined,
          factory.createTypeReferenceNode(type),
          initializer,
        ),
      ],
      ts.NodeFlags.Const,
    ),
  );
}

/**
 * What the spec's policies do to one mapping, in words for the reviewer (docs/SPEC.md,
 * `fieldOwnership`, `emptyValues`), or null when nothing restricts it. Ownership names HubSpot
 * properties: one owned by HubSpot is written from the destination on create only; one owned by the
 * destination makes every hubspot→destination target computed from it create-only.
 */
export function restrictionOf(
  spec: Pick<IntegrationSpec, 'policies'>,
  direction: string,
  mapping: Mapping,
): string | null {
  const { fieldOwnership = {}, emptyValues } = spec.policies;
  const notes: string[] = [];
  if (direction === 'destination-to-hubspot') {
    const owner = fieldOwnership[mapping.target];
    if (owner === 'hubspot')
      notes.push(`create only: fieldOwnership gives ${mapping.target} to HubSpot, so updates never write it`);
    if (owner === 'destination')
      notes.push(`always written: fieldOwnership gives ${mapping.target} to the destination`);
  } else {
    const inputs = [...new Set(sourceFields({ mappings: [mapping] }))].sort(compare);
    const owned = inputs.filter((input) => fieldOwnership[input] === 'destination');
    if (owned.length > 0)
      notes.push(
        `create only: fieldOwnership gives ${owned.join(', ')} to the destination, so updates never write ${mapping.target}`,
      );
  }
  if (emptyValues === 'skip' && canYieldNull(mapping.value))
    notes.push('a null result leaves the target as it is (emptyValues: skip)');
  return notes.length === 0 ? null : notes.join('; ');
}

/** True when the formula can produce null: a `null` node, or an enumMap with a null value or otherwise. */
function canYieldNull(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(canYieldNull);
  const node = value as Record<string, unknown>;
  if ('null' in node) return true;
  const map = node.enumMap as { map?: Record<string, unknown>; otherwise?: unknown } | undefined;
  if (map && Object.values(map.map ?? {}).some((v) => v === null)) return true;
  return Object.values(node).some(canYieldNull);
}

export function emitMappings(
  integration: NormalizedIntegration,
  tree: OutputTree,
  templates: Templates,
): void {
  templates.copy(tree, 'src/mapping-table.ts', 'src/mapping-table.gen.ts');
  templates.copy(tree, 'src/mappings.test.ts', 'src/mappings.gen.test.ts');
  const file = templates.copy(tree, 'src/mappings.ts', 'src/mappings.gen.ts');

  const builders = new Set<string>();
  for (const { flow } of integration.directions)
    for (const mapping of flow.mappings) buildersUsed(mapping.value, builders);
  const formulasImport = file.getImportDeclarationOrThrow('@kongo/runtime/formulas');
  if (builders.size === 0) formulasImport.remove();
  else {
    formulasImport.removeNamedImports();
    formulasImport.addNamedImports([...builders].sort(compare));
  }
  for (const statement of file.getVariableStatements()) statement.remove();

  const statements: ts.Statement[] = [];
  const byDirection: ts.PropertyAssignment[] = [];
  for (const { direction, tableName, flow } of integration.directions) {
    const table = objectLiteral(
      flow.mappings.map((mapping) => {
        const assignment = factory.createPropertyAssignment(
          propertyName(mapping.target),
          formulaExpression(mapping.value),
        );
        const restriction = restrictionOf(integration.spec, direction, mapping);
        return restriction === null
          ? assignment
          : ts.addSyntheticLeadingComment(
              assignment,
              ts.SyntaxKind.SingleLineCommentTrivia,
              ` ${restriction}`,
              true,
            );
      }),
      true,
    );
    const notes = objectLiteral(
      flow.mappings.flatMap((mapping) =>
        mapping.note === undefined
          ? []
          : [factory.createPropertyAssignment(propertyName(mapping.target), stringLiteral(mapping.note))],
      ),
      true,
    );
    statements.push(exportedConst(tableName, 'MappingTable', table));
    statements.push(exportedConst(`${tableName}Notes`, 'MappingNotes', notes));
    byDirection.push(
      factory.createPropertyAssignment(
        stringLiteral(direction),
        factory.createCallExpression(factory.createIdentifier('mappingList'), undefined, [
          factory.createIdentifier(tableName),
          factory.createIdentifier(`${tableName}Notes`),
        ]),
      ),
    );
  }
  statements.push(exportedConst('mappings', 'MappingsByDirection', objectLiteral(byDirection, true)));
  file.addStatements((writer) => {
    statements.forEach((statement, index) => {
      if (index === 0) writer.newLine();
      else writer.blankLine();
      writer.write(print(statement)).newLine();
    });
  });
}
