import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { startWebexEventsSimulator, type WebexEventsSimulator } from './index.ts';

let clock = Date.parse('2026-04-01T08:00:00.000Z');
let webex: WebexEventsSimulator;

beforeEach(async () => {
  webex ??= await startWebexEventsSimulator({ now: () => clock });
  webex.reset();
  clock = Date.parse('2026-04-01T08:00:00.000Z');
});

afterAll(async () => {
  await webex?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read deep GraphQL answers whose shape the assertions check
type Answer = any;

async function gql(
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const response = await fetch(webex.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${webex.token}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, Answer>,
  };
}

const CREATE = `mutation AttendeeCreate($input: AttendeeCreateInput!) {
  attendeeCreate(input: $input) { id eventId email profile { firstName lastName } updatedAt } }`;
const LIST = `query AttendeesConnection($eventId: Int!, $first: Int, $after: String) {
  attendeesConnection(eventId: $eventId, first: $first, after: $after) {
    nodes { id email updatedAt } pageInfo { hasNextPage endCursor } totalCount } }`;

describe('Webex Events attendees', () => {
  it('answers 400 INVALID_TOKEN in the shape the SDKs read (extensions at the top level)', async () => {
    const answer = await gql(
      '{ attendee(eventId: 2, id: 1) { id } }',
      {},
      { authorization: 'Bearer sk_test_wrong' },
    );
    expect(answer).toMatchObject({
      status: 400,
      body: { message: 'Invalid Access Token.', extensions: { code: 'INVALID_TOKEN' } },
    });
  });

  it('creates attendees with integer ids under an integer eventId, nested profile fields included', async () => {
    const answer = await gql(CREATE, {
      input: { eventId: 2, email: 'ada@example.com', profile: { firstName: 'Ada', lastName: 'Lovelace' } },
    });
    expect(answer.body.data.attendeeCreate).toEqual({
      id: 1,
      eventId: 2,
      email: 'ada@example.com',
      profile: { firstName: 'Ada', lastName: 'Lovelace' },
      updatedAt: '2026-04-01T08:00:00.000Z',
    });
    expect(answer.headers.get('x-secondly-call-limit')).toBe('10/500');
    const unknownEvent = await gql(CREATE, { input: { eventId: 9, email: 'b@example.com' } });
    expect(unknownEvent.body.errors[0].extensions.code).toBe('RESOURCE_NOT_FOUND');
  });

  it('updates by id + eventId and pages attendeesConnection with Relay cursors (no modified-since argument)', async () => {
    for (let i = 1; i <= 5; i++) await gql(CREATE, { input: { eventId: 2, email: `p${i}@example.com` } });
    clock += 60_000;
    const updated = await gql(
      'mutation U($input: AttendeeUpdateInput!) { attendeeUpdate(input: $input) { id profile { jobTitle } updatedAt } }',
      { input: { id: 3, eventId: 2, profile: { jobTitle: 'CTO' } } },
    );
    expect(updated.body.data.attendeeUpdate).toEqual({
      id: 3,
      profile: { jobTitle: 'CTO' },
      updatedAt: '2026-04-01T08:01:00.000Z',
    });
    const ids: number[] = [];
    let after: string | null = null;
    do {
      const page = await gql(LIST, { eventId: 2, first: 2, after });
      ids.push(...page.body.data.attendeesConnection.nodes.map((n: { id: number }) => n.id));
      const info = page.body.data.attendeesConnection.pageInfo;
      after = info.hasNextPage ? info.endCursor : null;
    } while (after !== null);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    expect((await gql('{ attendeesConnection(eventId: 2, updatedAfter: "x") { totalCount } }')).status).toBe(
      400,
    );
  });

  it('replays a mutation with the same UUID Idempotency-Key and refuses other key formats', async () => {
    const key = randomUUID();
    const input = { input: { eventId: 2, email: 'once@example.com' } };
    const first = await gql(CREATE, input, { 'idempotency-key': key });
    const again = await gql(CREATE, input, { 'idempotency-key': key });
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(webex.attendees.size).toBe(1);
    expect(
      (await gql(CREATE, { input: { eventId: 2, email: 'other@example.com' } }, { 'idempotency-key': key }))
        .status,
    ).toBe(422);
    expect((await gql(CREATE, input, { 'idempotency-key': 'not-a-uuid' })).body.extensions.code).toBe(
      'BAD_REQUEST',
    );
  });

  it('throttles by cost: 429 MAX_COST_EXCEEDED with X-Secondly-Retry-After in ms', async () => {
    await fetch(`${webex.url}/_admin/limits`, {
      method: 'PUT',
      body: JSON.stringify({ secondlyThreshold: 25 }),
    });
    expect((await gql(CREATE, { input: { eventId: 2, email: 'a@example.com' } })).status).toBe(200);
    expect((await gql(CREATE, { input: { eventId: 2, email: 'b@example.com' } })).status).toBe(200);
    const refused = await gql(CREATE, { input: { eventId: 2, email: 'c@example.com' } });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      message: 'Max cost exceeded.',
      extensions: {
        code: 'MAX_COST_EXCEEDED',
        cost: 10,
        availableCost: 5,
        threshold: 25,
        dailyThreshold: 2000,
        dailyAvailableCost: 1980,
      },
    });
    expect(refused.headers.get('x-secondly-retry-after')).toBe('1000');
    clock += 1000;
    expect((await gql(CREATE, { input: { eventId: 2, email: 'c@example.com' } })).status).toBe(200);
  });

  it('has no webhooks: the subscription API refuses with the reason', async () => {
    const response = await fetch(`${webex.url}/_admin/subscriptions`, {
      method: 'POST',
      body: JSON.stringify({ url: 'http://127.0.0.1:1/hook', secret: 'x' }),
    });
    expect(response.status).toBe(422);
    expect(JSON.stringify(await response.json())).toContain('poll attendeesConnection');
  });
});
