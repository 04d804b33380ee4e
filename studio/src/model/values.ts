/** Reading and rewriting value trees (mapping values and drafts) by path, and what a value outputs. */
import type { EditValue, FieldDef, FieldType, FormulaName, PathSegment } from './types.ts';

/** The closed formula set, in palette order: the studio can build these and nothing else. */
export const FORMULA_KINDS: readonly FormulaName[] = [
  'null',
  'enumMap',
  'stripSpaces',
  'lowercase',
  'concat',
];

export function formulaName(value: EditValue): FormulaName | null {
  if ('null' in value) return 'null';
  if ('lowercase' in value) return 'lowercase';
  if ('stripSpaces' in value) return 'stripSpaces';
  if ('concat' in value) return 'concat';
  if ('enumMap' in value) return 'enumMap';
  return null;
}

/** A fresh, unwired formula of the given kind: the only five the studio can build. */
export function emptyFormula(kind: FormulaName): EditValue {
  switch (kind) {
    case 'null':
      return { null: {} };
    case 'lowercase':
      return { lowercase: [] };
    case 'stripSpaces':
      return { stripSpaces: [] };
    case 'concat':
      return { concat: [] };
    case 'enumMap':
      return { enumMap: { map: {} } };
  }
}

/** The child values of a formula with the path segments that lead to each. */
export function childrenOf(value: EditValue): { path: PathSegment[]; value: EditValue }[] {
  if ('lowercase' in value) return value.lowercase.map((v, i) => ({ path: ['lowercase', i], value: v }));
  if ('stripSpaces' in value)
    return value.stripSpaces.map((v, i) => ({ path: ['stripSpaces', i], value: v }));
  if ('concat' in value) return value.concat.map((v, i) => ({ path: ['concat', i], value: v }));
  if ('enumMap' in value) {
    const out: { path: PathSegment[]; value: EditValue }[] = [];
    if (value.enumMap.input) out.push({ path: ['enumMap', 'input'], value: value.enumMap.input });
    if (value.enumMap.otherwise) out.push({ path: ['enumMap', 'otherwise'], value: value.enumMap.otherwise });
    return out;
  }
  return [];
}

/** The value at `path` below `root`, or undefined when the path leads nowhere. */
export function valueAt(root: EditValue, path: readonly PathSegment[]): EditValue | undefined {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current === undefined ? undefined : (current as EditValue);
}

/**
 * A copy of `root` with the value at `path` replaced (or removed, when `next` is undefined).
 * Removing an element of a formula's argument list splices it out, so later arguments move up.
 */
export function withValueAt(
  root: EditValue,
  path: readonly PathSegment[],
  next: EditValue | undefined,
): EditValue | undefined {
  if (path.length === 0) return next;
  const [head, ...rest] = path as [PathSegment, ...PathSegment[]];
  const container = root as unknown as Record<string, unknown> | unknown[];
  if (Array.isArray(container)) {
    const index = Number(head);
    const copy = [...container] as EditValue[];
    const child = copy[index];
    const replaced = child === undefined ? next : withValueAt(child, rest, next);
    if (replaced === undefined) copy.splice(index, 1);
    else copy[index] = replaced;
    return copy as unknown as EditValue;
  }
  const obj = container as Record<string, unknown>;
  const child = obj[head];
  const replaced =
    rest.length === 0 ? next : child === undefined ? undefined : withValueAt(child as EditValue, rest, next);
  const copy: Record<string, unknown> = { ...obj };
  if (replaced === undefined) delete copy[head];
  else copy[head] = replaced;
  return copy as unknown as EditValue;
}

/** Every field name a value reads. */
export function fieldsRead(value: EditValue | undefined, into: string[] = []): string[] {
  if (!value) return into;
  if ('field' in value) into.push(value.field);
  if ('enumMap' in value) {
    fieldsRead(value.enumMap.input, into);
    fieldsRead(value.enumMap.otherwise, into);
    return into;
  }
  for (const child of childrenOf(value)) fieldsRead(child.value, into);
  return into;
}

/** What type a value produces, given the fields it can read. `null` produces 'unknown' (fits anything). */
export function outputType(value: EditValue, fields: ReadonlyMap<string, FieldDef>): FieldType {
  if ('field' in value) return fields.get(value.field)?.type ?? 'unknown';
  if ('literal' in value) {
    const t = typeof value.literal;
    return t === 'number' ? 'number' : t === 'boolean' ? 'boolean' : 'string';
  }
  if ('null' in value) return 'unknown';
  if ('enumMap' in value) return 'enum';
  return 'string';
}

/** A short human rendering of a value for lists and tooltips, e.g. `lowercase(email)`. */
export function describeValue(value: EditValue | undefined): string {
  if (!value) return '?';
  if ('field' in value) return value.field;
  if ('literal' in value) return JSON.stringify(value.literal);
  if ('null' in value) return 'null';
  if ('lowercase' in value) return `lowercase(${value.lowercase.map(describeValue).join(', ') || '?'})`;
  if ('stripSpaces' in value) return `stripSpaces(${value.stripSpaces.map(describeValue).join(', ') || '?'})`;
  if ('concat' in value) return `concat(${value.concat.map(describeValue).join(', ')})`;
  return `enumMap(${describeValue(value.enumMap.input)})`;
}

/** Does `ancestor` contain `descendant` (same owner assumed)? Used to refuse wiring a formula into itself. */
export function isPrefix(ancestor: readonly PathSegment[], descendant: readonly PathSegment[]): boolean {
  return (
    ancestor.length <= descendant.length && ancestor.every((s, i) => String(s) === String(descendant[i]))
  );
}
