import { describe, expect, it } from 'vitest';
import { hubspotSchema } from '../../../model/fixtures/schemas.ts';
import { buildRows } from './rows.ts';

describe('field list rows', () => {
  const fields = hubspotSchema().fields;

  it('groups by HubSpot groupName, sorted, with fields by label', () => {
    const rows = buildRows(fields, '', new Set());
    expect(
      rows.filter((r) => r.kind === 'group').map((r) => (r.kind === 'group' ? `${r.group}:${r.count}` : '')),
    ).toEqual(['companyinformation:1', 'contactinformation:8', 'events:1', 'sales_properties:1']);
    expect(rows[2]).toMatchObject({ kind: 'group', group: 'contactinformation' });
    expect(rows[3]).toMatchObject({ kind: 'field', field: { label: 'Company Name' } });
  });

  it('filters by name or label, case-insensitively', () => {
    const names = buildRows(fields, 'NAME', new Set()).flatMap((r) =>
      r.kind === 'field' ? [r.field.name] : [],
    );
    expect(names).toEqual(['company', 'firstname', 'lastname']);
  });

  it('collapses groups unless searching', () => {
    expect(buildRows(fields, '', new Set(['contactinformation'])).length).toBe(4 + 3);
    expect(buildRows(fields, 'email', new Set(['contactinformation'])).length).toBe(2);
  });
});
