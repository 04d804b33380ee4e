/**
 * Emitter: src/mappings.gen.ts (one line per target field, built with the runtime's formula
 * builders), src/mapping-table.gen.ts and the test asserting each table deep-equals the spec's.
 */
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
      flow.mappings.map((mapping) =>
        factory.createPropertyAssignment(propertyName(mapping.target), formulaExpression(mapping.value)),
      ),
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
