import { readFileSync } from 'node:fs';
import { applyTransforms } from '@kongo/runtime/formulas';
import { FORMULA_NAMES, type IntegrationSpec, validateSpec } from '@kongo/runtime/spec';
import { describe, expect, it } from 'vitest';

function load(name: string): IntegrationSpec {
  const result = validateSpec(JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')));
  if (!result.ok) throw new Error(`${name}: ${JSON.stringify(result.problems)}`);
  return result.spec;
}

const contacts = load('contacts-events.integration-spec.json');
const deals = load('deals-jobs.integration-spec.json');

function flow(spec: IntegrationSpec, direction: string) {
  const found = spec.flows.find((f) => f.direction === direction);
  if (!found) throw new Error(`no ${direction} flow`);
  return found;
}

function formulasIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) formulasIn(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if ((FORMULA_NAMES as readonly string[]).includes(key)) into.add(key);
      if (key !== 'map') formulasIn(child, into);
    }
  }
  return into;
}

describe('the starter specs', () => {
  it('are valid and have both directions', () => {
    for (const spec of [contacts, deals]) {
      expect(spec.flows.map((f) => f.direction).sort()).toEqual([
        'destination-to-hubspot',
        'hubspot-to-destination',
      ]);
    }
  });

  it('together use every formula', () => {
    const used = formulasIn([contacts.flows, deals.flows]);
    expect([...used].sort()).toEqual([...FORMULA_NAMES].sort());
  });

  it('map a HubSpot contact to an attendee', () => {
    const result = applyTransforms(flow(contacts, 'hubspot-to-destination'), {
      email: ' Ann.Lee@Example.COM ',
      firstname: 'Ann',
      lastname: 'Lee',
      company: 'Velflex',
      jobtitle: 'CTO',
      phone: '+61 2 9876\u00A05432',
      country: 'Australia',
      lifecyclestage: 'lead',
    });
    expect(result).toEqual({
      output: {
        email: 'ann.lee@example.com',
        firstName: 'Ann',
        lastName: 'Lee',
        company: 'Velflex',
        jobTitle: 'CTO',
        phone: '+61298765432',
        country: 'Australia',
        ticketType: null,
      },
      errors: [],
    });
  });

  it('map an attendee back to a contact, reporting an unknown status', () => {
    const result = applyTransforms(flow(contacts, 'destination-to-hubspot'), {
      email: 'ANN@EXAMPLE.COM',
      firstName: 'Ann',
      status: 'NO_SHOW',
    });
    expect(result.output).toEqual({
      email: 'ann@example.com',
      firstname: 'Ann',
      lastname: null,
      company: null,
      jobtitle: null,
      phone: null,
      country: null,
    });
    expect(result.errors.map((e) => [e.target, e.code])).toEqual([['hs_lead_status', 'ENUM_UNMAPPED']]);
  });

  it('map a deal to a job and a job back to a deal', () => {
    expect(
      applyTransforms(flow(deals, 'hubspot-to-destination'), {
        job_reference: ' J-1001 ',
        dealname: 'Roof repair',
        dealstage: 'closedwon',
      }).output,
    ).toEqual({ reference: 'J-1001', title: 'Roof repair', status: 'SCHEDULED' });
    expect(
      applyTransforms(flow(deals, 'destination-to-hubspot'), {
        reference: 'J-1001',
        title: 'Roof repair',
        status: 'QUOTED',
        value: 1500,
        notes: '',
        siteAddress: '1 George St',
      }).output,
    ).toEqual({
      job_reference: 'J-1001',
      dealname: 'Roof repair',
      dealstage: null,
      amount: 1500,
      description: '1 George St',
    });
  });
});
