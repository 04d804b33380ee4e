/**
 * The generate-time check of enumMap labels against the options the systems offer — the same pure
 * `findEnumLabelProblems` each reconciliation run calls with freshly read options. Generating never
 * reads the live systems (no tokens, no API budget, reproducible output); the options come from what
 * the consultant has on disk:
 *
 * - a HubSpot properties snapshot (`--hubspot-properties FILE`: the body of
 *   `GET /crm/v3/properties/{objectType}`, values and labels), which wins for the properties it holds;
 * - the spec's `studio.schemas`, the field snapshots the studio stores when a field is first mapped
 *   (option values only; as of that moment, so the check is only as fresh as the snapshot).
 *
 * The check never changes the output: it returns findings for the command to print as warnings.
 * Fields with no known options are listed as unchecked, never guessed.
 */
import {
  type EnumLabelProblem,
  enumFieldsOf,
  findEnumLabelProblems,
  type LiveOption,
  type LiveOptions,
} from '@kongo/runtime/reconcile';
import type { IntegrationSpec } from '@kongo/runtime/spec';

export type LabelSource = 'hubspot-properties' | 'studio-schemas';

export interface LabelCheck {
  /** The enum fields the spec's enumMaps read or write, per side (empty: nothing to check). */
  fields: { hubspot: string[]; destination: string[] };
  /** Where the options came from, in the order they were consulted. */
  sources: LabelSource[];
  /** Fields checked against known options. */
  checked: { hubspot: string[]; destination: string[] };
  /** Enum fields whose options no source had. */
  unchecked: { hubspot: string[]; destination: string[] };
  problems: EnumLabelProblem[];
}

