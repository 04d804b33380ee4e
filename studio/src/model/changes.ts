/**
 * Every edit the studio can make, as data, and the pure function that applies one. The canvas,
 * the panels, keyboard shortcuts and the spec editor all go through `applyMappingChange`, so the
 * same change always has the same effect and undo/redo is a stack of states.
 */
import { syncSnapshots } from './drift.ts';
import {
  type FormulaPreset,
  findPair,
  type PairDirection,
  type PairRef,
  removePair,
  setFieldOwner,
  setPair,
  setPairFormula,
  unionDirection,
} from './pairs.ts';
import type {
  Direction,
  Draft,
  EditMapping,
  EditValue,
  FormulaName,
  NodeLocation,
  Schema,
  SchemaSide,
  Selection,
  StudioSpec,
  WorkspaceState,
} from './types.ts';
import { sidesOf } from './types.ts';
import { emptyFormula, isPrefix, valueAt, withValueAt } from './values.ts';
import { fieldIndex, flowIndex, schemaOf } from './workspace.ts';

/** A formula's input: the argument list position (concat/lowercase/stripSpaces), or enumMap's input/otherwise. */
export type Slot = number | 'append' | 'input' | 'otherwise';

/** Where a drag starts: a source field's handle or a formula's output. */
export type ConnectFrom = { kind: 'source-field'; name: string } | { kind: 'node'; location: NodeLocation };
/** Where a drag ends: a target field's handle or a formula's input. */
export type ConnectTo =
  | { kind: 'target-field'; name: string }
  | { kind: 'slot'; location: NodeLocation; slot: Slot };

export type MappingChange =
  | { type: 'load-schema'; schema: Schema }
  | { type: 'replace-spec'; spec: StudioSpec }
  | { type: 'set-direction'; direction: Direction }
  | { type: 'select'; selection: Selection | null }
  | { type: 'connect'; direction: Direction; from: ConnectFrom; to: ConnectTo }
  | { type: 'add-formula'; direction: Direction; kind: FormulaName }
  | { type: 'wrap'; direction: Direction; target: string; kind: FormulaName }
  | { type: 'remove-mapping'; direction: Direction; target: string }
  | { type: 'delete-node'; location: NodeLocation }
  | { type: 'set-literal'; location: NodeLocation; value: string | number | boolean }
  | { type: 'add-literal'; location: NodeLocation; value: string }
  | { type: 'move-part'; location: NodeLocation; from: number; to: number }
  | { type: 'set-enum'; location: NodeLocation; entries: Record<string, string | null | undefined> }
  | { type: 'set-otherwise'; location: NodeLocation; value: EditValue | undefined }
  | { type: 'accept-suggestion'; direction: Direction; source: string; target: string }
  | { type: 'reject-suggestion'; direction: Direction; source: string; target: string }
  | { type: 'set-natural-key'; hubspotProperty?: string; destinationField?: string }
  | { type: 'set-note'; direction: Direction; target: string; note: string }
  | { type: 'accept-drift'; side: SchemaSide }
  | { type: 'set-pair'; hubspot: string; destination: string; direction: PairDirection; replace?: PairRef }
  | { type: 'remove-pair'; pair: PairRef }
  | { type: 'set-pair-formula'; pair: PairRef; direction: Direction; preset: FormulaPreset }
  | { type: 'set-field-owner'; hubspot: string; owner: 'hubspot' | 'destination' | 'latest' | null }
  | { type: 'accept-pairs'; pairs: { hubspot: string; destination: string; direction: PairDirection }[] };

/** Changes that only move the consultant's focus; undo skips them. */
export function isNavigation(change: MappingChange): boolean {
  return change.type === 'select' || change.type === 'set-direction';
}

export function rejectionKey(direction: Direction, source: string, target: string): string {
  return `${direction}|${source}|${target}`;
}

/** Apply one change. Pure: returns a new state (or the same one when the change does nothing). */
export function applyMappingChange(state: WorkspaceState, change: MappingChange): WorkspaceState {
  const next = applyRaw(state, change);
  if (next === state) return state;
  const spec = syncSnapshots(next);
  return spec === next.spec ? next : { ...next, spec };
}

