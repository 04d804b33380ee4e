/**
 * `npm start` with a real HubSpot portal (KONGO_HUBSPOT_TOKEN): HubSpot can't call webhooks on
 * 127.0.0.1, so the sandbox polls the portal's search API. The "portal" here is a second HubSpot
 * simulator with no webhook subscriptions at all, prepared the way a consultant prepares a real
 * one (`kongo hubspot setup` creates the sync-id property).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hubspotSetup } from '@kongo/generator';
import { validateSpec } from '@kongo/runtime/spec';
import { type HubSpotSimulator, startHubSpotSimulator } from '@kongo/sandbox/hubspot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Attendee, getJson, sendJson, startTestSandbox, type TestSandbox } from './harness.ts';

const STARTER = join(
  import.meta.dirname,
  '..',
  '..',
  'templates',
  'starters',
  'contacts-events.integration-spec.json',
);
const TOKEN = 'pat-na1-real-portal-test';

let portal: HubSpotSimulator;
let test: TestSandbox;

beforeAll(async () => {
  const checked = validateSpec(JSON.parse(readFileSync(STARTER, 'utf8')));
  if (!checked.ok) throw new Error('starter spec is invalid');
  portal = await startHubSpotSimulator({
    indexingLagMs: 0,
    apps: [{ appId: checked.spec.hubspot.appId, clientSecret: 'unused-here', accessToken: TOKEN }],
  });
  // What the consultant runs once against the client's portal; subscriptions are created but no
  // webhook target can reach 127.0.0.1, so nothing is ever delivered.
  await hubspotSetup(checked.spec, {
    baseUrl: portal.url,
    accessToken: TOKEN,
    developerApiKey: 'dev-hapikey',
    targetUrl: 'https://hooks.velflex.example.com/unreachable',
  });
  test = await startTestSandbox({
    specs: [STARTER],
    realHubSpot: { baseUrl: portal.url, accessToken: TOKEN },
    pollSeconds: 1,
  });
}, 90_000);

afterAll(async () => {
  await test?.close();
  await portal?.close();
});

describe('npm start against a real HubSpot portal', () => {
  it('polls the portal and lands a contact change in the destination, with no webhook delivered', async () => {
    await sendJson('POST', `${portal.url}/_admin/records/contacts`, {
      properties: { email: 'polled@example.com', firstname: 'Polly', lastname: 'Search' },
    });
    const deadline = Date.now() + 20_000;
    let attendee: Attendee | undefined;
    while (!attendee && Date.now() < deadline) {
      const { data } = await getJson<{ data: Attendee[] }>(`${test.sandbox.urls.events}/_admin/records`);
      attendee = data.find((a) => a.email === 'polled@example.com');
      if (!attendee) await new Promise((r) => setTimeout(r, 200));
    }
    expect(attendee?.firstName).toBe('Polly');
    expect(portal.deliveries().filter((d) => d.status === 200)).toEqual([]);
    // The sandbox's own simulator saw none of it: every HubSpot call went to the portal.
    expect(test.sandbox.hubspot.listRecords('contacts')).toEqual([]);
  }, 40_000);
});
