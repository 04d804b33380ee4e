/**
 * Live validation of the mapping work: every problem says what is wrong, how to fix it, and where
 * it is (a direction/target/formula path for the canvas and a JSON pointer for the spec editor).
 */
import { validateSpec } from '@kongo/runtime/spec';
import { detectDrift } from './drift.ts';
import type {
  Direction,
  EditValue,
  FieldDef,
  FieldType,
  NodeLocation,
  PathSegment,
  SchemaSide,
  WorkspaceState,
} from './types.ts';
import { sidesOf } from './types.ts';
import { childrenOf, formulaName, outputType } from './values.ts';
import { fieldIndex, schemaOf } from './workspace.ts';

export type ProblemCode =
  | 'type-mismatch'
  | 'required-unmapped'
  | 'enum-unmapped-options'
  | 'enum-unknown-option'
  | 'target-mapped-twice'
  | 'formula-arguments'
  | 'unknown-field'
  | 'read-only-target'
  | 'natural-key-unmapped'
  | 'draft-unconnected'
  | 'drift'
  | 'flow-empty'
  | 'spec';

export interface ProblemLocation {
  direction?: Direction;
  /** The mapping's target field, when the problem belongs to a mapping. */
  target?: string;
  /** The formula node, when the problem is inside a value tree. */
  node?: NodeLocation;
  /** A field of one side (required fields, drift, natural key). */
  field?: { side: SchemaSide; name: string };
  /** JSON pointer into integration-spec.json, for the spec editor. */
  pointer?: string;
}

export interface Problem {
  id: string;
  severity: 'error' | 'warning';
  code: ProblemCode;
  message: string;
  location: ProblemLocation;
}

/** Can a value of type `from` be written into a field of type `to`? 'maybe' = works for some values. */
export function typeFit(from: FieldType, to: FieldType): 'yes' | 'maybe' | 'no' {
  if (from === to || from === 'unknown' || to === 'unknown' || to === 'string') return 'yes';
  if (to === 'enum') return from === 'string' ? 'maybe' : 'no';
  if (to === 'date' || to === 'datetime') {
    if (from === 'date' || from === 'datetime') return 'yes';
    return from === 'string' ? 'maybe' : 'no';
  }
  if (to === 'number' || to === 'boolean') return from === 'string' || from === 'enum' ? 'maybe' : 'no';
  return 'no';
}

const pointerEscape = (s: PathSegment) => String(s).replaceAll('~', '~0').replaceAll('/', '~1');

