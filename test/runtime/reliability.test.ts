// The runtime under redeliveries, races between both sides, echoes, dead letters, 429 storms,
// replayed requests and rolling ids — on dynalite and both simulators, no mocks.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { webhookUrl } from '../../runtime/src/spec/paths.ts';
import { signatureHeaders } from '../../sandbox/src/hubspot/index.ts';
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

/** Counts the runtime's write calls per side through an injected fetch. */
function writeCounter() {
  const counts = { hubspot: 0, destination: 0 };
  let beforeAnswer: ((url: string, body: string) => Promise<void>) | undefined;
  const fetchImpl = async (input: string, init: RequestInit): Promise<Response> => {
    const body = typeof init.body === 'string' ? init.body : '';
    const isHubSpotWrite = /\/batch\/(update|upsert|create)$/.test(input);
    const isDestinationWrite = input.endsWith('/graphql') && body.includes('"query":"mutation');
    const response = await fetch(input, init);
    if (response.ok && isHubSpotWrite) counts.hubspot++;
    if (response.ok && isDestinationWrite) {
      counts.destination++;
    }
    if (beforeAnswer && (isHubSpotWrite || isDestinationWrite)) await beforeAnswer(input, body);
    return response;
  };
  return {
    counts,
    fetch: fetchImpl,
    setBeforeAnswer(fn: typeof beforeAnswer) {
      beforeAnswer = fn;
    },
  };
}

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness({ dynamo, ...options });
  return h;
}

async function uiCreateAttendee(
  harness: Harness,
  input: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${harness.events.url}/_admin/records`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  return (await response.json()) as Record<string, unknown>;
}

async function uiUpdateAttendee(harness: Harness, id: string, input: Record<string, unknown>): Promise<void> {
  await fetch(`${harness.events.url}/_admin/records/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
}

