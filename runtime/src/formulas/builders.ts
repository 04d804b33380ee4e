/**
 * Builders for generated mapping code: each returns exactly the spec's JSON for that value, so
 * `concat(field('firstname'), literal(' '), field('lastname'))` deep-equals the spec's formula tree.
 */
import type {
  ConcatFormula,
  EnumMapFormula,
  FieldRef,
  Literal,
  LowercaseFormula,
  NullFormula,
  StripSpacesFormula,
  Value,
} from '../spec/types.ts';

/** `{ "field": name }`: a field of the source record. */
export function field(name: string): FieldRef {
  return { field: name };
}

/** `{ "literal": value }`: a constant. */
export function literal(value: string | number | boolean): Literal {
  return { literal: value };
}

/** `{ "null": {} }`: no value. */
export function nul(): NullFormula {
  return { null: {} };
}

/** `{ "lowercase": [value] }`. */
export function lowercase(value: Value): LowercaseFormula {
  return { lowercase: [value] };
}

/** `{ "stripSpaces": [value] }`. */
export function stripSpaces(value: Value): StripSpacesFormula {
  return { stripSpaces: [value] };
}

/** `{ "concat": [part, …] }`. */
export function concat(...parts: Value[]): ConcatFormula {
  return { concat: parts };
}

/** `{ "enumMap": { input, map, otherwise? } }`; `otherwise` is omitted when not given. */
export function enumMap(input: Value, map: Record<string, string | null>, otherwise?: Value): EnumMapFormula {
  return { enumMap: otherwise === undefined ? { input, map } : { input, map, otherwise } };
}
