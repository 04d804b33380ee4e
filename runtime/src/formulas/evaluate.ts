/**
 * The one formula engine: evaluates mapping values against a source record. Pure, synchronous and
 * browser-safe, so the studio preview, the CLI and the deployed handlers run the very same code.
 * Semantics are specified in docs/FORMULAS.md.
 */
import type { Flow, Value } from '../spec/types.ts';
import { lowercaseText, stripSpacesText } from './text.ts';

/** What a mapping produces. `null` means "no value" (HubSpot writers send "" to clear). */
export type OutputValue = string | number | boolean | null;

export type FieldErrorCode = 'ENUM_UNMAPPED' | 'UNSUPPORTED_VALUE' | 'INVALID_FORMULA';

/** One mapping that could not be computed; the other mappings still are. */
export interface FieldError {
  /** The mapping's target field, absent from the output. */
  target: string;
  code: FieldErrorCode | (string & {});
  message: string;
  /** Where in the flow, e.g. /mappings/3/value/enumMap/input. */
  pointer?: string;
}

export interface TransformResult {
  output: Record<string, OutputValue>;
  errors: FieldError[];
}

export type EvaluationResult =
  | { ok: true; value: OutputValue }
  | { ok: false; code: FieldErrorCode; message: string; pointer: string };

/** Guards the engine against unvalidated, absurdly deep trees (the validator allows 16 levels). */
const MAX_DEPTH = 64;

class Failure {
  constructor(
    readonly code: FieldErrorCode,
    readonly message: string,
    readonly pointer: string,
  ) {}
}

type SourceRecord = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readField(record: SourceRecord, name: unknown, pointer: string): OutputValue {
  if (typeof name !== 'string') throw new Failure('INVALID_FORMULA', '"field" must name a field', pointer);
  const raw = Object.hasOwn(record, name) ? record[name] : undefined;
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number' && Number.isFinite(raw)) return raw;
  const kind = Array.isArray(raw)
    ? 'an array'
    : typeof raw === 'number'
      ? String(raw)
      : typeof raw === 'object'
        ? 'an object'
        : `a ${typeof raw}`;
  throw new Failure(
    'UNSUPPORTED_VALUE',
    `field "${name}" holds ${kind}; formulas take strings, finite numbers, booleans or null`,
    pointer,
  );
}

/** Numbers and booleans become their `String()`; null stays null. */
function asText(value: OutputValue): string | null {
  return value === null ? null : String(value);
}

function isEmpty(text: string | null): boolean {
  return text === null || text === '';
}

function single(args: unknown, name: string, pointer: string): unknown {
  if (!Array.isArray(args) || args.length !== 1) {
    throw new Failure('INVALID_FORMULA', `${name} takes exactly 1 argument`, pointer);
  }
  return args[0];
}

function evaluate(value: unknown, record: SourceRecord, pointer: string, depth: number): OutputValue {
  if (depth > MAX_DEPTH) throw new Failure('INVALID_FORMULA', 'formulas are nested too deep', pointer);
  if (!isObject(value))
    throw new Failure('INVALID_FORMULA', 'a value must be a field, a literal or a formula', pointer);
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    throw new Failure('INVALID_FORMULA', 'a value holds exactly one of field, literal or a formula', pointer);
  }
  const kind = keys[0] as string;
  const arg = value[kind];
  const at = `${pointer}/${kind}`;
  switch (kind) {
    case 'field':
      return readField(record, arg, at);
    case 'literal':
      if (
        typeof arg === 'string' ||
        typeof arg === 'boolean' ||
        (typeof arg === 'number' && Number.isFinite(arg))
      ) {
        return arg;
      }
      throw new Failure('INVALID_FORMULA', '"literal" takes a string, number or boolean', at);
    case 'null':
      return null;
    case 'lowercase': {
      const text = asText(evaluate(single(arg, kind, at), record, `${at}/0`, depth + 1));
      return text === null ? null : lowercaseText(text);
    }
    case 'stripSpaces': {
      const text = asText(evaluate(single(arg, kind, at), record, `${at}/0`, depth + 1));
      return text === null ? null : stripSpacesText(text);
    }
    case 'concat':
      return evaluateConcat(arg, record, at, depth);
    case 'enumMap':
      return evaluateEnumMap(arg, record, at, depth);
    default:
      throw new Failure('INVALID_FORMULA', `unknown formula "${kind}"`, at);
  }
}

/**
 * Literal parts directly inside concat are separators (or a prefix/suffix); every other part is a
 * value part. A run of literals between two value parts is printed only when some value has been
 * printed before it and the value part right after it is non-empty. Leading and trailing literals
 * are printed when any value part is non-empty. All value parts empty → null; only literals → their join.
 */
