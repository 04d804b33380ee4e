import { describe, expect, it } from 'vitest';
import { applyMappingChange } from './changes.ts';
import { eventsSchema, hubspotSchema } from './fixtures/schemas.ts';
import { normalizeName, suggestEnumEntries, suggestMappings } from './suggestions.ts';
import type { WorkspaceState } from './types.ts';
import { createWorkspace } from './workspace.ts';

const H2D = 'hubspot-to-destination' as const;
const D2H = 'destination-to-hubspot' as const;

function loaded(): WorkspaceState {
  let s = createWorkspace();
  s = applyMappingChange(s, { type: 'load-schema', schema: hubspotSchema() });
  return applyMappingChange(s, { type: 'load-schema', schema: eventsSchema() });
}

describe('mapping suggestions', () => {
  it('normalises names for comparison', () => {
    expect(normalizeName('First Name')).toBe('firstname');
    expect(normalizeName('first_name')).toBe('firstname');
  });

  it('pairs fields by name and label for each unmapped, writable target', () => {
    const pairs = suggestMappings(loaded(), H2D).map((s) => `${s.source}→${s.target}`);
    expect(pairs).toEqual(
      expect.arrayContaining([
        'email→email',
        'firstname→firstName',
        'lastname→lastName',
        'jobtitle→jobTitle',
        'phone→phone',
        'company→company',
        'country→country',
      ]),
    );
    expect(pairs.some((p) => p.endsWith('→id') || p.endsWith('→createdAt'))).toBe(false);
  });

  it('never proposes read-only HubSpot properties as targets', () => {
    const targets = suggestMappings(loaded(), D2H).map((s) => s.target);
    expect(targets).not.toContain('hs_object_id');
    expect(targets).toContain('firstname');
  });

  it('drops pairs already mapped or rejected', () => {
    let s = applyMappingChange(loaded(), {
      type: 'connect',
      direction: H2D,
      from: { kind: 'source-field', name: 'email' },
      to: { kind: 'target-field', name: 'email' },
    });
    s = applyMappingChange(s, {
      type: 'reject-suggestion',
      direction: H2D,
      source: 'phone',
      target: 'phone',
    });
    const pairs = suggestMappings(s, H2D).map((x) => `${x.source}→${x.target}`);
    expect(pairs).not.toContain('email→email');
    expect(pairs).not.toContain('phone→phone');
  });

  it('suggests enum entries by label, for the consultant to confirm', () => {
    const source = hubspotSchema().fields.find((f) => f.name === 'attendee_status')!.options!;
    const target = eventsSchema().fields.find((f) => f.name === 'status')!.options!;
    const entries = suggestEnumEntries(source, target, { registered: 'REGISTERED' });
    expect(entries.map((e) => `${e.from}→${e.to}`)).toEqual([
      'checked_in→CHECKED_IN',
      'cancelled→CANCELLED',
      'waitlisted→WAITLISTED',
    ]);
  });
});

describe('exact matches', () => {
  it('prefer a source with the same name over one that only shares the label', () => {
    let s = createWorkspace();
    s = applyMappingChange(s, {
      type: 'load-schema',
      schema: {
        side: 'hubspot',
        source: 't',
        fields: [
          { name: 'hs_membership_status', label: 'Status', type: 'string', group: 'g' },
          { name: 'status', label: 'Lead status', type: 'string', group: 'g' },
        ],
      },
    });
    s = applyMappingChange(s, {
      type: 'load-schema',
      schema: {
        side: 'destination',
        source: 't',
        fields: [{ name: 'status', label: 'status', type: 'string', group: 'g' }],
      },
    });
    expect(suggestMappings(s, H2D).map((x) => x.source)).toEqual(['status']);
  });
});
