/**
 * From the workspace to React Flow's nodes and edges, and from a drawn connection back to a model
 * change. Pure: the canvas component only renders what this returns.
 */
import type { Connection, Edge, Node } from '@xyflow/react';
import {
  type ConnectFrom,
  type ConnectTo,
  type Direction,
  type EditValue,
  type FieldDef,
  fieldIndex,
  formulaName,
  type MappingChange,
  mappingsOf,
  type NodeLocation,
  type PathSegment,
  type Schema,
  type Slot,
  schemaOf,
  sidesOf,
  type WorkspaceState,
} from '../model/index.ts';

export const SOURCE_LIST = 'source-list';
export const TARGET_LIST = 'target-list';
export const LIST_WIDTH = 270;
export const FORMULA_WIDTH = 210;
const MARGIN = 12;

/**
 * Where a list row is relative to its list's scroll window. An edge to a hidden row ends at the
 * list's edge: at the row's own stub (a labelled chip in the band above or below the rows, `stub`),
 * or — past the band's few stubs — at the band's "+N more" chip.
 */
export type RowPlace = 'visible' | 'above' | 'below' | { stub: 'above' | 'below' };
export type PlaceOf = ((name: string) => RowPlace) & {
  /** Where the edge to `name` leaves the list: its handle's y from the list's top (row, stub or edge). */
  y?: (name: string) => number | undefined;
};

/**
 * The y range a default React Flow bezier (source handle on the right, target on the left) covers
 * between x = `from` and x = `to`: control points half the horizontal distance out, so
 * x(t) = x1 + dx·(1.5·t·(1−t) + t³) and y(t) = y1 + dy·(3t² − 2t³).
 */
export function bezierSpan(
  a: { x: number; y: number },
  b: { x: number; y: number },
  from: number,
  to: number,
): [number, number] | null {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (let i = 0; i <= 64; i++) {
    const t = i / 64;
    const x = a.x + dx * (1.5 * t * (1 - t) + t ** 3);
    if (x < from || x > to) continue;
    const y = a.y + dy * (3 * t * t - 2 * t ** 3);
    low = Math.min(low, y);
    high = Math.max(high, y);
  }
  return low <= high ? [low, high] : null;
}

export interface FormulaNodeData extends Record<string, unknown> {
  location: NodeLocation;
  value: EditValue;
  /** Options of the field feeding an enumMap, and of the field it writes (when known). */
  inputField?: FieldDef;
  targetField?: FieldDef;
  targetName?: string;
  problems: number;
}

export type FieldListRole = 'source' | 'target';
export interface FieldListNodeData extends Record<string, unknown> {
  role: FieldListRole;
  schema: Schema | null;
  direction: Direction;
  /** Field name → what it maps to/from in this direction (for the row badge). */
  links: Map<string, string[]>;
  height: number;
  selected: string | null;
}

export function formulaNodeId(location: NodeLocation): string {
  const owner = location.owner.kind === 'draft' ? `d:${location.owner.id}` : `m:${location.owner.target}`;
  return `f|${location.direction}|${owner}|${location.path.join('.')}`;
}

function handleFor(parentValue: EditValue, segment: PathSegment[]): string {
  // segment is the child's path relative to its parent formula, e.g. ['concat', 2] or ['enumMap', 'input']
  const last = segment[segment.length - 1];
  if ('enumMap' in parentValue) return `in:${String(last)}`;
  return `in:${String(last)}`;
}

interface Built {
  nodes: Node[];
  edges: Edge[];
  locations: Map<string, NodeLocation>;
}

function estimateHeight(value: EditValue): number {
  if ('concat' in value) return 74 + value.concat.length * 30;
  if ('enumMap' in value) return 118;
  if ('null' in value) return 52;
  return 70;
}

