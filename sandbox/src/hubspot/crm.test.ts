// Drives the simulator's CRM, search and properties endpoints through the official @hubspot/api-client.
import { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUTH_MESSAGE, type HubSpotSimulator, startHubSpotSimulator } from './index.ts';

const APP = { appId: 4242, clientSecret: 'secret-4242', accessToken: 'pat-na1-crm-test' };

let sim: HubSpotSimulator;
let client: Client;

/** The client throws ApiException-like errors carrying the HTTP status as `code` and the parsed body. */
async function failure(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { code?: number; body?: unknown };
    return { code: err.code ?? 0, body: (err.body ?? {}) as Record<string, unknown> };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sim = await startHubSpotSimulator({ indexingLagMs: 0, apps: [APP] });
  client = new Client({ accessToken: APP.accessToken, basePath: sim.url, numberOfApiCallRetries: 1 });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.reset();
});

describe('the root and auth', () => {
  it('answers GET / with a short description', async () => {
    const res = await fetch(`${sim.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('HubSpot simulator');
  });

  it('rejects an unknown token with 401 and HubSpot body', async () => {
    const bad = new Client({ accessToken: 'nope', basePath: sim.url, numberOfApiCallRetries: 1 });
    const { code, body } = await failure(bad.crm.contacts.basicApi.getPage(10));
    expect(code).toBe(401);
    expect(body.status).toBe('error');
    expect(body.category).toBe('INVALID_AUTHENTICATION');
    expect(body.message).toBe(AUTH_MESSAGE);
    expect(typeof body.correlationId).toBe('string');
  });
});

describe('basic CRUD', () => {
  it('creates, reads, updates, clears and archives a contact', async () => {
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'Ada@Example.com', firstname: 'Ada', lifecyclestage: 'lead' },
      associations: [],
    });
    expect(created.id).toBe('1001');
    expect(created.properties.email).toBe('ada@example.com');
    expect(created.properties.firstname).toBe('Ada');
    expect(created.properties.hs_object_id).toBe('1001');
    expect(created.properties.createdate).toBe(created.createdAt.toISOString());
    expect(created.properties.lastmodifieddate).toBe(created.createdAt.toISOString());

    const read = await client.crm.contacts.basicApi.getById('1001', [
      'email',
      'lifecyclestage',
      'hs_email_domain',
      'phone',
    ]);
    expect(read.properties).toEqual({
      email: 'ada@example.com',
      lifecyclestage: 'lead',
      hs_email_domain: 'example.com',
      phone: null,
    });

    const updated = await client.crm.contacts.basicApi.update('1001', {
      properties: { firstname: '', phone: '+44 20 7946 0000' },
    });
    expect(updated.properties.firstname).toBeNull();
    expect(updated.properties.phone).toBe('+44 20 7946 0000');
    const after = await client.crm.contacts.basicApi.getById('1001', ['firstname', 'phone']);
    expect(after.properties).toEqual({ firstname: null, phone: '+44 20 7946 0000' });

    await client.crm.contacts.basicApi.archive('1001');
    const gone = await failure(client.crm.contacts.basicApi.getById('1001'));
    expect(gone.code).toBe(404);
    expect(gone.body.category).toBe('OBJECT_NOT_FOUND');
    const archived = await client.crm.contacts.basicApi.getById(
      '1001',
      ['email'],
      undefined,
      undefined,
      true,
    );
    expect(archived.archived).toBe(true);
  });

  it('batch read with archived=true returns only archived records, with their properties', async () => {
    const live = await client.crm.contacts.basicApi.create({
      properties: { email: 'live@example.com', lastname: 'Live' },
      associations: [],
    });
    const gone = await client.crm.contacts.basicApi.create({
      properties: { email: 'gone@example.com', lastname: 'Gone' },
      associations: [],
    });
    await client.crm.contacts.basicApi.archive(gone.id);
    const input = {
      inputs: [{ id: live.id }, { id: gone.id }],
      properties: ['lastname'],
      propertiesWithHistory: [],
    };
    const read = await client.crm.contacts.batchApi.read(input, false);
    expect(read.results.map((r) => r.id)).toEqual([live.id]);
    const archived = await client.crm.contacts.batchApi.read(input, true);
    expect(archived.results.map((r) => [r.id, r.archived, r.properties.lastname])).toEqual([
      [gone.id, true, 'Gone'],
    ]);
  });

  it('reads and updates by idProperty=email', async () => {
    await client.crm.contacts.basicApi.create({
      properties: { email: 'grace@navy.mil', lastname: 'Hopper' },
      associations: [],
    });
    const read = await client.crm.contacts.basicApi.getById(
      'grace@navy.mil',
      ['lastname'],
      undefined,
      undefined,
      false,
      'email',
    );
    expect(read.id).toBe('1001');
    expect(read.properties.lastname).toBe('Hopper');
    const updated = await client.crm.contacts.basicApi.update(
      'grace@navy.mil',
      { properties: { jobtitle: 'Rear Admiral' } },
      'email',
    );
    expect(updated.properties.jobtitle).toBe('Rear Admiral');
    const notUnique = await failure(
      client.crm.contacts.basicApi.getById('Hopper', [], undefined, undefined, false, 'lastname'),
    );
    expect(notUnique.code).toBe(400);
  });

  it('rejects unknown and read-only properties with VALIDATION_ERROR and writes nothing', async () => {
    const { code, body } = await failure(
      client.crm.contacts.basicApi.create({
        properties: { email: 'x@y.com', favourite_colour: 'blue', hs_object_id: '5' },
        associations: [],
      }),
    );
    expect(code).toBe(400);
    expect(body.category).toBe('VALIDATION_ERROR');
    expect(body.errors).toEqual([
      {
        message: 'Property "favourite_colour" does not exist',
        code: 'PROPERTY_DOESNT_EXIST',
        context: { propertyName: ['favourite_colour'] },
      },
      {
        message: '"hs_object_id" is a read only property; its value cannot be set.',
        code: 'READ_ONLY_VALUE',
        context: { propertyName: ['hs_object_id'] },
      },
    ]);
    expect(String(body.message)).toMatch(/^Property values were not valid: /);
    expect(sim.listRecords('contacts')).toEqual([]);
  });

  it('rejects a whole write when one enumeration value is not an option (INVALID_OPTION)', async () => {
    await client.crm.contacts.basicApi.create({
      properties: { email: 'a@b.co', firstname: 'A' },
      associations: [],
    });
    const { code, body } = await failure(
      client.crm.contacts.basicApi.update('1001', { properties: { firstname: 'B', hs_lead_status: 'HOT' } }),
    );
    expect(code).toBe(400);
    expect(body.category).toBe('VALIDATION_ERROR');
    const errors = body.errors as Array<{ code: string; context: unknown }>;
    expect(errors[0]?.code).toBe('INVALID_OPTION');
    expect(errors[0]?.context).toEqual({ propertyName: ['hs_lead_status'] });
    expect(sim.getRecord('contacts', '1001')?.properties.firstname).toBe('A');
  });

  it('answers 409 CONFLICT for a second contact with the same email', async () => {
    await client.crm.contacts.basicApi.create({ properties: { email: 'dup@example.com' }, associations: [] });
    const { code, body } = await failure(
      client.crm.contacts.basicApi.create({ properties: { email: 'DUP@example.com' }, associations: [] }),
    );
    expect(code).toBe(409);
    expect(body.category).toBe('CONFLICT');
    expect(body.message).toBe('Contact already exists. Existing ID: 1001');
  });

  it('handles companies and deals with their own defaults and options', async () => {
    const company = await client.crm.companies.basicApi.create({
      properties: { name: 'Velflex Ltd', domain: 'velflex.example', industry: 'COMPUTER_SOFTWARE' },
      associations: [],
    });
    expect(Object.keys(company.properties).sort()).toEqual([
      'createdate',
      'domain',
      'hs_lastmodifieddate',
      'hs_object_id',
      'industry',
      'name',
    ]);
    const deal = await client.crm.deals.basicApi.create({
      properties: {
        dealname: 'Renewal 2027',
        amount: '12500.50',
        dealstage: 'contractsent',
        closedate: '2027-03-31',
      },
      associations: [],
    });
    expect(deal.properties.pipeline).toBe('default');
    expect(deal.properties.closedate).toBe('2027-03-31T00:00:00.000Z');
    expect(deal.properties.amount).toBe('12500.50');
    const bad = await failure(
      client.crm.deals.basicApi.update(deal.id, { properties: { dealstage: 'won' } }),
    );
    expect(bad.code).toBe(400);
    expect((bad.body.errors as Array<{ code: string }>)[0]?.code).toBe('INVALID_OPTION');
    const badNumber = await failure(
      client.crm.deals.basicApi.update(deal.id, { properties: { amount: 'lots' } }),
    );
    expect((badNumber.body.errors as Array<{ code: string }>)[0]?.code).toBe('INVALID_DOUBLE');
  });

  it('lists records with after paging', async () => {
    for (const n of [1, 2, 3]) {
      await client.crm.contacts.basicApi.create({
        properties: { email: `p${n}@example.com` },
        associations: [],
      });
    }
    const first = await client.crm.contacts.basicApi.getPage(2, undefined, ['email']);
    expect(first.results.map((r) => r.properties.email)).toEqual(['p1@example.com', 'p2@example.com']);
    expect(first.paging?.next?.after).toBe('1002');
    const second = await client.crm.contacts.basicApi.getPage(2, '1002', ['email']);
    expect(second.results.map((r) => r.properties.email)).toEqual(['p3@example.com']);
    expect(second.paging).toBeUndefined();
  });
});

describe('batch endpoints', () => {
  it('creates a batch with 201 and answers 207 with per-input errors for a conflict', async () => {
    const ok = await client.crm.contacts.batchApi.create({
      inputs: [
        { properties: { email: 'b1@example.com' }, associations: [] },
        { properties: { email: 'b2@example.com' }, associations: [] },
      ],
    });
    expect(ok.status).toBe('COMPLETE');
    expect(ok.results.map((r) => r.properties.email)).toEqual(['b1@example.com', 'b2@example.com']);

    const res = await fetch(`${sim.url}/crm/v3/objects/contacts/batch/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${APP.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [{ properties: { email: 'b3@example.com' } }, { properties: { email: 'b1@example.com' } }],
      }),
    });
    expect(res.status).toBe(207);
    const body = (await res.json()) as {
      results: unknown[];
      numErrors: number;
      errors: Array<Record<string, unknown>>;
    };
    expect(body.results).toHaveLength(1);
    expect(body.numErrors).toBe(1);
    expect(body.errors[0]?.category).toBe('CONFLICT');
    expect(body.errors[0]?.message).toBe('Contact already exists. Existing ID: 1001');
  });

  it('reads and updates a batch, reporting unknown ids as OBJECT_NOT_FOUND in a 207', async () => {
    await client.crm.contacts.batchApi.create({
      inputs: [{ properties: { email: 'r1@example.com' }, associations: [] }],
    });
    const read = await client.crm.contacts.batchApi.read({
      inputs: [{ id: '1001' }, { id: '999999' }],
      properties: ['email'],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.properties.email)).toEqual(['r1@example.com']);
    expect('errors' in read && read.errors?.[0]?.category).toBe('OBJECT_NOT_FOUND');
    expect('errors' in read && read.errors?.[0]?.context).toEqual({ ids: ['999999'] });

    const updated = await client.crm.contacts.batchApi.update({
      inputs: [
        { id: '1001', properties: { city: 'Leeds' } },
        { id: '424242', properties: { city: 'York' } },
      ],
    });
    expect(updated.results.map((r) => r.properties.city)).toEqual(['Leeds']);
    expect('numErrors' in updated && updated.numErrors).toBe(1);
    expect(sim.getRecord('contacts', '1001')?.properties.city).toBe('Leeds');
  });

  it('serves propertiesWithHistory on batch read: each change newest first with its time and source, ≤ 50 inputs', async () => {
    let now = Date.parse('2026-09-01T10:00:00.000Z');
    const timed = await startHubSpotSimulator({ indexingLagMs: 0, apps: [APP], now: () => now });
    try {
      const api = new Client({
        accessToken: APP.accessToken,
        basePath: timed.url,
        numberOfApiCallRetries: 1,
      });
      const ada = await timed.ui.create('contacts', { email: 'h@example.com', lastname: 'Lovelace' }, 77);
      now += 5_000;
      await api.crm.contacts.batchApi.update({ inputs: [{ id: ada.id, properties: { lastname: 'King' } }] });
      now += 5_000;
      await api.crm.contacts.batchApi.update({
        inputs: [{ id: ada.id, properties: { jobtitle: 'Countess' } }],
      });
      const read = await api.crm.contacts.batchApi.read({
        inputs: [{ id: ada.id }],
        properties: ['lastname'],
        propertiesWithHistory: ['lastname', 'jobtitle', 'not_a_property'],
      });
      const record = read.results[0];
      expect(record?.properties.lastname).toBe('King');
      expect(
        record?.propertiesWithHistory?.lastname?.map((v) => [
          v.value,
          v.timestamp.toISOString(),
          v.sourceType,
        ]),
      ).toEqual([
        ['King', '2026-09-01T10:00:05.000Z', 'INTEGRATION'],
        ['Lovelace', '2026-09-01T10:00:00.000Z', 'CRM_UI'],
      ]);
      expect(record?.propertiesWithHistory?.lastname?.[1]).toMatchObject({
        sourceId: 'userId:77',
        updatedByUserId: 77,
      });
      expect(record?.propertiesWithHistory?.jobtitle?.map((v) => v.value)).toEqual(['Countess']);
      expect(record?.propertiesWithHistory).not.toHaveProperty('not_a_property');
      // Without history the answer has no such field; with history at most 50 inputs are read at once.
      const plain = await api.crm.contacts.batchApi.read({
        inputs: [{ id: ada.id }],
        properties: [],
        propertiesWithHistory: [],
      });
      expect(plain.results[0]?.propertiesWithHistory).toBeUndefined();
      const many = Array.from({ length: 51 }, (_, i) => ({ id: String(2000 + i) }));
      const { code, body } = await failure(
        api.crm.contacts.batchApi.read({ inputs: many, properties: [], propertiesWithHistory: ['lastname'] }),
      );
      expect(code).toBe(400);
      expect(String(body.message)).toContain('limit of 50 inputs when propertiesWithHistory');
    } finally {
      await timed.close();
    }
  });

  it('rejects a whole batch when one input has an invalid option', async () => {
    const { code, body } = await failure(
      client.crm.contacts.batchApi.create({
        inputs: [
          { properties: { email: 'v1@example.com' }, associations: [] },
          { properties: { email: 'v2@example.com', lifecyclestage: 'prospect' }, associations: [] },
        ],
      }),
    );
    expect(code).toBe(400);
    expect((body.errors as Array<{ code: string }>)[0]?.code).toBe('INVALID_OPTION');
    expect(sim.listRecords('contacts')).toEqual([]);
  });

  it('refuses more than 100 inputs', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({
      properties: { email: `m${i}@example.com` },
      associations: [],
    }));
    const { code, body } = await failure(client.crm.contacts.batchApi.create({ inputs }));
    expect(code).toBe(400);
    expect(body.message).toBe('Batch size of 101 exceeds the limit of 100 inputs');
  });

  it('upserts by a custom unique property and archives a batch', async () => {
    await client.crm.properties.coreApi.create('contacts', {
      name: 'external_id',
      label: 'External ID',
      type: 'string' as never,
      fieldType: 'text' as never,
      groupName: 'contactinformation',
      hasUniqueValue: true,
    });
    const first = await client.crm.contacts.batchApi.upsert({
      inputs: [{ id: 'EXT-1', idProperty: 'external_id', properties: { firstname: 'Lin' } }],
    });
    expect(first.results.map((r) => [r.id, r._new, r.properties.firstname])).toEqual([['1001', true, 'Lin']]);
    const second = await client.crm.contacts.batchApi.upsert({
      inputs: [
        { id: 'EXT-1', idProperty: 'external_id', properties: { firstname: 'Lin Q' } },
        { id: 'EXT-2', idProperty: 'external_id', properties: { firstname: 'Mo' } },
      ],
    });
    expect(second.results.map((r) => [r.id, r._new, r.properties.firstname])).toEqual([
      ['1001', false, 'Lin Q'],
      ['1002', true, 'Mo'],
    ]);
    const clash = await failure(
      client.crm.contacts.basicApi.create({ properties: { external_id: 'EXT-2' }, associations: [] }),
    );
    expect(clash.code).toBe(409);
    expect(clash.body.category).toBe('CONFLICT');

    await client.crm.contacts.batchApi.archive({ inputs: [{ id: '1001' }, { id: '1002' }] });
    expect(sim.listRecords('contacts')).toEqual([]);
  });
});

