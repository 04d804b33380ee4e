// Worker findings of the convergence soak (/work/wt/proof-findings.md W1, W2), on real parts: dynalite and
// both simulators over HTTP. Writes are counted from the simulators' own write logs (`/_admin/writes`).
import { afterEach, describe, expect, it } from 'vitest';
import type { WriteLogEntry } from '../../sandbox/src/sim-kit/write-log.ts';
import { type Harness, type HarnessOptions, startHarness } from './harness.ts';

let open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.map((h) => h.close()));
  open = [];
});

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness(options);
  open.push(h);
  return h;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function writeLog(url: string): Promise<WriteLogEntry[]> {
  const response = await fetch(`${url}/_admin/writes`);
  if (!response.ok) throw new Error(`write log: ${response.status}`);
  // HubSpot's simulator answers { results }, the events platform's { data }.
  const body = (await response.json()) as { results?: WriteLogEntry[]; data?: WriteLogEntry[] };
  return body.results ?? body.data ?? [];
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

/** Runs only the queued messages `pick` chooses; the others come back shortly. */
async function processOnly(h: Harness, pick: (body: string) => boolean) {
  const received = await h.runtime.queue.receive({ max: 10, visibilityTimeoutMs: 100 });
  const chosen = received.filter((m) => pick(m.envelope.body));
  if (chosen.length === 0) throw new Error('no queued message matched');
  return h.runtime.processMessages(chosen);
}

describe('W1: a HubSpot change whose record was deleted before Kongo read it', () => {
  it('lands the edit made before the delete, then the delete applies the policy (flag)', async () => {
    const h = await harness();
    const { contactId } = await inSync(h, 'w1@example.com');
    await sleep(1_200); // past the conflict window after the creation

    await h.hub.ui.update('contacts', contactId, { lastname: 'Byron', jobtitle: 'Countess' });
    await h.hub.webhooksIdle();
    await h.hub.ui.archive('contacts', contactId); // deleted while the edit still waits in the queue
    await h.hub.webhooksIdle();

    // Kongo gets to the edit after the delete happened in HubSpot, before the deletion event.
    const edit = await processOnly(
      h,
      (body) => body.includes('propertyChange') && !body.includes('deletion'),
    );
    expect(edit.records.map((r) => [r.objectId, r.outcome])).toEqual([[contactId, 'delivered']]);
    const rest = await h.settle();

    // The edit landed (only its fields: the first name is untouched), then the delete flagged the pair.
    expect(h.attendeesWithEmail('w1@example.com')[0]).toMatchObject({
      firstName: 'Ada',
      lastName: 'Byron',
      jobTitle: 'Countess',
    });
    expect(rest.records.find((r) => r.objectId === contactId)).toMatchObject({ outcome: 'flagged' });
    const written = (await writeLog(h.events.url)).filter((w) => w.by === 'api' && w.operation === 'update');
    expect(written.map((w) => Object.keys(w.changed).sort())).toEqual([['jobTitle', 'lastName']]);
  });

  it('does not create the other side of a record deleted before its first sync under propagate', async () => {
    const h = await harness({
      patchSpec: (spec) => {
        spec.policies.deletes = 'propagate';
      },
    });
    const contact = await h.hub.ui.create('contacts', { email: 'w1p@example.com', firstname: 'Ada' });
    await h.hub.webhooksIdle();
    await h.hub.ui.archive('contacts', contact.id);
    await h.hub.webhooksIdle();
    const created = await processOnly(h, (body) => body.includes('creation'));
    expect(created.records.map((r) => [r.outcome, r.reason])).toEqual([
      ['gone', 'deleted in hubspot before its first sync; delete policy propagate'],
    ]);
    await h.settle();
    expect(h.attendeesWithEmail('w1p@example.com')).toEqual([]);
  });
});

describe('W2: a target found by natural key is seen before Kongo decides', () => {
  it('keeps the newer values of a contact created on both sides, with no write over them', async () => {
    const h = await harness({
      patchSpec: (spec) => {
        // Creates 1.5 s apart are not a conflict here: the newer one wins on time alone.
        spec.policies.conflicts = { windowSeconds: 1, winner: 'hubspot' };
      },
    });
    const email = 'w2@example.com';
    await fetch(`${h.events.url}/_admin/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email,
        firstName: 'Ada',
        lastName: 'Byron',
        jobTitle: 'Engineer',
        status: 'REGISTERED',
      }),
    });
    await h.events.idle(5_000);
    await sleep(1_500);
    // The same person, created in HubSpot 1.5 s later with newer values.
    const contact = await h.hub.ui.create('contacts', {
      email,
      firstname: 'Ada',
      lastname: 'Lovelace',
      jobtitle: 'Countess',
    });
    await h.hub.webhooksIdle();

    // Kongo gets to the attendee first: it finds the contact by email and links it.
    const first = await processOnly(h, (body) => body.includes('attendee'));
    expect(first.records.map((r) => r.source)).toEqual(['destination']);
    await h.settle();

    // Both sides hold the newer values; no write ever carried the attendee's older ones to HubSpot.
    expect(h.hub.getRecord('contacts', contact.id)?.properties).toMatchObject({
      lastname: 'Lovelace',
      jobtitle: 'Countess',
      hs_lead_status: 'OPEN', // the contact held none: the attendee's status is its only value
    });
    expect(h.attendeesWithEmail(email)[0]).toMatchObject({ lastName: 'Lovelace', jobTitle: 'Countess' });
    const api = (await writeLog(h.hub.url)).filter((w) => w.by === 'api');
    expect(api.flatMap((w) => Object.keys(w.changed))).not.toContain('lastname');
    expect(api.flatMap((w) => Object.keys(w.changed))).not.toContain('jobtitle');
    expect(h.contactsWithEmail(email)).toHaveLength(1);
  });
});
