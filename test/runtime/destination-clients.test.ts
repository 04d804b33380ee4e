// The destination clients against the simulators: REST (job system) and GraphQL (events platform):
// idempotent creates, natural-key lookup, NOT_FOUND as a value, 429s retried with the server's hint.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLDestination } from '../../runtime/src/outbound/graphql-client.ts';
import { createRestDestination } from '../../runtime/src/outbound/rest-client.ts';
import { type EventsSimulator, startEventsSimulator } from '../../sandbox/src/events/index.ts';
import { type JobsSimulator, startJobsSimulator } from '../../sandbox/src/jobs/index.ts';

let jobs: JobsSimulator;
let events: EventsSimulator;
const fastRetry = {
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.min(ms, 20))),
};

beforeAll(async () => {
  jobs = await startJobsSimulator({ webhookTiming: { timeCompression: 10_000 } });
  events = await startEventsSimulator({ webhooks: 'none' });
});
afterAll(async () => {
  await jobs?.close();
  await events?.close();
});

describe('REST destination client on the job simulator', () => {
  const client = () =>
    createRestDestination({
      destination: {
        baseUrl: jobs.url,
        idField: 'id',
        objectType: 'Job',
        naturalKey: { hubspotProperty: 'job_reference', destinationField: 'reference' },
        rest: { collectionPath: '/jobs' },
      },
      token: jobs.token,
      retry: fastRetry,
    });

  it('creates once per Idempotency-Key, finds by natural key, updates and reports a missing id as null', async () => {
    const rest = client();
    const input = {
      reference: 'J-100',
      title: 'Roof',
      customerEmail: 'a@b.co',
      status: 'QUOTED',
      value: 1200,
    };
    const first = await rest.create(input, { idempotencyKey: 'kongo-k1-create-destination' });
    const again = await rest.create(input, { idempotencyKey: 'kongo-k1-create-destination' });
    expect(again.id).toBe(first.id);
    expect(jobs.store.all().filter((j) => j.reference === 'J-100')).toHaveLength(1);
    expect((await rest.findByNaturalKey('J-100'))?.id).toBe(first.id);
    expect(await rest.findByNaturalKey('J-999')).toBeNull();
    const updated = await rest.update(first.id, { title: 'Roof and gutters' }, { idempotencyKey: 'u1' });
    expect(updated?.values.title).toBe('Roof and gutters');
    expect(updated?.updatedAt).toBeTypeOf('number');
    expect(await rest.get('job_missing')).toBeNull();
    expect(await rest.update('job_missing', { title: 'x' }, { idempotencyKey: 'u2' })).toBeNull();
  });

  it('retries 429s (fractional Retry-After) until the call lands', async () => {
    jobs.faults.configure({ seed: 9, rate429: 0.6, retryAfterMs: { min: 10, max: 40 } });
    const rest = client();
    for (let i = 0; i < 5; i++) {
      await rest.create(
        { reference: `J-20${i}`, title: 'Storm', customerEmail: 'a@b.co', status: 'QUOTED' },
        { idempotencyKey: `k-20${i}` },
      );
    }
    jobs.faults.configure({ seed: 9, rate429: 0 });
    expect(jobs.store.all().filter((j) => j.reference.startsWith('J-20'))).toHaveLength(5);
    expect(rest.calls).toBeGreaterThan(5);
  });
});

describe('GraphQL destination client on the events simulator', () => {
  const client = () =>
    createGraphQLDestination({
      destination: {
        baseUrl: events.url,
        idField: 'id',
        objectType: 'Attendee',
        naturalKey: { hubspotProperty: 'email', destinationField: 'email' },
      },
      token: events.token,
      fields: ['firstName', 'lastName', 'status'],
      retry: fastRetry,
    });

  it('creates idempotently, finds by email, treats NOT_FOUND as null and pages changes', async () => {
    const gql = client();
    const first = await gql.create(
      { email: 'g@example.com', firstName: 'G', status: 'REGISTERED' },
      { idempotencyKey: 'c1' },
    );
    const again = await gql.create(
      { email: 'g@example.com', firstName: 'G', status: 'REGISTERED' },
      { idempotencyKey: 'c1' },
    );
    expect(again.id).toBe(first.id);
    expect((await gql.findByNaturalKey('G@Example.com'))?.id).toBe(first.id);
    expect(await gql.get('nope')).toBeNull();
    expect(await gql.update('nope', { firstName: 'x' }, { idempotencyKey: 'u' })).toBeNull();
    const page = await gql.listChanged({ limit: 10 });
    expect(page.records.map((r) => r.id)).toContain(first.id);
  });

  it('rejects spec names that are not GraphQL names before sending anything', () => {
    expect(() =>
      createGraphQLDestination({
        destination: {
          baseUrl: events.url,
          idField: 'id',
          objectType: 'Attendee',
          naturalKey: { hubspotProperty: 'email', destinationField: 'email' },
        },
        token: events.token,
        fields: ['firstName } mutation { deleteAttendee(id: "1")'],
      }),
    ).toThrow(/not a GraphQL name/);
  });
});
