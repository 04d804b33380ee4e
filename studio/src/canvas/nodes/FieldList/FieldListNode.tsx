/** A side's fields as one canvas node: searchable, grouped, virtualised; each row has a handle. */
import { Handle, type NodeProps, Position, useUpdateNodeInternals } from '@xyflow/react';
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { FieldDef, SchemaSide } from '../../../model/index.ts';
import { useCanvasActions } from '../../canvas-context.ts';
import type { FieldListNodeData, PlaceOf, RowPlace } from '../../graph.ts';
import { buildRows, ROW_HEIGHT } from './rows.ts';

const HEADER = 86;
/** A stub: one mapped field out of view, shown at the list's top or bottom edge with its own handle. */
const STUB_HEIGHT = 18;
/** Stubs per band; past these, one "+N more" chip holds the rest's edges (its title names them). */
const STUB_CAP = 5;
const bandHeight = (count: number) =>
  count === 0 ? 0 : (Math.min(count, STUB_CAP) + (count > STUB_CAP ? 1 : 0)) * STUB_HEIGHT;
const TYPE_BADGE: Record<FieldDef['type'], string> = {
  string: 'abc',
  number: '123',
  boolean: 'y/n',
  date: 'date',
  datetime: 'time',
  enum: 'enum',
  unknown: '?',
};

function FieldListNodeView({ id, data }: NodeProps) {
  const { role, schema, direction } = data as FieldListNodeData;
  const side: SchemaSide =
    schema?.side ??
    (role === 'source'
      ? direction === 'hubspot-to-destination'
        ? 'hubspot'
        : 'destination'
      : direction === 'hubspot-to-destination'
        ? 'destination'
        : 'hubspot');
  // The search, filters and scroll belong to the list (HubSpot's or the destination's), not to the
  // left/right slot: switching direction shows each list with its own state.
  return <FieldListBody key={side} id={id} data={data as FieldListNodeData} side={side} />;
}

