/**
 * Field pairs: the table's view of the spec, as HubSpot's Data Sync shows it. One pair is a HubSpot
 * property and a destination field with a direction (→, ←, ↔), a formula per direction and, when both
 * directions write, a conflict owner (`policies.fieldOwnership`). The spec keeps the truth — a pair is
 * read from each flow's `mappings` and written back to them — so the canvas and the table edit the
 * same data through these pure functions.
 */
import type { FieldOwner } from '@kongo/runtime/spec';
import type { Direction, EditMapping, EditValue, FieldDef, StudioSpec, WorkspaceState } from './types.ts';
import { fieldsRead } from './values.ts';
import { fieldIndex, flowIndex, mappingsOf } from './workspace.ts';

export type PairDirection = 'to-destination' | 'to-hubspot' | 'both';
export const PAIR_ARROWS: Record<PairDirection, string> = {
  'to-destination': '→',
  'to-hubspot': '←',
  both: '↔',
};

export interface FieldPair {
  /** `${hubspot}|${destination}`; a side without a field (a fixed value) is empty. */
  id: string;
  hubspot: string | null;
  destination: string | null;
  /** The hubspot-to-destination mapping (its target is `destination`). */
  toDestination?: EditMapping;
  /** The destination-to-hubspot mapping (its target is `hubspot`). */
  toHubSpot?: EditMapping;
  direction: PairDirection;
  /** `policies.fieldOwnership[hubspot]`, when set. */
  owner?: FieldOwner;
}

const H2D: Direction = 'hubspot-to-destination';
const D2H: Direction = 'destination-to-hubspot';

/** The field a mapping's value is "about": the first field it reads (enumMap's input, concat's first part). */
export function primaryField(value: EditValue): string | null {
  return fieldsRead(value)[0] ?? null;
}

/**
 * Every pair of the spec, in the order of the hubspot-to-destination mappings, then the reverse
 * mappings that pair with none of them. A reverse mapping joins a forward one when each reads the
 * other's target.
 */
export function pairsOf(spec: StudioSpec): FieldPair[] {
  const ownership = spec.policies?.fieldOwnership ?? {};
  const pairs: FieldPair[] = [];
  const byId = new Map<string, FieldPair>();
  for (const m of mappingsOf(spec, H2D)) {
    const hubspot = primaryField(m.value);
    const pair: FieldPair = {
      id: `${hubspot ?? ''}|${m.target}`,
      hubspot,
      destination: m.target,
      toDestination: m,
      direction: 'to-destination',
    };
    pairs.push(pair);
    if (hubspot && !byId.has(pair.id)) byId.set(pair.id, pair);
  }
  for (const m of mappingsOf(spec, D2H)) {
    const destination = primaryField(m.value);
    const id = `${m.target}|${destination ?? ''}`;
    const forward = destination ? byId.get(id) : undefined;
    if (forward && !forward.toHubSpot) {
      forward.toHubSpot = m;
      forward.direction = 'both';
      continue;
    }
    pairs.push({ id, hubspot: m.target, destination, toHubSpot: m, direction: 'to-hubspot' });
  }
  for (const pair of pairs) {
    const owner = pair.hubspot ? ownership[pair.hubspot] : undefined;
    if (owner && pair.direction === 'both') pair.owner = owner;
  }
  return pairs;
}

export function findPair(
  spec: StudioSpec,
  hubspot: string | null,
  destination: string | null,
): FieldPair | undefined {
  return pairsOf(spec).find((p) => p.hubspot === hubspot && p.destination === destination);
}

/**
 * The value for the other direction of a pair, built from this direction's value, or the reason there
 * is none. Normalising formulas (lowercase, stripSpaces) copy the value back as it is; an enumMap is
 * inverted (the first source option wins where two map to the same target option); concat joins
 * several values into one and cannot be split again, so it has no inverse.
 */
