import { describe, expect, it } from 'vitest';
import { applyMappingChange, type MappingChange } from './changes.ts';
import { eventsSchema, hubspotSchema } from './fixtures/schemas.ts';
import { directionRefusal, inverseValue, pairsOf, presetOf } from './pairs.ts';
import type { WorkspaceState } from './types.ts';
import { createWorkspace, mappingsOf } from './workspace.ts';

const H2D = 'hubspot-to-destination' as const;
const D2H = 'destination-to-hubspot' as const;

function loaded(): WorkspaceState {
  let s = createWorkspace();
  s = applyMappingChange(s, { type: 'load-schema', schema: hubspotSchema() });
  return applyMappingChange(s, { type: 'load-schema', schema: eventsSchema() });
}

function run(state: WorkspaceState, ...changes: MappingChange[]): WorkspaceState {
  return changes.reduce(applyMappingChange, state);
}

const mapped = (s: WorkspaceState, d: typeof H2D | typeof D2H) =>
  Object.fromEntries(mappingsOf(s.spec, d).map((m) => [m.target, m.value]));

describe('field pairs', () => {
  it('writes one mapping in each flow for a ↔ pair, made once', () => {
    const s = run(loaded(), {
      type: 'set-pair',
      hubspot: 'firstname',
      destination: 'firstName',
      direction: 'both',
    });
    expect(mapped(s, H2D)).toEqual({ firstName: { field: 'firstname' } });
    expect(mapped(s, D2H)).toEqual({ firstname: { field: 'firstName' } });
    expect(pairsOf(s.spec)).toMatchObject([
      { hubspot: 'firstname', destination: 'firstName', direction: 'both' },
    ]);
  });

  it('reads a pair back from mappings the canvas drew in each direction', () => {
    const s = run(
      loaded(),
      {
        type: 'connect',
        direction: H2D,
        from: { kind: 'source-field', name: 'email' },
        to: { kind: 'target-field', name: 'email' },
      },
      { type: 'wrap', direction: H2D, target: 'email', kind: 'lowercase' },
      {
        type: 'connect',
        direction: D2H,
        from: { kind: 'source-field', name: 'email' },
        to: { kind: 'target-field', name: 'email' },
      },
    );
    const [pair] = pairsOf(s.spec);
    expect(pair).toMatchObject({ hubspot: 'email', destination: 'email', direction: 'both' });
    expect(presetOf(pair!.toDestination!.value)).toBe('lowercase');
  });

  it('narrows ↔ to → by removing the reverse mapping and its owner', () => {
    let s = run(
      loaded(),
      { type: 'set-pair', hubspot: 'phone', destination: 'phone', direction: 'both' },
      { type: 'set-field-owner', hubspot: 'phone', owner: 'destination' },
    );
    expect(s.spec.policies.fieldOwnership).toEqual({ phone: 'destination' });
    s = run(s, { type: 'set-pair', hubspot: 'phone', destination: 'phone', direction: 'to-destination' });
    expect(mapped(s, D2H)).toEqual({});
    expect(mapped(s, H2D)).toEqual({ phone: { field: 'phone' } });
    expect(s.spec.policies.fieldOwnership).toBeUndefined();
  });

  it('refuses ↔ for concat, with the reason', () => {
    const s = run(
      loaded(),
      { type: 'set-pair', hubspot: 'jobtitle', destination: 'jobTitle', direction: 'to-destination' },
      { type: 'wrap', direction: H2D, target: 'jobTitle', kind: 'concat' },
    );
    const pair = pairsOf(s.spec)[0]!;
    expect(directionRefusal(s, pair, 'both')).toMatch(/concat .* has no inverse/);
    const after = run(s, {
      type: 'set-pair',
      hubspot: 'jobtitle',
      destination: 'jobTitle',
      direction: 'both',
    });
    expect(after).toBe(s);
  });

  it('refuses a direction that would write a read-only field', () => {
    const s = loaded();
    expect(directionRefusal(s, { hubspot: 'hs_object_id', destination: 'id' }, 'to-hubspot')).toMatch(
      /read-only/,
    );
    expect(
      run(s, { type: 'set-pair', hubspot: 'hs_object_id', destination: 'email', direction: 'both' }),
    ).toBe(s);
  });

  it('inverts an enumMap for the reverse direction', () => {
    expect(
      inverseValue(
        {
          enumMap: {
            input: { field: 'attendee_status' },
            map: {
              registered: 'REGISTERED',
              checked_in: 'CHECKED_IN',
              no_show: null,
              signed_up: 'REGISTERED',
            },
          },
        },
        'status',
      ),
    ).toEqual({
      value: {
        enumMap: { input: { field: 'status' }, map: { REGISTERED: 'registered', CHECKED_IN: 'checked_in' } },
      },
    });
  });

  it('keeps the formula when the pair is pointed at another field', () => {
    let s = run(
      loaded(),
      { type: 'set-pair', hubspot: 'email', destination: 'email', direction: 'to-destination' },
      {
        type: 'set-pair-formula',
        pair: { hubspot: 'email', destination: 'email' },
        direction: H2D,
        preset: 'lowercase+stripSpaces',
      },
    );
    s = run(s, {
      type: 'set-pair',
      hubspot: 'company',
      destination: 'email',
      direction: 'to-destination',
      replace: { hubspot: 'email', destination: 'email' },
    });
    expect(mapped(s, H2D)).toEqual({ email: { lowercase: [{ stripSpaces: [{ field: 'company' }] }] } });
  });

  it('sets formula presets per direction and keeps an enumMap’s entries', () => {
    let s = run(
      loaded(),
      { type: 'set-pair', hubspot: 'attendee_status', destination: 'status', direction: 'both' },
      {
        type: 'set-pair-formula',
        pair: { hubspot: 'attendee_status', destination: 'status' },
        direction: H2D,
        preset: 'enumMap',
      },
    );
    expect(mapped(s, H2D).status).toEqual({ enumMap: { input: { field: 'attendee_status' }, map: {} } });
    expect(mapped(s, D2H).attendee_status).toEqual({ field: 'status' });
    s = run(s, { type: 'remove-pair', pair: { hubspot: 'attendee_status', destination: 'status' } });
    expect(mappingsOf(s.spec, H2D)).toEqual([]);
    expect(mappingsOf(s.spec, D2H)).toEqual([]);
  });

  it('accepts many pairs as one undoable change, starting enumMaps where both sides have options', () => {
    const s = run(loaded(), {
      type: 'accept-pairs',
      pairs: [
        { hubspot: 'email', destination: 'email', direction: 'both' },
        { hubspot: 'attendee_status', destination: 'status', direction: 'both' },
      ],
    });
    expect(mapped(s, H2D)).toEqual({
      email: { field: 'email' },
      status: { enumMap: { input: { field: 'attendee_status' }, map: {} } },
    });
    expect(mapped(s, D2H).attendee_status).toEqual({ enumMap: { input: { field: 'status' }, map: {} } });
  });

  it('refuses an owner for a one-way pair (fieldOwnership keys must be written both ways)', () => {
    const s = run(loaded(), {
      type: 'set-pair',
      hubspot: 'phone',
      destination: 'phone',
      direction: 'to-destination',
    });
    expect(run(s, { type: 'set-field-owner', hubspot: 'phone', owner: 'hubspot' })).toBe(s);
  });
});

describe('accepting a pair that exists one way', () => {
  it('makes it ↔ instead of replacing its direction', () => {
    const s = run(
      loaded(),
      { type: 'set-pair', hubspot: 'email', destination: 'email', direction: 'to-destination' },
      { type: 'accept-pairs', pairs: [{ hubspot: 'email', destination: 'email', direction: 'to-hubspot' }] },
    );
    expect(pairsOf(s.spec)).toMatchObject([{ hubspot: 'email', destination: 'email', direction: 'both' }]);
  });
});
