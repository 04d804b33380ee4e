import { getOperationAST, parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventsSimulator, operationCost, startEventsSimulator } from './index.ts';
import { callGraphql } from './test-client.ts';

let clock = Date.parse('2026-07-01T10:00:00.000Z');
let sim: EventsSimulator;

const create = (n: number) =>
  callGraphql(
    sim.graphqlUrl,
    sim.token,
    `mutation { createAttendee(input: { email: "p${n}@example.com" }) { id } }`,
  );

beforeAll(async () => {
  sim = await startEventsSimulator({ webhooks: 'none', now: () => clock });
});

beforeEach(() => {
  sim.reset();
  clock = Date.parse('2026-07-01T10:00:00.000Z');
});

afterAll(async () => {
  await sim?.close();
});

function costOf(query: string, variables: Record<string, unknown> = {}): number {
  const operation = getOperationAST(parse(query));
  if (!operation) throw new Error('no operation');
  return operationCost(operation, variables);
}

describe('events cost-based limits', () => {
  it('prices a query at 1 + ceil(first / 10) per connection and a mutation at 10 per field', () => {
    expect(costOf('{ attendees { totalCount } }')).toBe(6);
    expect(costOf('query($n: Int) { attendees(first: $n) { totalCount } }', { n: 25 })).toBe(4);
    expect(costOf('{ attendee(id: "1") { id } }')).toBe(1);
    expect(costOf('mutation { a: deleteAttendee(id: "1") b: deleteAttendee(id: "2") }')).toBe(20);
  });

  it('answers the call over the secondly threshold with 429 MAX_COST_EXCEEDED and the retry headers', async () => {
    await fetch(`${sim.url}/_admin/limits`, {
      method: 'PUT',
      body: JSON.stringify({ secondlyThreshold: 30 }),
    });
    for (let n = 1; n <= 3; n++) {
      expect((await create(n)).status).toBe(200);
      clock += 100;
    }
    const refused = await create(4);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({
      errors: [
        {
          message:
            'Max cost exceeded. Wait before retrying (see X-Secondly-Retry-After / X-Daily-Retry-After).',
          extensions: {
            code: 'MAX_COST_EXCEEDED',
            cost: 10,
            availableCost: 0,
            threshold: 30,
            dailyThreshold: 200_000,
            dailyAvailableCost: 199_970,
          },
        },
      ],
    });
    expect(refused.headers.get('x-secondly-call-limit')).toBe('30/30');
    expect(refused.headers.get('x-daily-call-limit')).toBe('30/200000');
    // The first charge (at t=0) leaves the 1-second window at t=1000; it is now t=300.
    expect(refused.headers.get('x-secondly-retry-after')).toBe('700');
    expect(refused.headers.has('x-daily-retry-after')).toBe(false);
    expect(sim.store.size).toBe(3);
    clock += 700;
    expect((await create(4)).status).toBe(200);
  });

  it('answers the call over the daily threshold with 429 and seconds until UTC midnight', async () => {
    await fetch(`${sim.url}/_admin/limits`, { method: 'PUT', body: JSON.stringify({ dailyThreshold: 25 }) });
    expect((await create(1)).status).toBe(200);
    clock += 2_000;
    expect((await create(2)).status).toBe(200);
    clock += 2_000;
    const refused = await create(3);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ dailyThreshold: 25, dailyAvailableCost: 5 });
    expect(refused.headers.get('x-daily-retry-after')).toBe(String(14 * 3600 - 4));
    expect(refused.headers.has('x-secondly-retry-after')).toBe(false);
  });

  it('answers 413 QUERY_TOO_COMPLEX when one query costs more than a second allows or nests too deep', async () => {
    await fetch(`${sim.url}/_admin/limits`, {
      method: 'PUT',
      body: JSON.stringify({ secondlyThreshold: 20 }),
    });
    const costly = await callGraphql(
      sim.graphqlUrl,
      sim.token,
      '{ a: attendees(first: 100) { totalCount } b: attendees(first: 100) { totalCount } }',
    );
    expect(costly.status).toBe(413);
    expect(costly.body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    await fetch(`${sim.url}/_admin/limits`, { method: 'PUT', body: JSON.stringify({ maxDepth: 3 }) });
    const deep = await callGraphql(
      sim.graphqlUrl,
      sim.token,
      '{ attendees(first: 1) { edges { node { id } } } }',
    );
    expect(deep.status).toBe(413);
    const shallow = await callGraphql(sim.graphqlUrl, sim.token, '{ attendees(first: 1) { totalCount } }');
    expect(shallow.status).toBe(200);
  });

  it('sends the call-limit headers on every answer', async () => {
    const answer = await callGraphql(sim.graphqlUrl, sim.token, '{ attendees(first: 20) { totalCount } }');
    expect(answer.headers.get('x-secondly-call-limit')).toBe('3/500');
    expect(answer.headers.get('x-daily-call-limit')).toBe('3/200000');
  });
});
