/**
 * How mapping modules are written: one line per target field, its value built with the runtime's
 * formula builders, so the module reads like the studio's canvas and evaluates with the runtime's
 * one engine (`applyTransforms`). Notes for the reviewer live beside the table, as data.
 */
import type { Direction, Mapping, Value } from '@kongo/runtime/spec';

/** target field → its value (a formula tree built with field, literal, nul, lowercase, …). */
export type MappingTable = Readonly<Record<string, Value>>;
/** target field → the consultant's note for the reviewer. */
export type MappingNotes = Readonly<Record<string, string>>;

/** The table as the spec's `mappings` array, in the table's order. */
export function mappingList(table: MappingTable, notes: MappingNotes = {}): Mapping[] {
  return Object.entries(table).map(([target, value]) => {
    const note = Object.hasOwn(notes, target) ? notes[target] : undefined;
    return note === undefined ? { target, value } : { target, value, note };
  });
}

export type MappingsByDirection = Partial<Record<Direction, Mapping[]>>;