describe('companies and deals through their batch and search APIs', () => {
  it('batch-creates companies and finds them by domain token', async () => {
    const res = await client.crm.companies.batchApi.create({
      inputs: [
        { properties: { name: 'Acme', domain: 'acme.example' }, associations: [] },
        { properties: { name: 'Globex', domain: 'globex.example', type: 'PARTNER' }, associations: [] },
      ],
    });
    expect(res.results.map((r) => r.properties.name)).toEqual(['Acme', 'Globex']);
    const found = await client.crm.companies.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'type', operator: 'EQ' as never, value: 'PARTNER' }] }],
      sorts: [],
      properties: ['name', 'domain'],
      limit: 10,
      after: '0',
    });
    expect(found.results.map((r) => r.properties)).toEqual([{ name: 'Globex', domain: 'globex.example' }]);
  });

  it('batch-updates deals and sorts a search by amount', async () => {
    await client.crm.deals.batchApi.create({
      inputs: [
        { properties: { dealname: 'Small', amount: '900', dealstage: 'qualifiedtobuy' }, associations: [] },
        { properties: { dealname: 'Large', amount: '12000', dealstage: 'qualifiedtobuy' }, associations: [] },
      ],
    });
    const updated = await client.crm.deals.batchApi.update({
      inputs: [{ id: '1001', properties: { dealstage: 'closedwon', amount: '1500' } }],
    });
    expect(updated.results.map((r) => [r.properties.dealstage, r.properties.amount])).toEqual([
      ['closedwon', '1500'],
    ]);
    const sorted = await client.crm.deals.searchApi.doSearch({
      filterGroups: [{ filters: [{ propertyName: 'amount', operator: 'GTE' as never, value: '1000' }] }],
      sorts: [{ propertyName: 'amount', direction: 'DESCENDING' }] as never,
      properties: ['dealname', 'amount'],
      limit: 10,
      after: '0',
    });
    expect(sorted.results.map((r) => r.properties.dealname)).toEqual(['Large', 'Small']);
    expect(sorted.total).toBe(2);
  });
});