function evaluateConcat(args: unknown, record: SourceRecord, at: string, depth: number): OutputValue {
  if (!Array.isArray(args) || args.length === 0) {
    throw new Failure('INVALID_FORMULA', 'concat takes a list of at least 1 part', at);
  }
  let run = '';
  let leading = '';
  let body = '';
  let seenValuePart = false;
  let printed = false;
  args.forEach((part: unknown, index) => {
    const partAt = `${at}/${index}`;
    if (isObject(part) && Object.keys(part).length === 1 && 'literal' in part) {
      run += asText(evaluate(part, record, partAt, depth + 1)) ?? '';
      return;
    }
    const separator = run;
    if (!seenValuePart) leading = run;
    run = '';
    seenValuePart = true;
    const text = asText(evaluate(part, record, partAt, depth + 1));
    if (isEmpty(text)) return;
    body += printed ? separator + text : text;
    printed = true;
  });
  if (!seenValuePart) return run;
  if (!printed) return null;
  return leading + body + run;
}

/**
 * Translates an option value. Input null (or "" with no "" entry) → null, no error. Numbers and
 * booleans are looked up by their `String()`. Lookup is exact (case-sensitive). A miss uses
 * `otherwise` when given; otherwise it is an ENUM_UNMAPPED error.
 */
function evaluateEnumMap(arg: unknown, record: SourceRecord, at: string, depth: number): OutputValue {
  if (!isObject(arg) || !isObject(arg.map) || !('input' in arg)) {
    throw new Failure('INVALID_FORMULA', 'enumMap takes { input, map, otherwise? }', at);
  }
  const map = arg.map;
  const key = asText(evaluate(arg.input, record, `${at}/input`, depth + 1));
  if (key === null) return null;
  if (Object.hasOwn(map, key)) {
    const mapped = map[key];
    if (mapped === null || typeof mapped === 'string') return mapped;
    throw new Failure('INVALID_FORMULA', `enumMap entry "${key}" must map to a string or null`, `${at}/map`);
  }
  if (key === '') return null;
  if ('otherwise' in arg) return evaluate(arg.otherwise, record, `${at}/otherwise`, depth + 1);
  throw new Failure(
    'ENUM_UNMAPPED',
    `${JSON.stringify(key)} has no entry in the enumMap and there is no "otherwise"; add it to the map or give an otherwise`,
    `${at}/input`,
  );
}

/**
 * Evaluates one value against a record. Never throws: a failure comes back as `{ ok: false }`
 * with a code and the pointer (prefixed by `pointer`) of the part that failed.
 *
 * @example
 * evaluateValue(lowercase(field('email')), { email: 'Ann@X.COM' }) // { ok: true, value: 'ann@x.com' }
 */
export function evaluateValue(value: Value, record: SourceRecord, pointer = ''): EvaluationResult {
  try {
    return { ok: true, value: evaluate(value, record, pointer, 0) };
  } catch (error) {
    if (error instanceof Failure)
      return { ok: false, code: error.code, message: error.message, pointer: error.pointer };
    throw error;
  }
}

/**
 * Runs every mapping of a flow against a source record. One bad field never stops the others:
 * a mapping that fails is absent from `output` and reported in `errors`.
 *
 * @example
 * applyTransforms({ mappings: [{ target: 'email', value: lowercase(field('email')) }] }, { email: 'A@B.CO' })
 * // → { output: { email: 'a@b.co' }, errors: [] }
 */
export function applyTransforms(flow: Pick<Flow, 'mappings'>, record: SourceRecord): TransformResult {
  const output: Record<string, OutputValue> = {};
  const errors: FieldError[] = [];
  flow.mappings.forEach((mapping, index) => {
    const result = evaluateValue(mapping.value, record, `/mappings/${index}/value`);
    if (result.ok) {
      output[mapping.target] = result.value;
    } else {
      errors.push({
        target: mapping.target,
        code: result.code,
        message: result.message,
        pointer: result.pointer,
      });
    }
  });
  return { output, errors };
}

/** Every source field a value reads, in first-use order (e.g. to know which HubSpot properties to fetch). */
export function fieldsOf(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) fieldsOf(item, into);
  } else if (isObject(value)) {
    if (typeof value.field === 'string' && Object.keys(value).length === 1) {
      if (!into.includes(value.field)) into.push(value.field);
    } else {
      for (const [key, child] of Object.entries(value))
        if (key !== 'map' && key !== 'literal') fieldsOf(child, into);
    }
  }
  return into;
}

/** Every source field a flow's mappings read, in first-use order. */
export function sourceFields(flow: Pick<Flow, 'mappings'>): string[] {
  const fields: string[] = [];
  for (const mapping of flow.mappings) fieldsOf(mapping.value, fields);
  return fields;
}