function applyRaw(state: WorkspaceState, change: MappingChange): WorkspaceState {
  switch (change.type) {
    case 'load-schema':
      return change.schema.side === 'hubspot'
        ? { ...state, hubspot: change.schema }
        : { ...state, destination: change.schema };
    case 'replace-spec':
      return { ...state, spec: change.spec, selection: null };
    case 'set-direction':
      return state.direction === change.direction
        ? state
        : { ...state, direction: change.direction, selection: null };
    case 'select':
      return { ...state, selection: change.selection };
    case 'connect':
      return connect(state, change.direction, change.from, change.to);
    case 'add-formula': {
      const draft: Draft = {
        id: `d${state.nextDraft}`,
        direction: change.direction,
        value: emptyFormula(change.kind),
      };
      return {
        ...state,
        drafts: [...state.drafts, draft],
        nextDraft: state.nextDraft + 1,
        selection: {
          kind: 'node',
          location: { direction: change.direction, owner: { kind: 'draft', id: draft.id }, path: [] },
        },
      };
    }
    case 'wrap':
      return wrap(state, change.direction, change.target, change.kind);
    case 'remove-mapping':
      return removeMapping(state, change.direction, change.target);
    case 'delete-node':
      return { ...setOwnerValue(state, change.location, undefined), selection: null };
    case 'set-literal': {
      const current = readAt(state, change.location);
      if (!current || !('literal' in current)) return state;
      return setOwnerValue(state, change.location, { literal: change.value });
    }
    case 'add-literal': {
      const current = readAt(state, change.location);
      if (!current || !('concat' in current)) return state;
      return setOwnerValue(state, change.location, {
        concat: [...current.concat, { literal: change.value }],
      });
    }
    case 'move-part': {
      const current = readAt(state, change.location);
      if (!current || !('concat' in current)) return state;
      const parts = [...current.concat];
      const [moved] = parts.splice(change.from, 1);
      if (!moved || change.to < 0 || change.to > parts.length) return state;
      parts.splice(change.to, 0, moved);
      return setOwnerValue(state, change.location, { concat: parts });
    }
    case 'set-enum': {
      const current = readAt(state, change.location);
      if (!current || !('enumMap' in current)) return state;
      const map = { ...current.enumMap.map };
      for (const [from, to] of Object.entries(change.entries)) {
        if (to === undefined) delete map[from];
        else map[from] = to;
      }
      return setOwnerValue(state, change.location, { enumMap: { ...current.enumMap, map } });
    }
    case 'set-otherwise': {
      const current = readAt(state, change.location);
      if (!current || !('enumMap' in current)) return state;
      const { otherwise: _old, ...rest } = current.enumMap;
      const enumMap = change.value === undefined ? rest : { ...rest, otherwise: change.value };
      return setOwnerValue(state, change.location, { enumMap });
    }
    case 'accept-suggestion': {
      const { source, target } = sidesOf(change.direction);
      const from = fieldIndex(schemaOf(state, source)).get(change.source);
      const to = fieldIndex(schemaOf(state, target)).get(change.target);
      // An option list on both sides needs translating: start an enumMap the consultant then fills in.
      const value: EditValue =
        from?.type === 'enum' && to?.type === 'enum'
          ? { enumMap: { input: { field: change.source }, map: {} } }
          : { field: change.source };
      return setMapping(state, change.direction, change.target, value);
    }
    case 'reject-suggestion': {
      const key = rejectionKey(change.direction, change.source, change.target);
      return state.rejected.includes(key) ? state : { ...state, rejected: [...state.rejected, key] };
    }
    case 'set-natural-key': {
      const naturalKey = { ...state.spec.destination.naturalKey };
      if (change.hubspotProperty !== undefined) naturalKey.hubspotProperty = change.hubspotProperty;
      if (change.destinationField !== undefined) naturalKey.destinationField = change.destinationField;
      return { ...state, spec: { ...state.spec, destination: { ...state.spec.destination, naturalKey } } };
    }
    case 'set-note':
      return updateMappings(state, change.direction, (mappings) =>
        mappings.map((m) => {
          if (m.target !== change.target) return m;
          const { note: _old, ...rest } = m;
          return change.note ? { ...rest, note: change.note } : rest;
        }),
      );
    case 'set-pair':
      return setPair(state, change.hubspot, change.destination, change.direction, change.replace);
    case 'remove-pair':
      return removePair(state, change.pair);
    case 'set-pair-formula':
      return setPairFormula(state, change.pair, change.direction, change.preset);
    case 'set-field-owner':
      return setFieldOwner(state, change.hubspot, change.owner);
    case 'accept-pairs': {
      let next = state;
      for (const pair of change.pairs) {
        // Accepting one direction of a pair that already has the other makes it ↔, never one-way.
        const existing = findPair(next.spec, pair.hubspot, pair.destination);
        next = setPair(
          next,
          pair.hubspot,
          pair.destination,
          unionDirection(existing?.direction, pair.direction),
        );
        // An option list on both sides needs translating: start enumMaps the consultant fills in.
        const from = fieldIndex(next.hubspot).get(pair.hubspot);
        const to = fieldIndex(next.destination).get(pair.destination);
        if (from?.type === 'enum' && to?.type === 'enum')
          for (const direction of ['hubspot-to-destination', 'destination-to-hubspot'] as const) {
            if (direction === 'hubspot-to-destination' && pair.direction === 'to-hubspot') continue;
            if (direction === 'destination-to-hubspot' && pair.direction === 'to-destination') continue;
            next = setPairFormula(next, pair, direction, 'enumMap');
          }
      }
      return next;
    }
    case 'accept-drift': {
      const studio = { ...(state.spec.studio ?? {}) };
      const schemas = { ...((studio.schemas as Record<string, unknown> | undefined) ?? {}) };
      delete schemas[change.side];
      studio.schemas = schemas;
      // syncSnapshots re-records every referenced field from the live schema.
      return { ...state, spec: { ...state.spec, studio } };
    }
  }
}

