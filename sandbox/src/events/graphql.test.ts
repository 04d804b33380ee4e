import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventsSimulator, startEventsSimulator } from './index.ts';
import { callGraphql } from './test-client.ts';

let clock = Date.parse('2026-03-01T09:00:00.000Z');
let sim: EventsSimulator;

const CREATE = `mutation Create($input: AttendeeInput!) {
  createAttendee(input: $input) { id email firstName lastName company status ticketType country createdAt updatedAt }
}`;

async function gql(
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return callGraphql(sim.graphqlUrl, sim.token, query, variables, headers);
}

beforeEach(async () => {
  sim ??= await startEventsSimulator({ now: () => clock, webhooks: 'none' });
  sim.reset();
  clock = Date.parse('2026-03-01T09:00:00.000Z');
});

afterAll(async () => {
  await sim?.close();
});

describe('events simulator GraphQL API', () => {
  it('answers GET / with a short description', async () => {
    const response = await fetch(sim.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('events platform simulator');
  });

  it('creates an attendee with defaults, a lowercased email and the clock as timestamps', async () => {
    const answer = await gql(CREATE, {
      input: { email: 'Ada@Example.com', firstName: 'Ada', country: 'GB' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      data: {
        createAttendee: {
          id: '100001',
          email: 'ada@example.com',
          firstName: 'Ada',
          lastName: null,
          company: null,
          status: 'REGISTERED',
          ticketType: 'GENERAL',
          country: 'GB',
          createdAt: '2026-03-01T09:00:00.000Z',
          updatedAt: '2026-03-01T09:00:00.000Z',
        },
      },
    });
    expect(answer.headers.get('x-secondly-call-limit')).toBe('10/500');
    expect(answer.headers.get('x-daily-call-limit')).toBe('10/200000');
  });

  it('updates only the given fields, clears explicit nulls and moves updatedAt', async () => {
    await gql(CREATE, { input: { email: 'grace@example.com', firstName: 'Grace', company: 'Navy' } });
    clock += 5_000;
    const answer = await gql(
      'mutation { updateAttendee(id: "100001", input: { company: null, status: CHECKED_IN }) { id firstName company status createdAt updatedAt } }',
    );
    expect(answer.body.data).toEqual({
      updateAttendee: {
        id: '100001',
        firstName: 'Grace',
        company: null,
        status: 'CHECKED_IN',
        createdAt: '2026-03-01T09:00:00.000Z',
        updatedAt: '2026-03-01T09:00:05.000Z',
      },
    });
  });

  it('answers NOT_FOUND for an unknown id on read, update and delete', async () => {
    const read = await gql('{ attendee(id: "999") { id } }');
    expect(read.status).toBe(200);
    expect(read.body.data).toEqual({ attendee: null });
    expect(read.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const update = await gql('mutation { updateAttendee(id: "999", input: { firstName: "X" }) { id } }');
    expect(update.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const remove = await gql('mutation { deleteAttendee(id: "999") }');
    expect(remove.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('deletes an attendee, after which it is NOT_FOUND', async () => {
    await gql(CREATE, { input: { email: 'alan@example.com' } });
    const remove = await gql('mutation { deleteAttendee(id: "100001") }');
    expect(remove.body).toEqual({ data: { deleteAttendee: true } });
    const read = await gql('{ attendee(id: "100001") { id } }');
    expect(read.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('rejects a bad token with HTTP 400 INVALID_TOKEN and an expired one with TOKEN_IS_EXPIRED', async () => {
    const bad = await callGraphql(sim.graphqlUrl, 'sk_test_wrong', '{ attendees { totalCount } }');
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe('INVALID_TOKEN');
    const expiredSim = await startEventsSimulator({ expiredTokens: ['sk_test_old'], webhooks: 'none' });
    try {
      const expired = await callGraphql(expiredSim.graphqlUrl, 'sk_test_old', '{ attendees { totalCount } }');
      expect(expired.status).toBe(400);
      expect(expired.body.errors?.[0]?.extensions?.code).toBe('TOKEN_IS_EXPIRED');
    } finally {
      await expiredSim.close();
    }
  });

  it('rejects invalid input with VALIDATION_FAILED details and a duplicate email with ALREADY_EXISTS', async () => {
    const invalid = await gql(CREATE, { input: { email: 'not-an-email' } });
    expect(invalid.body.errors?.[0]?.extensions).toEqual({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'email', message: 'not an email address' }],
    });
    const missing = await gql(CREATE, { input: { firstName: 'NoEmail' } });
    expect(missing.body.errors?.[0]?.extensions?.code).toBe('VALIDATION_FAILED');
    await gql(CREATE, { input: { email: 'dup@example.com' } });
    const duplicate = await gql(CREATE, { input: { email: 'DUP@example.com' } });
    expect(duplicate.body.errors?.[0]?.extensions?.code).toBe('ALREADY_EXISTS');
  });

  it('answers a schema violation with 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const answer = await gql('{ attendees { nope } }');
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers variables that do not coerce with 400 and no data', async () => {
    const answer = await gql(CREATE, { input: { email: 'x@example.com', status: 'SLEEPING' } });
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors?.[0]?.message).toContain('SLEEPING');
    expect(sim.store.size).toBe(0);
  });

  it('filters by exact email, case-insensitively', async () => {
    await gql(CREATE, { input: { email: 'katherine@example.com' } });
    await gql(CREATE, { input: { email: 'other@example.com' } });
    const answer = await gql(
      '{ attendees(email: "Katherine@Example.com") { totalCount edges { node { id email } } } }',
    );
    expect(answer.body.data).toEqual({
      attendees: { totalCount: 1, edges: [{ node: { id: '100001', email: 'katherine@example.com' } }] },
    });
  });

  it('serves introspection (the studio imports the schema from it)', async () => {
    const answer = await gql('{ __type(name: "AttendeeStatus") { enumValues { name } } }');
    expect(answer.body.data).toEqual({
      __type: {
        enumValues: [
          { name: 'REGISTERED' },
          { name: 'CHECKED_IN' },
          { name: 'CANCELLED' },
          { name: 'WAITLISTED' },
        ],
      },
    });
    const full = await gql(
      'query { __schema { queryType { name } mutationType { name } types { name fields { name type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } }',
    );
    expect(full.status).toBe(200);
    expect(full.body.data).toMatchObject({ __schema: { mutationType: { name: 'Mutation' } } });
  });

  it('replays the first result for a repeated Idempotency-Key without a second write', async () => {
    const headers = { 'idempotency-key': 'key-1' };
    const first = await gql(CREATE, { input: { email: 'frances@example.com' } }, headers);
    clock += 1_000;
    const second = await gql(CREATE, { input: { email: 'someone-else@example.com' } }, headers);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(sim.store.size).toBe(1);
    const other = await gql(
      CREATE,
      { input: { email: 'barbara@example.com' } },
      { 'idempotency-key': 'key-2' },
    );
    expect(other.body.data).toMatchObject({ createAttendee: { id: '100002' } });
    expect(sim.store.size).toBe(2);
  });

  it('counts requests by endpoint, operation and status', async () => {
    await gql(CREATE, { input: { email: 'count@example.com' } });
    await gql('{ attendee(id: "nope") { id } }');
    await callGraphql(sim.graphqlUrl, 'bad', '{ attendees { totalCount } }');
    const counters = (await (await fetch(`${sim.url}/_admin/counters`)).json()) as unknown;
    expect(counters).toEqual({
      total: 3,
      byEndpoint: { 'POST /graphql': { '200': 2, '400': 1 } },
      byOperation: {
        'mutation createAttendee': { '200': 1 },
        'query attendee': { '200': 1 },
        'query attendees': { '400': 1 },
      },
    });
  });
});
