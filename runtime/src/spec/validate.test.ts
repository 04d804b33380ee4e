import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertValidSpec, validateSpec } from './validate.ts';

const starter = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../templates/starters/${name}`, import.meta.url), 'utf8'));

/** The smallest valid spec: everything optional left out. */
function minimal(): Record<string, unknown> {
  return {
    specVersion: 1,
    client: { slug: 'acme', name: 'Acme' },
    integration: { name: 'acme-jobs' },
    publicBaseUrl: 'https://hooks.acme.example.com',
    hubspot: { objectType: 'deals', appId: 42 },
    destination: {
      name: 'jobs',
      api: 'rest',
      baseUrl: 'https://api.jobs.example.com',
      objectType: 'Job',
      naturalKey: { hubspotProperty: 'job_reference', destinationField: 'reference' },
      idempotency: 'none',
      polling: {},
    },
    flows: [
      {
        direction: 'destination-to-hubspot',
        triggers: ['job.updated'],
        mappings: [{ target: 'job_reference', value: { field: 'reference' } }],
      },
    ],
  };
}

function problemsOf(json: unknown): Array<[string, string]> {
  const result = validateSpec(json);
  return result.ok ? [] : result.problems.map((p) => [p.pointer, p.message]);
}

// biome-ignore lint/suspicious/noExplicitAny: the tests edit arbitrary (often invalid) JSON shapes
type Editable = Record<string, any>;

function edit(mutate: (spec: Editable) => void): Record<string, unknown> {
  const spec = minimal();
  mutate(spec);
  return spec;
}

describe('validateSpec', () => {
  it('accepts both starters', () => {
    expect(validateSpec(starter('contacts-events.integration-spec.json')).ok).toBe(true);
    expect(validateSpec(starter('deals-jobs.integration-spec.json')).ok).toBe(true);
  });

  it('applies every default, static and derived, to a minimal spec', () => {
    const result = validateSpec(minimal());
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.spec).toEqual({
      ...minimal(),
      integration: { name: 'acme-jobs', region: 'ap-southeast-2' },
      environment: 'sandbox',
      hubspot: {
        objectType: 'deals',
        appId: 42,
        signature: 'v3',
        secretParameter: '/acme/hubspot-client-secret',
        accessTokenParameter: '/acme/hubspot-access-token',
        rateLimit: { per10Seconds: 100, daily: 250000, reservePercent: 20 },
        syncIdProperty: 'kongo_sync_id',
      },
      destination: {
        name: 'jobs',
        api: 'rest',
        baseUrl: 'https://api.jobs.example.com',
        auth: { type: 'bearer', tokenParameter: '/acme/destination-api-token' },
        objectType: 'Job',
        idField: 'id',
        updatedAtField: 'updatedAt',
        naturalKey: { hubspotProperty: 'job_reference', destinationField: 'reference' },
        idempotency: 'none',
        polling: { intervalSeconds: 300, cursorField: 'updatedAt' },
        rest: { collectionPath: '/jobs' },
      },
      policies: {
        deletes: 'flag',
        emptyValues: 'skip',
        conflicts: { windowSeconds: 5, winner: 'hubspot' },
        echoWindowSeconds: 86400,
        privacy: { destinationCopy: 'delete' },
      },
      monitoring: {
        heartbeatSeconds: 300,
        notificationCentre: { urlParameter: '/kongo/nc-url', keyParameter: '/acme/nc-key' },
      },
    });
  });

  it('derives GraphQL operation names from the object type', () => {
    const result = validateSpec(
      edit((s) => {
        s.destination.api = 'graphql';
        s.destination.objectType = 'Company';
        s.destination.webhooks = { scheme: 'standard-webhooks' };
        s.destination.polling = null;
        s.flows[0].triggers = ['company.updated'];
      }),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.spec.destination.graphql).toEqual({
      listField: 'companies',
      getField: 'company',
      createMutation: 'createCompany',
      updateMutation: 'updateCompany',
      deleteMutation: 'deleteCompany',
      inputType: 'CompanyInput',
    });
    expect(result.spec.destination.webhooks).toEqual({
      scheme: 'standard-webhooks',
      secretParameter: '/acme/destination-client-secret',
    });
    expect('polling' in result.spec.destination).toBe(false);
  });

  it('keeps given values over defaults', () => {
    const result = validateSpec(
      edit((s) => {
        s.destination.rest = { collectionPath: '/v2/work-orders' };
        s.hubspot.secretParameter = '/shared/secret';
      }),
    );
    expect(result.ok && result.spec.destination.rest).toEqual({ collectionPath: '/v2/work-orders' });
    expect(result.ok && result.spec.hubspot.secretParameter).toBe('/shared/secret');
  });

  it('does not modify its input', () => {
    const input = minimal();
    const before = JSON.stringify(input);
    validateSpec(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('refuses a document that is not an object', () => {
    expect(problemsOf([])).toEqual([['', 'an integration spec is a JSON object; found an array']]);
    expect(problemsOf('x')).toEqual([['', 'an integration spec is a JSON object; found the string "x"']]);
  });

  it('stops at a wrong or missing specVersion with one problem', () => {
    expect(problemsOf({ specVersion: 2, anything: true })).toEqual([
      ['/specVersion', 'specVersion 2 is not supported; this Kongo reads specVersion 1'],
    ]);
    expect(problemsOf({ client: {} })).toEqual([
      ['', 'missing "specVersion"; an integration spec starts with "specVersion": 1'],
    ]);
  });

  it('reports a misspelled key once, with a suggestion, not also as missing', () => {
    const result = validateSpec(
      edit((s) => {
        s.hubspot = { objetType: 'deals', appId: 42 };
      }),
    );
    expect(result.ok === false && result.problems).toEqual([
      {
        pointer: '/hubspot/objetType',
        message:
          'unknown property "objetType"; allowed here: objectType, appId, signature, secretParameter, accessTokenParameter, rateLimit, syncIdProperty',
        hint: 'did you mean "objectType"?',
      },
    ]);
  });

  it('accepts destination field paths into nested fields, list elements and custom-field arrays', () => {
    const result = validateSpec(
      edit((s) => {
        s.destination.naturalKey.destinationField = 'custom_fields[name=Job Ref].value';
        s.flows[0].mappings = [
          { target: 'job_reference', value: { field: 'custom_fields[name=Job Ref].value' } },
          { target: 'dealname', value: { field: 'profile.first_name' } },
          { target: 'description', value: { field: 'emails[0].address' } },
        ];
      }),
    );
    expect(result.ok).toBe(true);
    expect(problemsOf(edit((s) => (s.flows[0].mappings[0].value = { field: 'profile..name' })))).toEqual([
      [
        '/flows/0/mappings/0/value/field',
        expect.stringContaining('a path into nested fields, list elements and custom-field arrays'),
      ],
    ]);
  });

  it('accepts per-environment overlays and refuses unknown keys in them', () => {
    const overlay = {
      publicBaseUrl: 'https://hooks.prod.acme.example.com',
      hubspot: { appId: 43, secretParameter: '/acme/prod/hubspot-client-secret' },
      destination: { baseUrl: 'https://api.jobs.example.com/prod', connection: { companyId: 7 } },
      schedules: { polling: true, reconcile: false },
    };
    expect(validateSpec(edit((s) => (s.environments = { production: overlay }))).ok).toBe(true);
    expect(
      problemsOf(
        edit((s) => (s.environments = { production: { ...overlay, baseUrl: 'https://x.example' } })),
      ),
    ).toEqual([['/environments/production/baseUrl', expect.stringContaining('unknown property "baseUrl"')]]);
  });

  it('lists every problem, not just the first', () => {
    const problems = problemsOf(
      edit((s) => {
        s.client.slug = 'ACME';
        s.hubspot.appId = 0;
        s.monitoring = { heartbeatSeconds: 10 };
      }),
    );
    expect(problems.map(([pointer]) => pointer)).toEqual([
      '/client/slug',
      '/hubspot/appId',
      '/monitoring/heartbeatSeconds',
    ]);
  });

  it('requires webhooks or polling only when changes flow from the destination', () => {
    const noFeed = (direction: string, target: string) =>
      edit((s) => {
        delete s.destination.polling;
        s.flows[0].direction = direction;
        s.flows[0].triggers = direction === 'hubspot-to-destination' ? ['deal.creation'] : ['job.updated'];
        s.flows[0].mappings[0].target = target;
        s.flows[0].mappings[0].value = { field: 'job_reference' };
      });
    expect(problemsOf(noFeed('hubspot-to-destination', 'reference'))).toEqual([]);
    expect(problemsOf(noFeed('destination-to-hubspot', 'job_reference'))).toEqual([
      [
        '/destination',
        'the destination has neither "webhooks" nor "polling", so its changes can never reach HubSpot; add one (or both)',
      ],
    ]);
  });

  it('checks the webhook header against the scheme', () => {
    expect(problemsOf(edit((s) => (s.destination.webhooks = { scheme: 'hmac-sha256-hex' })))).toEqual([
      [
        '/destination/webhooks',
        'hmac-sha256-hex needs "header", the request header carrying the signature (e.g. "X-Jobs-Signature")',
      ],
    ]);
    expect(
      problemsOf(edit((s) => (s.destination.webhooks = { scheme: 'standard-webhooks', header: 'X-Sig' }))),
    ).toEqual([
      [
        '/destination/webhooks/header',
        'standard-webhooks always signs in the webhook-signature header; remove "header"',
      ],
    ]);
  });

  it('refuses the sync id property as a mapping target or natural key', () => {
    expect(
      problemsOf(edit((s) => s.flows[0].mappings.push({ target: 'kongo_sync_id', value: { field: 'id' } }))),
    ).toEqual([
      [
        '/flows/0/mappings/1/target',
        '"kongo_sync_id" is the sync id property, which Kongo writes itself; remove this mapping',
      ],
    ]);
  });

  it('requires https in production', () => {
    expect(
      problemsOf(
        edit((s) => {
          s.environment = 'production';
          s.publicBaseUrl = 'http://hooks.acme.example.com';
        }),
      ),
    ).toEqual([['/publicBaseUrl', 'production URLs must use https://']]);
  });

  it('checks HubSpot trigger names against the object type', () => {
    const spec = edit((s) => {
      s.flows.push({
        direction: 'hubspot-to-destination',
        triggers: ['contact.creation', 'deal.propertyChanged'],
        mappings: [{ target: 'reference', value: { field: 'job_reference' } }],
      });
    });
    expect(
      validateSpec(spec).ok === false && (validateSpec(spec) as { problems: unknown[] }).problems,
    ).toEqual([
      {
        pointer: '/flows/1/triggers/0',
        message: 'trigger "contact.creation" is not a deals event; HubSpot deals events start with "deal."',
      },
      {
        pointer: '/flows/1/triggers/1',
        message:
          '"propertyChanged" is not a HubSpot event kind; use one of creation, deletion, propertyChange, merge, restore, associationChange, privacyDeletion',
        hint: 'did you mean "propertyChange"?',
      },
    ]);
  });

  it('assertValidSpec returns the spec or throws a SpecError naming the first problem', () => {
    expect(assertValidSpec(minimal()).integration.region).toBe('ap-southeast-2');
    expect(() => assertValidSpec({ specVersion: 3 }, 'x.json')).toThrowError(
      'x.json: invalid integration spec: /specVersion specVersion 3 is not supported; this Kongo reads specVersion 1',
    );
  });
});