/** The value at a node location, or undefined. */
export function readAt(state: WorkspaceState, location: NodeLocation): EditValue | undefined {
  const root = ownerRoot(state, location);
  return root === undefined ? undefined : valueAt(root, location.path);
}

function ownerRoot(state: WorkspaceState, location: NodeLocation): EditValue | undefined {
  const { owner } = location;
  if (owner.kind === 'draft') return state.drafts.find((d) => d.id === owner.id)?.value;
  const flow = state.spec.flows[flowIndex(state.spec, location.direction)];
  return flow?.mappings.find((m) => m.target === owner.target)?.value;
}

/** Replace (or remove, with undefined) the value at a location; removing a root removes the mapping/draft. */
function setOwnerValue(
  state: WorkspaceState,
  location: NodeLocation,
  next: EditValue | undefined,
): WorkspaceState {
  const root = ownerRoot(state, location);
  if (root === undefined) return state;
  const replaced = withValueAt(root, location.path, next);
  const { owner } = location;
  if (owner.kind === 'draft') {
    const drafts =
      replaced === undefined
        ? state.drafts.filter((d) => d.id !== owner.id)
        : state.drafts.map((d) => (d.id === owner.id ? { ...d, value: replaced } : d));
    return { ...state, drafts };
  }
  if (replaced === undefined) return removeMapping(state, location.direction, owner.target);
  return updateMappings(state, location.direction, (mappings) =>
    mappings.map((m) => (m.target === owner.target ? { ...m, value: replaced } : m)),
  );
}

function updateMappings(
  state: WorkspaceState,
  direction: Direction,
  update: (mappings: EditMapping[]) => EditMapping[],
): WorkspaceState {
  const index = flowIndex(state.spec, direction);
  const flows = [...state.spec.flows];
  if (index < 0) {
    flows.push({ direction, triggers: [], mappings: update([]) });
  } else {
    const flow = flows[index]!;
    flows[index] = { ...flow, mappings: update(flow.mappings) };
  }
  return { ...state, spec: { ...state.spec, flows } };
}

/** Map `target` to `value`: replaces the first mapping of that target (keeping its note) or appends one. */
function setMapping(
  state: WorkspaceState,
  direction: Direction,
  target: string,
  value: EditValue,
): WorkspaceState {
  return updateMappings(state, direction, (mappings) => {
    const at = mappings.findIndex((m) => m.target === target);
    if (at < 0) return [...mappings, { target, value }];
    const copy = [...mappings];
    copy[at] = { ...copy[at]!, value };
    return copy;
  });
}

