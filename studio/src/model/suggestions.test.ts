import { describe, expect, it } from 'vitest';
import { applyMappingChange } from './changes.ts';
import { eventsSchema, hubspotSchema } from './fixtures/schemas.ts';
import {
  likelyPairs,
  meaningKey,
  normalizeName,
  suggestEnumEntries,
  suggestMappings,
  whyNoEnumSuggestions,
} from './suggestions.ts';
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

describe('honest confidence', () => {
  function withHubSpot(fields: { name: string; label: string; type?: 'string' | 'enum' }[]): WorkspaceState {
    let s = createWorkspace();
    s = applyMappingChange(s, {
      type: 'load-schema',
      schema: {
        side: 'hubspot',
        source: 't',
        fields: fields.map((f) => ({ name: f.name, label: f.label, type: f.type ?? 'string', group: 'g' })),
      },
    });
    return applyMappingChange(s, { type: 'load-schema', schema: eventsSchema() });
  }

  it('shows a label-only match whose name is narrower as possible, with the reason, never "same name"', () => {
    const s = withHubSpot([{ name: 'hs_content_membership_status', label: 'Status', type: 'enum' }]);
    const status = suggestMappings(s, H2D).find((x) => x.target === 'status');
    expect(status).toMatchObject({ source: 'hs_content_membership_status', confidence: 'possible' });
    expect(status?.reason).toMatch(/names something narrower/);
    expect(status?.reason).not.toMatch(/same name|100%/);
  });

  it('calls a spelling-only resemblance possible', () => {
    const s = withHubSpot([{ name: 'createdate', label: 'Create Date' }]);
    for (const x of suggestMappings(s, D2H)) expect(x.confidence).toBe('possible');
  });

  it('folds synonyms, path prefixes and the object noun into one meaning', () => {
    expect(meaningKey('profile.firstName')).toBe(meaningKey('First Name'));
    expect(meaningKey('org')).toBe(meaningKey('Company Name'));
    expect(meaningKey('no_of_employees')).toBe(meaningKey('Number of Employees'));
    expect(meaningKey('Deal Stage', ['deal'])).toBe(meaningKey('status'));
    expect(meaningKey('job_description', ['job'])).toBe(meaningKey('Deal Description', ['deal']));
  });

  it('merges likely pairs of both directions into ↔ for "accept all likely"', () => {
    const pairs = likelyPairs(loaded());
    expect(pairs).toContainEqual(
      expect.objectContaining({ hubspot: 'email', destination: 'email', direction: 'both' }),
    );
    expect(pairs.some((p) => p.hubspot === 'hs_object_id')).toBe(false);
  });
});

describe('enum suggestions that say why there are none', () => {
  const lead = {
    name: 'hs_lead_status',
    label: 'Lead Status',
    type: 'enum' as const,
    group: 'g',
    options: ['NEW', 'OPEN', 'IN_PROGRESS', 'BAD_TIMING'].map((v) => ({ value: v, label: v })),
  };
  const status = eventsSchema().fields.find((f) => f.name === 'status')!;

  it('names both option lists when nothing resembles', () => {
    const entries = suggestEnumEntries(lead.options, status.options!, {});
    const why = whyNoEnumSuggestions(lead, status, {}, entries.length === 0 ? 0 : entries.length);
    if (entries.length === 0)
      expect(why).toMatch(/none of Lead Status’s 4 unmapped options \(NEW, OPEN, IN_PROGRESS…\)/);
    else expect(why).toBeNull();
  });

  it('says when the input has no options or every option is mapped', () => {
    const plain = { name: 'email', label: 'Email', type: 'string' as const, group: 'g' };
    expect(whyNoEnumSuggestions(plain, status, {}, 0)).toMatch(/has no option list/);
    expect(
      whyNoEnumSuggestions(
        lead,
        status,
        { NEW: 'REGISTERED', OPEN: null, IN_PROGRESS: null, BAD_TIMING: null },
        0,
      ),
    ).toMatch(/every option already has an entry/);
    expect(whyNoEnumSuggestions(lead, status, {}, 2)).toBeNull();
  });
});
