// Deletes racing newer edits follow the spec's delete policy (issue #11 point 8; docs/RUNTIME.md
// "Deletes racing edits"): on dynalite and both simulators over HTTP, judged from the simulators' records
// and write logs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { webhookPath } from '../../runtime/src/spec/paths.ts';
import { APP, type Harness, type HarnessOptions, startHarness } from './harness.ts';

let dynamo: LocalDynamo;
let h: Harness | undefined;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(async () => {
  await dynamo.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness({
    dynamo,
    environment: { visibilityTimeoutMs: 1_000, retryDelayMs: 20, maxReceives: 3 },
    ...options,
    patchSpec: (spec) => {
      spec.policies.conflicts = { windowSeconds: 1, winner: 'hubspot' };
      options.patchSpec?.(spec);
    },
  });
  return h;
}

async function editAttendee(t: Harness, id: string, input: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${t.events.url}/_admin/records/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  if (!response.ok) throw new Error(`attendee edit failed: ${response.status} ${await response.text()}`);
}

/** A contact and its attendee in sync, then past the conflict window. */
async function inSync(t: Harness, email: string): Promise<{ contactId: string; attendeeId: string }> {
  const contact = await t.hub.ui.create('contacts', { email, firstname: 'Ada', jobtitle: 'Analyst' });
  await t.settle();
  const attendee = t.attendeesWithEmail(email)[0];
  if (!attendee) throw new Error('the attendee was not created');
  await sleep(1_200);
  return { contactId: contact.id, attendeeId: String(attendee.id) };
}

const apiWrites = (t: Harness) => t.hub.writes().filter((w) => w.by === 'api' && w.objectType === 'contacts');

describe('deletes racing newer edits', () => {
  it('flag: a newer edit on the other side, seen before the delete, never brings the deleted contact back', async () => {
    const t = await harness();
    const { contactId, attendeeId } = await inSync(t, 'race-flag@example.com');
    const before = apiWrites(t).length;
    // HubSpot's deletion webhook is held back (its target answers nothing for a while), so Kongo sees the
    // attendee's newer edit first.
    t.hub.setWebhookTarget(APP.appId, 'http://127.0.0.1:9/unreachable');
    await t.hub.ui.archive('contacts', contactId);
    await sleep(300);
    await editAttendee(t, attendeeId, { jobTitle: 'Engineer' }); // newer than the delete
    await t.events.idle(5_000);
    await t.runtime.drain({ untilEmpty: true, timeoutMs: 10_000 });
    t.hub.setWebhookTarget(APP.appId, t.gatewayUrl + webhookPath(t.spec, 'hubspot'));
    await t.settle(20_000);

    // The contact stays deleted: no create, no upsert, no restore by Kongo; nobody made a second one.
    expect(t.contactsWithEmail('race-flag@example.com')).toHaveLength(0);
    expect(
      apiWrites(t)
        .slice(before)
        .filter((w) => w.operation !== 'update' || Object.keys(w.changed).length > 0),
    ).toEqual([]);
    // The attendee keeps the person's newer edit; the entity is flagged for a person.
    expect(t.attendeesWithEmail('race-flag@example.com')[0]).toMatchObject({ jobTitle: 'Engineer' });
    const entity = await t.runtime.store.resolve(t.spec.integration.name, 'destination', attendeeId);
    expect(entity?.status).toBe('flagged');
  });

  it('propagate: the delete removes the other side’s record, edits made there after it included, and never comes back', async () => {
    const t = await harness({
      patchSpec: (spec) => {
        spec.policies.deletes = 'propagate';
      },
    });
    const { contactId, attendeeId } = await inSync(t, 'race-prop@example.com');
    await t.hub.ui.archive('contacts', contactId);
    await sleep(300);
    await editAttendee(t, attendeeId, { jobTitle: 'Engineer' }); // newer than the delete, not yet synced
    await t.settle(20_000);
    expect(t.attendeesWithEmail('race-prop@example.com')).toHaveLength(0);
    expect(t.contactsWithEmail('race-prop@example.com')).toHaveLength(0);
    // Known gap (docs/LIMITATIONS.md, "Convergence"): the attendee's edit, decided before the deletion in
    // the same batch, was sent to the archived contact and dead-lettered as OBJECT_NOT_FOUND; the records
    // are right, the letter is noise. Nothing is queued any more.
    const depth = await t.runtime.queue.depth();
    expect(depth.visible + depth.inFlight).toBe(0);
  });
});
