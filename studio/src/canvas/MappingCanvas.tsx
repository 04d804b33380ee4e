/** The mapping canvas: source fields left, target fields right, formula nodes between, one direction at a time. */
import {
  type Connection,
  type Edge,
  type EdgeMouseHandler,
  type IsValidConnection,
  type Node,
  type NodeChange,
  type NodeMouseHandler,
  Panel,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  applyMappingChange,
  describeValue,
  FORMULA_KINDS,
  type FormulaName,
  type MappingChange,
  mappingsOf,
  type NodeLocation,
  type Problem,
  type SchemaSide,
  type WorkspaceState,
} from '../model/index.ts';
import { type CanvasActions, CanvasContext, type ListMemory } from './canvas-context.ts';
import {
  buildGraph,
  connectionToChange,
  type FieldListRole,
  formulaNodeId,
  type PlaceOf,
  SOURCE_LIST,
  TARGET_LIST,
} from './graph.ts';
import { nodeTypes } from './node-types.ts';

const everythingVisible: PlaceOf = () => 'visible';
const PALETTE_HINTS: Record<FormulaName, string> = {
  null: 'No value: clears the target',
  enumMap: 'Translate option values (e.g. lifecycle stage → status)',
  stripSpaces: 'Remove all whitespace (phone numbers)',
  lowercase: 'Lowercase text (emails)',
  concat: 'Join fields and text in order',
};

export interface MappingCanvasProps {
  state: WorkspaceState;
  problems: Problem[];
  dispatch: (change: MappingChange) => void;
  openEnumEditor: (location: NodeLocation) => void;
  openConnect: (side: SchemaSide) => void;
  /** Undo the last change (the replace notice offers it). */
  undo?: () => void;
}

