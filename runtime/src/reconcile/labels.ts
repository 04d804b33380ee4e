/**
 * Human mistakes in enumMaps: option values typed into a spec that don't exactly match what the
 * live systems offer ("Customer " for `customer`, "Checked In" for `CHECKED_IN`, "custmer").
 * Exact matching is what the runtime does, so a near miss silently never matches; this finds each
 * one and names the closest live option. Pure: the generator calls it at generate time with the
 * options it has read, each reconciliation run calls it with freshly read options — never on cold
 * start (reading options spends API budget).
 */
import { distance } from 'fastest-levenshtein';
import type { Direction, IntegrationSpec, Value } from '../spec/types.ts';

/** A live option: HubSpot gives a value and a label; GraphQL enums only a name (value = label). */
export interface LiveOption {
  value: string;
  label?: string;
}

/** Live options per field, per side: HubSpot property name → options; destination field → options. */
export interface LiveOptions {
  hubspot: Record<string, LiveOption[]>;
  destination: Record<string, LiveOption[]>;
}

export interface EnumLabelProblem {
  /** JSON pointer into the spec, e.g. /flows/1/mappings/7/value/enumMap/map/CANCELED */
  pointer: string;
  direction: Direction;
  /** Which end of the map: a key is read from the source side, a value written to the target side. */
  end: 'input' | 'output';
  side: 'hubspot' | 'destination';
  field: string;
  /** What the spec says. */
  written: string;
  /** The live option it most likely means, when one is close. */
  closest?: string;
  kind: 'case' | 'spacing' | 'label-not-value' | 'typo' | 'unknown';
  message: string;
}

/** Lowercased, whitespace and separators removed: "Checked In" ≈ "CHECKED_IN" ≈ "checked-in". */
function squash(text: string): string {
  return text.toLowerCase().replace(/[\s_\-.]+/g, '');
}

type Verdict = Pick<EnumLabelProblem, 'kind'> & { closest?: string };

/** How `written` relates to the live options (undefined = it is exactly one of them). */
export function judgeOption(written: string, options: readonly LiveOption[]): Verdict | undefined {
  if (options.some((o) => o.value === written)) return undefined;
  const byLabel = options.find((o) => o.label !== undefined && o.label === written);
  if (byLabel) return { closest: byLabel.value, kind: 'label-not-value' };
  const lower = written.trim().toLowerCase();
  const caseOnly = options.find((o) => o.value.toLowerCase() === lower && o.value.trim() === o.value);
  if (caseOnly && written.trim() === written) return { closest: caseOnly.value, kind: 'case' };
  const squashed = squash(written);
  const spacing =
    options.find((o) => squash(o.value) === squashed) ??
    options.find((o) => o.label !== undefined && squash(o.label) === squashed);
  if (spacing) return { closest: spacing.value, kind: 'spacing' };
  let best: LiveOption | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const option of options) {
    for (const candidate of [option.value, option.label]) {
      if (candidate === undefined) continue;
      const d = distance(squashed, squash(candidate));
      if (d < bestDistance) {
        bestDistance = d;
        best = option;
      }
    }
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(squashed.length / 3)));
  if (best && bestDistance <= allowed) return { closest: best.value, kind: 'typo' };
  return best ? { closest: best.value, kind: 'unknown' } : { kind: 'unknown' };
}

/** The field an enumMap reads: the innermost field reference of its input. */
function inputField(value: Value): string | undefined {
  if ('field' in value) return value.field;
  if ('lowercase' in value) return inputField(value.lowercase[0]);
  if ('stripSpaces' in value) return inputField(value.stripSpaces[0]);
  return undefined;
}

interface FoundMap {
  pointer: string;
  input: Value;
  map: Record<string, string | null>;
  target: string;
}

/** Every enumMap in a value tree whose output is written straight to the mapping's target. */
function enumMaps(value: Value, pointer: string, target: string, out: FoundMap[]): void {
  if ('enumMap' in value) {
    out.push({ pointer: `${pointer}/enumMap`, input: value.enumMap.input, map: value.enumMap.map, target });
    enumMaps(value.enumMap.input, `${pointer}/enumMap/input`, '', out);
    if (value.enumMap.otherwise)
      enumMaps(value.enumMap.otherwise, `${pointer}/enumMap/otherwise`, target, out);
    return;
  }
  if ('concat' in value) {
    value.concat.forEach((v, i) => {
      enumMaps(v, `${pointer}/concat/${i}`, '', out);
    });
  }
  if ('lowercase' in value) enumMaps(value.lowercase[0], `${pointer}/lowercase/0`, '', out);
  if ('stripSpaces' in value) enumMaps(value.stripSpaces[0], `${pointer}/stripSpaces/0`, '', out);
}

