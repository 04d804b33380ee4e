/**
 * The structural check of a mapping value (a field reference, a literal or a formula tree), with
 * messages that name the formula and say what to write instead. The JSON Schema describes the same
 * shapes for editors; this walk gives the precise errors the schema's `anyOf` cannot.
 */

import { childPointer, type SpecProblem } from './problems.ts';
import { PATTERNS } from './schema.ts';
import { didYouMean } from './suggest.ts';
import { FORMULA_NAMES } from './types.ts';

/** Deeper trees than this are refused: no real mapping needs them, and the studio could not show them. */
export const MAX_VALUE_DEPTH = 16;

const VALUE_KEYS: readonly string[] = ['field', 'literal', ...FORMULA_NAMES];
const FIELD_PATH = new RegExp(PATTERNS.fieldPath.pattern);
const WHAT_A_VALUE_IS =
  'a value is { "field": … }, { "literal": … } or one formula: null, enumMap, stripSpaces, lowercase, concat';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`}`;
}

/** Checks one value tree at `pointer` and returns every problem found in it. */
export function checkValue(value: unknown, pointer: string): SpecProblem[] {
  const problems: SpecProblem[] = [];
  walk(value, pointer, 0, problems);
  return problems;
}

function walk(value: unknown, pointer: string, depth: number, problems: SpecProblem[]): void {
  if (depth > MAX_VALUE_DEPTH) {
    problems.push({
      pointer,
      message: `formulas are nested more than ${MAX_VALUE_DEPTH} deep; simplify the mapping`,
    });
    return;
  }
  if (value === null) {
    problems.push({ pointer, message: 'bare null is not a value; write { "null": {} } for "no value"' });
    return;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    const json = JSON.stringify(value);
    problems.push({
      pointer,
      message: `a bare ${typeof value} is not a value; write { "literal": ${json} } for a constant${
        typeof value === 'string' ? ` or { "field": ${json} } for a source field` : ''
      }`,
    });
    return;
  }
  if (Array.isArray(value)) {
    problems.push({ pointer, message: `an array is not a value; ${WHAT_A_VALUE_IS}` });
    return;
  }
  if (!isPlainObject(value)) return;
  const keys = Object.keys(value);
  const known = keys.filter((key) => VALUE_KEYS.includes(key));
  const unknown = keys.filter((key) => !VALUE_KEYS.includes(key));
  if (known.length === 0) {
    if (unknown.length === 0) {
      problems.push({ pointer, message: `an empty object is not a value; ${WHAT_A_VALUE_IS}` });
      return;
    }
    for (const key of unknown) {
      const hint = didYouMean(key, VALUE_KEYS);
      problems.push({
        pointer: childPointer(pointer, key),
        message: `unknown formula "${key}"; ${WHAT_A_VALUE_IS}`,
        ...(hint ? { hint } : {}),
      });
    }
    return;
  }
  if (known.length > 1) {
    problems.push({
      pointer,
      message: `a value holds exactly one of field, literal or a formula; found ${known.map((k) => `"${k}"`).join(' and ')} — nest one inside the other or split the mapping`,
    });
    return;
  }
  for (const key of unknown) {
    problems.push({
      pointer: childPointer(pointer, key),
      message: `unknown property "${key}" beside "${known[0]}"; a value holds exactly one key and nothing else (no code, no expressions)`,
    });
  }
  const kind = known[0] as string;
  const arg = value[kind];
  const at = childPointer(pointer, kind);
  switch (kind) {
    case 'field':
      if (typeof arg !== 'string') {
        problems.push({ pointer: at, message: `"field" takes a field name string; found ${describe(arg)}` });
      } else if (!FIELD_PATH.test(arg) || arg.length > 200) {
        problems.push({
          pointer: at,
          message: `"${arg}" is not valid: ${PATTERNS.fieldPath.explain}`,
        });
      }
      return;
    case 'literal':
      if (typeof arg !== 'string' && typeof arg !== 'number' && typeof arg !== 'boolean') {
        problems.push({
          pointer: at,
          message: `"literal" takes a string, number or boolean; found ${describe(arg)}${
            arg === null ? ' — write { "null": {} } for "no value"' : ''
          }`,
        });
      }
      return;
    case 'null':
      if (!isPlainObject(arg) || Object.keys(arg).length > 0) {
        problems.push({
          pointer: at,
          message: `"null" takes no arguments: write { "null": {} }; found ${describe(arg)}`,
        });
      }
      return;
    case 'lowercase':
    case 'stripSpaces':
      if (!Array.isArray(arg)) {
        problems.push({
          pointer: at,
          message: `${kind} takes a list of exactly 1 argument, e.g. { "${kind}": [{ "field": "email" }] }; found ${describe(arg)}`,
        });
        return;
      }
      if (arg.length !== 1) {
        problems.push({ pointer: at, message: `${kind} takes exactly 1 argument; found ${arg.length}` });
        return;
      }
      walk(arg[0], childPointer(at, 0), depth + 1, problems);
      return;
    case 'concat':
      if (!Array.isArray(arg)) {
        problems.push({
          pointer: at,
          message: `concat takes a list of parts, e.g. { "concat": [{ "field": "firstname" }, { "literal": " " }, { "field": "lastname" }] }; found ${describe(arg)}`,
        });
        return;
      }
      if (arg.length === 0) {
        problems.push({ pointer: at, message: 'concat takes at least 1 argument; found 0' });
        return;
      }
      arg.forEach((part, index) => {
        walk(part, childPointer(at, index), depth + 1, problems);
      });
      return;
    case 'enumMap':
      checkEnumMap(arg, at, depth, problems);
      return;
  }
}