interface PropertyLike {
  name?: unknown;
  options?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * HubSpot property definitions → options by property name. Accepts the body of
 * `GET /crm/v3/properties/{objectType}` (`{ results: [...] }`), an array of properties, or one
 * property (`GET /crm/v3/properties/{objectType}/{name}`). Throws on anything else.
 */
export function hubspotOptionsFromProperties(json: unknown): Record<string, LiveOption[]> {
  const list: unknown[] = Array.isArray(json)
    ? json
    : isRecord(json) && Array.isArray(json.results)
      ? json.results
      : isRecord(json) && typeof json.name === 'string'
        ? [json]
        : [];
  if (list.length === 0)
    throw new Error(
      'not HubSpot property definitions: expected the body of GET /crm/v3/properties/{objectType} ({"results": [...]}), an array of properties or one property',
    );
  const out: Record<string, LiveOption[]> = {};
  for (const item of list) {
    const property = item as PropertyLike;
    if (!isRecord(item) || typeof property.name !== 'string') continue;
    if (!Array.isArray(property.options) || property.options.length === 0) continue;
    const options: LiveOption[] = [];
    for (const option of property.options) {
      if (!isRecord(option) || typeof option.value !== 'string') continue;
      options.push({
        value: option.value,
        ...(typeof option.label === 'string' && option.label !== '' ? { label: option.label } : {}),
      });
    }
    if (options.length > 0) out[property.name] = options;
  }
  return out;
}

/** `studio.schemas` (studio/src/model/drift.ts) → option values by field, per side. */
export function optionsFromStudioSchemas(studio: Record<string, unknown> | undefined): LiveOptions {
  const live: LiveOptions = { hubspot: {}, destination: {} };
  const schemas = studio?.schemas;
  if (!isRecord(schemas)) return live;
  for (const side of ['hubspot', 'destination'] as const) {
    const fields = schemas[side];
    if (!isRecord(fields)) continue;
    for (const [name, snapshot] of Object.entries(fields)) {
      if (!isRecord(snapshot) || !Array.isArray(snapshot.options)) continue;
      const values = snapshot.options.filter((value): value is string => typeof value === 'string');
      if (values.length > 0) live[side][name] = values.map((value) => ({ value }));
    }
  }
  return live;
}

export interface LabelCheckInput {
  spec: IntegrationSpec;
  /** Parsed `--hubspot-properties` file, when given. */
  hubspotProperties?: unknown;
}

export function checkEnumLabels(input: LabelCheckInput): LabelCheck {
  const { spec } = input;
  const fields = enumFieldsOf(spec);
  fields.hubspot.sort();
  fields.destination.sort();
  const studio = optionsFromStudioSchemas(spec.studio);
  const fromFile =
    input.hubspotProperties === undefined ? undefined : hubspotOptionsFromProperties(input.hubspotProperties);
  const live: LiveOptions = { hubspot: {}, destination: {} };
  const used = new Set<LabelSource>();
  for (const name of fields.hubspot) {
    const file = fromFile?.[name];
    const snapshot = studio.hubspot[name];
    if (file) {
      live.hubspot[name] = file;
      used.add('hubspot-properties');
    } else if (snapshot) {
      live.hubspot[name] = snapshot;
      used.add('studio-schemas');
    }
  }
  for (const name of fields.destination) {
    const snapshot = studio.destination[name];
    if (snapshot) {
      live.destination[name] = snapshot;
      used.add('studio-schemas');
    }
  }
  const known = (side: 'hubspot' | 'destination') => fields[side].filter((name) => name in live[side]);
  const unknown = (side: 'hubspot' | 'destination') => fields[side].filter((name) => !(name in live[side]));
  return {
    fields,
    sources: (['hubspot-properties', 'studio-schemas'] as const).filter((source) => used.has(source)),
    checked: { hubspot: known('hubspot'), destination: known('destination') },
    unchecked: { hubspot: unknown('hubspot'), destination: unknown('destination') },
    problems: findEnumLabelProblems(spec, live),
  };
}

const SOURCE_NAMES: Record<LabelSource, string> = {
  'hubspot-properties': 'the HubSpot properties file',
  'studio-schemas': "the spec's studio.schemas snapshot",
};

/**
 * The check as warning lines for the terminal: one per flagged key or value (pointer, what the
 * spec says, the closest option), then one line naming what was not checked and how to check it.
 * Empty when the spec has no enumMap.
 */
export function formatLabelCheck(check: LabelCheck, objectType: string): string[] {
  const total = check.fields.hubspot.length + check.fields.destination.length;
  if (total === 0) return [];
  const lines: string[] = [];
  const how = `pass --hubspot-properties FILE (the body of GET /crm/v3/properties/${objectType}), keep studio.schemas in the spec (the studio stores it), or run \`kongo reconcile SPEC --dry-run\` against the live systems`;
  const checkedCount = check.checked.hubspot.length + check.checked.destination.length;
  if (checkedCount === 0) {
    lines.push(`enumMap labels not checked: no options known for ${describeFields(check.fields)}; ${how}.`);
    return lines;
  }
  const from = check.sources.map((source) => SOURCE_NAMES[source]).join(' and ');
  if (check.problems.length === 0) {
    lines.push(`enumMap labels checked against ${from}: every key and value is an exact option.`);
  } else {
    lines.push(
      `warning: ${check.problems.length} enumMap ${check.problems.length === 1 ? 'entry does' : 'entries do'} not exactly match the options in ${from} (the runtime matches exactly; nothing was changed):`,
    );
    for (const problem of check.problems) {
      const which = problem.end === 'input' ? 'key' : 'value';
      lines.push(`warning:   ${problem.pointer} (map ${which}): ${problem.message}`);
    }
  }
  const uncheckedCount = check.unchecked.hubspot.length + check.unchecked.destination.length;
  if (uncheckedCount > 0) {
    lines.push(
      `enumMap labels not checked for ${describeFields(check.unchecked)} (no options known); ${how}.`,
    );
  }
  return lines;
}

function describeFields(fields: { hubspot: string[]; destination: string[] }): string {
  const parts: string[] = [];
  if (fields.hubspot.length > 0)
    parts.push(`HubSpot ${fields.hubspot.map((name) => `"${name}"`).join(', ')}`);
  if (fields.destination.length > 0)
    parts.push(`destination ${fields.destination.map((name) => `"${name}"`).join(', ')}`);
  return parts.join(' and ');
}
