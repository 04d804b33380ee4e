/**
 * Spec data → TypeScript syntax trees, never strings: every spec string becomes a string-literal
 * node that the TypeScript printer escapes (quotes, backslashes, newlines, U+2028/2029 and every
 * other non-ASCII character become escapes), so no spec content can end a literal or a comment.
 */

import type { Value } from '@kongo/runtime/spec';
import { ts } from 'ts-morph';

const { factory } = ts;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const RESERVED = new Set(['__proto__']);

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function stringLiteral(value: string): ts.StringLiteral {
  return factory.createStringLiteral(value, true);
}

function numberLiteral(value: number): ts.Expression {
  if (!Number.isFinite(value)) throw new TypeError(`cannot emit the number ${String(value)}`);
  if (value < 0 || Object.is(value, -0)) {
    return factory.createPrefixUnaryExpression(
      ts.SyntaxKind.MinusToken,
      factory.createNumericLiteral(String(-value)),
    );
  }
  return factory.createNumericLiteral(String(value));
}

/**
 * An object key: a bare identifier when it is one, else a string literal; `__proto__` becomes a
 * computed key, because `{ "__proto__": x }` would set the prototype instead of an own property.
 */
export function propertyName(key: string): ts.PropertyName {
  if (RESERVED.has(key)) return factory.createComputedPropertyName(stringLiteral(key));
  return IDENTIFIER.test(key) ? factory.createIdentifier(key) : stringLiteral(key);
}

function isMultiLine(value: Json): boolean {
  if (Array.isArray(value)) return value.some((item) => typeof item === 'object' && item !== null);
  if (typeof value === 'object' && value !== null) {
    const values = Object.values(value);
    return values.length > 3 || values.some((item) => typeof item === 'object' && item !== null);
  }
  return false;
}

/** Multi-line lists end with a comma, like the hand-written code around them. */
export function objectLiteral(
  properties: ts.ObjectLiteralElementLike[],
  multiLine: boolean,
): ts.ObjectLiteralExpression {
  return factory.createObjectLiteralExpression(
    factory.createNodeArray(properties, multiLine && properties.length > 0),
    multiLine,
  );
}

/** Any JSON value as an expression; objects keep their key order (the spec's order). */
export function jsonExpression(value: Json): ts.Expression {
  if (value === null) return factory.createNull();
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'boolean') return value ? factory.createTrue() : factory.createFalse();
  if (Array.isArray(value)) {
    const multiLine = isMultiLine(value);
    return factory.createArrayLiteralExpression(
      factory.createNodeArray(value.map(jsonExpression), multiLine && value.length > 0),
      multiLine,
    );
  }
  return objectLiteral(
    Object.entries(value).map(([key, item]) =>
      factory.createPropertyAssignment(propertyName(key), jsonExpression(item)),
    ),
    isMultiLine(value),
  );
}

function call(name: string, args: ts.Expression[]): ts.CallExpression {
  return factory.createCallExpression(factory.createIdentifier(name), undefined, args);
}

/** The builder names a value uses, so the mapping module imports exactly those. */
export function buildersUsed(value: Value, into: Set<string> = new Set()): Set<string> {
  if ('field' in value) into.add('field');
  else if ('literal' in value) into.add('literal');
  else if ('null' in value) into.add('nul');
  else if ('lowercase' in value) buildersUsed(value.lowercase[0], into.add('lowercase'));
  else if ('stripSpaces' in value) buildersUsed(value.stripSpaces[0], into.add('stripSpaces'));
  else if ('concat' in value) for (const part of value.concat) buildersUsed(part, into.add('concat'));
  else if ('enumMap' in value) {
    into.add('enumMap');
    buildersUsed(value.enumMap.input, into);
    if (value.enumMap.otherwise !== undefined) buildersUsed(value.enumMap.otherwise, into);
  }
  return into;
}

/** A formula tree as the runtime's builder calls: `concat(field('a'), literal(' '), field('b'))`. */
export function formulaExpression(value: Value): ts.Expression {
  if ('field' in value) return call('field', [stringLiteral(value.field)]);
  if ('literal' in value) return call('literal', [jsonExpression(value.literal)]);
  if ('null' in value) return call('nul', []);
  if ('lowercase' in value) return call('lowercase', [formulaExpression(value.lowercase[0])]);
  if ('stripSpaces' in value) return call('stripSpaces', [formulaExpression(value.stripSpaces[0])]);
  if ('concat' in value) return call('concat', value.concat.map(formulaExpression));
  if ('enumMap' in value) {
    const { input, map, otherwise } = value.enumMap;
    const table = factory.createObjectLiteralExpression(
      Object.entries(map).map(([from, to]) =>
        factory.createPropertyAssignment(
          propertyName(from),
          to === null ? factory.createNull() : stringLiteral(to),
        ),
      ),
      false,
    );
    const args = [formulaExpression(input), table];
    if (otherwise !== undefined) args.push(formulaExpression(otherwise));
    return call('enumMap', args);
  }
  throw new TypeError(`not a formula of the closed set: ${JSON.stringify(value)}`);
}

const printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed, removeComments: false });
const scratch = ts.createSourceFile('print.ts', '', ts.ScriptTarget.ES2023, false, ts.ScriptKind.TS);

/**
 * Prints a node the generator built (the only way generated code text comes into being), indented
 * by two spaces per level like the templates. The printer indents by four; halving the leading
 * spaces is safe because printed string literals never hold a raw line break (they are escaped).
 */
export function print(node: ts.Node): string {
  return printer
    .printNode(ts.EmitHint.Unspecified, node, scratch)
    .replace(/^( +)/gm, (indent) => ' '.repeat(indent.length / 2));
}