export function validateWorkspace(state: WorkspaceState): Problem[] {
  const problems: Problem[] = [];
  const add = (p: Omit<Problem, 'id'>) => problems.push({ ...p, id: `${problems.length}:${p.code}` });
  const { spec } = state;

  spec.flows.forEach((flow, flowIndex) => {
    const { direction } = flow;
    const { source, target } = sidesOf(direction);
    const sourceFields = fieldIndex(schemaOf(state, source));
    const targetFields = fieldIndex(schemaOf(state, target));
    const sourceLoaded = schemaOf(state, source) !== null;
    const targetLoaded = schemaOf(state, target) !== null;
    const seen = new Map<string, number>();

    flow.mappings.forEach((mapping, mappingIndex) => {
      const base = `/flows/${flowIndex}/mappings/${mappingIndex}`;
      const where = { direction, target: mapping.target };
      const targetField = targetFields.get(mapping.target);
      const count = (seen.get(mapping.target) ?? 0) + 1;
      seen.set(mapping.target, count);
      if (count === 2)
        add({
          severity: 'error',
          code: 'target-mapped-twice',
          message: `${mapping.target} is mapped more than once in ${label(direction)}; keep one mapping`,
          location: { ...where, pointer: `${base}/target` },
        });
      if (targetLoaded && !targetField)
        add({
          severity: 'error',
          code: 'unknown-field',
          message: `${mapping.target} is not a field of ${schemaOf(state, target)?.source}`,
          location: { ...where, pointer: `${base}/target` },
        });
      if (targetField && (targetField.readOnly || targetField.calculated))
        add({
          severity: 'error',
          code: 'read-only-target',
          message: `${mapping.target} is ${targetField.calculated ? 'calculated' : 'read-only'} and cannot be written`,
          location: { ...where, pointer: `${base}/target` },
        });

      const walk = (value: EditValue, path: PathSegment[]) => {
        const node: NodeLocation = { direction, owner: { kind: 'mapping', target: mapping.target }, path };
        const pointer = `${base}/value${path.map((s) => `/${pointerEscape(s)}`).join('')}`;
        if ('field' in value) {
          if (sourceLoaded && !sourceFields.has(value.field))
            add({
              severity: 'error',
              code: 'unknown-field',
              message: `${value.field} (read by ${mapping.target}) is not a field of ${schemaOf(state, source)?.source}`,
              location: { ...where, node, pointer },
            });
          return;
        }
        const kind = formulaName(value);
        const argError = (message: string) =>
          add({
            severity: 'error',
            code: 'formula-arguments',
            message,
            location: { ...where, node, pointer },
          });
        if ((kind === 'lowercase' || kind === 'stripSpaces') && childrenOf(value).length !== 1)
          argError(`${kind} for ${mapping.target} needs exactly one input; connect a field to it`);
        if (kind === 'concat' && childrenOf(value).length === 0)
          argError(`concat for ${mapping.target} has no parts; connect fields or add text`);
        if ('enumMap' in value) {
          if (!value.enumMap.input)
            argError(`enumMap for ${mapping.target} has no input; connect a field to it`);
          checkEnum(value, path.length === 0 ? targetField : undefined, node, pointer);
        }
        for (const child of childrenOf(value)) walk(child.value, [...path, ...child.path]);
      };

      const checkEnum = (
        value: Extract<EditValue, { enumMap: unknown }>,
        targetDef: FieldDef | undefined,
        node: NodeLocation,
        pointer: string,
      ) => {
        const input = value.enumMap.input;
        const inputField = input && 'field' in input ? sourceFields.get(input.field) : undefined;
        if (inputField?.options && !value.enumMap.otherwise) {
          const missing = inputField.options.filter((o) => !(o.value in value.enumMap.map));
          if (missing.length > 0)
            add({
              severity: 'warning',
              code: 'enum-unmapped-options',
              message: `${inputField.name} → ${mapping.target}: ${missing.length} of ${inputField.options.length} options unmapped (${missing
                .slice(0, 4)
                .map((o) => o.value)
                .join(', ')}${missing.length > 4 ? ', …' : ''}); map them or set an otherwise value`,
              location: { ...where, node, pointer: `${pointer}/enumMap/map` },
            });
        }
        if (targetDef?.options) {
          const allowed = new Set(targetDef.options.map((o) => o.value));
          for (const [from, to] of Object.entries(value.enumMap.map)) {
            if (to !== null && !allowed.has(to))
              add({
                severity: 'error',
                code: 'enum-unknown-option',
                message: `${from} maps to ${to}, which is not an option of ${mapping.target}`,
                location: { ...where, node, pointer: `${pointer}/enumMap/map/${pointerEscape(from)}` },
              });
          }
        }
      };

      walk(mapping.value, []);

      if (targetField && sourceLoaded) {
        const produced = outputType(mapping.value, sourceFields);
        const fit = typeFit(produced, targetField.type);
        const viaField = 'field' in mapping.value ? sourceFields.get(mapping.value.field) : undefined;
        if (fit === 'no')
          add({
            severity: 'error',
            code: 'type-mismatch',
            message: `${mapping.target} is ${targetField.type} but receives ${produced}`,
            location: { ...where, pointer: `${base}/value` },
          });
        else if (
          targetField.type === 'enum' &&
          viaField?.type === 'enum' &&
          viaField.options &&
          targetField.options
        ) {
          const allowed = new Set(targetField.options.map((o) => o.value));
          const foreign = viaField.options.filter((o) => !allowed.has(o.value));
          if (foreign.length > 0)
            add({
              severity: 'warning',
              code: 'type-mismatch',
              message: `${viaField.name} options differ from ${mapping.target}'s (${foreign.length} not accepted); insert an enumMap`,
              location: { ...where, pointer: `${base}/value` },
            });
        } else if (fit === 'maybe')
          add({
            severity: 'warning',
            code: 'type-mismatch',
            message: `${mapping.target} is ${targetField.type} but receives ${produced}; values that don't fit will fail`,
            location: { ...where, pointer: `${base}/value` },
          });
      }
    });

    if (flow.mappings.length === 0)
      add({
        severity: 'error',
        code: 'flow-empty',
        message: `${label(direction)} has no mappings yet; map at least one field (or remove this direction in the spec)`,
        location: { direction, pointer: `/flows/${flowIndex}/mappings` },
      });

    if (direction === 'hubspot-to-destination')
      for (const field of targetFields.values())
        if (field.required && !field.readOnly && !seen.has(field.name))
          add({
            severity: 'error',
            code: 'required-unmapped',
            message: `${field.name} is required by the destination and not mapped`,
            location: { direction, field: { side: target, name: field.name } },
          });

    const key =
      direction === 'hubspot-to-destination'
        ? spec.destination.naturalKey.destinationField
        : spec.destination.naturalKey.hubspotProperty;
    if (!seen.has(key))
      add({
        severity: direction === 'hubspot-to-destination' ? 'error' : 'warning',
        code: 'natural-key-unmapped',
        message: `The natural key ${key} is not mapped in ${label(direction)}; records cannot be matched without it`,
        location: { direction, field: { side: target, name: key }, pointer: '/destination/naturalKey' },
      });
  });

  for (const draft of state.drafts)
    add({
      severity: 'warning',
      code: 'draft-unconnected',
      message: `A ${formulaName(draft.value)} formula is not connected to a target field yet`,
      location: {
        direction: draft.direction,
        node: { direction: draft.direction, owner: { kind: 'draft', id: draft.id }, path: [] },
      },
    });

  // The spec's own validator has the last word on what exports and generates; report what it
  // finds that the checks above have not already said at the same place.
  const result = validateSpec(JSON.parse(JSON.stringify(spec)) as unknown);
  if (!result.ok) {
    const covered = problems.map((p) => p.location.pointer).filter((p): p is string => p !== undefined);
    for (const problem of result.problems) {
      if (covered.some((c) => problem.pointer === c || problem.pointer.startsWith(`${c}/`))) continue;
      const flow = /^\/flows\/(\d+)/.exec(problem.pointer);
      const direction = flow ? spec.flows[Number(flow[1])]?.direction : undefined;
      add({
        severity: 'error',
        code: 'spec',
        message: `Spec: ${problem.pointer || '/'} ${problem.message}${problem.hint ? ` (${problem.hint})` : ''}`,
        location: direction ? { direction, pointer: problem.pointer } : { pointer: problem.pointer },
      });
    }
  }

  for (const item of detectDrift(state))
    add({
      severity: item.kind === 'options-added' ? 'warning' : 'error',
      code: 'drift',
      message: `Schema drift: ${item.message}`,
      location: { field: { side: item.side, name: item.field } },
    });

  return problems;
}

function label(direction: Direction): string {
  return direction === 'hubspot-to-destination' ? 'HubSpot → destination' : 'destination → HubSpot';
}