function FieldListBody({ id, data, side }: { id: string; data: FieldListNodeData; side: SchemaSide }) {
  const { role, schema, links, height, selected } = data;
  const { reportPlaces, dispatch, openConnect, listMemory } = useCanvasActions();
  const updateNodeInternals = useUpdateNodeInternals();
  const memory = listMemory.get(side);
  const [query, setQuery] = useState(memory?.query ?? '');
  const [onlyMapped, setOnlyMapped] = useState(memory?.onlyMapped ?? false);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(memory?.collapsed ?? new Set());
  const [scrollTop, setScrollTop] = useState(memory?.scrollTop ?? 0);
  const scroller = useRef<HTMLDivElement>(null);
  useEffect(() => {
    listMemory.set(side, { query, onlyMapped, collapsed, scrollTop });
  }, [listMemory, side, query, onlyMapped, collapsed, scrollTop]);
  // Restore the scroll position once the rows exist.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only on mount
  useEffect(() => {
    if (scroller.current && memory?.scrollTop) scroller.current.scrollTop = memory.scrollTop;
  }, []);

  // `links` is rebuilt with every graph; only its keys matter, and only when filtering by them.
  const mappedKey = onlyMapped ? [...links.keys()].sort().join('\n') : null;
  const rows = useMemo(() => {
    const fields = schema?.fields ?? [];
    const mapped = mappedKey === null ? null : new Set(mappedKey.split('\n'));
    return buildRows(mapped ? fields.filter((f) => mapped.has(f.name)) : fields, query, collapsed);
  }, [schema, query, collapsed, mappedKey]);
  // Any new row list (search, collapse, "mapped only", a new schema) must re-place the edges.
  const rowsCounter = useRef(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: counts changes of `rows`, by identity
  const rowsVersion = useMemo(() => ++rowsCounter.current, [rows]);
  const viewport = Math.max(ROW_HEIGHT, height - HEADER);
  const first = Math.floor(scrollTop / ROW_HEIGHT);
  const last = Math.min(rows.length - 1, first + Math.ceil(viewport / ROW_HEIGHT));

  const indexOf = useMemo(() => {
    const map = new Map<string, number>();
    rows.forEach((row, i) => {
      if (row.kind === 'field') map.set(row.field.name, i);
    });
    return map;
  }, [rows]);

  // Mapped fields in row order (a field the search or a collapsed group hides counts as below).
  const linkedKey = [...links.keys()].sort().join('\n');
  const linkedInOrder = useMemo(
    () =>
      (linkedKey === '' ? [] : linkedKey.split('\n'))
        .map((name) => ({ name, index: indexOf.get(name) ?? Number.POSITIVE_INFINITY }))
        .sort((a, b) => a.index - b.index),
    [linkedKey, indexOf],
  );
  // A row is "visible" only when wholly inside the scroll window and clear of the stub bands, so
  // edges never point at a clipped or covered row. The bands only grow while this settles (they
  // cover rows, which may move more mapped fields under them), so it ends within STUB_CAP rounds.
  const { fullyFirst, fullyLast, above, below, bandTop, bandBottom } = useMemo(() => {
    let top = 0;
    let bottom = 0;
    for (;;) {
      const firstRow = Math.ceil((scrollTop + top) / ROW_HEIGHT);
      const lastRow = Math.floor((scrollTop + viewport - bottom) / ROW_HEIGHT) - 1;
      const hiddenAbove = linkedInOrder.filter((l) => l.index < firstRow).map((l) => l.name);
      const hiddenBelow = linkedInOrder.filter((l) => l.index > lastRow).map((l) => l.name);
      const nextTop = Math.max(top, bandHeight(hiddenAbove.length));
      const nextBottom = Math.max(bottom, bandHeight(hiddenBelow.length));
      if (nextTop === top && nextBottom === bottom)
        return {
          fullyFirst: firstRow,
          fullyLast: lastRow,
          // The stubs nearest the window get their own chip.
          above: hiddenAbove.reverse(),
          below: hiddenBelow,
          bandTop: top,
          bandBottom: bottom,
        };
      top = nextTop;
      bottom = nextBottom;
    }
  }, [scrollTop, viewport, linkedInOrder]);
  const stubbedAbove = above.slice(0, STUB_CAP);
  const stubbedBelow = below.slice(0, STUB_CAP);
  const stubKey = `${stubbedAbove.join(',')}|${stubbedBelow.join(',')}`;
  const measuredHandles = useRef('');

  // biome-ignore lint/correctness/useExhaustiveDependencies: stubKey stands for the two stub lists
  useEffect(() => {
    const withStub = new Map<string, 'above' | 'below'>([
      ...stubbedAbove.map((n) => [n, 'above'] as const),
      ...stubbedBelow.map((n) => [n, 'below'] as const),
    ]);
    const place: PlaceOf = (name: string): RowPlace => {
      const stub = withStub.get(name);
      if (stub) return { stub };
      const i = indexOf.get(name);
      if (i === undefined) return 'below';
      if (i < fullyFirst) return 'above';
      if (i > fullyLast) return 'below';
      return 'visible';
    };
    // Where each edge leaves the list (the middle of its row, stub or band), for laying formula
    // nodes out clear of the field-to-field lines.
    place.y = (name) => {
      const where = place(name);
      if (where === 'visible')
        return HEADER + (indexOf.get(name) ?? 0) * ROW_HEIGHT - scrollTop + ROW_HEIGHT / 2;
      if (typeof where !== 'string')
        return where.stub === 'above'
          ? HEADER + stubbedAbove.indexOf(name) * STUB_HEIGHT + STUB_HEIGHT / 2
          : height - (stubbedBelow.indexOf(name) + 1) * STUB_HEIGHT + STUB_HEIGHT / 2;
      return where === 'above' ? HEADER + bandTop : height - bandBottom;
    };
    // The scroll position (to 10 px) is in the version: the lines move with it. Handles change only
    // with the rows shown and the stubs, so React Flow re-measures them only then.
    const handles = `${fullyFirst}:${fullyLast}:${rowsVersion}:${stubKey}:${height}`;
    reportPlaces(role, place, `${handles}:${Math.round(scrollTop / 10)}`);
    if (measuredHandles.current !== handles) {
      measuredHandles.current = handles;
      updateNodeInternals(id);
    }
  }, [
    reportPlaces,
    role,
    indexOf,
    fullyFirst,
    fullyLast,
    rowsVersion,
    stubKey,
    scrollTop,
    height,
    bandTop,
    bandBottom,
    id,
    updateNodeInternals,
  ]);

  const fieldsByName = useMemo(() => new Map((schema?.fields ?? []).map((f) => [f.name, f])), [schema]);
  const stubChip = (name: string, band: 'above' | 'below', top: number) => {
    const field = fieldsByName.get(name);
    return (
      <button
        type="button"
        key={`${band}:${name}`}
        className={`field-stub nodrag ${band}`}
        style={{ top, height: STUB_HEIGHT }}
        data-stub={name}
        title={`${field?.label ?? name} (${name}) is mapped, ${band === 'above' ? 'above' : 'below'} the visible rows: click to scroll to it`}
        onClick={() => dispatch({ type: 'select', selection: { kind: 'field', side, name } })}
      >
        <span aria-hidden="true">{band === 'above' ? '↑' : '↓'}</span>
        <span className="stub-label">{field?.label ?? name}</span>
        <span className="stub-name">{name}</span>
        <Handle
          id={`f:__${band}:${name}`}
          type={handleType}
          position={handlePosition}
          isConnectable={false}
          className="field-handle stub-handle"
        />
      </button>
    );
  };
  const moreChip = (names: string[], band: 'above' | 'below', top: number) => (
    <div
      key={`${band}:more`}
      className={`field-stub more ${band}`}
      style={{ top, height: STUB_HEIGHT }}
      data-stub-more={band}
      title={names.join(', ')}
    >
      <span aria-hidden="true">{band === 'above' ? '↑' : '↓'}</span>
      <span className="stub-label">+{names.length} more mapped</span>
    </div>
  );

  // "Go to" a field (a problem, a mapping): scroll its row into the middle of the list.
  useEffect(() => {
    const i = selected ? indexOf.get(selected) : undefined;
    const element = scroller.current;
    if (i === undefined || !element) return;
    const top = i * ROW_HEIGHT;
    if (top < element.scrollTop || top + ROW_HEIGHT > element.scrollTop + element.clientHeight)
      element.scrollTop = Math.max(0, top - element.clientHeight / 2);
  }, [selected, indexOf]);

  const handleType = role === 'source' ? 'source' : 'target';
  const handlePosition = role === 'source' ? Position.Right : Position.Left;
  const sideName = side === 'hubspot' ? 'HubSpot' : 'Destination';

  if (!schema)
    return (
      <div className="field-list empty" style={{ height }} data-testid={`${role}-list`}>
        <div className="field-list-title">
          {role === 'source' ? 'From' : 'To'}: {sideName}
        </div>
        <div className="empty-state">
          <p>No {sideName} fields yet.</p>
          <button type="button" className="primary" onClick={() => openConnect(side)}>
            {side === 'hubspot' ? 'Connect HubSpot…' : 'Load destination schema…'}
          </button>
        </div>
      </div>
    );

  return (
    <div className="field-list" style={{ height }} data-testid={`${role}-list`}>
      <div className="field-list-title" title={schema.source}>
        <span>
          {role === 'source' ? 'From' : 'To'}: {sideName}
        </span>
        <span className="muted">{schema.fields.length} fields</span>
      </div>
      <div className="field-list-search">
        <input
          className="nodrag"
          type="search"
          placeholder={`Search ${schema.fields.length} fields…`}
          aria-label={`Search ${role} fields`}
          data-testid={`${role}-search`}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setScrollTop(0);
            if (scroller.current) scroller.current.scrollTop = 0;
          }}
        />
        <div className="field-list-meta">
          <span className="muted small" title={schema.source}>
            {schema.source}
          </span>
          <label className="small mapped-toggle">
            <input
              type="checkbox"
              className="nodrag"
              checked={onlyMapped}
              onChange={(e) => {
                setOnlyMapped(e.target.checked);
                setScrollTop(0);
                if (scroller.current) scroller.current.scrollTop = 0;
              }}
            />
            mapped only ({links.size})
          </label>
        </div>
      </div>
      {/* The "+N more" chips' edges (or the list's very edge, with no chip) end here. */}
      <Handle
        id="f:__above"
        type={handleType}
        position={handlePosition}
        isConnectable={false}
        className="overflow-handle"
        style={{ top: HEADER + (above.length > STUB_CAP ? bandTop - STUB_HEIGHT / 2 : 0) }}
      />
      <Handle
        id="f:__below"
        type={handleType}
        position={handlePosition}
        isConnectable={false}
        className="overflow-handle"
        style={{ top: below.length > STUB_CAP ? height - bandBottom + STUB_HEIGHT / 2 : height - 4 }}
      />
      <div className="field-stubs" data-testid={`${role}-stubs`}>
        {stubbedAbove.map((name, i) => stubChip(name, 'above', HEADER + i * STUB_HEIGHT))}
        {above.length > STUB_CAP
          ? moreChip(above.slice(STUB_CAP), 'above', HEADER + STUB_CAP * STUB_HEIGHT)
          : null}
        {stubbedBelow.map((name, i) => stubChip(name, 'below', height - (i + 1) * STUB_HEIGHT))}
        {below.length > STUB_CAP
          ? moreChip(below.slice(STUB_CAP), 'below', height - (STUB_CAP + 1) * STUB_HEIGHT)
          : null}
      </div>
      <div
        ref={scroller}
        className="field-list-rows nodrag nowheel nopan"
        style={{ height: viewport }}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div
          role="listbox"
          aria-label={`${sideName} fields`}
          style={{ height: rows.length * ROW_HEIGHT, position: 'relative' }}
        >
          {rows.slice(first, last + 1).map((row, offset) => {
            const top = (first + offset) * ROW_HEIGHT;
            if (row.kind === 'group')
              return (
                <button
                  type="button"
                  key={`g:${row.group}`}
                  className="field-group"
                  style={{ top, height: ROW_HEIGHT }}
                  onClick={() =>
                    setCollapsed((c) => {
                      const next = new Set(c);
                      if (next.has(row.group)) next.delete(row.group);
                      else next.add(row.group);
                      return next;
                    })
                  }
                >
                  {row.collapsed ? '▸' : '▾'} {row.group} <span className="muted">({row.count})</span>
                </button>
              );
            const { field } = row;
            const blocked = role === 'target' && (field.readOnly || field.calculated);
            const linked = links.get(field.name);
            return (
              <div
                key={field.name}
                className={`field-row${selected === field.name ? ' selected' : ''}${linked ? ' linked' : ''}${blocked ? ' blocked' : ''}`}
                style={{ top, height: ROW_HEIGHT }}
                data-field={field.name}
                data-replaces={role === 'target' && linked ? `replaces ← ${linked.join(', ')}` : undefined}
                title={`${field.label} (${field.name}) · ${field.type}${field.options ? ` · ${field.options.length} options` : ''}${field.description ? `\n${field.description}` : ''}`}
                role="option"
                aria-selected={selected === field.name}
                tabIndex={-1}
                onClick={() =>
                  dispatch({ type: 'select', selection: { kind: 'field', side, name: field.name } })
                }
                onKeyDown={(e) => {
                  if (e.key === 'Enter')
                    dispatch({ type: 'select', selection: { kind: 'field', side, name: field.name } });
                }}
              >
                <span className={`type-badge t-${field.type}`}>{TYPE_BADGE[field.type]}</span>
                <span className="field-label">
                  {field.label}
                  {field.required ? (
                    <span className="required" title="required">
                      *
                    </span>
                  ) : null}
                </span>
                <span className="field-name">{field.name}</span>
                {field.calculated ? (
                  <span className="flag" title="calculated by HubSpot">
                    calc
                  </span>
                ) : null}
                {field.readOnly && !field.calculated ? (
                  <span className="flag" title="read-only">
                    RO
                  </span>
                ) : null}
                {linked ? (
                  <span className="link-count" title={linked.join(', ')}>
                    {linked.length}
                  </span>
                ) : null}
                {blocked ? null : (
                  <Handle
                    id={`f:${field.name}`}
                    type={handleType}
                    position={handlePosition}
                    className="field-handle"
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export const FieldListNode = memo(FieldListNodeView);
