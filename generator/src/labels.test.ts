import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from './generate.ts';
import { checkEnumLabels, formatLabelCheck, hubspotOptionsFromProperties } from './labels.ts';
import { loadSpec } from './load.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STARTER = 'contacts-events.integration-spec.json';
const starterText = readFileSync(join(ROOT, 'templates/starters', STARTER), 'utf8');

/** The starter with three human mistakes in its enumMaps and the studio's schema snapshots. */
function mistakenSpecText(withSnapshots = true): string {
  const spec = JSON.parse(starterText);
  const toDestination = spec.flows[0].mappings[7].value.enumMap.map;
  delete toDestination.customer;
  toDestination.Customer = 'VIP'; // case: HubSpot's value is "customer"
  const toHubSpot = spec.flows[1].mappings[7].value.enumMap.map;
  delete toHubSpot.CHECKED_IN;
  toHubSpot['Checked In'] = 'CONNECTED'; // spacing: the platform's value is CHECKED_IN
  toHubSpot.CANCELLED = 'UNQUALIFED'; // typo: HubSpot's value is UNQUALIFIED
  if (withSnapshots) {
    spec.studio.schemas = {
      hubspot: {
        lifecyclestage: {
          type: 'enum',
          options: ['subscriber', 'lead', 'customer', 'evangelist', 'other'],
        },
        email: { type: 'string' },
      },
      destination: {
        status: { type: 'enum', options: ['REGISTERED', 'CHECKED_IN', 'CANCELLED', 'WAITLISTED'] },
        ticketType: { type: 'enum', options: ['GENERAL', 'VIP', 'SPEAKER', 'SPONSOR'] },
      },
    };
  }
  return JSON.stringify(spec, null, 2);
}

/** What GET /crm/v3/properties/contacts answers, trimmed to two properties. */
const HUBSPOT_PROPERTIES = {
  results: [
    {
      name: 'hs_lead_status',
      label: 'Lead Status',
      type: 'enumeration',
      options: [
        { value: 'NEW', label: 'New', hidden: false },
        { value: 'OPEN', label: 'Open', hidden: false },
        { value: 'CONNECTED', label: 'Connected', hidden: false },
        { value: 'UNQUALIFIED', label: 'Unqualified', hidden: false },
      ],
    },
    { name: 'firstname', label: 'First Name', type: 'string', options: [] },
  ],
};