function removeMapping(state: WorkspaceState, direction: Direction, target: string): WorkspaceState {
  const flow = state.spec.flows[flowIndex(state.spec, direction)];
  if (!flow?.mappings.some((m) => m.target === target)) return state;
  const selection =
    state.selection?.kind === 'mapping' && state.selection.target === target ? null : state.selection;
  return { ...updateMappings(state, direction, (ms) => ms.filter((m) => m.target !== target)), selection };
}

function wrap(
  state: WorkspaceState,
  direction: Direction,
  target: string,
  kind: FormulaName,
): WorkspaceState {
  const location: NodeLocation = { direction, owner: { kind: 'mapping', target }, path: [] };
  const current = ownerRoot(state, location);
  if (!current) return state;
  const wrapped: EditValue =
    kind === 'null'
      ? { null: {} }
      : kind === 'enumMap'
        ? { enumMap: { input: current, map: {} } }
        : kind === 'concat'
          ? { concat: [current] }
          : kind === 'lowercase'
            ? { lowercase: [current] }
            : { stripSpaces: [current] };
  return { ...setOwnerValue(state, location, wrapped), selection: { kind: 'node', location } };
}

function slotPath(value: EditValue, slot: Slot): (string | number)[] | null {
  if ('concat' in value) {
    if (slot === 'append') return ['concat', value.concat.length];
    return typeof slot === 'number' && slot <= value.concat.length ? ['concat', slot] : null;
  }
  if ('lowercase' in value) return slot === 0 || slot === 'append' ? ['lowercase', 0] : null;
  if ('stripSpaces' in value) return slot === 0 || slot === 'append' ? ['stripSpaces', 0] : null;
  if ('enumMap' in value) {
    if (slot === 'input' || slot === 0 || slot === 'append') return ['enumMap', 'input'];
    if (slot === 'otherwise') return ['enumMap', 'otherwise'];
  }
  return null; // `null` takes no input
}

function sameOwner(a: NodeLocation, b: NodeLocation): boolean {
  if (a.direction !== b.direction || a.owner.kind !== b.owner.kind) return false;
  return a.owner.kind === 'draft'
    ? a.owner.id === (b.owner as { id: string }).id
    : a.owner.target === (b.owner as { target: string }).target;
}

function connect(
  state: WorkspaceState,
  direction: Direction,
  from: ConnectFrom,
  to: ConnectTo,
): WorkspaceState {
  const moved: EditValue | undefined =
    from.kind === 'source-field' ? { field: from.name } : readAt(state, from.location);
  if (!moved) return state;

  if (to.kind === 'target-field') {
    const targetField = fieldIndex(schemaOf(state, sidesOf(direction).target)).get(to.name);
    // Read-only and calculated properties cannot be written: refuse, whatever the UI allowed.
    if (targetField?.readOnly || targetField?.calculated) return state;
    if (from.kind === 'node') {
      const { owner, path } = from.location;
      if (owner.kind === 'mapping' && owner.target === to.name && path.length === 0) return state;
      const detached = setOwnerValue(state, from.location, undefined);
      return {
        ...setMapping(detached, direction, to.name, moved),
        selection: { kind: 'mapping', direction, target: to.name },
      };
    }
    return {
      ...setMapping(state, direction, to.name, moved),
      selection: { kind: 'mapping', direction, target: to.name },
    };
  }

  const host = readAt(state, to.location);
  if (!host) return state;
  const relative = slotPath(host, to.slot);
  if (!relative) return state;
  const insertPath = [...to.location.path, ...relative];
  if (from.kind === 'node' && sameOwner(from.location, to.location)) {
    // A formula cannot feed itself or one of its own inputs.
    if (isPrefix(from.location.path, to.location.path)) return state;
  }
  const inserted = setOwnerValue(state, { ...to.location, path: insertPath }, moved);
  if (from.kind === 'source-field') return inserted;
  // The old place of a moved formula disappears, unless it sat inside the slot just overwritten.
  if (sameOwner(from.location, to.location) && isPrefix(insertPath, from.location.path)) return inserted;
  return setOwnerValue(inserted, from.location, undefined);
}