describe('search', () => {
  beforeEach(async () => {
    await client.crm.contacts.batchApi.create({
      inputs: [
        {
          properties: {
            email: 'ann@alpha.io',
            firstname: 'Ann',
            lifecyclestage: 'lead',
            hs_predictivecontactscore: '10',
          },
          associations: [],
        },
        {
          properties: {
            email: 'bob@beta.io',
            firstname: 'Bob',
            lifecyclestage: 'customer',
            hs_predictivecontactscore: '50',
          },
          associations: [],
        },
        {
          properties: { email: 'cy@alpha.io', firstname: 'Cy', hs_predictivecontactscore: '90' },
          associations: [],
        },
      ],
    });
  });

  const doSearch = (body: Record<string, unknown>) =>
    client.crm.contacts.searchApi.doSearch({
      filterGroups: [],
      sorts: [],
      properties: ['email'],
      limit: 10,
      after: '0',
      ...body,
    });

  it('applies filters, OR across groups and one sort', async () => {
    const eq = await doSearch({
      filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'lead' }] }],
    });
    expect(eq.results.map((r) => r.properties.email)).toEqual(['ann@alpha.io']);
    const token = await doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@alpha.io' }] },
      ],
      sorts: [{ propertyName: 'hs_predictivecontactscore', direction: 'DESCENDING' }],
    });
    expect(token.results.map((r) => r.properties.email)).toEqual(['cy@alpha.io', 'ann@alpha.io']);
    const or = await doSearch({
      filterGroups: [
        { filters: [{ propertyName: 'hs_predictivecontactscore', operator: 'GT', value: '60' }] },
        { filters: [{ propertyName: 'firstname', operator: 'IN', values: ['bob'] }] },
      ],
    });
    expect(or.results.map((r) => r.properties.email)).toEqual(['bob@beta.io', 'cy@alpha.io']);
    const missing = await doSearch({
      filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'NOT_HAS_PROPERTY' }] }],
    });
    expect(missing.total).toBe(1);
    const between = await doSearch({
      filterGroups: [
        {
          filters: [
            { propertyName: 'hs_predictivecontactscore', operator: 'BETWEEN', value: '10', highValue: '50' },
          ],
        },
      ],
    });
    expect(between.results.map((r) => r.id)).toEqual(['1001', '1002']);
  });

  it('pages with after and refuses a limit above 200, two sorts, and paging past 10,000', async () => {
    const page1 = await doSearch({ limit: 2 });
    expect(page1.total).toBe(3);
    expect(page1.paging?.next?.after).toBe('2');
    const page2 = await doSearch({ limit: 2, after: '2' });
    expect(page2.results.map((r) => r.id)).toEqual(['1003']);
    expect((await failure(doSearch({ limit: 201 }))).code).toBe(400);
    expect(
      (
        await failure(
          doSearch({
            sorts: [
              { propertyName: 'email', direction: 'ASCENDING' },
              { propertyName: 'firstname', direction: 'ASCENDING' },
            ],
          }),
        )
      ).code,
    ).toBe(400);
    const capped = await failure(doSearch({ after: '10000' }));
    expect(capped.code).toBe(400);
    expect(String(capped.body.message)).toContain('10000');
  });

  it('shows new writes only after the indexing lag', async () => {
    sim.setIndexingLag(150);
    await client.crm.contacts.basicApi.create({ properties: { email: 'late@alpha.io' }, associations: [] });
    await client.crm.contacts.basicApi.update('1001', { properties: { lifecyclestage: 'customer' } });
    const before = await doSearch({
      filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }] }],
    });
    expect(before.results.map((r) => r.id)).toEqual(['1002']);
    expect((await doSearch({})).total).toBe(3);
    await new Promise((r) => setTimeout(r, 1100)); // also clears the 5/s search window
    const after = await doSearch({
      filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }] }],
    });
    expect(after.results.map((r) => r.id)).toEqual(['1001', '1002']);
    expect((await doSearch({})).total).toBe(4);
  });
});

