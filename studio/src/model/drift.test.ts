import { describe, expect, it } from 'vitest';
import { applyMappingChange } from './changes.ts';
import { detectDrift, snapshotsOf } from './drift.ts';
import { eventsSchema, hubspotSchema } from './fixtures/schemas.ts';
import type { Schema, WorkspaceState } from './types.ts';
import { createWorkspace } from './workspace.ts';

const H2D = 'hubspot-to-destination' as const;

function mapped(): WorkspaceState {
  let s = createWorkspace();
  s = applyMappingChange(s, { type: 'load-schema', schema: hubspotSchema() });
  s = applyMappingChange(s, { type: 'load-schema', schema: eventsSchema() });
  return applyMappingChange(s, {
    type: 'connect',
    direction: H2D,
    from: { kind: 'source-field', name: 'attendee_status' },
    to: { kind: 'target-field', name: 'status' },
  });
}

describe('drift detection', () => {
  it('snapshots the fields the spec uses, into spec.studio', () => {
    const snap = snapshotsOf(mapped().spec);
    expect(Object.keys(snap.hubspot ?? {})).toEqual(['attendee_status', 'email']);
    expect(snap.hubspot?.attendee_status).toEqual({
      type: 'enum',
      options: ['registered', 'checked_in', 'cancelled', 'waitlisted', 'no_show'],
    });
    expect(Object.keys(snap.destination ?? {})).toEqual(['email', 'status']);
  });

  it('finds no drift against the same schemas', () => {
    expect(detectDrift(mapped())).toEqual([]);
  });

  it('reports a new option, a removed option and a deleted property in the live schema', () => {
    const live = hubspotSchema();
    const changed: Schema = {
      ...live,
      fields: live.fields
        .filter((f) => f.name !== 'email')
        .map((f) =>
          f.name === 'attendee_status'
            ? {
                ...f,
                options: [
                  ...(f.options ?? []).filter((o) => o.value !== 'no_show'),
                  { value: 'vip', label: 'VIP' },
                ],
              }
            : f,
        ),
    };
    const s = applyMappingChange(mapped(), { type: 'load-schema', schema: changed });
    expect(detectDrift(s).map((d) => `${d.kind}:${d.field}`)).toEqual([
      'options-added:attendee_status',
      'options-removed:attendee_status',
      'deleted:email',
    ]);
    const accepted = applyMappingChange(s, { type: 'accept-drift', side: 'hubspot' });
    expect(detectDrift(accepted).map((d) => d.kind)).toEqual([]);
  });

  it('forgets fields the spec stops using', () => {
    const s = applyMappingChange(mapped(), { type: 'remove-mapping', direction: H2D, target: 'status' });
    expect(Object.keys(snapshotsOf(s.spec).hubspot ?? {})).toEqual(['email']);
  });
});
