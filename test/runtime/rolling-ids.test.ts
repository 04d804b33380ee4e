// Rolling destination ids at the worker, on dynalite and both simulators: the events platform
// re-issues an attendee's id on every 2nd update and answers that update with the new id. The
// worker's commit follows it at once — no reconciliation, no NOT_FOUND on the next write, and the
// platform's webhooks are off so no inbound event can repair the mapping instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { type Harness, startHarness } from './harness.ts';

let dynamo: LocalDynamo;
let h: Harness | undefined;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await h?.close();
  await dynamo.close();
});

describe('rolling destination ids at the worker', () => {
  it('points the mapping at the current id after every update, with 0 duplicates and the drift recorded', async () => {
    const seen = { updates: 0, notFound: 0 };
    const fetchImpl = async (input: string, init: RequestInit): Promise<Response> => {
      const body = typeof init.body === 'string' ? init.body : '';
      const response = await fetch(input, init);
      if (input.endsWith('/graphql')) {
        if (body.includes('updateAttendee')) seen.updates++;
        if ((await response.clone().text()).includes('NOT_FOUND')) seen.notFound++;
      }
      return response;
    };
    const driftLogged: string[] = [];
    h = await startHarness({
      dynamo,
      events: { webhooks: 'none', rollingIds: { enabled: true, everyNthUpdate: 2 } },
      environment: {
        fetch: fetchImpl,
        logSink: (line) => {
          if (line.includes('"id-drift"')) driftLogged.push(line);
        },
      },
    });
    const t = h;
    const integration = t.spec.integration.name;
    const email = 'rolling@example.com';
    const contact = await t.hub.ui.create('contacts', { email, firstname: 'V0' });
    await t.settle();
    const currentId = (): string => String(t.attendeesWithEmail(email)[0]?.id);
    const firstId = currentId();
    const mapped = await t.runtime.store.resolve(integration, 'hubspot', contact.id);
    expect(mapped?.ids.destination).toBe(firstId);

    const UPDATES = 6;
    const retired: string[] = [];
    for (let i = 1; i <= UPDATES; i++) {
      const before = currentId();
      await t.hub.ui.update('contacts', contact.id, { firstname: `V${i}` });
      await t.settle();
      const now = currentId();
      // Every 2nd update re-issues the id.
      expect(now !== before).toBe(i % 2 === 0);
      if (now !== before) retired.push(before);
      const entity = await t.runtime.store.resolve(integration, 'hubspot', contact.id);
      expect(entity?.ids.destination).toBe(now);
      expect((await t.runtime.store.resolve(integration, 'destination', now))?.kongoId).toBe(entity?.kongoId);
      for (const old of retired)
        expect(await t.runtime.store.resolve(integration, 'destination', old)).toBeNull();
    }

    // 0 duplicates on either side; the last change landed.
    const attendees = t.attendeesWithEmail(email);
    expect(attendees).toHaveLength(1);
    expect(attendees[0]?.firstName).toBe(`V${UPDATES}`);
    expect(t.contactsWithEmail(email)).toHaveLength(1);
    // Each update went straight to the current id: one mutation each, never a NOT_FOUND to recover from.
    expect(seen.updates).toBe(UPDATES);
    expect(seen.notFound).toBe(0);
    // The drift holds every roll, in order, as the platform's own history has it.
    const history = t.events.store.rolledHistories();
    expect(history).toHaveLength(1);
    const entity = await t.runtime.store.resolve(integration, 'hubspot', contact.id);
    const drift = entity?.drift ?? [];
    expect(drift).toHaveLength(UPDATES / 2);
    expect(drift.every((d) => d.reason === 'id-rolled' && d.system === 'destination')).toBe(true);
    expect([firstId, ...drift.map((d) => d.to)]).toEqual(history[0]?.ids);
    expect(drift.map((d) => d.from)).toEqual(history[0]?.ids.slice(0, -1));
    // …and the logs count each one once.
    expect(driftLogged).toHaveLength(UPDATES / 2);
  }, 30_000);
});