describe('properties API', () => {
  it('lists hundreds of real HubSpot-defined contact properties', async () => {
    const all = await client.crm.properties.coreApi.getAll('contacts');
    expect(all.results.length).toBe(355);
    const lifecycle = await client.crm.properties.coreApi.getByName('contacts', 'lifecyclestage');
    expect(lifecycle.label).toBe('Lifecycle Stage');
    expect(lifecycle.type).toBe('enumeration');
    expect(lifecycle.fieldType).toBe('radio');
    expect(lifecycle.options.map((o) => o.value)).toEqual([
      'subscriber',
      'lead',
      'marketingqualifiedlead',
      'salesqualifiedlead',
      'opportunity',
      'customer',
      'evangelist',
      'other',
    ]);
    const score = await client.crm.properties.coreApi.getByName('contacts', 'hs_is_unworked');
    expect(score.calculated).toBe(true);
    expect(score.modificationMetadata?.readOnlyValue).toBe(true);
    const stage = await client.crm.properties.coreApi.getByName('deals', 'dealstage');
    expect(stage.options.map((o) => o.label)).toEqual([
      'Appointment Scheduled',
      'Qualified To Buy',
      'Presentation Scheduled',
      'Decision Maker Bought-In',
      'Contract Sent',
      'Closed Won',
      'Closed Lost',
    ]);
    expect((await client.crm.properties.coreApi.getAll('companies')).results.length).toBe(184);
    expect((await client.crm.properties.coreApi.getAll('deals')).results.length).toBe(190);
  });

  it('creates a custom enumeration with a hidden option, refuses a duplicate and 404s an unknown name', async () => {
    const created = await client.crm.properties.coreApi.create('contacts', {
      name: 'shirt_size',
      label: 'Shirt size',
      type: 'enumeration' as never,
      fieldType: 'select' as never,
      groupName: 'contactinformation',
      options: [
        { label: 'Small', value: 'S', hidden: false, displayOrder: 0 },
        { label: 'Retired XS', value: 'XS', hidden: true, displayOrder: 1 },
      ],
    });
    expect(created.hubspotDefined).toBeUndefined();
    expect(created.options.map((o) => [o.value, o.hidden])).toEqual([
      ['S', false],
      ['XS', true],
    ]);
    const c = await client.crm.contacts.basicApi.create({
      properties: { shirt_size: 'S' },
      associations: [],
    });
    expect(c.properties.shirt_size).toBe('S');
    const dup = await failure(
      client.crm.properties.coreApi.create('contacts', {
        name: 'shirt_size',
        label: 'again',
        type: 'string' as never,
        fieldType: 'text' as never,
        groupName: 'contactinformation',
      }),
    );
    expect(dup.code).toBe(409);
    const unknown = await failure(client.crm.properties.coreApi.getByName('contacts', 'no_such_thing'));
    expect(unknown.code).toBe(404);
    expect(unknown.body.message).toBe('Unable to find property no_such_thing on object type contacts');
  });

  it('lists property groups', async () => {
    const groups = await client.crm.properties.groupsApi.getAll('contacts');
    expect(groups.results.map((g) => g.name)).toContain('contactinformation');
  });
});

