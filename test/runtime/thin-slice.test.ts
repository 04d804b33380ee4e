// A HubSpot contact change lands as an events-platform attendee, via dynalite and both simulators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsBatchHandler } from '../../runtime/src/http/sqs.ts';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
const upserts: number[] = [];

beforeAll(async () => {
  h = await startHarness({
    environment: {
      fetch: async (input, init) => {
        if (input.endsWith('/batch/upsert') && typeof init.body === 'string') {
          upserts.push((JSON.parse(init.body) as { inputs: unknown[] }).inputs.length);
        }
        return fetch(input, init);
      },
    },
  });
});
afterAll(async () => {
  await h?.close();
});

describe('HubSpot contact → destination attendee', () => {
  it('creates the attendee for a new contact and updates it on a property change', async () => {
    const contact = await h.hub.ui.create('contacts', {
      email: 'Ada@Example.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      lifecyclestage: 'customer',
    });
    await h.settle();
    const created = h.attendeesWithEmail('ada@example.com');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', ticketType: 'VIP' });

    await h.hub.ui.update('contacts', contact.id, { lastname: 'King' });
    await h.settle();
    const updated = h.attendeesWithEmail('ada@example.com');
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ lastName: 'King' });
    // The HubSpot contact now carries the stable sync id; no second contact appeared.
    expect(h.contactsWithEmail('ada@example.com')).toHaveLength(1);
  });

  it('creates HubSpot contacts for new attendees with one batch upsert on the sync id', async () => {
    const emails = ['b1@example.com', 'b2@example.com', 'b3@example.com', 'b4@example.com', 'b5@example.com'];
    for (const email of emails) {
      await fetch(`${h.events.url}/_admin/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, firstName: 'Batch', status: 'REGISTERED' }),
      });
    }
    await h.events.idle(5_000);
    await h.settle();
    expect(upserts).toEqual([5]);
    // The worker's outcome fits the SQS Lambda adapter (messages left on the queue = failures).
    const handler = sqsBatchHandler((messages) => h.runtime.processMessages(messages));
    expect(await handler({ Records: [] })).toEqual({ batchItemFailures: [] });
    for (const email of emails) {
      const contacts = h.contactsWithEmail(email);
      expect(contacts).toHaveLength(1);
      expect(contacts[0]?.properties.hs_lead_status).toBe('OPEN');
      const entity = await h.runtime.store.resolve(h.spec.integration.name, 'hubspot', contacts[0]?.id ?? '');
      expect(contacts[0]?.properties[h.spec.hubspot.syncIdProperty]).toBe(entity?.kongoId);
    }
  });
});
