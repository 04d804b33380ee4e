// Operations on the running integration: pause/resume, dry-run, unmapped enum values, deletes,
// merges and restores — on dynalite and both simulators (privacy deletion: privacy.test.ts).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
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

async function harness(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness({
    dynamo,
    environment: { visibilityTimeoutMs: 300, controlsCacheMs: 0, retryDelayMs: 20, pausedDelayMs: 100 },
    ...options,
  });
  return h;
}

async function hubspotApi(t: Harness, path: string, body: unknown): Promise<Response> {
  return fetch(`${t.hub.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${APP.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('operations', () => {
  it('holds changes while paused and delivers them in order on resume', async () => {
    const t = await harness();
    await t.runtime.controls.pause();
    const contact = await t.hub.ui.create('contacts', { email: 'pause@example.com', firstname: 'First' });
    await t.hub.webhooksIdle();
    await t.hub.ui.update('contacts', contact.id, { firstname: 'Second' });
    await t.hub.webhooksIdle();
    const paused = await t.runtime.drain();
    expect(paused.paused).toBeGreaterThan(0);
    expect(t.attendeesWithEmail('pause@example.com')).toHaveLength(0);

    await t.runtime.controls.resume();
    await t.settle(15_000);
    const attendees = t.attendeesWithEmail('pause@example.com');
    expect(attendees).toHaveLength(1);
    expect(attendees[0]?.firstName).toBe('Second');
  });

  it('runs everything in dry-run, writes nothing and reports the would-be writes', async () => {
    const t = await harness();
    await t.runtime.controls.setDryRun(true);
    await t.hub.ui.create('contacts', {
      email: 'dry@example.com',
      firstname: 'Dry',
      lifecyclestage: 'customer',
    });
    const outcome = await t.settle();
    expect(t.attendeesWithEmail('dry@example.com')).toHaveLength(0);
    const report = outcome.records.find((r) => r.outcome === 'dry-run');
    expect(report?.wouldWrite).toMatchObject({
      side: 'destination',
      operation: 'create',
      values: { email: 'dry@example.com', firstName: 'Dry', ticketType: 'VIP' },
    });
    expect(await t.runtime.store.lookupNaturalKey(t.spec.integration.name, 'dry@example.com')).toBeNull();
  });

  it('leaves a field with an unmapped enum value unwritten, writes the rest and reports it', async () => {
    const t = await harness({
      patchSpec: (spec) => {
        const flow = spec.flows.find((f) => f.direction === 'destination-to-hubspot');
        const status = flow?.mappings.find((m) => m.target === 'hs_lead_status');
        if (status && 'enumMap' in status.value) delete status.value.enumMap.map.CANCELLED;
      },
    });
    await fetch(`${t.events.url}/_admin/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'enum@example.com', firstName: 'Enum', status: 'CANCELLED' }),
    });
    const outcome = await t.settle();
    const contacts = t.contactsWithEmail('enum@example.com');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.properties.firstname).toBe('Enum');
    expect(contacts[0]?.properties.hs_lead_status ?? null).toBeNull();
    const report = outcome.records.find((r) => r.source === 'destination' && r.outcome === 'delivered');
    expect(report?.fieldErrors).toMatchObject([{ target: 'hs_lead_status', code: 'ENUM_UNMAPPED' }]);
    expect(t.runtime.logger.snapshot().recentFailures.some((f) => f.kind === 'enum-unmapped')).toBe(true);
  });

  it('flags a HubSpot deletion (policy flag), writes nothing more for it, and relinks on restore', async () => {
    const t = await harness();
    const contact = await t.hub.ui.create('contacts', { email: 'gone@example.com', firstname: 'Gone' });
    await t.settle();
    await t.hub.ui.archive('contacts', contact.id);
    await t.settle();
    const flagged = await t.runtime.store.resolve(t.spec.integration.name, 'hubspot', contact.id);
    expect(flagged?.status).toBe('flagged');
    expect(t.attendeesWithEmail('gone@example.com')).toHaveLength(1);
    // A change on the other side is not written back to the deleted contact.
    const attendee = t.attendeesWithEmail('gone@example.com')[0];
    await fetch(`${t.events.url}/_admin/records/${String(attendee?.id)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jobTitle: 'Ghost' }),
    });
    const ignored = await t.settle();
    expect(ignored.records.map((r) => r.outcome)).toContain('flagged');
    expect(t.hub.getRecord('contacts', contact.id)?.properties.jobtitle ?? null).toBeNull();

    await t.hub.ui.restore('contacts', contact.id);
    await t.hub.ui.update('contacts', contact.id, { firstname: 'Back' });
    await t.settle();
    const restored = await t.runtime.store.resolve(t.spec.integration.name, 'hubspot', contact.id);
    expect(restored?.status).toBe('active');
    expect(t.attendeesWithEmail('gone@example.com')[0]?.firstName).toBe('Back');
  });

  it('propagates a deletion when the policy says so', async () => {
    const t = await harness({
      patchSpec: (spec) => {
        spec.policies.deletes = 'propagate';
      },
    });
    const contact = await t.hub.ui.create('contacts', { email: 'prop@example.com', firstname: 'Prop' });
    await t.settle();
    expect(t.attendeesWithEmail('prop@example.com')).toHaveLength(1);
    await t.hub.ui.archive('contacts', contact.id);
    await t.settle();
    expect(t.attendeesWithEmail('prop@example.com')).toHaveLength(0);
  });

  it('moves the mapping to the surviving record of a HubSpot merge', async () => {
    const t = await harness();
    // The survivor exists before the integration maps anything (created in dry-run).
    await t.runtime.controls.setDryRun(true);
    const survivor = await t.hub.ui.create('contacts', { email: 'keep@example.com', firstname: 'Keep' });
    await t.settle();
    await t.runtime.controls.setDryRun(false);
    const merged = await t.hub.ui.create('contacts', { email: 'merged@example.com', firstname: 'Merged' });
    await t.settle();
    const before = await t.runtime.store.resolve(t.spec.integration.name, 'hubspot', merged.id);
    expect(before).not.toBeNull();

    const response = await hubspotApi(t, '/crm/v3/objects/contacts/merge', {
      primaryObjectId: survivor.id,
      objectIdToMerge: merged.id,
    });
    expect(response.status).toBe(200);
    await t.settle();
    const after = await t.runtime.store.resolve(t.spec.integration.name, 'hubspot', survivor.id);
    expect(after?.kongoId).toBe(before?.kongoId);
    expect(after?.drift).toMatchObject([
      { system: 'hubspot', from: merged.id, to: survivor.id, reason: 'merged' },
    ]);
    expect(await t.runtime.store.resolve(t.spec.integration.name, 'hubspot', merged.id)).toBeNull();
  });

  it('leaves a field the other side owns alone on updates, but writes it on creates', async () => {
    const t = await harness({
      patchSpec: (spec) => {
        spec.policies.fieldOwnership = { firstname: 'hubspot' };
      },
    });
    const contact = await t.hub.ui.create('contacts', { email: 'own@example.com', firstname: 'Hub' });
    await t.settle();
    const attendee = t.attendeesWithEmail('own@example.com')[0];
    expect(attendee?.firstName).toBe('Hub');
    await fetch(`${t.events.url}/_admin/records/${String(attendee?.id)}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ firstName: 'Dest', jobTitle: 'Owner test' }),
    });
    await t.settle();
    const properties = t.hub.getRecord('contacts', contact.id)?.properties;
    expect(properties?.firstname).toBe('Hub');
    expect(properties?.jobtitle).toBe('Owner test');
  });
});
