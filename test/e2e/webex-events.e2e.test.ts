// HubSpot contacts ↔ Webex Events attendees through the sandbox with the catalog entry and the starter spec: one
// GraphQL endpoint with a bearer token, eventId arguments, integer ids, UUID Idempotency-Key headers on mutations,
// the event id fixed inside the mutation's `input` beside the mapped fields (a "..." spread), cost-based limits.
// Webex Events sends no webhooks and its list takes no modified-since argument: changes reach HubSpot by polling,
// which reads every page and keeps the attendees whose updatedAt moved.
import { getConnector } from '@kongo/connectors';
import type { ConnectorDocument } from '@kongo/runtime/connector';
import { runScheduledReconciliation } from '@kongo/runtime/reconcile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPacedBudget } from '../../runtime/src/backfill/budget.ts';
import { BackfillLedger } from '../../runtime/src/backfill/ledger.ts';
import { runBackfill } from '../../runtime/src/backfill/run.ts';
import { destinationClientFor } from '../../runtime/src/outbound/destination-factory.ts';
import { createHubSpotClient } from '../../runtime/src/outbound/hubspot-client.ts';
import {
  startWebexEventsSimulator,
  type WebexEventsSimulator,
} from '../../sandbox/src/webex-events/index.ts';
import { APP, type ConnectorHarness, startConnectorHarness } from './connector-harness.ts';

const EVENT = 2;

