import { describe, expect, it } from 'vitest';
import { eventsIntrospection, HUBSPOT_PROPERTIES } from '../fixtures/schemas.ts';
import { ImportError } from './errors.ts';
import { graphqlTypeNames, importGraphQLIntrospection } from './graphql.ts';
import { importHubSpotProperties } from './hubspot.ts';
import { importJsonSchema } from './json-schema.ts';
import { importOpenApi, openApiSchemaNames } from './openapi.ts';
import { importSampleRecords } from './samples.ts';

describe('HubSpot properties importer', () => {
  const schema = importHubSpotProperties(HUBSPOT_PROPERTIES);

  it('keeps names, labels, groups and maps HubSpot types onto studio types', () => {
    const email = schema.fields.find((f) => f.name === 'email');
    expect(email).toEqual({ name: 'email', label: 'Email', type: 'string', group: 'contactinformation' });
    expect(schema.fields.find((f) => f.name === 'phone')?.type).toBe('string');
    expect(schema.fields.find((f) => f.name === 'annualrevenue')?.type).toBe('number');
  });

  it('marks hidden enum options, read-only and calculated properties', () => {
    const status = schema.fields.find((f) => f.name === 'attendee_status');
    expect(status?.type).toBe('enum');
    expect(status?.options?.find((o) => o.value === 'no_show')).toEqual({
      value: 'no_show',
      label: 'No show (old)',
      hidden: true,
    });
    expect(schema.fields.find((f) => f.name === 'hs_object_id')?.readOnly).toBe(true);
    expect(schema.fields.find((f) => f.name === 'num_notes')).toMatchObject({
      readOnly: true,
      calculated: true,
    });
  });

  it('rejects a file that is not a properties list', () => {
    expect(() => importHubSpotProperties({ foo: 1 })).toThrow(ImportError);
  });
});

describe('GraphQL introspection importer', () => {
  it('lists record types, not roots or connections', () => {
    expect(graphqlTypeNames(eventsIntrospection())).toEqual(['Attendee']);
  });

  it('reads scalar and enum fields; fields missing from the input type are read-only', () => {
    const schema = importGraphQLIntrospection(eventsIntrospection(), 'Attendee');
    const byName = new Map(schema.fields.map((f) => [f.name, f]));
    expect(byName.get('email')).toMatchObject({ type: 'string', group: 'Attendee' });
    expect(byName.get('id')?.readOnly).toBe(true);
    expect(byName.get('createdAt')).toMatchObject({ type: 'datetime', readOnly: true });
    expect(byName.get('status')?.options?.map((o) => o.value)).toEqual([
      'REGISTERED',
      'CHECKED_IN',
      'CANCELLED',
      'WAITLISTED',
    ]);
    expect(byName.get('firstName')?.readOnly).toBeUndefined();
  });

  it('says which type is missing', () => {
    expect(() => importGraphQLIntrospection(eventsIntrospection(), 'Job')).toThrow(/no object type Job/);
  });
});

describe('OpenAPI 3 importer', () => {
  const doc = {
    openapi: '3.0.3',
    info: { title: 'Jobs' },
    components: {
      schemas: {
        Job: {
          type: 'object',
          properties: {
            id: { type: 'string', readOnly: true },
            reference: { type: 'string', title: 'Reference' },
            status: { $ref: '#/components/schemas/JobStatus' },
            value: { type: 'number', nullable: true },
            scheduledDate: { type: 'string', format: 'date' },
            updatedAt: { type: 'string', format: 'date-time' },
          },
        },
        JobStatus: { type: 'string', enum: ['QUOTED', 'SCHEDULED', 'COMPLETED'] },
        JobInput: {
          type: 'object',
          required: ['reference'],
          properties: {
            reference: { type: 'string' },
            status: { type: 'string' },
            value: { type: 'number' },
            scheduledDate: { type: 'string' },
          },
        },
      },
    },
  };

  it('offers the object schemas', () => {
    expect(openApiSchemaNames(doc)).toEqual(['Job', 'JobInput']);
  });

  it('resolves $ref enums and takes writability and required from the Input schema', () => {
    const schema = importOpenApi(doc, 'Job');
    const byName = new Map(schema.fields.map((f) => [f.name, f]));
    expect(schema.source).toBe('Jobs › Job');
    expect(byName.get('status')?.options?.map((o) => o.value)).toEqual(['QUOTED', 'SCHEDULED', 'COMPLETED']);
    expect(byName.get('reference')).toMatchObject({ label: 'Reference', required: true });
    expect(byName.get('updatedAt')).toMatchObject({ type: 'datetime', readOnly: true });
    expect(byName.get('scheduledDate')?.type).toBe('date');
  });

  it('refuses Swagger 2', () => {
    expect(() => importOpenApi({ swagger: '2.0' })).toThrow(/OpenAPI 3/);
  });
});

describe('JSON Schema importer', () => {
  it('reads properties, required, readOnly, nullable unions and $defs', () => {
    const schema = importJsonSchema({
      title: 'Member',
      type: 'object',
      required: ['email'],
      properties: {
        email: { type: 'string', format: 'email' },
        tier: { $ref: '#/$defs/Tier' },
        joined: { type: ['string', 'null'], format: 'date-time' },
        id: { type: 'integer', readOnly: true },
      },
      $defs: { Tier: { enum: ['gold', 'silver'], 'x-enum-labels': ['Gold', 'Silver'] } },
    });
    const byName = new Map(schema.fields.map((f) => [f.name, f]));
    expect(byName.get('email')).toMatchObject({ type: 'string', required: true });
    expect(byName.get('tier')?.options).toEqual([
      { value: 'gold', label: 'Gold' },
      { value: 'silver', label: 'Silver' },
    ]);
    expect(byName.get('joined')?.type).toBe('datetime');
    expect(byName.get('id')).toMatchObject({ type: 'number', readOnly: true });
  });
});

describe('sample record importer', () => {
  it('infers types from values and takes enums and read-only fields from what the API documents', () => {
    const schema = importSampleRecords(
      [
        {
          id: 'j1',
          reference: 'R-1',
          value: 10,
          scheduledDate: '2026-01-02',
          status: 'QUOTED',
          updatedAt: '2026-01-01T00:00:00Z',
        },
        {
          id: 'j2',
          reference: 'R-2',
          value: null,
          scheduledDate: null,
          status: 'SCHEDULED',
          updatedAt: '2026-01-01T00:00:00Z',
        },
      ],
      { group: 'Job', enums: { status: ['QUOTED', 'SCHEDULED'] }, readOnly: ['id', 'updatedAt'] },
    );
    const byName = new Map(schema.fields.map((f) => [f.name, f]));
    expect(byName.get('value')?.type).toBe('number');
    expect(byName.get('scheduledDate')?.type).toBe('date');
    expect(byName.get('updatedAt')).toMatchObject({ type: 'datetime', readOnly: true });
    expect(byName.get('status')?.options?.length).toBe(2);
  });
});
