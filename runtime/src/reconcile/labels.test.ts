import { describe, expect, it } from 'vitest';
import starter from '../../../templates/starters/contacts-events.integration-spec.json' with { type: 'json' };
import { validateSpec } from '../spec/validate.ts';
import { enumFieldsOf, findEnumLabelProblems, judgeOption } from './labels.ts';

const statuses = [
  { value: 'NEW', label: 'New' },
  { value: 'OPEN', label: 'Open' },
  { value: 'IN_PROGRESS', label: 'In Progress' },
  { value: 'UNQUALIFIED', label: 'Unqualified' },
];

describe('judgeOption', () => {
  it('accepts an exact option and names the closest one for each kind of near miss', () => {
    expect(judgeOption('OPEN', statuses)).toBeUndefined();
    expect(judgeOption('open', statuses)).toEqual({ closest: 'OPEN', kind: 'case' });
    expect(judgeOption('In Progress', statuses)).toEqual({ closest: 'IN_PROGRESS', kind: 'label-not-value' });
    expect(judgeOption('IN PROGRESS ', statuses)).toEqual({ closest: 'IN_PROGRESS', kind: 'spacing' });
    expect(judgeOption('UNQUALIFED', statuses)).toEqual({ closest: 'UNQUALIFIED', kind: 'typo' });
    expect(judgeOption('CUSTOMER', statuses)).toMatchObject({ kind: 'unknown' });
  });
});

describe('findEnumLabelProblems', () => {
  const result = validateSpec(structuredClone(starter));
  if (!result.ok) throw new Error('starter invalid');
  const spec = result.spec;

  it('lists the fields whose options it needs, on both sides', () => {
    expect(enumFieldsOf(spec)).toEqual({
      hubspot: ['lifecyclestage', 'hs_lead_status'],
      destination: ['ticketType', 'status'],
    });
  });

  it('points at each map entry that misses a live option, with the closest match', () => {
    const problems = findEnumLabelProblems(spec, {
      hubspot: {
        lifecyclestage: [
          { value: 'customer', label: 'Customer' },
          { value: 'evangelist', label: 'Evangelist' },
          { value: 'other', label: 'Other' },
        ],
        hs_lead_status: [
          { value: 'OPEN' },
          { value: 'NEW' },
          { value: 'CONNECTED' },
          { value: 'UNQUALIFIED ' },
        ],
      },
      destination: {
        ticketType: [{ value: 'GENERAL' }, { value: 'VIP' }, { value: 'SPEAKERS' }],
        status: [
          { value: 'REGISTERED' },
          { value: 'CHECKED_IN' },
          { value: 'CANCELED' },
          { value: 'WAITLISTED' },
        ],
      },
    });
    expect(problems.map((p) => [p.pointer, p.end, p.written, p.closest, p.kind])).toEqual([
      ['/flows/0/mappings/7/value/enumMap/map/evangelist', 'output', 'SPEAKER', 'SPEAKERS', 'typo'],
      ['/flows/1/mappings/7/value/enumMap/map/CANCELLED', 'input', 'CANCELLED', 'CANCELED', 'typo'],
      ['/flows/1/mappings/7/value/enumMap/map/CANCELLED', 'output', 'UNQUALIFIED', 'UNQUALIFIED ', 'spacing'],
    ]);
    expect(problems[0]?.message).toContain('closest live option is "SPEAKERS"');
  });
});
