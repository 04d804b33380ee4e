import { describe, expect, it } from 'vitest';
import { eventsSchema, hubspotSchema } from '../model/fixtures/schemas.ts';
import {
  applyMappingChange,
  createWorkspace,
  type MappingChange,
  type WorkspaceState,
} from '../model/index.ts';
import {
  bezierSpan,
  buildGraph,
  connectionToChange,
  formulaNodeId,
  type PlaceOf,
  SOURCE_LIST,
  TARGET_LIST,
} from './graph.ts';

const H2D = 'hubspot-to-destination' as const;
const visible: PlaceOf = () => 'visible';

function workspace(...changes: MappingChange[]): WorkspaceState {
  return [
    { type: 'load-schema', schema: hubspotSchema() } as MappingChange,
    { type: 'load-schema', schema: eventsSchema() } as MappingChange,
    ...changes,
  ].reduce(applyMappingChange, createWorkspace());
}

const build = (state: WorkspaceState, place = { source: visible, target: visible }) =>
  buildGraph(state, { width: 1000, height: 800 }, place, new Map(), new Map());

describe('buildGraph', () => {
  it('draws a field-to-field mapping as one edge between the two lists', () => {
    const g = build(
      workspace({
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'email' },
        to: { kind: 'target-field', name: 'email' },
      }),
    );
    expect(g.nodes.map((n) => n.id)).toEqual([SOURCE_LIST, TARGET_LIST]);
    expect(g.edges).toEqual([
      expect.objectContaining({
        source: SOURCE_LIST,
        sourceHandle: 'f:email',
        target: TARGET_LIST,
        targetHandle: 'f:email',
      }),
    ]);
  });

  it('draws a formula tree as nodes wired input to output, ending on the target', () => {
    const s = workspace(
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'email' },
        to: { kind: 'target-field', name: 'email' },
      },
      { type: 'wrap', direction: H2D, target: 'email', kind: 'stripSpaces' },
      { type: 'wrap', direction: H2D, target: 'email', kind: 'lowercase' },
    );
    const g = build(s);
    const root = formulaNodeId({ direction: H2D, owner: { kind: 'mapping', target: 'email' }, path: [] });
    const inner = formulaNodeId({
      direction: H2D,
      owner: { kind: 'mapping', target: 'email' },
      path: ['lowercase', 0],
    });
    expect(g.nodes.map((n) => [n.id, n.type])).toEqual([
      [SOURCE_LIST, 'fieldList'],
      [TARGET_LIST, 'fieldList'],
      [root, 'lowercase'],
      [inner, 'stripSpaces'],
    ]);
    expect(g.edges.map((e) => `${e.source}:${e.sourceHandle}→${e.target}:${e.targetHandle}`).sort()).toEqual(
      [
        `${SOURCE_LIST}:f:email→${inner}:in:0`,
        `${inner}:out→${root}:in:0`,
        `${root}:out→${TARGET_LIST}:f:email`,
      ].sort(),
    );
  });

  it('ends edges of rows scrolled out of view at the edge of the list', () => {
    const s = workspace({
      type: 'connect',
      direction: H2D,
      from: { kind: 'source-field', name: 'email' },
      to: { kind: 'target-field', name: 'email' },
    });
    const g = build(s, { source: () => 'below', target: () => 'above' });
    expect(g.edges[0]).toMatchObject({ sourceHandle: 'f:__below', targetHandle: 'f:__above' });
    // Each hidden row with a stub gets an end point of its own, named after the field.
    const stubbed = build(s, { source: () => ({ stub: 'below' }), target: () => ({ stub: 'above' }) });
    expect(stubbed.edges[0]).toMatchObject({
      sourceHandle: 'f:__below:email',
      targetHandle: 'f:__above:email',
    });
  });

  it('places a formula node clear of the field-to-field lines crossing the middle', () => {
    const s = workspace(
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'firstname' },
        to: { kind: 'target-field', name: 'firstName' },
      },
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'email' },
        to: { kind: 'target-field', name: 'email' },
      },
      { type: 'wrap', direction: H2D, target: 'email', kind: 'lowercase' },
    );
    // firstname → firstName runs straight across at y = 12 + 100 (the list's top + the row's middle).
    const rowAt100 = Object.assign((() => 'visible') as PlaceOf, { y: () => 100 });
    const g = build(s, { source: rowAt100, target: rowAt100 });
    const node = g.nodes.find((n) => n.type === 'lowercase');
    expect(node?.position.y).toBeGreaterThanOrEqual(112 + 8);
    // With no line there, it goes at the top as before.
    expect(build(s).nodes.find((n) => n.type === 'lowercase')?.position.y).toBe(52);
  });

  it('knows the y range a bezier edge covers over an x range', () => {
    expect(bezierSpan({ x: 0, y: 0 }, { x: 100, y: 100 }, 0, 100)).toEqual([0, 100]);
    const middle = bezierSpan({ x: 0, y: 0 }, { x: 100, y: 100 }, 40, 60);
    expect(middle?.[0]).toBeGreaterThan(25);
    expect(middle?.[1]).toBeLessThan(75);
    expect(bezierSpan({ x: 0, y: 0 }, { x: 100, y: 100 }, 200, 300)).toBeNull();
  });

  it('shows drafts of the open direction only', () => {
    const s = workspace(
      { type: 'add-formula', direction: H2D, kind: 'concat' },
      { type: 'add-formula', direction: 'destination-to-hubspot', kind: 'null' },
    );
    expect(
      build(s)
        .nodes.filter((n) => n.type !== 'fieldList')
        .map((n) => n.type),
    ).toEqual(['concat']);
  });
});

describe('connectionToChange', () => {
  it('turns a drawn connection into the matching model change', () => {
    const s = workspace({ type: 'add-formula', direction: H2D, kind: 'concat' });
    const g = build(s);
    const draftId = formulaNodeId({ direction: H2D, owner: { kind: 'draft', id: 'd1' }, path: [] });
    expect(
      connectionToChange(
        { source: SOURCE_LIST, sourceHandle: 'f:firstname', target: draftId, targetHandle: 'in:append' },
        H2D,
        g.locations,
      ),
    ).toEqual({
      type: 'connect',
      direction: H2D,
      from: { kind: 'source-field', name: 'firstname' },
      to: {
        kind: 'slot',
        location: { direction: H2D, owner: { kind: 'draft', id: 'd1' }, path: [] },
        slot: 'append',
      },
    });
    expect(
      connectionToChange(
        { source: draftId, sourceHandle: 'out', target: TARGET_LIST, targetHandle: 'f:company' },
        H2D,
        g.locations,
      ),
    ).toMatchObject({ from: { kind: 'node' }, to: { kind: 'target-field', name: 'company' } });
  });

  it('ignores the lists’ overflow handles and unknown nodes', () => {
    const none = new Map();
    expect(
      connectionToChange(
        { source: SOURCE_LIST, sourceHandle: 'f:__above', target: TARGET_LIST, targetHandle: 'f:email' },
        H2D,
        none,
      ),
    ).toBeNull();
    expect(
      connectionToChange(
        { source: 'nope', sourceHandle: 'out', target: TARGET_LIST, targetHandle: 'f:email' },
        H2D,
        none,
      ),
    ).toBeNull();
  });
});