function CanvasInner(props: MappingCanvasProps) {
  const { state, problems, dispatch, openEnumEditor, openConnect } = props;
  const wrapper = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 1000, height: 700 });
  const [places, setPlaces] = useState<{ source: PlaceOf; target: PlaceOf }>({
    source: everythingVisible,
    target: everythingVisible,
  });
  const versions = useRef<Record<FieldListRole, string>>({ source: '', target: '' });
  const measured = useRef(new Map<string, { width: number; height: number }>());
  const listMemory = useRef(new Map<SchemaSide, ListMemory>());
  const [overrides, setOverrides] = useState<ReadonlyMap<string, { x: number; y: number }>>(new Map());

  useEffect(() => {
    const element = wrapper.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry)
        setSize({ width: Math.round(entry.contentRect.width), height: Math.round(entry.contentRect.height) });
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const reportPlaces = useCallback((role: FieldListRole, place: PlaceOf, version: string) => {
    if (versions.current[role] === version) return;
    versions.current[role] = version;
    setPlaces((p) => ({ ...p, [role]: place }));
  }, []);

  const problemCounts = useMemo(() => {
    const counts = new Map<string, number>();
    for (const p of problems) {
      if (p.location.node) {
        const id = formulaNodeId(p.location.node);
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
    }
    return counts;
  }, [problems]);

  const [measureTick, setMeasureTick] = useState(0);
  // Formula nodes stack by their measured heights (estimated until measured), so they never overlap.
  // biome-ignore lint/correctness/useExhaustiveDependencies: measureTick stands for the measured map
  const graph = useMemo(
    () => buildGraph(state, size, places, problemCounts, overrides, measured.current),
    [state, size, places, problemCounts, overrides, measureTick],
  );
  // Memoised: React Flow re-processes every node and edge it receives as new objects, and a drag
  // re-renders this component on every pointer move.
  // biome-ignore lint/correctness/useExhaustiveDependencies: measureTick stands for the measured map
  const nodes: Node[] = useMemo(
    () =>
      graph.nodes.map((n) => {
        const m = measured.current.get(n.id);
        return m ? { ...n, measured: m } : n;
      }),
    [graph, measureTick],
  );
  const edges: Edge[] = useMemo(
    () =>
      graph.edges.map((e) => {
        const offscreen = e.sourceHandle?.startsWith('f:__') || e.targetHandle?.startsWith('f:__');
        return offscreen ? { ...e, className: `${e.className ?? ''} edge-offscreen`.trim() } : e;
      }),
    [graph],
  );

  const onNodesChange = useCallback((changes: NodeChange[]) => {
    let dims = false;
    const moved = new Map<string, { x: number; y: number }>();
    for (const change of changes) {
      if (change.type === 'dimensions' && change.dimensions) {
        const before = measured.current.get(change.id);
        measured.current.set(change.id, change.dimensions);
        if (!before || before.width !== change.dimensions.width || before.height !== change.dimensions.height)
          dims = true;
      }
      if (change.type === 'position' && change.position) moved.set(change.id, change.position);
    }
    if (dims) setMeasureTick((t) => t + 1);
    if (moved.size > 0) setOverrides((o) => new Map([...o, ...moved]));
  }, []);

  const [replaced, setReplaced] = useState<{ target: string; before: string; after: string } | null>(null);
  useEffect(() => {
    if (!replaced) return;
    const t = setTimeout(() => setReplaced(null), 10_000);
    return () => clearTimeout(t);
  }, [replaced]);

  const onConnect = useCallback(
    (connection: Connection) => {
      const change = connectionToChange(connection, state.direction, graph.locations);
      if (!change) return;
      // Dropping onto a field that is already mapped replaces its mapping: never silently.
      if (change.type === 'connect' && change.to.kind === 'target-field') {
        const target = change.to.name;
        const before = mappingsOf(state.spec, state.direction).find((m) => m.target === target);
        const next = applyMappingChange(state, change);
        const after = mappingsOf(next.spec, state.direction).find((m) => m.target === target);
        if (before && after && next !== state && JSON.stringify(before.value) !== JSON.stringify(after.value))
          setReplaced({ target, before: describeValue(before.value), after: describeValue(after.value) });
      }
      dispatch(change);
    },
    [dispatch, state, graph.locations],
  );

  const isValidConnection: IsValidConnection = useCallback(
    (c) => c.source !== TARGET_LIST && c.target !== SOURCE_LIST && c.source !== c.target,
    [],
  );

  const onNodeClick: NodeMouseHandler = useCallback(
    (_event, node) => {
      const location = graph.locations.get(node.id);
      if (location) dispatch({ type: 'select', selection: { kind: 'node', location } });
    },
    [dispatch, graph.locations],
  );

  const onEdgeClick: EdgeMouseHandler = useCallback(
    (_event, edge) => {
      const data = edge.data as { kind: string; target?: string; location?: NodeLocation } | undefined;
      if (data?.kind === 'mapping' && data.target)
        dispatch({
          type: 'select',
          selection: { kind: 'mapping', direction: state.direction, target: data.target },
        });
      if (data?.kind === 'input' && data.location)
        dispatch({ type: 'select', selection: { kind: 'node', location: data.location } });
    },
    [dispatch, state.direction],
  );

  const actions: CanvasActions = useMemo(
    () => ({ dispatch, reportPlaces, openEnumEditor, openConnect, listMemory: listMemory.current }),
    [dispatch, reportPlaces, openEnumEditor, openConnect],
  );

  const selectedMapping =
    state.selection?.kind === 'mapping' && state.selection.direction === state.direction
      ? mappingsOf(state.spec, state.direction).find(
          (m) => m.target === (state.selection as { target: string }).target,
        )
      : undefined;

  return (
    <CanvasContext.Provider value={actions}>
      <div ref={wrapper} className="canvas" data-testid="canvas">
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          onNodeClick={onNodeClick}
          onEdgeClick={onEdgeClick}
          onPaneClick={() => dispatch({ type: 'select', selection: null })}
          deleteKeyCode={null}
          panOnDrag={false}
          panOnScroll={false}
          zoomOnScroll={false}
          zoomOnPinch={false}
          zoomOnDoubleClick={false}
          preventScrolling={false}
          nodesFocusable={false}
          defaultViewport={{ x: 0, y: 0, zoom: 1 }}
          minZoom={1}
          maxZoom={1}
          connectionRadius={24}
          proOptions={{ hideAttribution: true }}
        >
          <Panel position="top-center" className="palette" data-testid="palette">
            <span className="muted small">Add formula:</span>
            {FORMULA_KINDS.map((kind) => (
              <button
                key={kind}
                type="button"
                title={PALETTE_HINTS[kind]}
                data-testid={`palette-${kind}`}
                onClick={() => dispatch({ type: 'add-formula', direction: state.direction, kind })}
              >
                {kind}
              </button>
            ))}
          </Panel>
          {replaced ? (
            <Panel position="top-right" className="replace-notice" data-testid="replace-notice">
              <span role="status">
                Replaced the mapping of <strong>{replaced.target}</strong>: was <code>{replaced.before}</code>
                , now <code>{replaced.after}</code>.
              </span>
              {props.undo ? (
                <button
                  type="button"
                  className="small"
                  onClick={() => {
                    props.undo?.();
                    setReplaced(null);
                  }}
                >
                  Undo
                </button>
              ) : null}
              <button type="button" className="icon" aria-label="Dismiss" onClick={() => setReplaced(null)}>
                ×
              </button>
            </Panel>
          ) : null}
          {selectedMapping ? (
            <Panel position="bottom-center" className="inspector" data-testid="mapping-inspector">
              <strong>{selectedMapping.target}</strong> ← <code>{describeValue(selectedMapping.value)}</code>
              <span className="muted small">wrap in</span>
              {FORMULA_KINDS.filter((k) => k !== 'null').map((kind) => (
                <button
                  key={kind}
                  type="button"
                  className="small"
                  onClick={() =>
                    dispatch({
                      type: 'wrap',
                      direction: state.direction,
                      target: selectedMapping.target,
                      kind,
                    })
                  }
                >
                  {kind}
                </button>
              ))}
              <button
                type="button"
                className="small danger"
                onClick={() =>
                  dispatch({
                    type: 'remove-mapping',
                    direction: state.direction,
                    target: selectedMapping.target,
                  })
                }
              >
                Remove
              </button>
            </Panel>
          ) : null}
        </ReactFlow>
      </div>
    </CanvasContext.Provider>
  );
}

export function MappingCanvas(props: MappingCanvasProps) {
  return (
    <ReactFlowProvider>
      <CanvasInner {...props} />
    </ReactFlowProvider>
  );
}
