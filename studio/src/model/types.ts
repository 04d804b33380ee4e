/** The studio's framework-free data: imported schemas, the spec being edited, and what is selected. */
import type {
  DestinationSide,
  Direction,
  FieldRef,
  FormulaName,
  HubSpotSide,
  IntegrationSpec,
  Literal,
} from '@kongo/runtime/spec';

export type { Direction, FormulaName, IntegrationSpec };

/** Field types the studio reasons about; importers map each source format onto these. */
export type FieldType = 'string' | 'number' | 'boolean' | 'date' | 'datetime' | 'enum' | 'unknown';

export interface FieldOption {
  value: string;
  label: string;
  hidden?: boolean;
}

/** One property / field of a side, whatever format it was imported from. */
export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  /** HubSpot's groupName, or a section from the import (e.g. the GraphQL type name). */
  group: string;
  options?: FieldOption[];
  /** Cannot be written (HubSpot read-only value, GraphQL field absent from the input type, JSON Schema readOnly). */
  readOnly?: boolean;
  /** HubSpot calculated property. */
  calculated?: boolean;
  /** Must be written on create (required destination field). */
  required?: boolean;
  description?: string;
}

export type SchemaSide = 'hubspot' | 'destination';

export interface Schema {
  side: SchemaSide;
  /** Where it came from, shown to the consultant: "HubSpot simulator", "openapi.json › Job", … */
  source: string;
  fields: FieldDef[];
}

/**
 * A value while it is being edited. Same JSON tree as the spec's `Value`, except that formula
 * arguments may still be missing (a formula node dropped on the canvas before anything is wired
 * into it); validation reports those as formula argument errors.
 */
export type EditValue =
  | FieldRef
  | Literal
  | { null: Record<string, never> }
  | { lowercase: EditValue[] }
  | { stripSpaces: EditValue[] }
  | { concat: EditValue[] }
  | { enumMap: { input?: EditValue; map: Record<string, string | null>; otherwise?: EditValue } };

export interface EditMapping {
  target: string;
  value: EditValue;
  note?: string;
}

export interface EditFlow {
  direction: Direction;
  triggers: string[];
  mappings: EditMapping[];
}

/** The spec as the studio holds it: the real spec, with mapping values possibly unfinished. */
export type StudioSpec = Omit<IntegrationSpec, 'flows' | 'hubspot' | 'destination'> & {
  hubspot: HubSpotSide;
  destination: DestinationSide;
  flows: EditFlow[];
};

/** A formula node not yet wired to a target; lives beside the spec (autosaved, never exported). */
export interface Draft {
  id: string;
  direction: Direction;
  value: EditValue;
}

/** Where a formula sits: in a mapping's value tree or a draft's, at a path of JSON keys below it. */
export type Owner = { kind: 'mapping'; target: string } | { kind: 'draft'; id: string };
export type PathSegment = string | number;
export interface NodeLocation {
  direction: Direction;
  owner: Owner;
  path: PathSegment[];
}

export type Selection =
  | { kind: 'mapping'; direction: Direction; target: string }
  | { kind: 'node'; location: NodeLocation }
  | { kind: 'field'; side: SchemaSide; name: string };

export interface WorkspaceState {
  hubspot: Schema | null;
  destination: Schema | null;
  spec: StudioSpec;
  drafts: Draft[];
  /** Suggestion pairs the consultant said no to: `${direction}|${source}|${target}`. */
  rejected: string[];
  direction: Direction;
  selection: Selection | null;
  /** Incremented to mint draft ids; kept so ids stay unique after undo. */
  nextDraft: number;
}

/** Compact record of a field as it was when the spec was built against it (drift detection). */
export interface FieldSnapshot {
  type: FieldType;
  options?: string[];
}

export interface SchemaSnapshots {
  hubspot?: Record<string, FieldSnapshot>;
  destination?: Record<string, FieldSnapshot>;
}

export const DIRECTIONS: readonly Direction[] = ['hubspot-to-destination', 'destination-to-hubspot'];

/** Which schema feeds a direction's left (source) and right (target) columns. */
export function sidesOf(direction: Direction): { source: SchemaSide; target: SchemaSide } {
  return direction === 'hubspot-to-destination'
    ? { source: 'hubspot', target: 'destination' }
    : { source: 'destination', target: 'hubspot' };
}
