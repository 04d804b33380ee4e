// A HubSpot contact change lands as an events-platform attendee, via dynalite and both simulators.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
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
});