export function inverseValue(
  value: EditValue,
  otherField: string,
): { value: EditValue } | { refused: string } {
  if ('field' in value) return { value: { field: otherField } };
  if ('literal' in value || 'null' in value)
    return { refused: 'a fixed value reads no field, so there is nothing to write back' };
  if ('concat' in value)
    return {
      refused:
        'concat joins several values into one and has no inverse: keep this pair one way (→ or ←) and map the other direction on its own',
    };
  if ('lowercase' in value || 'stripSpaces' in value) {
    const args = 'lowercase' in value ? value.lowercase : value.stripSpaces;
    const [only] = args;
    if (args.length !== 1 || !only) return { refused: 'the formula has no single input to invert' };
    return inverseValue(only, otherField);
  }
  const input = value.enumMap.input;
  if (!input || !('field' in input))
    return { refused: 'the enumMap reads no field, so it cannot be inverted' };
  const map: Record<string, string | null> = {};
  for (const [from, to] of Object.entries(value.enumMap.map)) {
    if (to === null || to in map) continue;
    map[to] = from;
  }
  return { value: { enumMap: { input: { field: otherField }, map } } };
}

/** Why a pair cannot take a direction, or null when it can. */
export function directionRefusal(
  state: WorkspaceState,
  pair: Pick<FieldPair, 'hubspot' | 'destination' | 'toDestination' | 'toHubSpot'>,
  direction: PairDirection,
): string | null {
  if (!pair.hubspot || !pair.destination) return 'this mapping writes a fixed value: edit it on the canvas';
  const hubspotField = fieldIndex(state.hubspot).get(pair.hubspot);
  const destinationField = fieldIndex(state.destination).get(pair.destination);
  const writable = (f: FieldDef | undefined) => !f || !(f.readOnly || f.calculated);
  if (direction !== 'to-hubspot' && !writable(destinationField))
    return `${pair.destination} is read-only in the destination: it can only be read (←)`;
  if (direction !== 'to-destination' && !writable(hubspotField))
    return `${pair.hubspot} is read-only or calculated in HubSpot: it can only be read (→)`;
  if (direction === 'both') {
    const existing = pair.toDestination ?? pair.toHubSpot;
    const other = pair.toDestination ? pair.hubspot : pair.destination;
    if (existing && other) {
      const inverse = inverseValue(existing.value, other);
      if ('refused' in inverse) return `↔ is not possible: ${inverse.refused}`;
    }
  }
  return null;
}

/** Replace every reference to field `from` by `to` inside a value tree. */
export function renameField(value: EditValue, from: string, to: string): EditValue {
  if ('field' in value) return value.field === from ? { field: to } : value;
  if ('literal' in value || 'null' in value) return value;
  if ('lowercase' in value) return { lowercase: value.lowercase.map((v) => renameField(v, from, to)) };
  if ('stripSpaces' in value) return { stripSpaces: value.stripSpaces.map((v) => renameField(v, from, to)) };
  if ('concat' in value) return { concat: value.concat.map((v) => renameField(v, from, to)) };
  const { input, otherwise, map } = value.enumMap;
  const enumMap: { input?: EditValue; map: Record<string, string | null>; otherwise?: EditValue } = { map };
  if (input) enumMap.input = renameField(input, from, to);
  if (otherwise) enumMap.otherwise = renameField(otherwise, from, to);
  return { enumMap };
}

/** Formula presets the table offers per direction; anything richer is edited on the canvas. */
export type FormulaPreset = 'copy' | 'lowercase' | 'stripSpaces' | 'lowercase+stripSpaces' | 'enumMap';
export const FORMULA_PRESETS: readonly FormulaPreset[] = [
  'copy',
  'lowercase',
  'stripSpaces',
  'lowercase+stripSpaces',
  'enumMap',
];
export const PRESET_LABELS: Record<FormulaPreset, string> = {
  copy: 'as is',
  lowercase: 'lowercase',
  stripSpaces: 'strip spaces',
  'lowercase+stripSpaces': 'lowercase + strip spaces',
  enumMap: 'enumMap (translate options)',
};

