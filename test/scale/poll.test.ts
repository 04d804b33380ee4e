/**
 * Polling against the real simulators: a poll-only events platform whose changes land within one
 * poll, 25,000 records sharing one timestamp read once (GraphQL and REST), and HubSpot search
 * polled at ≤ 5 requests a second over one frozen millisecond.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitEnvelope } from '../../runtime/src/intake/split.ts';
import { DynamoMappingStore } from '../../runtime/src/mapping-store/dynamo-store.ts';
import { createGraphQLDestination } from '../../runtime/src/outbound/graphql-client.ts';
import { createRateBudget } from '../../runtime/src/outbound/rate-limit.ts';
import { createRestDestination } from '../../runtime/src/outbound/rest-client.ts';
import { runPoll } from '../../runtime/src/poll/driver.ts';
import { createHubSpotSearchApi } from '../../runtime/src/poll/hubspot-search-api.ts';
import { destinationReader, hubspotReader } from '../../runtime/src/poll/sources.ts';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { createKongoTable } from '../../runtime/src/queue/table.ts';
import type { QueueEnvelope } from '../../runtime/src/queue/types.ts';
import { startEventsSimulator } from '../../sandbox/src/events/index.ts';
import { startHubSpotSimulator } from '../../sandbox/src/hubspot/index.ts';
import { startJobsSimulator } from '../../sandbox/src/jobs/simulator.ts';
import { APP, type Harness, startHarness } from '../runtime/harness.ts';

let dynamo: LocalDynamo;
let store: DynamoMappingStore;
const clock = { now: () => Date.now() };

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await createKongoTable(dynamo.client, 'poll-scale');
  store = new DynamoMappingStore({ client: dynamo.client, tableName: 'poll-scale' });
});
afterAll(async () => {
  await dynamo.close();
});

function memoryQueue() {
  const sent: QueueEnvelope[] = [];
  return { sent, send: async (envelope: QueueEnvelope) => ({ messageId: String(sent.push(envelope)) }) };
}

async function admin(url: string, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${url}/_admin/${path}`, {
    method: path === 'limits' ? 'PUT' : 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

describe('a poll-only events platform', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      dynamo,
      events: { webhooks: 'none' },
      patchSpec: (spec) => {
        delete spec.destination.webhooks;
        spec.destination.polling = { intervalSeconds: 60, cursorField: 'updatedAt' };
      },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('lands a created and then an updated attendee in HubSpot within one poll each', async () => {
    await admin(h.events.url, 'records', {
      email: 'poll.only@example.com',
      firstName: 'Polly',
      status: 'REGISTERED',
    });
    const first = await h.runtime.poll();
    expect(first.records).toBe(1);
    await h.settle();
    const [contact] = h.contactsWithEmail('poll.only@example.com');
    expect(contact?.properties.firstname).toBe('Polly');

    const [attendee] = h.attendeesWithEmail('poll.only@example.com');
    await fetch(`${h.events.url}/_admin/records/${String(attendee?.id)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Pollyanna' }),
    });
    const second = await h.runtime.poll();
    expect(second.records).toBe(1);
    await h.settle();
    expect(h.contactsWithEmail('poll.only@example.com')).toHaveLength(1);
    expect(h.contactsWithEmail('poll.only@example.com')[0]?.properties.firstname).toBe('Pollyanna');
    // Nothing changed: the next poll reads nothing and writes nothing.
    const third = await h.runtime.poll();
    expect(third.records).toBe(0);
    expect(third.calls).toBe(1);
  });
});

describe('HubSpot polled instead of its webhooks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dynamo });
    // Webhooks go nowhere: only the search poll can see HubSpot's changes.
    h.hub.setWebhookTarget(APP.appId, 'http://127.0.0.1:9/unreachable');
  });
  afterAll(async () => {
    await h.close();
  });

  it('lands a contact created and then edited in HubSpot within one poll each', async () => {
    const first = await h.runtime.poll({ source: 'hubspot', lagMs: 0 });
    expect(first.records).toBe(0);
    const created = (await admin(h.hub.url, 'records/contacts', {
      properties: { email: 'polled@example.com', firstname: 'Paula' },
    })) as { id: string };
    const second = await h.runtime.poll({ source: 'hubspot', lagMs: 0 });
    expect(second.records).toBe(1);
    await h.runtime.drain({ untilEmpty: true });
    expect(h.attendeesWithEmail('polled@example.com')[0]?.firstName).toBe('Paula');
    await fetch(`${h.hub.url}/_admin/records/contacts/${created.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { firstname: 'Paulette' } }),
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const third = await h.runtime.poll({ source: 'hubspot', lagMs: 0 });
    expect(third.records).toBe(1);
    await h.runtime.drain({ untilEmpty: true });
    expect(h.attendeesWithEmail('polled@example.com')).toHaveLength(1);
    expect(h.attendeesWithEmail('polled@example.com')[0]?.firstName).toBe('Paulette');
  });
});

describe('25,000 records sharing one timestamp', () => {
  it('are read once from the GraphQL platform, and the next poll neither loops nor re-reads them', async () => {
    const events = await startEventsSimulator({
      webhooks: 'none',
      limits: { secondlyThreshold: 1_000_000, dailyThreshold: 10_000_000 },
    });
    try {
      await admin(events.url, 'seed', { count: 25_000 });
      await admin(events.url, 'updated-at', { updatedAt: '2026-01-01T00:00:00.000Z' });
      const destination = createGraphQLDestination({
        destination: {
          baseUrl: events.url,
          idField: 'id',
          naturalKey: { hubspotProperty: 'email', destinationField: 'email' },
          objectType: 'Attendee',
        },
        token: events.token,
        fields: ['firstName', 'status'],
      });
      const queue = memoryQueue();
      const started = Date.now();
      const outcome = await runPoll({
        integration: 'burst-gql',
        source: 'destination',
        store,
        queue,
        clock,
        read: destinationReader({ destination, callsPerRound: 50 }),
      });
      expect(outcome.records).toBe(25_000);
      expect(outcome.more).toBe(false);
      expect(outcome.calls).toBe(250); // 250 full pages; the last one says where the list ends
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(queue.sent.every((e) => JSON.parse(e.body).records.length <= 100)).toBe(true);
      const spec = {
        destination: {
          api: 'graphql',
          objectType: 'Attendee',
          idField: 'id',
          naturalKey: { hubspotProperty: 'email', destinationField: 'email' },
          polling: { intervalSeconds: 60, cursorField: 'updatedAt' },
        },
      };
      const keys = new Set(
        queue.sent.flatMap((e) => splitEnvelope(e, spec as never).events.map((ev) => ev.objectId)),
      );
      expect(keys.size).toBe(25_000);

      const again = await runPoll({
        integration: 'burst-gql',
        source: 'destination',
        store,
        queue,
        clock,
        read: destinationReader({ destination }),
      });
      expect(again).toMatchObject({ records: 0, calls: 1 });

      const one = events.store.all()[12_345];
      await fetch(`${events.url}/_admin/records/${String(one?.id)}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ firstName: 'Changed' }),
      });
      const after = await runPoll({
        integration: 'burst-gql',
        source: 'destination',
        store,
        queue,
        clock,
        read: destinationReader({ destination }),
      });
      expect(after).toMatchObject({ records: 1, calls: 1 });
    } finally {
      await events.close();
    }
  });

  it('are read once from the REST job system, re-reading at most one page per poll', async () => {
    const jobs = await startJobsSimulator({ limits: { requestsPerSecond: 100_000 } });
    try {
      await admin(jobs.url, 'seed', { count: 25_000 });
      await admin(jobs.url, 'updated-at', { updatedAt: '2026-01-01T00:00:00.000Z' });
      const destination = createRestDestination({
        destination: {
          baseUrl: jobs.url,
          idField: 'id',
          naturalKey: { hubspotProperty: 'job_reference', destinationField: 'reference' },
          objectType: 'Job',
          rest: { collectionPath: '/jobs' },
        },
        token: jobs.token,
      });
      const queue = memoryQueue();
      const outcome = await runPoll({
        integration: 'burst-rest',
        source: 'destination',
        store,
        queue,
        clock,
        read: destinationReader({ destination, callsPerRound: 50 }),
      });
      expect(outcome.records).toBe(25_000);
      expect(outcome.calls).toBe(250);
      const again = await runPoll({
        integration: 'burst-rest',
        source: 'destination',
        store,
        queue,
        clock,
        read: destinationReader({ destination }),
      });
      expect(again.calls).toBe(1);
      expect(again.records).toBeLessThanOrEqual(100);
    } finally {
      await jobs.close();
    }
  });
});

describe('HubSpot search polling', () => {
  it('drains one frozen millisecond by id at ≤ 5 searches a second and reads every contact once', async () => {
    // Frozen while the contacts are written (they share one millisecond), then running again so
    // the simulator's rate windows slide.
    let frozen = Date.parse('2026-02-01T00:00:00.000Z');
    let running: number | null = null;
    const simNow = () => (running === null ? frozen : frozen + (Date.now() - running));
    const hub = await startHubSpotSimulator({
      apps: [{ appId: 7, clientSecret: 's', accessToken: 'pat-poll' }],
      indexingLagMs: 0,
      now: simNow,
    });
    try {
      for (let batch = 0; batch < 5; batch++) {
        const inputs = Array.from({ length: 100 }, (_, i) => ({
          properties: { email: `frozen-${batch * 100 + i}@example.com` },
        }));
        const created = await fetch(`${hub.url}/crm/v3/objects/contacts/batch/create`, {
          method: 'POST',
          headers: { authorization: 'Bearer pat-poll', 'content-type': 'application/json' },
          body: JSON.stringify({ inputs }),
        });
        expect(created.status).toBe(201);
      }
      frozen += 120_000;
      running = Date.now();
      const budget = createRateBudget({ limit: { per10Seconds: 100, daily: 250_000, reservePercent: 20 } });
      const stamps: number[] = [];
      const api = createHubSpotSearchApi({
        objectType: 'contacts',
        accessToken: 'pat-poll',
        basePath: hub.url,
        budget,
        fetch: (input, init) => {
          stamps.push(Date.now());
          return fetch(input, init);
        },
      });
      const queue = memoryQueue();
      const outcome = await runPoll({
        integration: 'hs-poll',
        source: 'hubspot',
        store,
        queue,
        clock,
        read: hubspotReader({
          search: api.search,
          modifiedProperty: 'lastmodifieddate',
          properties: ['email'],
          now: simNow,
          startAt: frozen - 3_600_000,
          pageSize: 60,
          lagMs: 30_000,
        }),
      });
      await api.stop();
      await budget.stop();
      const ids = queue.sent.flatMap((e) =>
        (JSON.parse(e.body) as { records: Array<{ id: string }> }).records.map((r) => r.id),
      );
      expect(ids).toHaveLength(500);
      expect(new Set(ids).size).toBe(500);
      // 1 advance + ceil(500 / 60) drain pages + the empty end, each ≥ 200 ms after the last.
      expect(outcome.calls).toBeLessThanOrEqual(12);
      for (let i = 5; i < stamps.length; i++)
        expect((stamps[i] ?? 0) - (stamps[i - 5] ?? 0)).toBeGreaterThanOrEqual(990);
      const counters = (await (await fetch(`${hub.url}/_admin/counters`)).json()) as {
        byEndpoint: Record<string, Record<string, number>>;
      };
      const searches = Object.entries(counters.byEndpoint).filter(([k]) => k.includes('search'));
      expect(searches.flatMap(([, byStatus]) => Object.keys(byStatus))).toEqual(['200']);
    } finally {
      await hub.close();
    }
  });
});