const pointerToken = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function describe(p: Omit<EnumLabelProblem, 'message'>): string {
  const where = `${p.side === 'hubspot' ? 'HubSpot property' : 'destination field'} "${p.field}"`;
  const hint = p.closest === undefined ? '' : `; the closest live option is "${p.closest}"`;
  switch (p.kind) {
    case 'case':
      return `"${p.written}" differs only in case from the live option "${p.closest}" of ${where}: options match exactly`;
    case 'spacing':
      return `"${p.written}" differs in spacing or separators from the live option "${p.closest}" of ${where}`;
    case 'label-not-value':
      return `"${p.written}" is the label of an option of ${where}; the map needs its value "${p.closest}"`;
    case 'typo':
      return `"${p.written}" is not an option of ${where}${hint} (a typo?)`;
    default:
      return `"${p.written}" is not an option of ${where}${hint}`;
  }
}

/**
 * Checks every enumMap of the spec against the live options. Fields whose options are not known
 * (not in `live`) are skipped, not guessed.
 * @example findEnumLabelProblems(spec, { hubspot: { hs_lead_status: [{ value: 'OPEN', label: 'Open' }] }, destination: {} })
 */
export function findEnumLabelProblems(spec: IntegrationSpec, live: LiveOptions): EnumLabelProblem[] {
  const problems: EnumLabelProblem[] = [];
  spec.flows.forEach((flow, f) => {
    const sourceSide: EnumLabelProblem['side'] =
      flow.direction === 'hubspot-to-destination' ? 'hubspot' : 'destination';
    const targetSide: EnumLabelProblem['side'] = sourceSide === 'hubspot' ? 'destination' : 'hubspot';
    flow.mappings.forEach((mapping, m) => {
      const found: FoundMap[] = [];
      enumMaps(mapping.value, `/flows/${f}/mappings/${m}/value`, mapping.target, found);
      for (const map of found) {
        const field = inputField(map.input);
        const sourceOptions = field === undefined ? undefined : live[sourceSide][field];
        const targetOptions = map.target === '' ? undefined : live[targetSide][map.target];
        for (const [key, output] of Object.entries(map.map)) {
          if (sourceOptions && field !== undefined) {
            const verdict = judgeOption(key, sourceOptions);
            if (verdict) {
              const p: Omit<EnumLabelProblem, 'message'> = {
                pointer: `${map.pointer}/map/${pointerToken(key)}`,
                direction: flow.direction,
                end: 'input' as const,
                side: sourceSide,
                field,
                written: key,
                ...verdict,
              };
              problems.push({ ...p, message: describe(p) });
            }
          }
          if (targetOptions && output !== null) {
            const verdict = judgeOption(output, targetOptions);
            if (verdict) {
              const p: Omit<EnumLabelProblem, 'message'> = {
                pointer: `${map.pointer}/map/${pointerToken(key)}`,
                direction: flow.direction,
                end: 'output' as const,
                side: targetSide,
                field: map.target,
                written: output,
                ...verdict,
              };
              problems.push({ ...p, message: describe(p) });
            }
          }
        }
      }
    });
  });
  return problems;
}

/** The HubSpot properties and destination fields whose options the check needs. */
export function enumFieldsOf(spec: IntegrationSpec): { hubspot: string[]; destination: string[] } {
  const hubspot = new Set<string>();
  const destination = new Set<string>();
  for (const flow of spec.flows) {
    const source = flow.direction === 'hubspot-to-destination' ? hubspot : destination;
    const target = source === hubspot ? destination : hubspot;
    for (const mapping of flow.mappings) {
      const found: FoundMap[] = [];
      enumMaps(mapping.value, '', mapping.target, found);
      for (const map of found) {
        const field = inputField(map.input);
        if (field !== undefined) source.add(field);
        if (map.target !== '') target.add(map.target);
      }
    }
  }
  return { hubspot: [...hubspot], destination: [...destination] };
}