function checkEnumMap(arg: unknown, at: string, depth: number, problems: SpecProblem[]): void {
  if (!isPlainObject(arg)) {
    problems.push({
      pointer: at,
      message: `enumMap takes an object { "input": value, "map": { … }, "otherwise"?: value }; found ${describe(arg)}`,
    });
    return;
  }
  const allowed = ['input', 'map', 'otherwise'];
  for (const key of Object.keys(arg)) {
    if (allowed.includes(key)) continue;
    const hint = didYouMean(key, allowed);
    problems.push({
      pointer: childPointer(at, key),
      message: `unknown property "${key}" in enumMap; it takes only input, map and otherwise`,
      ...(hint ? { hint } : {}),
    });
  }
  if (!('input' in arg)) {
    problems.push({ pointer: at, message: 'enumMap is missing "input", the value to translate' });
  } else {
    walk(arg.input, childPointer(at, 'input'), depth + 1, problems);
  }
  if (!('map' in arg)) {
    problems.push({
      pointer: at,
      message: 'enumMap is missing "map", the table of source value → target value',
    });
  } else {
    const map = arg.map;
    const mapAt = childPointer(at, 'map');
    if (!isPlainObject(map)) {
      problems.push({
        pointer: mapAt,
        message: `enumMap "map" must be an object of strings; found ${describe(map)}`,
      });
    } else if (Object.keys(map).length === 0) {
      problems.push({
        pointer: mapAt,
        message: 'enumMap "map" is empty; add at least one "source": "target" entry',
      });
    } else {
      for (const [key, mapped] of Object.entries(map)) {
        if (typeof mapped !== 'string' && mapped !== null) {
          problems.push({
            pointer: childPointer(mapAt, key),
            message: `enumMap targets are strings (or null to clear); found ${describe(mapped)}${
              typeof mapped === 'number' || typeof mapped === 'boolean' ? ` — write "${String(mapped)}"` : ''
            }`,
          });
        }
      }
    }
  }
  if ('otherwise' in arg) walk(arg.otherwise, childPointer(at, 'otherwise'), depth + 1, problems);
}