/** Which preset a value is, or null when it is something the table cannot express (concat, literals…). */
export function presetOf(value: EditValue): FormulaPreset | null {
  if ('field' in value) return 'copy';
  if ('enumMap' in value) return value.enumMap.input && 'field' in value.enumMap.input ? 'enumMap' : null;
  const one = (args: EditValue[]) => (args.length === 1 ? args[0] : undefined);
  if ('lowercase' in value) {
    const inner = one(value.lowercase);
    if (inner && 'field' in inner) return 'lowercase';
    if (inner && 'stripSpaces' in inner && one(inner.stripSpaces) && 'field' in inner.stripSpaces[0]!)
      return 'lowercase+stripSpaces';
    return null;
  }
  if ('stripSpaces' in value) {
    const inner = one(value.stripSpaces);
    if (inner && 'field' in inner) return 'stripSpaces';
    if (inner && 'lowercase' in inner && one(inner.lowercase) && 'field' in inner.lowercase[0]!)
      return 'lowercase+stripSpaces';
    return null;
  }
  return null;
}

/** The value a preset builds over one field; an enumMap keeps the map it already had. */
export function presetValue(preset: FormulaPreset, field: string, current?: EditValue): EditValue {
  const input: EditValue = { field };
  switch (preset) {
    case 'copy':
      return input;
    case 'lowercase':
      return { lowercase: [input] };
    case 'stripSpaces':
      return { stripSpaces: [input] };
    case 'lowercase+stripSpaces':
      return { lowercase: [{ stripSpaces: [input] }] };
    case 'enumMap':
      return current && 'enumMap' in current
        ? { enumMap: { ...current.enumMap, input } }
        : { enumMap: { input, map: {} } };
  }
}

// ---- state transforms (called by applyMappingChange) ----

function withMappings(
  state: WorkspaceState,
  direction: Direction,
  update: (mappings: EditMapping[]) => EditMapping[],
): WorkspaceState {
  const index = flowIndex(state.spec, direction);
  const flows = [...state.spec.flows];
  if (index < 0) {
    const mappings = update([]);
    if (mappings.length === 0) return state;
    flows.push({ direction, triggers: [], mappings });
  } else {
    const flow = flows[index]!;
    flows[index] = { ...flow, mappings: update(flow.mappings) };
  }
  return { ...state, spec: { ...state.spec, flows } };
}

function put(state: WorkspaceState, direction: Direction, target: string, value: EditValue): WorkspaceState {
  return withMappings(state, direction, (mappings) => {
    const at = mappings.findIndex((m) => m.target === target);
    if (at < 0) return [...mappings, { target, value }];
    const copy = [...mappings];
    copy[at] = { ...copy[at]!, value };
    return copy;
  });
}

function drop(state: WorkspaceState, direction: Direction, target: string): WorkspaceState {
  return withMappings(state, direction, (mappings) => mappings.filter((m) => m.target !== target));
}

function setOwnership(state: WorkspaceState, hubspot: string, owner: FieldOwner | null): WorkspaceState {
  const policies = state.spec.policies ?? { deletes: 'flag', emptyValues: 'skip' };
  const current = policies.fieldOwnership ?? {};
  if ((current[hubspot] ?? null) === owner) return state;
  const fieldOwnership = { ...current };
  if (owner) fieldOwnership[hubspot] = owner;
  else delete fieldOwnership[hubspot];
  const { fieldOwnership: _old, ...rest } = policies;
  const next = Object.keys(fieldOwnership).length > 0 ? { ...rest, fieldOwnership } : rest;
  return { ...state, spec: { ...state.spec, policies: next as typeof policies } };
}

export interface PairRef {
  hubspot: string | null;
  destination: string | null;
}

/**
 * Make (or re-make) the pair `hubspot`–`destination` go `direction`. With `replace`, the pair being
 * edited: its formulas follow the new fields (a renamed field is renamed inside them). A direction
 * the pair no longer has loses its mapping; a new direction gets the inverse of the other one (or a
 * plain copy). Returns the state unchanged when `directionRefusal` says no.
 */