describe('enumMap labels at generate time', () => {
  it('flags each near miss with the closest option from studio.schemas and the HubSpot properties file', () => {
    const { spec } = loadSpec(mistakenSpecText(), STARTER);
    const check = checkEnumLabels({ spec, hubspotProperties: HUBSPOT_PROPERTIES });
    expect(check.sources).toEqual(['hubspot-properties', 'studio-schemas']);
    expect(check.unchecked).toEqual({ hubspot: [], destination: [] });
    expect(
      check.problems.map((p) => [p.pointer, p.end, p.side, p.field, p.written, p.closest, p.kind]),
    ).toEqual([
      [
        '/flows/0/mappings/7/value/enumMap/map/Customer',
        'input',
        'hubspot',
        'lifecyclestage',
        'Customer',
        'customer',
        'case',
      ],
      [
        '/flows/1/mappings/7/value/enumMap/map/CANCELLED',
        'output',
        'hubspot',
        'hs_lead_status',
        'UNQUALIFED',
        'UNQUALIFIED',
        'typo',
      ],
      [
        '/flows/1/mappings/7/value/enumMap/map/Checked In',
        'input',
        'destination',
        'status',
        'Checked In',
        'CHECKED_IN',
        'spacing',
      ],
    ]);
    const lines = formatLabelCheck(check, 'contacts');
    expect(lines[0]).toBe(
      "warning: 3 enumMap entries do not exactly match the options in the HubSpot properties file and the spec's studio.schemas snapshot (the runtime matches exactly; nothing was changed):",
    );
    expect(lines.slice(1)).toEqual([
      'warning:   /flows/0/mappings/7/value/enumMap/map/Customer (map key): "Customer" differs only in case from the live option "customer" of HubSpot property "lifecyclestage": options match exactly',
      'warning:   /flows/1/mappings/7/value/enumMap/map/CANCELLED (map value): "UNQUALIFED" is not an option of HubSpot property "hs_lead_status"; the closest live option is "UNQUALIFIED" (a typo?)',
      'warning:   /flows/1/mappings/7/value/enumMap/map/Checked In (map key): "Checked In" differs in spacing or separators from the live option "CHECKED_IN" of destination field "status"',
    ]);
  });

  it('says in one line what was not checked and how, when some or all options are unknown', () => {
    const partial = checkEnumLabels({ spec: loadSpec(mistakenSpecText(), STARTER).spec });
    expect(partial.unchecked).toEqual({ hubspot: ['hs_lead_status'], destination: [] });
    expect(partial.problems).toHaveLength(2); // the typo sits in hs_lead_status: not checked
    expect(formatLabelCheck(partial, 'contacts').at(-1)).toBe(
      'enumMap labels not checked for HubSpot "hs_lead_status" (no options known); pass --hubspot-properties FILE (the body of GET /crm/v3/properties/contacts), keep studio.schemas in the spec (the studio stores it), or run `kongo reconcile SPEC --dry-run` against the live systems.',
    );

    const none = checkEnumLabels({ spec: loadSpec(starterText, STARTER).spec });
    expect(none.problems).toEqual([]);
    expect(formatLabelCheck(none, 'contacts')).toEqual([
      'enumMap labels not checked: no options known for HubSpot "hs_lead_status", "lifecyclestage" and destination "status", "ticketType"; pass --hubspot-properties FILE (the body of GET /crm/v3/properties/contacts), keep studio.schemas in the spec (the studio stores it), or run `kongo reconcile SPEC --dry-run` against the live systems.',
    ]);
  });

  it('reports a clean check, and prints nothing for a spec without enumMaps', () => {
    const spec = JSON.parse(starterText);
    spec.studio.schemas = {
      hubspot: { lifecyclestage: { type: 'enum', options: ['customer', 'evangelist', 'other'] } },
      destination: {
        status: { type: 'enum', options: ['REGISTERED', 'CHECKED_IN', 'CANCELLED', 'WAITLISTED'] },
        ticketType: { type: 'enum', options: ['GENERAL', 'VIP', 'SPEAKER', 'SPONSOR'] },
      },
    };
    const clean = checkEnumLabels({
      spec: loadSpec(JSON.stringify(spec), STARTER).spec,
      hubspotProperties: HUBSPOT_PROPERTIES.results[0],
    });
    expect(formatLabelCheck(clean, 'contacts')).toEqual([
      "enumMap labels checked against the HubSpot properties file and the spec's studio.schemas snapshot: every key and value is an exact option.",
    ]);
    for (const flow of spec.flows) flow.mappings.splice(7, 1);
    const plain = checkEnumLabels({ spec: loadSpec(JSON.stringify(spec), STARTER).spec });
    expect(formatLabelCheck(plain, 'contacts')).toEqual([]);
  });

  it('never changes the generated code: the studio state is not part of it', () => {
    const withSnapshots = generate({ specText: mistakenSpecText(true), specFileName: STARTER });
    const without = generate({ specText: mistakenSpecText(false), specFileName: STARTER });
    const body = (text: string) => text.replace(/\(sha256 [0-9a-f]{64}\)/, '(sha256 …)');
    expect(withSnapshots.files.map((f) => [f.path, body(f.content)])).toEqual(
      without.files.map((f) => [f.path, body(f.content)]),
    );
  });

  it('rejects a file that is not HubSpot property definitions', () => {
    expect(() => hubspotOptionsFromProperties({ data: [] })).toThrow(/GET \/crm\/v3\/properties/);
    expect(hubspotOptionsFromProperties([{ name: 'x', options: [{ value: 'a', label: '' }] }])).toEqual({
      x: [{ value: 'a' }],
    });
  });
});