describe('runtime reliability on dynalite + simulators', () => {
  it('delivers every webhook twice and still writes each change once', async () => {
    const counter = writeCounter();
    const t = await harness({
      hubspotFaults: { seed: 7, duplicateWebhookRate: 1 },
      events: { faults: { seed: 7, duplicateWebhookRate: 1 } },
      environment: { fetch: counter.fetch },
    });
    await t.hub.ui.create('contacts', { email: 'dup@example.com', firstname: 'Dup', lastname: 'Licate' });
    const outcome = await t.settle();
    expect(outcome.duplicates).toBeGreaterThan(0);
    expect(t.attendeesWithEmail('dup@example.com')).toHaveLength(1);
    expect(t.contactsWithEmail('dup@example.com')).toHaveLength(1);
    expect(counter.counts.destination).toBe(1);
  });

  it('makes one entity of the same person created on both sides at once', async () => {
    const t = await harness();
    const [contact, attendee] = await Promise.all([
      t.hub.ui.create('contacts', { email: 'twin@example.com', firstname: 'Twin', lastname: 'One' }),
      uiCreateAttendee(t, {
        email: 'twin@example.com',
        firstName: 'Twin',
        lastName: 'One',
        status: 'REGISTERED',
      }),
    ]);
    await t.settle();
    expect(t.contactsWithEmail('twin@example.com')).toHaveLength(1);
    expect(t.attendeesWithEmail('twin@example.com')).toHaveLength(1);
    const store = t.runtime.store;
    const byContact = await store.resolve(t.spec.integration.name, 'hubspot', contact.id);
    const byAttendee = await store.resolve(t.spec.integration.name, 'destination', String(attendee.id));
    expect(byContact?.kongoId).toBeDefined();
    expect(byAttendee?.kongoId).toBe(byContact?.kongoId);
  });

  it('keeps one entity per person when ten are created on both sides at once and two workers race', async () => {
    const t = await harness();
    const people = Array.from({ length: 10 }, (_, i) => `race${i}@example.com`);
    await Promise.all(
      people.flatMap((email) => [
        t.hub.ui.create('contacts', { email, firstname: 'Race' }),
        uiCreateAttendee(t, { email, firstName: 'Race', status: 'REGISTERED' }),
      ]),
    );
    await t.hub.webhooksIdle();
    await t.events.idle(5_000);
    // Two workers (two Lambda instances) drain the same queue concurrently.
    await Promise.all([t.runtime.drain({ untilEmpty: true }), t.runtime.drain({ untilEmpty: true })]);
    await t.settle();
    for (const email of people) {
      const contacts = t.contactsWithEmail(email);
      const attendees = t.attendeesWithEmail(email);
      expect(contacts).toHaveLength(1);
      expect(attendees).toHaveLength(1);
      const a = await t.runtime.store.resolve(t.spec.integration.name, 'hubspot', contacts[0]?.id ?? '');
      const b = await t.runtime.store.resolve(
        t.spec.integration.name,
        'destination',
        String(attendees[0]?.id),
      );
      expect(b?.kongoId).toBe(a?.kongoId);
    }
    // Both sides of one person now take turns on the record's lease: slower on a loaded machine.
  }, 60_000);

  it('writes exactly once per side per real change while both simulators echo everything, even before the API answers', async () => {
    const counter = writeCounter();
    const t = await harness({
      hubspotFaults: { seed: 3, echoBeforeResponse: true },
      events: { faults: { seed: 3, echoBeforeResponse: true } },
      environment: { fetch: counter.fetch },
    });
    // While our write's answer is still on its way, a second worker picks up the echo that
    // already sits in the queue: the record's lease (taken with the intent) makes it wait its
    // turn, and once the write is committed the write history recognises it.
    const echoes: string[] = [];
    counter.setBeforeAnswer(async () => {
      const early = await t.runtime.queue.receive({ max: 10, visibilityTimeoutMs: 5_000 });
      if (early.length === 0) return;
      const outcome = await t.runtime.processMessages(early);
      echoes.push(...outcome.records.map((r) => `${r.outcome}:${r.reason ?? ''}`));
    });

    const contact = await t.hub.ui.create('contacts', {
      email: 'echo@example.com',
      firstname: 'Echo',
      lastname: 'One',
    });
    await t.settle();
    expect(counter.counts).toEqual({ hubspot: 0, destination: 1 });
    expect(echoes).toContain('retry:record-busy');

    await t.hub.ui.update('contacts', contact.id, { firstname: 'Echoed' });
    await t.settle();
    expect(counter.counts).toEqual({ hubspot: 0, destination: 2 });

    const attendee = t.attendeesWithEmail('echo@example.com')[0];
    await uiUpdateAttendee(t, String(attendee?.id), { jobTitle: 'Engineer' });
    await t.settle();
    expect(counter.counts).toEqual({ hubspot: 1, destination: 2 });
    expect(t.hub.getRecord('contacts', contact.id)?.properties.jobtitle).toBe('Engineer');
    expect(t.attendeesWithEmail('echo@example.com')).toHaveLength(1);
    expect(t.contactsWithEmail('echo@example.com')).toHaveLength(1);
  });

  it('dead-letters a record whose retries ran out, then delivers it on replay', async () => {
    const t = await harness({ environment: { maxReceives: 1 } });
    t.events.faults.configure({ seed: 11, rate5xx: 1 });
    await t.hub.ui.create('contacts', { email: 'later@example.com', firstname: 'Later' });
    await t.settle();
    const letters = await t.runtime.deadLetters.list({ integration: t.spec.integration.name });
    expect(letters).toHaveLength(1);
    expect(letters[0]?.reason).toMatch(/destination 5\d\d/);
    expect(t.attendeesWithEmail('later@example.com')).toHaveLength(0);

    t.events.faults.configure({ seed: 11, rate5xx: 0 });
    const replay = await t.runtime.replay();
    expect(replay.replayed).toHaveLength(1);
    await t.settle();
    expect(t.attendeesWithEmail('later@example.com')).toHaveLength(1);
    expect(await t.runtime.deadLetters.list({ integration: t.spec.integration.name })).toHaveLength(0);
  });

  it('delivers everything through a 429 storm on both APIs and loses nothing', async () => {
    const t = await harness({
      hubspotFaults: { seed: 5, rate429: 0.5, retryAfterMs: { min: 5, max: 30 } },
      events: { faults: { seed: 5, rate429: 0.5, retryAfterMs: { min: 5, max: 30 } } },
    });
    const emails = Array.from({ length: 12 }, (_, i) => `storm${i}@example.com`);
    for (const email of emails) await t.hub.ui.create('contacts', { email, firstname: 'Storm' });
    await t.settle(30_000);
    for (const email of emails) expect(t.attendeesWithEmail(email)).toHaveLength(1);
    expect(await t.runtime.deadLetters.list({ integration: t.spec.integration.name })).toHaveLength(0);
  });

  it('processes a validly signed request replayed within the window once', async () => {
    const counter = writeCounter();
    const t = await harness({ environment: { fetch: counter.fetch } });
    const contact = await t.hub.ui.create('contacts', { email: 'replay@example.com', firstname: 'Re' });
    await t.settle();
    expect(counter.counts.destination).toBe(1);
    const original = t.hub.deliveries().find((d) => d.body.includes(`"objectId":${contact.id}`));
    expect(original).toBeDefined();
    const body = original?.body ?? '[]';
    const url = webhookUrl(t.spec, 'hubspot');
    const headers = signatureHeaders({
      clientSecret: APP.clientSecret,
      method: 'POST',
      uri: url,
      rawBody: body,
      timestampMs: Date.now(),
    });
    for (let i = 0; i < 2; i++) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(200);
    }
    const outcome = await t.settle();
    expect(outcome.duplicates).toBeGreaterThanOrEqual(2);
    expect(counter.counts.destination).toBe(1);
    expect(t.attendeesWithEmail('replay@example.com')).toHaveLength(1);
  });

  it('follows rolling destination ids without creating a duplicate and records the drift', async () => {
    const t = await harness({
      events: { rollingIds: { enabled: true, everyNthUpdate: 2, countUiEdits: true } },
    });
    const contact = await t.hub.ui.create('contacts', { email: 'roll@example.com', firstname: 'R0' });
    await t.settle();
    for (let i = 1; i <= 5; i++) {
      await t.hub.ui.update('contacts', contact.id, { firstname: `R${i}` });
      await t.settle();
    }
    const attendees = t.attendeesWithEmail('roll@example.com');
    expect(attendees).toHaveLength(1);
    expect(attendees[0]?.firstName).toBe('R5');
    const entity = await t.runtime.store.resolve(t.spec.integration.name, 'hubspot', contact.id);
    expect(entity?.ids.destination).toBe(String(attendees[0]?.id));
    expect(entity?.drift.length).toBeGreaterThan(0);
    expect(t.events.store.rolledHistories().length).toBe(1);
  });
});
