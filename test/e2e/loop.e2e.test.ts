// The whole loop as `npm start` runs it: a person edits a record on one side, it lands on the other
// exactly once, the Notification Centre shows it in Chromium, and a stopped integration raises a down
// alert in Slack within 2× its heartbeat interval, then a recovered one.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackMessage } from '../../sandbox/src/slack-receiver/index.ts';
import {
  ATTENDEES,
  type Attendee,
  eventsMutations,
  getJson,
  type HubSpotRecord,
  hubspotContactWrites,
  JOBS,
  launchBrowser,
  type SimCounters,
  sendJson,
  settle,
  startTestSandbox,
  type TestSandbox,
  until,
} from './harness.ts';

const HEARTBEAT_SECONDS = 2;
/** The centre's local down detector runs every second (sandbox.ts `detectEverySeconds: 1`). */
const DETECT_EVERY_MS = 1_000;

let running: TestSandbox;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let dashboard: Page;
const consoleProblems: string[] = [];
let contactId = '';
let attendeeId = '';

const sb = () => running.sandbox;
const hubspotCounters = () => getJson<SimCounters>(`${sb().urls.hubspot}/_admin/counters`);
const eventsCounters = () => getJson<SimCounters>(`${sb().urls.events}/_admin/counters`);
const resetCounters = async () => {
  await fetch(`${sb().urls.hubspot}/_admin/counters`, { method: 'DELETE' });
  await fetch(`${sb().urls.events}/_admin/counters`, { method: 'DELETE' });
};
const attendeeByEmail = async (email: string) =>
  (
    await getJson<{ data: Attendee[] }>(
      `${sb().urls.events}/_admin/records?email=${encodeURIComponent(email)}`,
    )
  ).data[0];
/** Webhooks the events platform delivered to the integration and had accepted (200), by event type. */
const eventsDeliveriesAccepted = async (type: string) =>
  (
    await getJson<{ data: Array<{ type: string; status: number | null }> }>(
      `${sb().urls.events}/_admin/deliveries`,
    )
  ).data.filter((d) => d.type === type && d.status === 200).length;
/** HubSpot webhook requests accepted (200) that carried a change our own app made (the echo of our write). */
const hubspotEchoesAccepted = () =>
  sb()
    .hubspot.deliveries()
    .filter((d) => d.status === 200 && d.body.includes('"changeSource":"INTEGRATION"')).length;
const alertsFor = (slug: string, word: RegExp) => (m: SlackMessage) =>
  m.path.endsWith(`/${slug}`) && word.test(m.text ?? JSON.stringify(m.blocks));

beforeAll(async () => {
  [running, browser] = await Promise.all([
    startTestSandbox({ heartbeatSeconds: HEARTBEAT_SECONDS, alertRules: { minIntervalSeconds: 1 } }),
    launchBrowser(),
  ]);
  dashboard = await browser.context.newPage();
  dashboard.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') consoleProblems.push(`${m.type()}: ${m.text()}`);
  });
  dashboard.on('pageerror', (e) => consoleProblems.push(`pageerror: ${e.message}`));
});

afterAll(async () => {
  await browser?.close();
  await running?.close();
});

