// Privacy deletion end to end on dynalite and both simulators: HubSpot's contact.privacyDeletion
// leaves nothing of the person in Kongo's table or queues (entity, id mappings, natural-key claim,
// event claims, queued changes, dead letters), applies policies.privacy.destinationCopy to the
// destination's copy, and a change still on its way for the person can't bring them back.
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import type { QueueEnvelope } from '../../runtime/src/queue/types.ts';
import type { DestinationCopyPolicy } from '../../runtime/src/spec/types.ts';
import { APP, type Harness, startHarness } from './harness.ts';

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

async function harness(destinationCopy: DestinationCopyPolicy): Promise<Harness> {
  h = await startHarness({
    dynamo,
    environment: { visibilityTimeoutMs: 300, controlsCacheMs: 0, retryDelayMs: 20, pausedDelayMs: 100 },
    patchSpec: (spec) => {
      spec.policies.privacy = { destinationCopy };
    },
  });
  return h;
}

/** Every item of the integration's table, as text. */
async function tableText(t: Harness): Promise<string> {
  const db = DynamoDBDocumentClient.from(t.dynamo.client);
  const items: unknown[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: t.tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items);
}

function envelope(t: Harness, kind: QueueEnvelope['kind'], body: unknown): QueueEnvelope {
  return {
    v: 1,
    kind,
    integration: t.spec.integration.name,
    traceId: `privacy-${kind}`,
    receivedAt: Date.now(),
    headers: {},
    body: JSON.stringify(body),
  };
}

async function gdprDelete(t: Harness, objectId: string): Promise<void> {
  const response = await fetch(`${t.hub.url}/crm/v3/objects/contacts/gdpr-delete`, {
    method: 'POST',
    headers: { authorization: `Bearer ${APP.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ objectId }),
  });
  expect(response.status).toBe(204);
}

/** A person who landed on both sides, a dead letter of theirs from each side and another person's. */
async function mappedPerson(t: Harness, email: string, lastname: string) {
  const contact = await t.hub.ui.create('contacts', { email, firstname: 'Forget', lastname });
  const other = await t.hub.ui.create('contacts', {
    email: 'stays@example.com',
    firstname: 'Stays',
    lastname: 'Here',
  });
  await t.settle();
  const attendee = t.attendeesWithEmail(email)[0];
  const otherAttendee = t.attendeesWithEmail('stays@example.com')[0];
  expect(attendee).toBeDefined();
  const integration = t.spec.integration.name;
  const letter = (recordId: string, env: QueueEnvelope) =>
    t.runtime.deadLetters.put({
      integration,
      reason: 'retries-exhausted',
      kind: env.kind,
      failedAt: Date.now(),
      attempts: 5,
      recordId,
      envelope: env,
    });
  // Theirs: a HubSpot event by id, a poll of the destination record carrying their email (by hash).
  await letter(
    contact.id,
    envelope(t, 'hubspot-webhook', [
      {
        eventId: 1,
        subscriptionId: 1,
        portalId: 1,
        appId: APP.appId,
        occurredAt: Date.now(),
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: Number(contact.id),
        propertyName: 'lastname',
        propertyValue: lastname,
        changeSource: 'CRM_UI',
      },
    ]),
  );
  await letter(
    'unmapped-yet',
    envelope(t, 'poll', { source: 'destination', records: [{ ...attendee, id: 'not-their-id' }] }),
  );
  // Another person's, whose destination id may equal their HubSpot id: it must stay.
  await letter(
    String(otherAttendee?.id),
    envelope(t, 'poll', { source: 'destination', records: [{ ...otherAttendee, id: contact.id }] }),
  );
  return { contact, other, attendee: attendee as Record<string, unknown> };
}

describe('privacy deletion', () => {
  it('leaves nothing of the person in the table or the queues, and deletes the destination copy', async () => {
    const t = await harness('delete');
    const email = 'forget.me@example.com';
    const { contact, attendee } = await mappedPerson(t, email, 'Zyxwvut');
    const before = await tableText(t);
    expect(before).toContain(contact.id);
    // A change of theirs still queued when the deletion arrives (paused: it waits on the queue).
    await t.runtime.controls.pause();
    await t.hub.ui.update('contacts', contact.id, { lastname: 'Zyxwvut-Second' });
    await t.hub.webhooksIdle();
    await gdprDelete(t, contact.id);
    await t.hub.webhooksIdle();
    await t.runtime.controls.resume();
    const outcome = await t.settle();
    expect(outcome.records.filter((r) => r.outcome === 'purged')).toHaveLength(1);

    // The destination's copy is gone; the other person's is not.
    expect(t.events.store.get(String(attendee.id))).toBeUndefined();
    expect(t.attendeesWithEmail('stays@example.com')).toHaveLength(1);
    // Nothing of the person in the table: no email, name, HubSpot id or destination id, in any
    // item (entity, mappings, natural-key claim, event claims, queue messages, dead letters).
    const after = await tableText(t);
    for (const trace of [email, 'Zyxwvut', `#${contact.id}"`, `"${contact.id}"`, String(attendee.id)]) {
      expect(after, trace).not.toContain(trace);
    }
    const letters = await t.runtime.deadLetters.list({ integration: t.spec.integration.name });
    expect(letters.map((l) => l.recordId)).toEqual([expect.not.stringMatching(contact.id)]);
    expect((await t.runtime.queue.depth()).visible + (await t.runtime.queue.depth()).inFlight).toBe(0);
    // Their forget markers hold hashes only, and stop a late change from re-creating them.
    expect(await t.runtime.store.isForgotten(t.spec.integration.name, `hubspot:${contact.id}`)).toBe(true);
  });

  it('anonymises the destination copy when the policy says so', async () => {
    const t = await harness('anonymise');
    const email = 'anon@example.com';
    const { contact, attendee } = await mappedPerson(t, email, 'Qwertyu');
    await gdprDelete(t, contact.id);
    await t.settle();
    const copy = t.events.store.get(String(attendee.id)) as Record<string, unknown> | undefined;
    expect(copy).toBeDefined();
    expect(String(copy?.email)).toMatch(/^forgotten-.+@kongo\.invalid$/);
    expect(JSON.stringify(copy)).not.toContain('Qwertyu');
    expect(JSON.stringify(copy)).not.toContain(email);
    // Its echo (the anonymised record's webhook) creates nothing: the person stays forgotten.
    expect(t.contactsWithEmail(String(copy?.email))).toHaveLength(0);
    expect(await tableText(t)).not.toContain(email);
  });

  it('keeps the destination copy when the policy says keep, and still purges Kongo', async () => {
    const t = await harness('keep');
    const email = 'keep@example.com';
    const { contact, attendee } = await mappedPerson(t, email, 'Asdfghj');
    await gdprDelete(t, contact.id);
    await t.settle();
    expect(t.events.store.get(String(attendee.id))?.email).toBe(email);
    expect(await tableText(t)).not.toContain(email);
    expect(await t.runtime.store.resolve(t.spec.integration.name, 'hubspot', contact.id)).toBeNull();
  });
});
