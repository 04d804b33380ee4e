/**
 * `validateSpec`: the schema (ajv, draft 2020-12, defaults applied), the formula-tree check and the
 * semantic checks, turned into problems a person can act on. Browser-safe.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { applyDerivedDefaults } from './defaults.ts';
import { environmentProblems } from './environments.ts';
import { childPointer, SpecError, type SpecProblem } from './problems.ts';
import { integrationSpecSchema, PATTERNS } from './schema.ts';
import { semanticProblems } from './semantic.ts';
import { didYouMean } from './suggest.ts';
import { type IntegrationSpec, SPEC_VERSION } from './types.ts';
import { checkValue } from './values.ts';

export type ValidationResult = { ok: true; spec: IntegrationSpec } | { ok: false; problems: SpecProblem[] };

let compiled: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, allowUnionTypes: true });
    addFormats(ajv, ['uri']);
    compiled = ajv.compile(integrationSpecSchema);
  }
  return compiled;
}

/** Mapping values are checked by `checkValue`, whose messages beat the schema's anyOf noise. */
const INSIDE_VALUE = /^\/flows\/\d+\/mappings\/\d+\/value(\/|$)/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value === 'number' && Number.isInteger(value) ? 'the integer' : `the ${typeof value}`} ${String(value)}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

const PATTERN_EXPLANATIONS = new Map<string, string>(
  Object.values(PATTERNS).map(({ pattern, explain }) => [pattern, explain]),
);

const SPECIAL_MINIMUMS: Record<string, string> = {
  '/monitoring/heartbeatSeconds': 'heartbeats run on a schedule that ticks at most once a minute',
};

/** One ajv error as a problem a person can act on (the connector format uses it too). */
export function translate(error: ErrorObject): SpecProblem | undefined {
  const pointer = error.instancePath;
  const data: unknown = error.data;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const parent = error.parentSchema as
        | { properties?: Record<string, { description?: unknown }> }
        | undefined;
      const description = parent?.properties?.[missing]?.description;
      const what =
        typeof description === 'string'
          ? ` — ${/^[A-Z](?![A-Z])/.test(description) ? description.charAt(0).toLowerCase() + description.slice(1) : description}`
          : '';
      return { pointer, message: `missing required property "${missing}"${what}` };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      const allowed = Object.keys(parent?.properties ?? {});
      const hint = didYouMean(extra, allowed);
      return {
        pointer: childPointer(pointer, extra),
        message: `unknown property "${extra}"; allowed here: ${allowed.join(', ')}`,
        ...(hint ? { hint } : {}),
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof data === 'string' ? didYouMean(data, allowed) : undefined;
      return {
        pointer,
        message: `${describeType(data)} is not allowed; use one of ${allowed.map((v) => `"${v}"`).join(', ')}`,
        ...(hint ? { hint } : {}),
      };
    }
    case 'const':
      return {
        pointer,
        message: `must be ${JSON.stringify(params.allowedValue)}; found ${describeType(data)}`,
      };
    case 'type': {
      const types = String(params.type).split(',');
      return { pointer, message: `must be ${types.map(article).join(' or ')}; found ${describeType(data)}` };
    }
    case 'pattern': {
      const explain =
        PATTERN_EXPLANATIONS.get(String(params.pattern)) ?? `must match ${String(params.pattern)}`;
      if (error.schemaPath.includes('/propertyNames/')) return undefined; // reported by propertyNames
      return { pointer, message: `${JSON.stringify(data)} is not valid: ${explain}` };
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      return {
        pointer: childPointer(pointer, name),
        message: `"${name}" is not a valid key here: ${PATTERNS.hubspotProperty.explain}`,
      };
    }
    case 'format':
      return {
        pointer,
        message: `${JSON.stringify(data)} is not a valid URL; write e.g. "https://api.example.com"`,
      };
    case 'minimum':
    case 'maximum': {
      const bound = String(params.limit);
      const why = error.keyword === 'minimum' ? SPECIAL_MINIMUMS[pointer] : undefined;
      return {
        pointer,
        message: `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${bound}; found ${String(data)}${why ? ` (${why})` : ''}`,
      };
    }
    case 'minLength':
      return params.limit === 1
        ? { pointer, message: 'must not be empty' }
        : { pointer, message: `must be at least ${String(params.limit)} characters long` };
    case 'maxLength':
      return { pointer, message: `must be at most ${String(params.limit)} characters long` };
    case 'minItems':
      return {
        pointer,
        message: `needs at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`,
      };
    case 'maxItems':
      return pointer === '/flows'
        ? { pointer, message: 'has more than 2 flows; there is one flow per direction' }
        : { pointer, message: `has more than ${String(params.limit)} items` };
    case 'uniqueItems':
      return {
        pointer: childPointer(pointer, Number(params.i)),
        message: `repeats item ${String(params.j)}; list each entry once`,
      };
    default:
      return { pointer, message: error.message ?? `fails ${error.keyword}` };
  }
}