describe('merge and GDPR delete', () => {
  it('merges two contacts and answers the merged id with the primary', async () => {
    await client.crm.contacts.basicApi.create({
      properties: { email: 'keep@example.com' },
      associations: [],
    });
    await client.crm.contacts.basicApi.create({
      properties: { email: 'old@example.com', phone: '123' },
      associations: [],
    });
    const merged = await client.crm.contacts.basicApi.merge({
      primaryObjectId: '1001',
      objectIdToMerge: '1002',
    });
    expect(merged.id).toBe('1001');
    const viaOld = await client.crm.contacts.basicApi.getById('1002', [
      'email',
      'phone',
      'hs_merged_object_ids',
    ]);
    expect(viaOld.id).toBe('1001');
    expect(viaOld.properties).toEqual({
      email: 'keep@example.com',
      phone: '123',
      hs_merged_object_ids: '1002',
    });
  });

  it('GDPR-deletes a contact by email for good', async () => {
    await client.crm.contacts.basicApi.create({
      properties: { email: 'forget@example.com' },
      associations: [],
    });
    await client.crm.contacts.basicApi.purge({ objectId: 'forget@example.com', idProperty: 'email' });
    expect(sim.getRecord('contacts', '1001')).toBeUndefined();
    expect(
      (await failure(client.crm.contacts.basicApi.getById('1001', [], undefined, undefined, true))).code,
    ).toBe(404);
  });
});

