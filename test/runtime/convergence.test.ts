// The convergence rule on real parts (dynalite, both simulators): the newest edit by source time wins
// per field whatever retries, dead letters and late echoes come between (issue #11's two cases).
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, type HarnessOptions, startHarness } from './harness.ts';

const BATCH_UPDATE = 'POST /crm/v3/objects/contacts/batch/update';

let open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.map((h) => h.close()));
  open = [];
});

/** HubSpot batch/update answers 503 while `down` is set. */
function flakyHubSpot() {
  const state = { down: false };
  const fetchWith: typeof fetch = async (input, init) => {
    if (state.down && /\/batch\/update$/.test(String(input)))
      return new Response(JSON.stringify({ status: 'error', message: 'Service Unavailable' }), {
        status: 503,
        headers: { 'content-type': 'application/json' },
      });
    return fetch(input, init);
  };
  return { state, fetch: fetchWith };
}

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness({
    ...options,
    patchSpec: (spec) => {
      // Edits 1.5 s apart are not a conflict here: the newest one wins on time alone.
      spec.policies.conflicts = { windowSeconds: 1, winner: 'hubspot' };
      options.patchSpec?.(spec);
    },
  });
  open.push(h);
  return h;
}

async function editAttendee(h: Harness, id: string, input: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${h.events.url}/_admin/records/${id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  if (!response.ok) throw new Error(`attendee edit failed: ${response.status} ${await response.text()}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function hubspotUpdates(h: Harness): number {
  return h.hub.counters().byEndpoint[BATCH_UPDATE]?.['200'] ?? 0;
}

/** A contact and its attendee in sync: Ada Lovelace, Analyst. */
async function inSync(h: Harness, email: string) {
  const contact = await h.hub.ui.create('contacts', {
    email,
    firstname: 'Ada',
    lastname: 'Lovelace',
    jobtitle: 'Analyst',
  });
  await h.settle();
  const attendee = h.attendeesWithEmail(email)[0];
  if (!attendee) throw new Error('the attendee was not created');
  return { contactId: contact.id, attendeeId: String(attendee.id) };
}

describe('convergence: the newest edit by source time wins per field', () => {
  it('keeps a newer HubSpot edit when an older destination change is retried after it (case 1, retry)', async () => {
    const flaky = flakyHubSpot();
    const h = await harness({ environment: { fetch: flaky.fetch, maxReceives: 1_000, retryDelayMs: 50 } });
    const { contactId, attendeeId } = await inSync(h, 'case1@example.com');
    await sleep(1_200); // past the conflict window after the contact's creation

    flaky.state.down = true;
    await editAttendee(h, attendeeId, { lastName: 'Byron' }); // t1, in the events platform
    await h.events.idle(5_000);
    const records = [];
    // The write to HubSpot fails and is retried later.
    records.push(...(await h.runtime.drain({ timeoutMs: 300 })).records);
    await sleep(1_500);
    await h.hub.ui.update('contacts', contactId, { lastname: 'King', jobtitle: 'Countess' }); // t1 + 1.5 s
    await h.hub.webhooksIdle();
    // HubSpot's edit reaches the events platform while the older change still waits for HubSpot.
    const deadline = Date.now() + 10_000;
    while (h.attendeesWithEmail('case1@example.com')[0]?.lastName !== 'King' && Date.now() < deadline) {
      records.push(...(await h.runtime.drain({ timeoutMs: 200 })).records);
    }
    flaky.state.down = false; // HubSpot recovers
    records.push(...(await h.settle()).records);

    expect(h.hub.getRecord('contacts', contactId)?.properties).toMatchObject({
      lastname: 'King',
      jobtitle: 'Countess',
    });
    expect(h.attendeesWithEmail('case1@example.com')[0]).toMatchObject({
      lastName: 'King',
      jobTitle: 'Countess',
    });
    // The retried change found the field moved on: dropped as stale, never replayed over the edit.
    const attendee = records.filter((r) => r.source === 'destination' && r.objectId === attendeeId);
    expect(attendee.map((r) => r.outcome)).toContain('stale');
    expect(attendee.map((r) => r.outcome)).not.toContain('delivered');
    expect(hubspotUpdates(h)).toBe(0);
  });

  it('drops a dead letter replayed after a newer edit as stale (case 1, replay)', async () => {
    const flaky = flakyHubSpot();
    const h = await harness({ environment: { fetch: flaky.fetch, maxReceives: 1 } });
    const { contactId, attendeeId } = await inSync(h, 'replay@example.com');
    await sleep(1_200); // past the conflict window after the contact's creation

    flaky.state.down = true;
    await editAttendee(h, attendeeId, { lastName: 'Byron', company: 'Analytical Engines' }); // t1
    await h.settle();
    const letters = await h.runtime.deadLetters.list({ integration: h.spec.integration.name });
    expect(letters.map((l) => [l.recordId, l.reason])).toEqual([
      [attendeeId, expect.stringMatching(/hubspot 503/)],
    ]);
    flaky.state.down = false;

    await sleep(1_500);
    await h.hub.ui.update('contacts', contactId, { lastname: 'King', jobtitle: 'Countess' }); // t1 + 1.5 s
    await h.settle();
    h.hub.resetCounters();
    const replay = await h.runtime.replay();
    expect(replay.replayed).toHaveLength(1);
    const outcome = await h.settle();

    // The letter's last name is older than HubSpot's edit: never applied. Its company is still the
    // newest edit of that field, and already went to HubSpot with the first look at the attendee
    // after the letter (the echo of Kongo's King write carried it): the replay is stale throughout.
    expect(h.hub.getRecord('contacts', contactId)?.properties).toMatchObject({
      lastname: 'King',
      jobtitle: 'Countess',
      company: 'Analytical Engines',
    });
    expect(h.attendeesWithEmail('replay@example.com')[0]).toMatchObject({
      lastName: 'King',
      jobTitle: 'Countess',
      company: 'Analytical Engines',
    });
    const replayed = outcome.records.find((r) => r.source === 'destination' && r.objectId === attendeeId);
    expect(replayed).toMatchObject({ outcome: 'stale' });
    expect(replayed?.reason).toMatch(/^stale-\d+$/);
    expect(hubspotUpdates(h)).toBe(0);
  });

  it('drops a late echo of an earlier write however late it comes (case 2)', async () => {
    const h = await harness({
      // The events platform holds its webhooks and sends them shuffled (a slow or retried delivery).
      events: { webhookTiming: { timeCompression: 10_000, reorderWindowMs: 2_500 } },
    });
    const { contactId } = await inSync(h, 'case2@example.com');
    h.events.faults.configure({ seed: 7, reorderWebhooks: true });
    h.hub.resetCounters();

    await h.hub.ui.update('contacts', contactId, { lastname: 'V2', phone: '+61 400 000 002' });
    await h.hub.webhooksIdle();
    await h.runtime.drain({ timeoutMs: 500 });
    await sleep(1_500);
    await h.hub.ui.update('contacts', contactId, { lastname: 'V3', phone: '+61 400 000 003' });
    await h.hub.webhooksIdle();
    await h.runtime.drain({ timeoutMs: 500 });
    await sleep(3_000); // both echoes come back after the V3 write
    const outcome = await h.settle();

    expect(h.hub.getRecord('contacts', contactId)?.properties).toMatchObject({
      lastname: 'V3',
      phone: '+61 400 000 003',
    });
    expect(h.attendeesWithEmail('case2@example.com')[0]).toMatchObject({
      lastName: 'V3',
      phone: '+61400000003',
    });
    // Both late echoes come back together: coalesced into one record, each uses up its own written value.
    const echoes = outcome.records.filter((r) => r.source === 'destination' && r.outcome === 'echo-dropped');
    expect(echoes.length).toBeGreaterThanOrEqual(1);
    expect(hubspotUpdates(h)).toBe(0);
    const attendeeId = String(h.attendeesWithEmail('case2@example.com')[0]?.id ?? '');
    const entity = await h.runtime.store.resolve(h.spec.integration.name, 'destination', attendeeId);
    expect((entity?.fieldState?.echoes.destination.lastName ?? []).filter((e) => !e.u)).toEqual([]);
  });

  it("never drops a person's A → B → A edit as an echo", async () => {
    const h = await harness();
    const { contactId, attendeeId } = await inSync(h, 'aba@example.com');
    await sleep(1_200); // past the conflict window after the contact's creation
    // Kongo wrote "Analyst" to the attendee; a person now sets B, then A again.
    await editAttendee(h, attendeeId, { jobTitle: 'Engineer' });
    await h.settle();
    expect(h.hub.getRecord('contacts', contactId)?.properties.jobtitle).toBe('Engineer');
    await editAttendee(h, attendeeId, { jobTitle: 'Analyst' });
    await h.settle();
    expect(h.hub.getRecord('contacts', contactId)?.properties.jobtitle).toBe('Analyst');
    expect(h.attendeesWithEmail('aba@example.com')[0]).toMatchObject({ jobTitle: 'Analyst' });
  });
});

describe('one record at a time', () => {
  it('applies a person’s edit made while an older write to the same record is in flight, on both sides', async () => {
    // Runs once, just before Kongo's next destination update goes out.
    let beforeDestinationUpdate: (() => Promise<void>) | null = null;
    const h = await harness({
      environment: {
        fetch: async (input, init) => {
          const body = typeof init?.body === 'string' ? init.body : '';
          if (beforeDestinationUpdate && body.includes('updateAttendee')) {
            const then = beforeDestinationUpdate;
            beforeDestinationUpdate = null;
            await then();
          }
          return fetch(input, init);
        },
      },
    });
    const { contactId, attendeeId } = await inSync(h, 'inflight@example.com');
    await sleep(1_200);
    const second: string[] = [];
    beforeDestinationUpdate = async () => {
      // The write of HubSpot's "Hopper" (t1) is about to go out. 1.2 s later a person types
      // "Babbage" on the attendee; a second worker picks up that change at once.
      await sleep(1_200);
      await editAttendee(h, attendeeId, { lastName: 'Babbage' });
      await h.events.idle(5_000);
      const early = await h.runtime.queue.receive({ max: 10, visibilityTimeoutMs: 5_000 });
      const outcome = await h.runtime.processMessages(early);
      second.push(...outcome.records.map((r) => `${r.outcome}:${r.reason ?? ''}`));
    };
    await h.hub.ui.update('contacts', contactId, { lastname: 'Hopper' });
    await h.settle();
    expect(beforeDestinationUpdate).toBeNull();
    // The person's edit is the newest: it wins on both sides, although Kongo's older write landed on it.
    expect(h.attendeesWithEmail('inflight@example.com')[0]).toMatchObject({ lastName: 'Babbage' });
    expect(h.hub.getRecord('contacts', contactId)?.properties.lastname).toBe('Babbage');
    // The second worker waited for the first one's commit instead of deciding on a stale base.
    expect(second).toContain('retry:record-busy');
  });
});