function versionProblem(root: Record<string, unknown>): SpecProblem | undefined {
  if (!('specVersion' in root)) {
    return {
      pointer: '',
      message: `missing "specVersion"; an integration spec starts with "specVersion": ${SPEC_VERSION}`,
    };
  }
  if (root.specVersion !== SPEC_VERSION) {
    return {
      pointer: '/specVersion',
      message: `specVersion ${JSON.stringify(root.specVersion)} is not supported; this Kongo reads specVersion ${SPEC_VERSION}`,
    };
  }
  return undefined;
}

/** Checks every mapping value tree present in the (unvalidated) document. */
function valueProblems(root: Record<string, unknown>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const flows = Array.isArray(root.flows) ? root.flows : [];
  flows.forEach((flow, flowIndex) => {
    if (!isPlainObject(flow) || !Array.isArray(flow.mappings)) return;
    flow.mappings.forEach((mapping, mappingIndex) => {
      if (isPlainObject(mapping) && 'value' in mapping) {
        problems.push(...checkValue(mapping.value, `/flows/${flowIndex}/mappings/${mappingIndex}/value`));
      }
    });
  });
  return problems;
}

/**
 * Validates a parsed integration-spec.json. On success the returned spec has every default applied
 * (the input is not modified). On failure, every problem found, each with its JSON pointer.
 *
 * @example
 * const result = validateSpec(JSON.parse(text));
 * if (!result.ok) for (const p of result.problems) console.log(p.pointer, p.message);
 */
export function validateSpec(json: unknown): ValidationResult {
  if (!isPlainObject(json)) {
    return {
      ok: false,
      problems: [
        { pointer: '', message: `an integration spec is a JSON object; found ${describeType(json)}` },
      ],
    };
  }
  const version = versionProblem(json);
  if (version) return { ok: false, problems: [version] };

  const spec = structuredClone(json);
  const validate = schemaValidator();
  validate(spec);
  const schemaProblems: SpecProblem[] = [];
  for (const error of validate.errors ?? []) {
    if (INSIDE_VALUE.test(error.instancePath)) continue;
    const problem = translate(error);
    if (problem) schemaProblems.push(problem);
  }
  const problems = dedupe([...schemaProblems, ...valueProblems(spec), ...semanticProblems(spec)]);
  if (problems.length > 0) return { ok: false, problems };
  const complete = applyDerivedDefaults(spec);
  // On the completed spec: a parameter name left to its default is shared as much as one written twice.
  const environments = environmentProblems(complete);
  if (environments.length > 0) return { ok: false, problems: environments };
  return { ok: true, spec: complete };
}

/**
 * Removes repeats, a format error where the same field already failed its pattern, and a
 * "missing required property" when the same object has a misspelling of exactly that name.
 */
function dedupe(problems: SpecProblem[]): SpecProblem[] {
  const seen = new Set<string>();
  const patternFailed = new Set(
    problems.filter((p) => p.message.includes(' is not valid: ')).map((p) => p.pointer),
  );
  const suggested = new Set(
    problems
      .filter((p) => p.hint !== undefined && p.message.startsWith('unknown property'))
      .map((p) => `${p.pointer.slice(0, p.pointer.lastIndexOf('/'))}|${p.hint?.slice(14, -2)}`),
  );
  return problems.filter((problem) => {
    const key = `${problem.pointer}|${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (problem.message.includes('is not a valid URL') && patternFailed.has(problem.pointer)) return false;
    const missing = /^missing required property "([^"]*)"/.exec(problem.message)?.[1];
    if (missing !== undefined && suggested.has(`${problem.pointer}|${missing}`)) return false;
    return true;
  });
}

/** Like `validateSpec`, but returns the spec or throws a `SpecError` listing the problems. */
export function assertValidSpec(json: unknown, source?: string): IntegrationSpec {
  const result = validateSpec(json);
  if (!result.ok) throw new SpecError(result.problems, source === undefined ? {} : { source });
  return result.spec;
}
