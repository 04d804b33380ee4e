/**
 * Drift: the spec remembers, in `studio.schemas`, each field it uses as it was when first mapped.
 * When the live schema differs (a property deleted, its type changed, options added or removed),
 * the consultant is told, and can accept the live schema as the new baseline.
 */
import type {
  Direction,
  FieldDef,
  FieldSnapshot,
  Schema,
  SchemaSide,
  SchemaSnapshots,
  StudioSpec,
  WorkspaceState,
} from './types.ts';
import { DIRECTIONS, sidesOf } from './types.ts';
import { fieldsRead } from './values.ts';
import { mappingsOf } from './workspace.ts';

export interface DriftItem {
  side: SchemaSide;
  field: string;
  kind: 'deleted' | 'type-changed' | 'options-added' | 'options-removed';
  message: string;
  options?: string[];
}

/** Field names each side's schema is referenced by in the spec (mappings both ways and the natural key). */
export function referencedFields(spec: StudioSpec): Record<SchemaSide, Set<string>> {
  const used: Record<SchemaSide, Set<string>> = { hubspot: new Set(), destination: new Set() };
  for (const direction of DIRECTIONS as Direction[]) {
    const { source, target } = sidesOf(direction);
    for (const m of mappingsOf(spec, direction)) {
      used[target].add(m.target);
      for (const f of fieldsRead(m.value)) used[source].add(f);
    }
  }
  used.hubspot.add(spec.destination.naturalKey.hubspotProperty);
  used.destination.add(spec.destination.naturalKey.destinationField);
  return used;
}

export function snapshotsOf(spec: StudioSpec): SchemaSnapshots {
  const schemas = spec.studio?.schemas;
  return schemas && typeof schemas === 'object' ? (schemas as SchemaSnapshots) : {};
}

function snapshotField(field: FieldDef): FieldSnapshot {
  return field.options
    ? { type: field.type, options: field.options.map((o) => o.value) }
    : { type: field.type };
}

/**
 * Record every referenced field not yet in the snapshot (from the live schema) and forget fields
 * no longer referenced. Existing entries are never refreshed here: that would hide drift.
 * Returns the same spec object when nothing changes.
 */
export function syncSnapshots(state: WorkspaceState): StudioSpec {
  const { spec } = state;
  const used = referencedFields(spec);
  const current = snapshotsOf(spec);
  let changed = false;
  const next: SchemaSnapshots = { ...current };
  for (const side of ['hubspot', 'destination'] as const) {
    const schema: Schema | null = side === 'hubspot' ? state.hubspot : state.destination;
    const before = current[side] ?? {};
    const after: Record<string, FieldSnapshot> = {};
    const live = schema ? new Map(schema.fields.map((f) => [f.name, f])) : null;
    for (const name of used[side]) {
      const known = before[name];
      if (known) after[name] = known;
      else {
        const field = live?.get(name);
        if (field) after[name] = snapshotField(field);
      }
    }
    const beforeKeys = Object.keys(before);
    const afterKeys = Object.keys(after);
    if (beforeKeys.length !== afterKeys.length || afterKeys.some((k) => !(k in before))) {
      changed = true;
      if (afterKeys.length === 0) delete next[side];
      else next[side] = Object.fromEntries(Object.entries(after).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
  if (!changed) return spec;
  const studio: Record<string, unknown> = { ...(spec.studio ?? {}) };
  if (Object.keys(next).length === 0) delete studio.schemas;
  else studio.schemas = next;
  const out: StudioSpec = { ...spec };
  if (Object.keys(studio).length === 0) delete out.studio;
  else out.studio = studio;
  return out;
}

/** Differences between the snapshot the spec was built against and the live schemas. */
export function detectDrift(state: WorkspaceState): DriftItem[] {
  const items: DriftItem[] = [];
  const snapshots = snapshotsOf(state.spec);
  for (const side of ['hubspot', 'destination'] as const) {
    const schema = side === 'hubspot' ? state.hubspot : state.destination;
    const snapshot = snapshots[side];
    if (!schema || !snapshot) continue;
    const live = new Map(schema.fields.map((f) => [f.name, f]));
    for (const [name, was] of Object.entries(snapshot)) {
      const now = live.get(name);
      if (!now) {
        items.push({
          side,
          field: name,
          kind: 'deleted',
          message: `${name} no longer exists in ${schema.source}`,
        });
        continue;
      }
      if (now.type !== was.type) {
        items.push({
          side,
          field: name,
          kind: 'type-changed',
          message: `${name} changed type from ${was.type} to ${now.type}`,
        });
      }
      const before = new Set(was.options ?? []);
      const after = new Set((now.options ?? []).map((o) => o.value));
      const added = [...after].filter((o) => !before.has(o));
      const removed = [...before].filter((o) => !after.has(o));
      if (was.options && added.length > 0)
        items.push({
          side,
          field: name,
          kind: 'options-added',
          message: `${name} has new option${added.length > 1 ? 's' : ''}: ${added.join(', ')}`,
          options: added,
        });
      if (removed.length > 0)
        items.push({
          side,
          field: name,
          kind: 'options-removed',
          message: `${name} lost option${removed.length > 1 ? 's' : ''}: ${removed.join(', ')}`,
          options: removed,
        });
    }
  }
  return items;
}