describe('HubSpot contacts ↔ Webex Events attendees', () => {
  let webex: WebexEventsSimulator;
  let h: ConnectorHarness;
  const connector = getConnector('webex-events-attendees') as ConnectorDocument;
  const byEmail = (email: string) => [...webex.attendees.values()].filter((a) => a.email === email);
  const contactsByEmail = (email: string) => h.hubspotRecords().filter((r) => r.properties.email === email);
  const edit = (id: number | undefined, body: unknown) =>
    fetch(`${webex.url}/_admin/records/${id}`, { method: 'PATCH', body: JSON.stringify(body) });

  beforeAll(async () => {
    webex = await startWebexEventsSimulator({ events: [EVENT] });
    h = await startConnectorHarness({
      spec: new URL('../../templates/starters/contacts-webex.integration-spec.json', import.meta.url),
      connector,
      patchSpec: (spec) => {
        spec.policies.conflicts = { windowSeconds: 1, winner: 'hubspot' };
      },
      destination: {
        baseUrl: webex.url,
        credentials: { token: webex.token },
        idle: async () => {},
      },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await webex?.close();
  });

  it('creates an attendee of the event with its profile, the event id fixed inside the input', async () => {
    await h.hub.ui.create('contacts', {
      email: 'ada@example.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      company: 'Analytical',
      jobtitle: 'Countess',
    });
    await h.settle();
    const found = byEmail('ada@example.com');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      eventId: EVENT,
      profile: { firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical', jobTitle: 'Countess' },
    });
    expect(Number.isInteger(found[0]?.id)).toBe(true);
  }, 60_000);

  it('updates the profile from HubSpot and polls a person’s Webex edit back', async () => {
    const contact = contactsByEmail('ada@example.com')[0];
    if (!contact) throw new Error('no contact');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await h.hub.ui.update('contacts', contact.id, { jobtitle: 'Mathematician' });
    await h.settle();
    expect(byEmail('ada@example.com')[0]?.profile.jobTitle).toBe('Mathematician');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await edit(byEmail('ada@example.com')[0]?.id, { profile: { company: 'Difference Engines' } });
    await h.pollAndSettle();
    expect(contactsByEmail('ada@example.com')[0]?.properties).toMatchObject({
      company: 'Difference Engines',
      jobtitle: 'Mathematician',
    });
  }, 60_000);

  it('creates a HubSpot contact for an attendee a person adds in Webex Events, found by a poll', async () => {
    await fetch(`${webex.url}/_admin/records`, {
      method: 'POST',
      body: JSON.stringify({
        email: 'grace@example.com',
        profile: { firstName: 'Grace', lastName: 'Hopper' },
      }),
    });
    await h.pollAndSettle();
    expect(contactsByEmail('grace@example.com')).toHaveLength(1);
    expect(contactsByEmail('grace@example.com')[0]?.properties).toMatchObject({
      firstname: 'Grace',
      lastname: 'Hopper',
    });
    // A second poll finds nothing new: no echo, no duplicate.
    await h.pollAndSettle();
    expect(byEmail('grace@example.com')).toHaveLength(1);
    expect(contactsByEmail('grace@example.com')).toHaveLength(1);
  }, 60_000);

  it('converges under the fault mix with one attendee per contact', async () => {
    webex.faults.configure({ seed: 41, rate429: 0.1, rate5xx: 0.1, faultAfterProcessingRate: 0.5 });
    h.hub.setFaults({ seed: 42, rate429: 0.05, rate5xx: 0.05 });
    for (let i = 0; i < 6; i++)
      await h.hub.ui.create('contacts', {
        email: `person${i}@example.com`,
        firstname: `Person${i}`,
        lastname: 'Fault',
      });
    await h.settle(30_000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const i of [1, 4])
      await edit(byEmail(`person${i}@example.com`)[0]?.id, { profile: { lastName: 'Edited' } });
    await h.pollAndSettle(30_000);
    webex.faults.configure({});
    h.hub.setFaults({});
    await h.pollAndSettle();
    for (let i = 0; i < 6; i++) {
      const email = `person${i}@example.com`;
      const expected = i === 1 || i === 4 ? 'Edited' : 'Fault';
      expect(byEmail(email), email).toHaveLength(1);
      expect(byEmail(email)[0]?.profile.lastName, email).toBe(expected);
      expect(contactsByEmail(email), email).toHaveLength(1);
      expect(contactsByEmail(email)[0]?.properties.lastname, email).toBe(expected);
    }
    expect(await h.runtime.deadLetters.list()).toEqual([]);
  }, 90_000);

  it('reconciles: every attendee mapped to its contact, none drifted or diverged', async () => {
    const { report } = await runScheduledReconciliation({
      spec: h.spec,
      environment: h.environment,
      connector,
      notify: false,
    });
    const all = webex.attendees.size;
    expect(report).toMatchObject({ destination: all, mapped: all, drifted: 0, unmatched: 0, diverged: 0 });
  }, 30_000);

  it('backfills: attendees already in Webex Events reach HubSpot once each, matched by email before any create', async () => {
    // 40 attendees registered before the integration existed; 15 of them are already contacts (typed by people).
    for (let i = 0; i < 40; i++) {
      const made = await fetch(`${webex.url}/_admin/records`, {
        method: 'POST',
        body: JSON.stringify({
          email: `early${i}@example.com`,
          profile: { firstName: `Early${i}`, lastName: 'Bird' },
        }),
      });
      expect(made.status).toBe(201);
    }
    // Typed by people before the backfill (through the CRM API here; their webhooks wait in the queue, as the
    // live worker is paused by the backfill anyway).
    const existing = await fetch(`${h.hub.url}/crm/v3/objects/contacts/batch/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${APP.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: Array.from({ length: 15 }, (_, i) => ({
          properties: { email: `EARLY${i}@example.com`, firstname: 'Existing' },
        })),
      }),
    });
    expect(existing.status).toBe(201);
    const budget = createPacedBudget({ limit: { per10Seconds: 190, daily: 1_000_000, reservePercent: 10 } });
    const report = await runBackfill({
      spec: h.spec,
      store: h.runtime.store,
      ledger: new BackfillLedger({ client: h.dynamo.client, tableName: h.tableName }),
      hubspot: createHubSpotClient({
        objectType: 'contacts',
        accessToken: APP.accessToken,
        basePath: h.hub.url,
        syncIdProperty: h.spec.hubspot.syncIdProperty,
        budget,
      }),
      destination: destinationClientFor({
        spec: h.spec,
        connector,
        secrets: h.environment.secrets(),
        baseUrl: webex.url,
        fields: ['email', 'profile.firstName', 'profile.lastName', 'profile.company', 'profile.jobTitle'],
      }),
      controls: h.runtime.controls,
    });
    await budget.stop();
    expect(report.failed).toBe(0);
    for (let i = 0; i < 40; i++) {
      const email = `early${i}@example.com`;
      const found = h.hubspotRecords().filter((r) => String(r.properties.email).toLowerCase() === email);
      expect(found, email).toHaveLength(1);
      expect(found[0]?.properties.firstname).toBe(`Early${i}`);
    }
    // The live path then recognises them: the queued webhooks and a poll make no second contact or attendee.
    await h.pollAndSettle();
    for (let i = 0; i < 40; i++) {
      const email = `early${i}@example.com`;
      expect(
        h.hubspotRecords().filter((r) => String(r.properties.email).toLowerCase() === email),
        email,
      ).toHaveLength(1);
      expect(byEmail(email), email).toHaveLength(1);
    }
    expect(await h.runtime.deadLetters.list()).toEqual([]);
  }, 60_000);
});