export function setPair(
  state: WorkspaceState,
  hubspot: string,
  destination: string,
  direction: PairDirection,
  replace?: PairRef,
): WorkspaceState {
  const old = replace ? findPair(state.spec, replace.hubspot, replace.destination) : undefined;
  const sameAsOld = old && old.hubspot === hubspot && old.destination === destination;
  const existing = sameAsOld ? old : findPair(state.spec, hubspot, destination);
  let forward = existing?.toDestination?.value;
  let backward = existing?.toHubSpot?.value;
  if (old && !sameAsOld) {
    // Carry the edited pair's formulas over to its new fields.
    if (old.toDestination) {
      forward = old.toDestination.value;
      if (old.hubspot && old.hubspot !== hubspot) forward = renameField(forward, old.hubspot, hubspot);
    }
    if (old.toHubSpot) {
      backward = old.toHubSpot.value;
      if (old.destination && old.destination !== destination)
        backward = renameField(backward, old.destination, destination);
    }
  }
  const candidate = {
    hubspot,
    destination,
    ...(forward ? { toDestination: { target: destination, value: forward } } : {}),
    ...(backward ? { toHubSpot: { target: hubspot, value: backward } } : {}),
  };
  if (directionRefusal(state, candidate, direction)) return state;

  let next = state;
  if (old && !sameAsOld) {
    if (old.toDestination && old.destination) next = drop(next, H2D, old.destination);
    if (old.toHubSpot && old.hubspot) next = drop(next, D2H, old.hubspot);
    if (old.hubspot) next = setOwnership(next, old.hubspot, null);
  }
  const wantForward = direction !== 'to-hubspot';
  const wantBackward = direction !== 'to-destination';
  if (wantForward && !forward) {
    const inverse = backward ? inverseValue(backward, hubspot) : null;
    forward = inverse && 'value' in inverse ? inverse.value : { field: hubspot };
  }
  if (wantBackward && !backward) {
    const inverse = forward ? inverseValue(forward, destination) : null;
    backward = inverse && 'value' in inverse ? inverse.value : { field: destination };
  }
  if (wantForward && forward) next = put(next, H2D, destination, forward);
  else if (existing?.toDestination || (sameAsOld && old?.toDestination)) next = drop(next, H2D, destination);
  if (wantBackward && backward) next = put(next, D2H, hubspot, backward);
  else if (existing?.toHubSpot || (sameAsOld && old?.toHubSpot)) next = drop(next, D2H, hubspot);
  if (!wantForward || !wantBackward) next = setOwnership(next, hubspot, null);
  return next;
}

/** Remove both mappings of a pair (and its owner). */
export function removePair(state: WorkspaceState, ref: PairRef): WorkspaceState {
  const pair = findPair(state.spec, ref.hubspot, ref.destination);
  if (!pair) return state;
  let next = state;
  if (pair.toDestination) next = drop(next, H2D, pair.toDestination.target);
  if (pair.toHubSpot) next = drop(next, D2H, pair.toHubSpot.target);
  if (pair.hubspot) next = setOwnership(next, pair.hubspot, null);
  return next;
}

/** Set one direction's formula of a pair to a preset (the table's formula column). */
export function setPairFormula(
  state: WorkspaceState,
  ref: PairRef,
  direction: Direction,
  preset: FormulaPreset,
): WorkspaceState {
  const pair = findPair(state.spec, ref.hubspot, ref.destination);
  const mapping = direction === H2D ? pair?.toDestination : pair?.toHubSpot;
  const source = direction === H2D ? pair?.hubspot : pair?.destination;
  if (!pair || !mapping || !source) return state;
  if (presetOf(mapping.value) === null && preset !== 'copy') return state; // richer formulas: canvas only
  return put(state, direction, mapping.target, presetValue(preset, source, mapping.value));
}

/** Who wins a conflict on a ↔ pair; null returns it to the default (the most recent change). */
export function setFieldOwner(
  state: WorkspaceState,
  hubspot: string,
  owner: FieldOwner | null,
): WorkspaceState {
  const pair = pairsOf(state.spec).find((p) => p.hubspot === hubspot && p.direction === 'both');
  if (!pair && owner) return state; // fieldOwnership keys must be written by both directions
  return setOwnership(state, hubspot, owner);
}

/** The direction covering both `a` and `b` (→ and ← make ↔). */
export function unionDirection(a: PairDirection | undefined, b: PairDirection): PairDirection {
  return !a || a === b ? b : 'both';
}
