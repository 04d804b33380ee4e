import { describe, expect, it } from 'vitest';
import { applyMappingChange, type MappingChange } from './changes.ts';
import { eventsSchema, hubspotSchema } from './fixtures/schemas.ts';
import type { Schema, StudioSpec, WorkspaceState } from './types.ts';
import { typeFit, validateWorkspace } from './validation.ts';
import { createWorkspace, starterSpec } from './workspace.ts';

const H2D = 'hubspot-to-destination' as const;

function withMappings(
  h2d: StudioSpec['flows'][number]['mappings'],
  extra: Partial<WorkspaceState> = {},
): WorkspaceState {
  const spec = starterSpec();
  spec.flows[0]!.mappings = h2d;
  const s = [
    { type: 'load-schema', schema: hubspotSchema() },
    { type: 'load-schema', schema: eventsSchema() },
  ].reduce<WorkspaceState>((st, c) => applyMappingChange(st, c as MappingChange), createWorkspace(spec));
  return { ...s, ...extra };
}

const codes = (s: WorkspaceState) =>
  validateWorkspace(s).map((p) => `${p.code}:${p.location.target ?? p.location.field?.name ?? ''}`);

describe('validateWorkspace', () => {
  it('reports the natural key not mapped, with where to find it', () => {
    const problems = validateWorkspace(withMappings([]));
    const key = problems.find((p) => p.code === 'natural-key-unmapped' && p.location.direction === H2D);
    expect(key).toMatchObject({
      severity: 'error',
      location: { field: { side: 'destination', name: 'email' }, pointer: '/destination/naturalKey' },
    });
  });

  it('reports a target mapped twice with a pointer to the second mapping', () => {
    const problems = validateWorkspace(
      withMappings([
        { target: 'email', value: { field: 'email' } },
        { target: 'email', value: { field: 'firstname' } },
      ]),
    );
    expect(problems.find((p) => p.code === 'target-mapped-twice')?.location.pointer).toBe(
      '/flows/0/mappings/1/target',
    );
  });

  it('reports formula argument errors at the formula', () => {
    const problems = validateWorkspace(
      withMappings([
        { target: 'email', value: { lowercase: [] } },
        { target: 'company', value: { concat: [] } },
        { target: 'status', value: { enumMap: { map: {} } } },
      ]),
    );
    const args = problems.filter((p) => p.code === 'formula-arguments');
    expect(args.map((p) => p.location.pointer)).toEqual([
      '/flows/0/mappings/0/value',
      '/flows/0/mappings/1/value',
      '/flows/0/mappings/2/value',
    ]);
    expect(args[0]?.message).toMatch(/lowercase for email needs exactly one input/);
  });

  it('reports unmapped enum options, and option values the target does not have', () => {
    const problems = validateWorkspace(
      withMappings([
        { target: 'email', value: { field: 'email' } },
        {
          target: 'status',
          value: {
            enumMap: {
              input: { field: 'attendee_status' },
              map: { registered: 'REGISTERED', checked_in: 'CHECKED' },
            },
          },
        },
      ]),
    );
    const unmapped = problems.find((p) => p.code === 'enum-unmapped-options');
    expect(unmapped?.message).toMatch(/3 of 5 options unmapped \(cancelled, waitlisted, no_show\)/);
    expect(problems.find((p) => p.code === 'enum-unknown-option')?.location.pointer).toBe(
      '/flows/0/mappings/1/value/enumMap/map/checked_in',
    );
  });

  it('an otherwise value covers the unmapped options', () => {
    const problems = validateWorkspace(
      withMappings([
        {
          target: 'status',
          value: { enumMap: { input: { field: 'attendee_status' }, map: {}, otherwise: { null: {} } } },
        },
      ]),
    );
    expect(problems.some((p) => p.code === 'enum-unmapped-options')).toBe(false);
  });

  it('reports type mismatches: an error when it can never fit, a warning when only some values will', () => {
    const found = validateWorkspace(
      withMappings([
        { target: 'status', value: { field: 'annualrevenue' } },
        { target: 'ticketType', value: { field: 'company' } },
        { target: 'company', value: { field: 'annualrevenue' } },
      ]),
    ).filter((p) => p.code === 'type-mismatch');
    expect(found.map((p) => [p.location.target, p.severity])).toEqual([
      ['status', 'error'],
      ['ticketType', 'warning'],
    ]);
  });

  it('reports unknown fields and read-only targets', () => {
    const spec = starterSpec();
    spec.flows[1]!.mappings = [
      { target: 'hs_object_id', value: { field: 'id' } },
      { target: 'firstname', value: { field: 'nickname' } },
    ];
    const s = applyMappingChange(
      applyMappingChange(createWorkspace(spec), { type: 'load-schema', schema: hubspotSchema() }),
      { type: 'load-schema', schema: eventsSchema() },
    );
    expect(codes(s)).toEqual(
      expect.arrayContaining([
        'read-only-target:hs_object_id',
        'unknown-field:firstname',
        'natural-key-unmapped:email',
      ]),
    );
  });

  it('reports required destination fields that are not mapped', () => {
    const required: Schema = {
      ...eventsSchema(),
      fields: eventsSchema().fields.map((f) => (f.name === 'lastName' ? { ...f, required: true } : f)),
    };
    const s = applyMappingChange(withMappings([{ target: 'email', value: { field: 'email' } }]), {
      type: 'load-schema',
      schema: required,
    });
    expect(codes(s)).toContain('required-unmapped:lastName');
  });

  it('reports drafts not yet wired to a target', () => {
    const s = applyMappingChange(withMappings([]), { type: 'add-formula', direction: H2D, kind: 'concat' });
    expect(validateWorkspace(s).find((p) => p.code === 'draft-unconnected')?.location.node).toEqual({
      direction: H2D,
      owner: { kind: 'draft', id: 'd1' },
      path: [],
    });
  });
});

describe('typeFit', () => {
  it('knows which types go where', () => {
    expect(typeFit('number', 'string')).toBe('yes');
    expect(typeFit('string', 'number')).toBe('maybe');
    expect(typeFit('boolean', 'date')).toBe('no');
    expect(typeFit('date', 'datetime')).toBe('yes');
  });
});

describe('the spec validator inside live validation', () => {
  it('reports what only the spec schema knows, at its pointer and direction', () => {
    const state = withMappings([{ target: 'email', value: { field: 'email' } }]);
    state.spec.flows[1]!.mappings = [{ target: 'email', value: { field: 'email' } }];
    state.spec.flows[0]!.triggers = ['contact.exploded'];
    const spec = validateWorkspace(state).filter((p) => p.code === 'spec');
    expect(spec.map((p) => [p.location.pointer, p.location.direction])).toEqual([
      ['/flows/0/triggers/0', 'hubspot-to-destination'],
    ]);
    expect(spec[0]?.message).toMatch(/"exploded" is not a HubSpot event kind/);
  });

  it('says plainly when a direction has no mappings (and the spec validator does not repeat it)', () => {
    const problems = validateWorkspace(withMappings([{ target: 'email', value: { field: 'email' } }]));
    expect(problems.filter((p) => p.location.pointer === '/flows/1/mappings').map((p) => p.code)).toEqual([
      'flow-empty',
    ]);
  });

  it('does not repeat a problem already reported at the same place', () => {
    const problems = validateWorkspace(withMappings([{ target: 'email', value: { lowercase: [] } }]));
    expect(problems.filter((p) => p.location.pointer?.startsWith('/flows/0/mappings/0/value'))).toHaveLength(
      1,
    );
  });
});