describe('webhook settings endpoints (developer hapikey)', () => {
  it('configures the target URL and subscriptions through the client', async () => {
    const dev = new Client({ developerApiKey: 'dev-hapikey', basePath: sim.url, numberOfApiCallRetries: 1 });
    const settings = await dev.webhooks.settingsApi.configure(APP.appId, {
      targetUrl: 'https://hooks.example.com/velflex',
      throttling: { maxConcurrentRequests: 4 },
    });
    expect(settings.targetUrl).toBe('https://hooks.example.com/velflex');
    expect(settings.throttling.maxConcurrentRequests).toBe(4);
    const sub = await dev.webhooks.subscriptionsApi.create(APP.appId, {
      eventType: 'contact.propertyChange' as never,
      propertyName: 'email',
      active: true,
    });
    expect(sub.eventType).toBe('contact.propertyChange');
    expect(sub.propertyName).toBe('email');
    const list = await dev.webhooks.subscriptionsApi.getAll(APP.appId);
    expect(list.results.map((s) => s.id)).toEqual([sub.id]);
    await dev.webhooks.subscriptionsApi.archive(Number(sub.id), APP.appId);
    expect((await dev.webhooks.subscriptionsApi.getAll(APP.appId)).results).toEqual([]);
    const wrong = new Client({ developerApiKey: 'wrong', basePath: sim.url, numberOfApiCallRetries: 1 });
    expect((await failure(wrong.webhooks.settingsApi.getAll(APP.appId))).code).toBe(401);
  });
});

describe('admin counters', () => {
  it('counts requests by endpoint template and status', async () => {
    await client.crm.contacts.basicApi.create({ properties: { email: 'c@example.com' }, associations: [] });
    await failure(client.crm.contacts.basicApi.getById('77'));
    const res = await fetch(`${sim.url}/_admin/counters`);
    const counters = (await res.json()) as {
      byEndpoint: Record<string, Record<string, number>>;
      total: number;
    };
    expect(counters.byEndpoint).toEqual({
      'POST /crm/v3/objects/contacts': { '201': 1 },
      'GET /crm/v3/objects/contacts/{id}': { '404': 1 },
    });
    expect(counters.total).toBe(2);
  });
});
