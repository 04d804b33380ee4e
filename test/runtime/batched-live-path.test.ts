// The live path in batches (issue #12): many destination records created at once (an import) become
// HubSpot contacts with one batch read of their natural keys and one batch upsert per 100, not a
// lookup and a write per record; changes to one record waiting together become one write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const calls = (endpoint: string): number =>
  Object.values(h.hub.counters().byEndpoint[endpoint] ?? {}).reduce((sum, n) => sum + n, 0);

async function newAttendee(email: string): Promise<string> {
  const response = await fetch(`${h.events.url}/_admin/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, firstName: 'Bulk', lastName: email.split('@')[0], status: 'REGISTERED' }),
  });
  return String(((await response.json()) as { id: string }).id);
}

describe('the live path in batches', () => {
  it('creates 30 imported attendees in HubSpot with one natural-key batch read and one batch upsert', async () => {
    h.hub.resetCounters();
    for (let i = 0; i < 30; i++) await newAttendee(`import-${i}@example.com`);
    await h.events.idle(10_000);
    // One receive takes every waiting message: one batch.
    const messages = await h.runtime.queue.receive({ max: 100, visibilityTimeoutMs: 30_000 });
    expect(messages.length).toBe(30);
    const outcome = await h.runtime.processMessages(messages);
    expect(outcome.records.filter((r) => r.outcome === 'delivered')).toHaveLength(30);
    expect(calls('POST /crm/v3/objects/contacts/batch/read')).toBe(1);
    expect(calls('POST /crm/v3/objects/contacts/batch/upsert')).toBe(1);
    await h.settle();
    for (let i = 0; i < 30; i++) expect(h.contactsWithEmail(`import-${i}@example.com`)).toHaveLength(1);
  });

  it('writes changes to one record waiting in several messages as one write with the newest values', async () => {
    const id = await newAttendee('coalesce@example.com');
    await h.settle();
    h.hub.resetCounters();
    for (const jobTitle of ['One', 'Two', 'Three'])
      await fetch(`${h.events.url}/_admin/records/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jobTitle }),
      });
    await h.events.idle(10_000);
    const messages = await h.runtime.queue.receive({ max: 100, visibilityTimeoutMs: 30_000 });
    expect(messages.length).toBe(3);
    const outcome = await h.runtime.processMessages(messages);
    expect(outcome.records.map((r) => r.outcome)).toEqual(['delivered']);
    expect(calls('POST /crm/v3/objects/contacts/batch/update')).toBe(1);
    expect(h.contactsWithEmail('coalesce@example.com')[0]?.properties.jobtitle).toBe('Three');
    expect(outcome.acked).toBe(3);
  });
});