/** Build the canvas for the workspace's current direction at the given size. */
export function buildGraph(
  state: WorkspaceState,
  size: { width: number; height: number },
  place: { source: PlaceOf; target: PlaceOf },
  problemCounts: Map<string, number>,
  overrides: ReadonlyMap<string, { x: number; y: number }>,
  /** Measured node sizes (from React Flow): a formula node takes its real height, not the estimate. */
  measured: ReadonlyMap<string, { width: number; height: number }> = new Map(),
): Built {
  const { direction } = state;
  const sides = sidesOf(direction);
  const sourceSchema = schemaOf(state, sides.source);
  const targetSchema = schemaOf(state, sides.target);
  const sourceFields = fieldIndex(sourceSchema);
  const targetFields = fieldIndex(targetSchema);
  const mappings = mappingsOf(state.spec, direction);
  const listHeight = Math.max(200, size.height - 2 * MARGIN);
  const targetX = Math.max(size.width - LIST_WIDTH - MARGIN, LIST_WIDTH + 2 * MARGIN + FORMULA_WIDTH);
  const middleLeft = MARGIN + LIST_WIDTH + 36;
  const rootX = targetX - 36 - FORMULA_WIDTH;

  const sourceLinks = new Map<string, string[]>();
  const targetLinks = new Map<string, string[]>();
  const link = (map: Map<string, string[]>, key: string, value: string) =>
    map.set(key, [...(map.get(key) ?? []), value]);

  const nodes: Node[] = [];
  const edges: Edge[] = [];
  const locations = new Map<string, NodeLocation>();
  let cursorY = 52;

  // Field-to-field lines cross the middle where formula nodes go: a node is placed clear of them
  // (below the first line it would cover), so no line runs hidden behind a node.
  const sourceX = MARGIN + LIST_WIDTH;
  const lines: Array<{ a: { x: number; y: number }; b: { x: number; y: number } }> = [];
  for (const mapping of mappings) {
    if (!('field' in mapping.value)) continue;
    const y1 = place.source.y?.(mapping.value.field);
    const y2 = place.target.y?.(mapping.target);
    if (y1 === undefined || y2 === undefined) continue;
    lines.push({ a: { x: sourceX, y: MARGIN + y1 }, b: { x: targetX, y: MARGIN + y2 } });
  }
  /**
   * The first y at or below `y` where a node of `height` at `x` covers no line (8 px clear) and still
   * ends above the lists' bottom; where no such gap is left, `y` itself (the node then covers a line
   * rather than leaving the screen).
   */
  const clearOfLines = (y: number, x: number, height: number): number => {
    const spans = lines
      .map((l) => bezierSpan(l.a, l.b, x - 4, x + FORMULA_WIDTH + 4))
      .filter((span): span is [number, number] => span !== null)
      .map(([low, high]) => [low - 8, high + 8] as const)
      .sort((p, q) => p[0] - q[0]);
    let top = y;
    for (const [low, high] of spans) if (top < high && top + height > low) top = high;
    return top + height <= MARGIN + listHeight ? top : y;
  };

  const handleOf = (where: RowPlace, name: string) =>
    where === 'visible'
      ? `f:${name}`
      : typeof where === 'string'
        ? `f:__${where}`
        : `f:__${where.stub}:${name}`;
  const sourceHandle = (name: string) => handleOf(place.source(name), name);
  const targetHandle = (name: string) => handleOf(place.target(name), name);

  const selectedNode = state.selection?.kind === 'node' ? formulaNodeId(state.selection.location) : null;
  const selectedTarget = state.selection?.kind === 'mapping' ? state.selection.target : null;

  /** Lay out one value tree: formula nodes right-to-left by depth, top-to-bottom in order. */
  const placeTree = (
    root: EditValue,
    base: Omit<NodeLocation, 'path'>,
    targetName: string | undefined,
    startX: number,
  ) => {
    const visit = (value: EditValue, path: PathSegment[], depth: number): string | null => {
      const kind = formulaName(value);
      if (!kind) return null;
      const location: NodeLocation = { ...base, path };
      const id = formulaNodeId(location);
      locations.set(id, location);
      const x = Math.max(middleLeft, startX - depth * (FORMULA_WIDTH + 28));
      const height = measured.get(id)?.height ?? estimateHeight(value);
      const y = clearOfLines(cursorY, x, height);
      cursorY = y + height + 18;
      const input = 'enumMap' in value ? value.enumMap.input : undefined;
      const data: FormulaNodeData = {
        location,
        value,
        problems: problemCounts.get(id) ?? 0,
      };
      if (input && 'field' in input) {
        const f = sourceFields.get(input.field);
        if (f) data.inputField = f;
      }
      if (targetName !== undefined && path.length === 0) {
        data.targetName = targetName;
        const t = targetFields.get(targetName);
        if (t) data.targetField = t;
      }
      nodes.push({
        id,
        type: kind,
        position: overrides.get(id) ?? { x, y },
        data,
        selected: id === selectedNode,
        width: FORMULA_WIDTH,
        dragHandle: '.formula-title',
      });
      const children: { path: PathSegment[]; value: EditValue }[] = [];
      for (const key of ['lowercase', 'stripSpaces', 'concat'] as const) {
        const args = key in value ? (value as Record<typeof key, EditValue[]>)[key] : [];
        for (const [i, v] of args.entries()) children.push({ path: [key, i], value: v });
      }
      if ('enumMap' in value) {
        if (value.enumMap.input) children.push({ path: ['enumMap', 'input'], value: value.enumMap.input });
        // A null or literal "otherwise" reads inline on the enumMap node; only a formula gets its own node.
        const otherwise = value.enumMap.otherwise;
        if (otherwise && !('null' in otherwise))
          children.push({ path: ['enumMap', 'otherwise'], value: otherwise });
      }
      for (const child of children) {
        const childPath = [...path, ...child.path];
        const handle = handleFor(value, child.path);
        if ('field' in child.value) {
          link(sourceLinks, child.value.field, targetName ?? 'formula');
          edges.push({
            id: `e|${id}|${handle}`,
            source: SOURCE_LIST,
            sourceHandle: sourceHandle(child.value.field),
            target: id,
            targetHandle: handle,
            data: { kind: 'input', location: { ...base, path: childPath } },
          });
        } else {
          const childId = visit(child.value, childPath, depth + 1);
          if (childId)
            edges.push({
              id: `e|${id}|${handle}`,
              source: childId,
              sourceHandle: 'out',
              target: id,
              targetHandle: handle,
              data: { kind: 'input', location: { ...base, path: childPath } },
            });
        }
      }
      return id;
    };
    return visit(root, [], 0);
  };

  for (const draft of state.drafts) {
    if (draft.direction !== direction) continue;
    placeTree(
      draft.value,
      { direction, owner: { kind: 'draft', id: draft.id } },
      undefined,
      Math.round((middleLeft + rootX) / 2),
    );
  }

  for (const mapping of mappings) {
    link(
      targetLinks,
      mapping.target,
      'value' in mapping && 'field' in mapping.value ? mapping.value.field : 'formula',
    );
    const selected = mapping.target === selectedTarget;
    if ('field' in mapping.value) {
      link(sourceLinks, mapping.value.field, mapping.target);
      edges.push({
        id: `m|${mapping.target}`,
        source: SOURCE_LIST,
        sourceHandle: sourceHandle(mapping.value.field),
        target: TARGET_LIST,
        targetHandle: targetHandle(mapping.target),
        data: { kind: 'mapping', target: mapping.target },
        selected,
        className: selected ? 'edge-selected' : undefined,
      } as Edge);
      continue;
    }
    if ('literal' in mapping.value) continue; // shown in the target row
    const rootId = placeTree(
      mapping.value,
      { direction, owner: { kind: 'mapping', target: mapping.target } },
      mapping.target,
      rootX,
    );
    if (rootId)
      edges.push({
        id: `m|${mapping.target}`,
        source: rootId,
        sourceHandle: 'out',
        target: TARGET_LIST,
        targetHandle: targetHandle(mapping.target),
        data: { kind: 'mapping', target: mapping.target },
        selected,
      });
  }

  const sourceData: FieldListNodeData = {
    role: 'source',
    schema: sourceSchema,
    direction,
    links: sourceLinks,
    height: listHeight,
    selected:
      state.selection?.kind === 'field' && state.selection.side === sides.source
        ? state.selection.name
        : null,
  };
  const targetData: FieldListNodeData = {
    role: 'target',
    schema: targetSchema,
    direction,
    links: targetLinks,
    height: listHeight,
    selected:
      selectedTarget ??
      (state.selection?.kind === 'field' && state.selection.side === sides.target
        ? state.selection.name
        : null),
  };
  nodes.unshift(
    {
      id: SOURCE_LIST,
      type: 'fieldList',
      position: { x: MARGIN, y: MARGIN },
      data: sourceData,
      draggable: false,
      selectable: false,
      width: LIST_WIDTH,
      height: listHeight,
    },
    {
      id: TARGET_LIST,
      type: 'fieldList',
      position: { x: targetX, y: MARGIN },
      data: targetData,
      draggable: false,
      selectable: false,
      width: LIST_WIDTH,
      height: listHeight,
    },
  );
  return { nodes, edges, locations };
}

