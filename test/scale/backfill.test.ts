/**
 * Backfill against the simulators and dynalite: matched before created, full batches, interrupted
 * and resumed without a duplicate, enumMap misses left unwritten, and the live worker recognising
 * every backfilled record afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPacedBudget } from '../../runtime/src/backfill/budget.ts';
import { BackfillLedger } from '../../runtime/src/backfill/ledger.ts';
import { type BackfillReport, runBackfill } from '../../runtime/src/backfill/run.ts';
import { createGraphQLDestination } from '../../runtime/src/outbound/graphql-client.ts';
import { createHubSpotClient } from '../../runtime/src/outbound/hubspot-client.ts';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { APP, EVENTS_TOKEN, type Harness, startHarness } from '../runtime/harness.ts';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const N = 250;

async function seed(h: Harness): Promise<void> {
  const seeded = await fetch(`${h.events.url}/_admin/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: N }),
  });
  expect(seeded.status).toBe(201);
  // Half of them are already in HubSpot (typed by people: mixed case), without a sync id.
  const attendees = h.events.store.all();
  for (let i = 0; i < N / 2; i += 100) {
    const inputs = attendees.slice(i, Math.min(i + 100, N / 2)).map((a) => ({
      properties: { email: String(a.email).toUpperCase(), firstname: 'Existing' },
    }));
    const created = await fetch(`${h.hub.url}/crm/v3/objects/contacts/batch/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${APP.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs }),
    });
    expect(created.status).toBe(201);
  }
}

function backfillParts(h: Harness) {
  const budget = createPacedBudget({ limit: { per10Seconds: 190, daily: 1_000_000, reservePercent: 10 } });
  const hubspot = createHubSpotClient({
    objectType: 'contacts',
    accessToken: APP.accessToken,
    basePath: h.hub.url,
    syncIdProperty: h.spec.hubspot.syncIdProperty,
    budget,
  });
  const destination = createGraphQLDestination({
    destination: { ...h.spec.destination, baseUrl: h.events.url },
    token: EVENTS_TOKEN,
    fields: ['firstName', 'lastName', 'company', 'jobTitle', 'phone', 'country', 'status'],
  });
  const ledger = new BackfillLedger({ client: h.dynamo.client, tableName: h.tableName });
  return { budget, hubspot, destination, ledger };
}

function duplicates(h: Harness): number {
  const counts = new Map<string, number>();
  for (const r of h.hub.listRecords('contacts')) {
    const email = String(r.properties.email ?? '').toLowerCase();
    counts.set(email, (counts.get(email) ?? 0) + 1);
  }
  return [...counts.values()].filter((n) => n > 1).length;
}

describe('kongo sync --backfill', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      dynamo,
      patchSpec: (spec) => {
        // People typed the map without CANCELLED: those attendees' lead status stays unwritten.
        const flow = spec.flows.find((f) => f.direction === 'destination-to-hubspot');
        const mapping = flow?.mappings.find((m) => m.target === 'hs_lead_status');
        if (mapping && 'enumMap' in mapping.value) delete mapping.value.enumMap.map.CANCELLED;
      },
    });
    await seed(h);
    const some = h.events.store.all().slice(0, 7);
    for (const a of some) h.events.store.update(a.id, { status: 'CANCELLED' }, 'ui');
  });
  afterAll(async () => {
    await h.close();
  });

  it('matches before creating, writes full batches, survives an interruption and resumes with no duplicate', async () => {
    const parts = backfillParts(h);
    const controller = new AbortController();
    // Ctrl-C arrives while the second page is being read.
    let lists = 0;
    const interrupting = {
      listChanged: async (page: Parameters<typeof parts.destination.listChanged>[0]) => {
        if (++lists === 2) controller.abort();
        return parts.destination.listChanged(page);
      },
    };
    const first = await runBackfill({
      spec: h.spec,
      store: h.runtime.store,
      ledger: parts.ledger,
      hubspot: parts.hubspot,
      destination: interrupting,
      controls: h.runtime.controls,
      signal: controller.signal,
      chunkPages: 1,
      depth: 1,
      prefetch: 1,
    });
    expect(first.interrupted).toBe(true);
    expect(first.written).toBeLessThan(N);
    expect((await h.runtime.controls.read()).paused).toBe(false);

    const second: BackfillReport = await runBackfill({
      spec: h.spec,
      store: h.runtime.store,
      ledger: parts.ledger,
      hubspot: parts.hubspot,
      destination: parts.destination,
      controls: h.runtime.controls,
      chunkPages: 1,
    });
    await parts.budget.stop();
    expect(second.resumed).toBe(true);
    expect(second.interrupted).toBe(false);
    expect(second.failed).toBe(0);
    expect(h.hub.listRecords('contacts')).toHaveLength(N);
    expect(duplicates(h)).toBe(0);
    // Every contact carries its sync id; the existing half kept its HubSpot id and got the values.
    const contacts = h.hub.listRecords('contacts');
    expect(contacts.every((c) => typeof c.properties.kongo_sync_id === 'string')).toBe(true);
    expect(contacts.filter((c) => c.properties.firstname === 'Existing')).toHaveLength(0);
    // Calls: 1 read per 100 records and 1 write per 100, plus at most one chunk redone on resume.
    const reads = first.calls.read + second.calls.read;
    const writes = first.calls.update + first.calls.upsert + second.calls.update + second.calls.upsert;
    expect(reads).toBeLessThanOrEqual(N / 100 + 2);
    expect(writes).toBeLessThanOrEqual(N / 100 + 4);
    // The enumMap miss: the field left unwritten, the rest written, counted.
    expect(
      (first.fieldErrors.ENUM_UNMAPPED ?? 0) + (second.fieldErrors.ENUM_UNMAPPED ?? 0),
    ).toBeGreaterThanOrEqual(7);
  });

  it('leaves identities the live worker follows: a later change updates the same contact', async () => {
    const attendee = h.events.store.all()[N - 1];
    expect(attendee).toBeDefined();
    const before = h.contactsWithEmail(String(attendee?.email));
    expect(before).toHaveLength(1);
    const entity = await h.runtime.store.resolve(
      h.spec.integration.name,
      'destination',
      String(attendee?.id),
    );
    expect(entity?.ids.hubspot).toBe(before[0]?.id);
    // HubSpot's webhooks for the backfill's own writes were queued while the worker was paused:
    // they are recognised as echoes, nothing is written back to the destination.
    const echoes = await h.settle();
    const outcomes: Record<string, number> = {};
    for (const r of echoes.records) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
    expect(Object.keys(outcomes)).toEqual(['echo-dropped']);
    const patched = await fetch(`${h.events.url}/_admin/records/${String(attendee?.id)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jobTitle: 'Backfilled then edited' }),
    });
    expect(patched.status).toBe(200);
    await h.settle();
    const after = h.contactsWithEmail(String(attendee?.email));
    expect(after).toHaveLength(1);
    expect(after[0]?.properties.jobtitle).toBe('Backfilled then edited');
  });

  it('refuses a second concurrent run of the same backfill', async () => {
    const parts = backfillParts(h);
    expect(await parts.ledger.lease(h.spec.integration.name, 'someone-else', 60_000)).toBe(true);
    await expect(
      runBackfill({
        spec: h.spec,
        store: h.runtime.store,
        ledger: parts.ledger,
        hubspot: parts.hubspot,
        destination: parts.destination,
      }),
    ).rejects.toThrow(/Another backfill/);
    await parts.ledger.release(h.spec.integration.name, 'someone-else');
    await parts.budget.stop();
  });
});
