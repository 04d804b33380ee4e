import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventsSimulator, startEventsSimulator } from './index.ts';
import { callGraphql } from './test-client.ts';

let sim: EventsSimulator;

const gql = (query: string) => callGraphql(sim.graphqlUrl, sim.token, query);
const rename = async (id: string, name: string): Promise<string> => {
  const answer = await gql(
    `mutation { updateAttendee(id: "${id}", input: { firstName: "${name}" }) { id } }`,
  );
  expect(answer.body.errors).toBeUndefined();
  return (answer.body.data as { updateAttendee: { id: string } }).updateAttendee.id;
};

beforeAll(async () => {
  sim = await startEventsSimulator({ webhooks: 'none' });
});

beforeEach(async () => {
  sim.reset();
  await gql('mutation { createAttendee(input: { email: "roll@example.com", firstName: "R0" }) { id } }');
});

afterAll(async () => {
  await sim?.close();
});

describe('rolling attendee ids', () => {
  it('keeps ids stable while rolling is off', async () => {
    for (let n = 1; n <= 4; n++) expect(await rename('100001', `R${n}`)).toBe('100001');
  });

  it('gives the record a new id on every Nth update; the old id answers NOT_FOUND; email still finds it', async () => {
    const configured = await fetch(`${sim.url}/_admin/rolling-ids`, {
      method: 'PUT',
      body: JSON.stringify({ enabled: true, everyNthUpdate: 2 }),
    });
    expect(await configured.json()).toEqual({
      enabled: true,
      everyNthUpdate: 2,
      countUiEdits: true,
      onStatusChange: false,
    });
    expect(await rename('100001', 'R1')).toBe('100001');
    expect(await rename('100001', 'R2')).toBe('100002');
    const old = await gql('{ attendee(id: "100001") { id } }');
    expect(old.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const stale = await gql('mutation { updateAttendee(id: "100001", input: { firstName: "late" }) { id } }');
    expect(stale.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const byEmail = await gql('{ attendees(email: "roll@example.com") { edges { node { id firstName } } } }');
    expect(byEmail.body.data).toEqual({
      attendees: { edges: [{ node: { id: '100002', firstName: 'R2' } }] },
    });
    expect(await rename('100002', 'R3')).toBe('100002');
    expect(await rename('100002', 'R4')).toBe('100003');
    const history = await (await fetch(`${sim.url}/_admin/records/100001/history`)).json();
    expect(history).toEqual({ currentId: '100003', ids: ['100001', '100002', '100003'] });
    const all = await (await fetch(`${sim.url}/_admin/id-history`)).json();
    expect(all).toEqual({ data: [{ currentId: '100003', ids: ['100001', '100002', '100003'] }] });
  });

  it('counts edits in the UI towards the roll unless told not to', async () => {
    sim.store.rolling = { enabled: true, everyNthUpdate: 2, countUiEdits: true, onStatusChange: false };
    await fetch(`${sim.url}/_admin/records/100001`, {
      method: 'PUT',
      body: JSON.stringify({ company: 'UI' }),
    });
    expect(await rename('100001', 'api')).toBe('100002');
    sim.store.rolling = { ...sim.store.rolling, countUiEdits: false };
    await fetch(`${sim.url}/_admin/records/100002`, {
      method: 'PUT',
      body: JSON.stringify({ company: 'UI 2' }),
    });
    expect(await rename('100002', 'api 2')).toBe('100002');
  });

  it('can roll on every status change', async () => {
    sim.store.rolling = { enabled: true, everyNthUpdate: 1000, countUiEdits: true, onStatusChange: true };
    const answer = await gql(
      'mutation { updateAttendee(id: "100001", input: { status: CHECKED_IN }) { id status } }',
    );
    expect(answer.body.data).toEqual({ updateAttendee: { id: '100002', status: 'CHECKED_IN' } });
  });
});