function parseSlot(handle: string | null | undefined): Slot | null {
  if (!handle?.startsWith('in:')) return null;
  const raw = handle.slice(3);
  if (raw === 'append' || raw === 'input' || raw === 'otherwise') return raw;
  const n = Number(raw);
  return Number.isInteger(n) ? n : null;
}

/** The model change a drawn connection means, or null when it means nothing. */
export function connectionToChange(
  connection: Connection,
  direction: Direction,
  locations: ReadonlyMap<string, NodeLocation>,
): MappingChange | null {
  let from: ConnectFrom | null = null;
  if (connection.source === SOURCE_LIST) {
    const name = connection.sourceHandle?.slice(2);
    if (name && !name.startsWith('__')) from = { kind: 'source-field', name };
  } else {
    const location = locations.get(connection.source);
    if (location) from = { kind: 'node', location };
  }
  let to: ConnectTo | null = null;
  if (connection.target === TARGET_LIST) {
    const name = connection.targetHandle?.slice(2);
    if (name && !name.startsWith('__')) to = { kind: 'target-field', name };
  } else {
    const location = locations.get(connection.target);
    const slot = parseSlot(connection.targetHandle);
    if (location && slot !== null) to = { kind: 'slot', location, slot };
  }
  return from && to ? { type: 'connect', direction, from, to } : null;
}
