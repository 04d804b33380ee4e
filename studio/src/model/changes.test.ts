import { describe, expect, it } from 'vitest';
import { applyMappingChange, type MappingChange, readAt } from './changes.ts';
import { eventsSchema, hubspotSchema } from './fixtures/schemas.ts';
import type { NodeLocation, WorkspaceState } from './types.ts';
import { createWorkspace, mappingsOf } from './workspace.ts';

const H2D = 'hubspot-to-destination' as const;
const D2H = 'destination-to-hubspot' as const;

function loaded(): WorkspaceState {
  return [
    { type: 'load-schema', schema: hubspotSchema() },
    { type: 'load-schema', schema: eventsSchema() },
  ].reduce<WorkspaceState>((s, c) => applyMappingChange(s, c as MappingChange), createWorkspace());
}

function run(state: WorkspaceState, ...changes: MappingChange[]): WorkspaceState {
  return changes.reduce(applyMappingChange, state);
}

const draftAt = (id: string, path: (string | number)[] = []): NodeLocation => ({
  direction: H2D,
  owner: { kind: 'draft', id },
  path,
});
const mappingAt = (target: string, path: (string | number)[] = []): NodeLocation => ({
  direction: H2D,
  owner: { kind: 'mapping', target },
  path,
});

describe('applyMappingChange', () => {
  it('maps a field by connecting a source handle to a target handle', () => {
    const s = run(loaded(), {
      type: 'connect',
      direction: H2D,
      from: { kind: 'source-field', name: 'email' },
      to: { kind: 'target-field', name: 'email' },
    });
    expect(mappingsOf(s.spec, H2D)).toEqual([{ target: 'email', value: { field: 'email' } }]);
    expect(s.selection).toEqual({ kind: 'mapping', direction: H2D, target: 'email' });
  });

  it('replaces the value when a mapped target is connected again, keeping the note', () => {
    const s = run(
      loaded(),
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'email' },
        to: { kind: 'target-field', name: 'company' },
      },
      { type: 'set-note', direction: H2D, target: 'company', note: 'legal name' },
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'company' },
        to: { kind: 'target-field', name: 'company' },
      },
    );
    expect(mappingsOf(s.spec, H2D)).toEqual([
      { target: 'company', value: { field: 'company' }, note: 'legal name' },
    ]);
  });

  it('refuses read-only and calculated HubSpot properties as targets', () => {
    const before = loaded();
    const s = run(
      before,
      {
        type: 'connect',
        direction: D2H,
        from: { kind: 'source-field', name: 'id' },
        to: { kind: 'target-field', name: 'hs_object_id' },
      },
      {
        type: 'connect',
        direction: D2H,
        from: { kind: 'source-field', name: 'phone' },
        to: { kind: 'target-field', name: 'num_notes' },
      },
    );
    expect(mappingsOf(s.spec, D2H)).toEqual([]);
    expect(s).toBe(before);
  });

  it('builds a concat with ordered inputs and literals from a palette draft, then wires it to a target', () => {
    let s = run(loaded(), { type: 'add-formula', direction: H2D, kind: 'concat' });
    expect(s.drafts).toEqual([{ id: 'd1', direction: H2D, value: { concat: [] } }]);
    s = run(
      s,
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'firstname' },
        to: { kind: 'slot', location: draftAt('d1'), slot: 'append' },
      },
      { type: 'add-literal', location: draftAt('d1'), value: ' ' },
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'lastname' },
        to: { kind: 'slot', location: draftAt('d1'), slot: 'append' },
      },
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'node', location: draftAt('d1') },
        to: { kind: 'target-field', name: 'company' },
      },
    );
    expect(s.drafts).toEqual([]);
    expect(mappingsOf(s.spec, H2D)).toEqual([
      {
        target: 'company',
        value: { concat: [{ field: 'firstname' }, { literal: ' ' }, { field: 'lastname' }] },
      },
    ]);
  });

  it('reorders and edits concat parts', () => {
    const s = run(
      loaded(),
      { type: 'add-formula', direction: H2D, kind: 'concat' },
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'firstname' },
        to: { kind: 'slot', location: draftAt('d1'), slot: 'append' },
      },
      { type: 'add-literal', location: draftAt('d1'), value: '-' },
      { type: 'move-part', location: draftAt('d1'), from: 1, to: 0 },
      { type: 'set-literal', location: draftAt('d1', ['concat', 0]), value: ', ' },
    );
    expect(s.drafts[0]?.value).toEqual({ concat: [{ literal: ', ' }, { field: 'firstname' }] });
  });

  it('composes formulas: a formula output wired into another formula moves it there', () => {
    const s = run(
      loaded(),
      { type: 'add-formula', direction: H2D, kind: 'lowercase' },
      { type: 'add-formula', direction: H2D, kind: 'stripSpaces' },
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'email' },
        to: { kind: 'slot', location: draftAt('d2'), slot: 0 },
      },
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'node', location: draftAt('d2') },
        to: { kind: 'slot', location: draftAt('d1'), slot: 0 },
      },
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'node', location: draftAt('d1') },
        to: { kind: 'target-field', name: 'email' },
      },
    );
    expect(s.drafts).toEqual([]);
    expect(mappingsOf(s.spec, H2D)).toEqual([
      { target: 'email', value: { lowercase: [{ stripSpaces: [{ field: 'email' }] }] } },
    ]);
  });

  it('refuses to wire a formula into its own input', () => {
    const s = run(
      loaded(),
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'email' },
        to: { kind: 'target-field', name: 'email' },
      },
      { type: 'wrap', direction: H2D, target: 'email', kind: 'lowercase' },
    );
    const after = run(s, {
      type: 'connect',
      direction: H2D,
      from: { kind: 'node', location: mappingAt('email') },
      to: { kind: 'slot', location: mappingAt('email'), slot: 0 },
    });
    expect(after).toBe(s);
  });

  it('wraps an existing mapping in a formula', () => {
    const s = run(
      loaded(),
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'attendee_status' },
        to: { kind: 'target-field', name: 'status' },
      },
      { type: 'wrap', direction: H2D, target: 'status', kind: 'enumMap' },
      {
        type: 'set-enum',
        location: mappingAt('status'),
        entries: { registered: 'REGISTERED', cancelled: null },
      },
      { type: 'set-otherwise', location: mappingAt('status'), value: { null: {} } },
    );
    expect(mappingsOf(s.spec, H2D)[0]?.value).toEqual({
      enumMap: {
        input: { field: 'attendee_status' },
        map: { registered: 'REGISTERED', cancelled: null },
        otherwise: { null: {} },
      },
    });
    const cleared = run(
      s,
      { type: 'set-enum', location: mappingAt('status'), entries: { cancelled: undefined } },
      { type: 'set-otherwise', location: mappingAt('status'), value: undefined },
    );
    expect(readAt(cleared, mappingAt('status'))).toEqual({
      enumMap: { input: { field: 'attendee_status' }, map: { registered: 'REGISTERED' } },
    });
  });

  it('deletes a nested formula, leaving its parent waiting for an input, and a root deletes the mapping', () => {
    const s = run(
      loaded(),
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'email' },
        to: { kind: 'target-field', name: 'email' },
      },
      { type: 'wrap', direction: H2D, target: 'email', kind: 'stripSpaces' },
      { type: 'wrap', direction: H2D, target: 'email', kind: 'lowercase' },
      { type: 'delete-node', location: mappingAt('email', ['lowercase', 0]) },
    );
    expect(mappingsOf(s.spec, H2D)[0]?.value).toEqual({ lowercase: [] });
    expect(mappingsOf(run(s, { type: 'delete-node', location: mappingAt('email') }).spec, H2D)).toEqual([]);
  });

  it('accepting a suggestion between two option lists starts an enumMap; rejecting remembers the pair', () => {
    const s = run(
      loaded(),
      { type: 'accept-suggestion', direction: H2D, source: 'attendee_status', target: 'status' },
      { type: 'reject-suggestion', direction: H2D, source: 'jobtitle', target: 'jobTitle' },
      { type: 'reject-suggestion', direction: H2D, source: 'jobtitle', target: 'jobTitle' },
    );
    expect(mappingsOf(s.spec, H2D)[0]?.value).toEqual({
      enumMap: { input: { field: 'attendee_status' }, map: {} },
    });
    expect(s.rejected).toEqual(['hubspot-to-destination|jobtitle|jobTitle']);
  });

  it('removes a mapping and clears its selection', () => {
    const s = run(
      loaded(),
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'email' },
        to: { kind: 'target-field', name: 'email' },
      },
      { type: 'remove-mapping', direction: H2D, target: 'email' },
    );
    expect(mappingsOf(s.spec, H2D)).toEqual([]);
    expect(s.selection).toBeNull();
  });

  it('sets the natural key', () => {
    const s = run(loaded(), { type: 'set-natural-key', hubspotProperty: 'phone' });
    expect(s.spec.destination.naturalKey).toEqual({ hubspotProperty: 'phone', destinationField: 'email' });
  });

  it('returns the same state for navigation that changes nothing', () => {
    const s = loaded();
    expect(applyMappingChange(s, { type: 'set-direction', direction: H2D })).toBe(s);
  });
});
