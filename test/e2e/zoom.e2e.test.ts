// HubSpot contacts ↔ Zoom meeting registrants through the sandbox with the catalog entry and the starter spec:
// server-to-server OAuth (the documented token URL re-rooted onto the simulator), create-only names, status changes
// by approve/deny/cancel actions, v0-signed webhooks after URL validation, both directions, under the fault mix.
// Zoom has no modification time and no modified-since filter: changes reach HubSpot by webhook only (no polling).
import { getConnector } from '@kongo/connectors';
import type { ConnectorDocument } from '@kongo/runtime/connector';
import { runScheduledReconciliation } from '@kongo/runtime/reconcile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startZoomSimulator, type ZoomSimulator } from '../../sandbox/src/zoom/index.ts';
import { type ConnectorHarness, startConnectorHarness } from './connector-harness.ts';

const SECRET_TOKEN = 'zoom-webhook-secret-token-e2e';
const MEETING = 85746065;

describe('HubSpot contacts ↔ Zoom meeting registrants', () => {
  let zoom: ZoomSimulator;
  let h: ConnectorHarness;
  const registrants = () => zoom.store.list(MEETING);
  const byEmail = (email: string) => registrants().filter((r) => r.email === email);
  const contactsByEmail = (email: string) => h.hubspotRecords().filter((r) => r.properties.email === email);

  beforeAll(async () => {
    const connector = getConnector('zoom-meeting-registrants');
    if (!connector) throw new Error('the catalog has no zoom-meeting-registrants entry');
    zoom = await startZoomSimulator({ webhookTiming: { timeCompression: 100_000 } });
    h = await startConnectorHarness({
      spec: new URL('../../templates/starters/contacts-zoom.integration-spec.json', import.meta.url),
      connector,
      webhookSecret: SECRET_TOKEN,
      patchSpec: (spec) => {
        spec.policies.conflicts = { windowSeconds: 1, winner: 'hubspot' };
      },
      hubspotProperties: [
        {
          name: 'zoom_registration',
          label: 'Zoom registration',
          type: 'enumeration',
          fieldType: 'select',
          groupName: 'contactinformation',
          options: ['approved', 'pending', 'denied', 'cancelled'].map((value, displayOrder) => ({
            label: value,
            value,
            displayOrder,
            hidden: false,
          })),
        },
      ],
      destination: {
        baseUrl: zoom.apiUrl,
        credentials: { clientId: zoom.credentials.clientId, clientSecret: zoom.credentials.clientSecret },
        idle: () => zoom.idle(),
        async subscribe(url, secret) {
          zoom.subscriptions.add({ url, secret: secret ?? '' });
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await zoom?.close();
  });

  it('registers a contact (names on create, token from the re-rooted OAuth URL)', async () => {
    await h.hub.ui.create('contacts', {
      email: 'ada@example.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      company: 'Analytical',
    });
    await h.settle();
    const [registrant] = byEmail('ada@example.com');
    expect(registrant).toMatchObject({
      first_name: 'Ada',
      last_name: 'Lovelace',
      org: 'Analytical',
      status: 'approved',
    });
    expect(byEmail('ada@example.com')).toHaveLength(1);
    // Zoom approved it on its own (approval_type 0) as a consequence of our create: by the convergence rule that
    // is the side's default, not an edit, so HubSpot's empty status stays empty until a person changes it.
    expect(contactsByEmail('ada@example.com')[0]?.properties.zoom_registration ?? null).toBe(null);
    // The registration_created webhook did arrive, v0-signed, after Zoom's URL validation of the endpoint.
    expect(zoom.validated.size).toBe(1);
  }, 60_000);

  it('sends a status change as an action, and never sends a create-only name on update', async () => {
    const contact = contactsByEmail('ada@example.com')[0];
    if (!contact) throw new Error('no contact');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await h.hub.ui.update('contacts', contact.id, { zoom_registration: 'denied', firstname: 'Augusta' });
    await h.settle();
    const [registrant] = byEmail('ada@example.com');
    expect(registrant?.status).toBe('denied');
    // Zoom can't change a registrant's name: the edit stays in HubSpot, the registrant keeps its first name.
    expect(registrant?.first_name).toBe('Ada');
    expect(contactsByEmail('ada@example.com')[0]?.properties).toMatchObject({
      firstname: 'Augusta',
      zoom_registration: 'denied',
    });
  }, 60_000);

  it('creates a HubSpot contact for a registrant a person adds in Zoom, and follows the host’s approval', async () => {
    const made = await fetch(`${zoom.url}/_admin/records?meetingId=${MEETING}`, {
      method: 'POST',
      body: JSON.stringify({ email: 'grace@example.com', first_name: 'Grace', last_name: 'Hopper' }),
    });
    expect(made.status).toBe(201);
    const registrant = (await made.json()) as { id: string };
    await h.settle();
    // A registrant a person adds in Zoom is a change at its source: every mapped field comes over.
    expect(contactsByEmail('grace@example.com')[0]?.properties).toMatchObject({
      firstname: 'Grace',
      lastname: 'Hopper',
      zoom_registration: 'approved',
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await fetch(`${zoom.url}/_admin/records/${registrant.id}?meetingId=${MEETING}`, {
      method: 'PATCH',
      body: JSON.stringify({ action: 'deny' }),
    });
    await h.settle();
    expect(contactsByEmail('grace@example.com')[0]?.properties.zoom_registration).toBe('denied');
    expect(byEmail('grace@example.com')).toHaveLength(1);
  }, 60_000);

  it('converges under the fault mix with one registrant per contact', async () => {
    zoom.faults.configure({
      seed: 21,
      rate429: 0.1,
      rate5xx: 0.1,
      faultAfterProcessingRate: 0.5,
      duplicateWebhookRate: 0.3,
      reorderWebhooks: true,
    });
    h.hub.setFaults({ seed: 22, rate429: 0.05, rate5xx: 0.05 });
    for (let i = 0; i < 6; i++)
      await h.hub.ui.create('contacts', {
        email: `person${i}@example.com`,
        firstname: `Person${i}`,
        lastname: 'Fault',
      });
    await h.settle(30_000);
    // Both ways while the faults last: the host denies 0, 2 and 4 in Zoom; a person denies 1 in HubSpot.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const i of [0, 2, 4]) {
      const id = byEmail(`person${i}@example.com`)[0]?.id;
      await fetch(`${zoom.url}/_admin/records/${id}?meetingId=${MEETING}`, {
        method: 'PATCH',
        body: JSON.stringify({ action: 'deny' }),
      });
    }
    const one = contactsByEmail('person1@example.com')[0];
    if (one) await h.hub.ui.update('contacts', one.id, { zoom_registration: 'denied' });
    await h.settle(30_000);
    zoom.faults.configure({});
    h.hub.setFaults({});
    await h.settle();
    for (let i = 0; i < 6; i++) {
      const email = `person${i}@example.com`;
      expect(byEmail(email), email).toHaveLength(1);
      expect(byEmail(email)[0]?.first_name).toBe(`Person${i}`);
      expect(byEmail(email)[0]?.status, email).toBe(i <= 2 || i === 4 ? 'denied' : 'approved');
      expect(contactsByEmail(email), email).toHaveLength(1);
      expect(contactsByEmail(email)[0]?.properties.zoom_registration ?? null, email).toBe(
        i <= 2 || i === 4 ? 'denied' : null,
      );
    }
    expect(await h.runtime.deadLetters.list()).toEqual([]);
  }, 90_000);

  it('reconciles what the list shows; registrants it hides are reported, never repaired', async () => {
    // Zoom's list shows approved registrants only (a status must be asked for, one per call, and the format
    // reads one list): reconciliation sees the approved ones mapped and reports the denied as gone — a report,
    // it writes nothing (docs/CONNECTORS.md, Zoom).
    const { report } = await runScheduledReconciliation({
      spec: h.spec,
      environment: h.environment,
      connector: getConnector('zoom-meeting-registrants') as ConnectorDocument,
      notify: false,
    });
    const approved = registrants().filter((r) => r.status === 'approved').length;
    const hidden = registrants().length - approved;
    expect(hidden).toBe(6);
    expect(report.destination).toBe(approved);
    expect(report).toMatchObject({ drifted: 0, labelProblems: [], unmatched: hidden });
    expect(report.unmatchedByReason).toEqual({ 'destination-record-gone': hidden });
    expect(report.mapped).toBe(approved);
    expect(registrants()).toHaveLength(approved + hidden);
  }, 30_000);
});