describe('the local loop (npm start)', () => {
  it('lands a contact changed in the HubSpot simulator in the events platform, once, with no echo back', async () => {
    const email = 'ada.lovelace@example.com';
    const created = await sendJson<HubSpotRecord>('POST', `${sb().urls.hubspot}/_admin/records/contacts`, {
      properties: { email, firstname: 'Ada', lastname: 'Lovelace', company: 'Analytical Engines' },
    });
    contactId = created.id;
    const first = await until('the new contact to land', () => attendeeByEmail(email));
    attendeeId = first.id;
    expect(first).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines' });
    await settle(sb());

    await resetCounters();
    const echoesBefore = await eventsDeliveriesAccepted('attendee.updated');
    await sendJson('PATCH', `${sb().urls.hubspot}/_admin/records/contacts/${contactId}`, {
      properties: { firstname: 'Augusta', company: 'Difference Engines' },
    });
    const changed = await until('the change to land', async () => {
      const attendee = await attendeeByEmail(email);
      return attendee?.firstName === 'Augusta' ? attendee : undefined;
    });
    expect(changed).toMatchObject({ id: attendeeId, company: 'Difference Engines', lastName: 'Lovelace' });
    await settle(sb());

    // One write on the other side. Our own write came back as a webhook, was accepted, and was dropped
    // as an echo: nothing was written back to HubSpot.
    expect(eventsMutations(await eventsCounters(), 'updateAttendee')).toBe(1);
    expect(eventsMutations(await eventsCounters())).toBe(1);
    expect(await eventsDeliveriesAccepted('attendee.updated')).toBe(echoesBefore + 1);
    expect(hubspotContactWrites(await hubspotCounters())).toBe(0);
    expect(sb().hubspot.getRecord('contacts', contactId)?.properties.firstname).toBe('Augusta');
  });

  it('shows the heartbeat and the landed change on the Notification Centre dashboard, without console errors', async () => {
    await dashboard.goto(`${sb().urls.notificationCentre}/#/i/${ATTENDEES}`);
    const row = dashboard.locator(`a.row[data-id="${ATTENDEES}"]`);
    await expect
      .poll(() => row.textContent(), { timeout: 10_000 })
      .toMatch(/Velflex Integration\s*\d+s ago\s*up/);
    await expect
      .poll(() => dashboard.locator('.detail-head').textContent(), { timeout: 10_000 })
      .toMatch(/last heartbeat \d+s ago.*last event \d+s ago.*every 2s/);
    // The landed changes are counted on the per-minute plot (the heartbeat carries counts, never records).
    await expect
      .poll(() => dashboard.locator('.legend').textContent(), { timeout: 10_000 })
      .toMatch(/events [1-9]\d*\s*errors 0/);
    // The anatomy view lists the change by its HubSpot record id, landed, with its seven stages.
    const landed = dashboard.locator('tr.pick', { hasText: contactId }).filter({ hasText: 'landed' });
    await expect
      .poll(() => landed.first().textContent(), { timeout: 10_000 })
      .toMatch(/HubSpot → destination\s*landed/);
    await landed.first().click();
    await expect.poll(() => dashboard.locator('.stage').count()).toBe(7);
    expect(await dashboard.locator('.stage.missing').count()).toBe(0);
    expect(await dashboard.locator('#detail svg rect').count()).toBeGreaterThan(0);
    expect(await dashboard.locator('#summary').textContent()).toBe('2 integrations · 2 up · 0 down');
    expect(consoleProblems).toEqual([]);
  });

  it('lands an attendee edited in the events platform in HubSpot, once, with no echo back', async () => {
    await settle(sb());
    await resetCounters();
    const echoesBefore = hubspotEchoesAccepted();
    await sendJson('PATCH', `${sb().urls.events}/_admin/records/${attendeeId}`, {
      lastName: 'King',
      status: 'CHECKED_IN',
    });
    const contact = await until('the attendee edit to land in HubSpot', async () => {
      const record = await getJson<HubSpotRecord>(
        `${sb().urls.hubspot}/_admin/records/contacts/${contactId}`,
      );
      return record.properties.lastname === 'King' ? record : undefined;
    });
    expect(contact.properties).toMatchObject({ firstname: 'Augusta', hs_lead_status: 'CONNECTED' });
    await settle(sb());

    expect(hubspotContactWrites(await hubspotCounters())).toBe(1);
    expect(hubspotEchoesAccepted()).toBeGreaterThan(echoesBefore);
    expect(eventsMutations(await eventsCounters())).toBe(0);
    expect((await attendeeByEmail('ada.lovelace@example.com'))?.lastName).toBe('King');
  });

  it('alerts Slack within 2× the heartbeat interval when an integration stops, and again when it recovers', async () => {
    const slack = sb().slack;
    slack.clear();
    // Stop just after a beat so the full 2× interval is measured from the last heartbeat.
    const lastBeat = await until('a fresh heartbeat', async () => {
      const detail = await getJson<{ lastHeartbeatAt: number | null }>(
        `${sb().urls.notificationCentre}/api/integrations/${ATTENDEES}`,
      );
      return detail.lastHeartbeatAt !== null && Date.now() - detail.lastHeartbeatAt < 500
        ? detail.lastHeartbeatAt
        : undefined;
    });
    sb().stopIntegration(ATTENDEES);
    const stoppedAt = Date.now();

    const [down] = await slack.waitFor(1, {
      match: alertsFor('velflex', /is down/),
      timeoutMs: 4 * HEARTBEAT_SECONDS * 1000,
    });
    if (!down) throw new Error('no down alert');
    const silentMs = down.receivedAt - lastBeat;
    expect(silentMs).toBeGreaterThanOrEqual(2 * HEARTBEAT_SECONDS * 1000);
    expect(silentMs).toBeLessThanOrEqual(2 * HEARTBEAT_SECONDS * 1000 + DETECT_EVERY_MS + 500);
    expect(down.receivedAt - stoppedAt).toBeLessThanOrEqual(
      2 * HEARTBEAT_SECONDS * 1000 + DETECT_EVERY_MS + 500,
    );
    expect(down.text).toContain('Velflex Integration');
    await expect
      .poll(() => dashboard.locator(`a.row[data-id="${ATTENDEES}"]`).textContent(), { timeout: 5_000 })
      .toMatch(/down$/);

    sb().startIntegration(ATTENDEES);
    const [recovered] = await slack.waitFor(1, {
      match: alertsFor('velflex', /recovered/),
      timeoutMs: 5_000,
    });
    expect(recovered?.text).toContain('heartbeats are arriving again');
    await expect
      .poll(() => dashboard.locator(`a.row[data-id="${ATTENDEES}"]`).textContent(), { timeout: 5_000 })
      .toMatch(/up$/);
    // Only the stopped integration alerted; the other one kept beating throughout.
    expect(slack.messages.filter((m) => m.path.endsWith('/porter-group'))).toEqual([]);
    expect(sb().integrations.get(JOBS)?.running).toBe(true);
    expect(consoleProblems).toEqual([]);
  });
});
