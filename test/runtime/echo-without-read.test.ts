// Our own HubSpot write comes back as webhooks; the intent's per-field hashes prove it ours from the
// events alone (no batch read). A person's edit of the same field right after our write still lands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchOutcome } from '../../runtime/src/worker/types.ts';
import { type Harness, startHarness } from './harness.ts';

const BATCH_READ = 'POST /crm/v3/objects/contacts/batch/read';

let h: Harness;
/** Runs once, right after our next HubSpot write answered (before its echo is processed). */
let afterHubSpotWrite: (() => Promise<void>) | null = null;

beforeAll(async () => {
  h = await startHarness({
    environment: {
      fetch: async (input, init) => {
        const response = await fetch(input, init);
        if (/\/batch\/(update|upsert)$/.test(input) && afterHubSpotWrite) {
          const then = afterHubSpotWrite;
          afterHubSpotWrite = null;
          await then();
        }
        return response;
      },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

function batchReads(): number {
  const byStatus = h.hub.counters().byEndpoint[BATCH_READ] ?? {};
  return Object.values(byStatus).reduce((sum, n) => sum + n, 0);
}

async function newAttendee(email: string, firstName: string): Promise<string> {
  const response = await fetch(`${h.events.url}/_admin/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, firstName, lastName: 'Hopper', status: 'REGISTERED' }),
  });
  return String(((await response.json()) as { id: string }).id);
}

async function editAttendee(id: string, input: Record<string, string>): Promise<void> {
  await fetch(`${h.events.url}/_admin/records/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
}

const hubspotEchoes = (outcome: BatchOutcome) =>
  outcome.records.filter((r) => r.source === 'hubspot' && r.outcome === 'echo-dropped');

describe('echo without a read', () => {
  it('drops the echo of our HubSpot create and update with zero hydrating batch reads', async () => {
    h.hub.resetCounters();
    const id = await newAttendee('grace@example.com', 'Grace');
    const created = await h.settle();
    const [contact] = h.contactsWithEmail('grace@example.com');
    expect(contact?.properties.firstname).toBe('Grace');
    // Creation + one propertyChange per property, all ours: dropped from the events alone. The one
    // batch read is the natural-key lookup before the create, not a hydration.
    expect(hubspotEchoes(created).map((r) => r.reason)).toEqual(['field-hash+source']);
    expect(batchReads()).toBe(1);
    expect(created.records.filter((r) => r.source === 'hubspot' && r.outcome !== 'echo-dropped')).toEqual([]);

    h.hub.resetCounters();
    await editAttendee(id, { firstName: 'Grace B.', jobTitle: 'Rear Admiral' });
    const updated = await h.settle();
    expect(h.contactsWithEmail('grace@example.com')[0]?.properties).toMatchObject({
      firstname: 'Grace B.',
      jobtitle: 'Rear Admiral',
    });
    expect(hubspotEchoes(updated).map((r) => r.reason)).toEqual(['field-hash+source']);
    expect(updated.records.filter((r) => r.source === 'hubspot' && r.outcome !== 'echo-dropped')).toEqual([]);
    expect(batchReads()).toBe(0);
    expect(h.hub.counters().byEndpoint['POST /crm/v3/objects/contacts/batch/update']).toEqual({ '200': 1 });
  });

  it('still delivers a person editing the same field to another value right after our write', async () => {
    const id = await newAttendee('ada@example.com', 'Ada');
    await h.settle();
    const contactId = h.contactsWithEmail('ada@example.com')[0]?.id ?? '';
    expect(contactId).not.toBe('');

    // Our write sets firstname "Augusta"; its echo is queued (its own message, our intent still
    // pending) and then, before either is processed, a person types "Ada Augusta".
    afterHubSpotWrite = async () => {
      await h.hub.webhooksIdle();
      await h.hub.ui.update('contacts', contactId, { firstname: 'Ada Augusta' });
    };
    h.hub.resetCounters();
    await editAttendee(id, { firstName: 'Augusta' });
    const outcome = await h.settle();
    expect(afterHubSpotWrite).toBeNull();

    // Our echo and the person's change (same field, other value, CRM_UI) reach the same batch and are
    // coalesced into one record: the echo uses up its written value, the change is hydrated — the one
    // read — and lands on the destination.
    expect(h.attendeesWithEmail('ada@example.com')[0]).toMatchObject({ firstName: 'Ada Augusta' });
    expect(h.contactsWithEmail('ada@example.com')[0]?.properties.firstname).toBe('Ada Augusta');
    expect(outcome.records.filter((r) => r.source === 'hubspot' && r.outcome === 'delivered')).toHaveLength(
      1,
    );
    expect(hubspotEchoes(outcome)).toEqual([]);
    const entity = await h.runtime.store.resolve(h.spec.integration.name, 'hubspot', contactId);
    expect((entity?.fieldState?.echoes.hubspot.firstname ?? []).filter((e) => !e.u)).toEqual([]);
    expect(batchReads()).toBe(1);
  });
});
