// HubSpot contacts ↔ Jobber clients through the sandbox with the catalog entry and the starter spec: OAuth2 with
// rotating refresh tokens (written back, never used twice), X-JOBBER-GRAPHQL-VERSION, Relay lists, EncodedId ids,
// userErrors, a create-only first email at `emails[0].address`, base64-HMAC webhooks signed with the app's client
// secret, polling by updatedAt as the safety net, both directions, under the fault mix.
import { getConnector } from '@kongo/connectors';
import type { ConnectorDocument } from '@kongo/runtime/connector';
import { runScheduledReconciliation } from '@kongo/runtime/reconcile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobberSimulator, startJobberSimulator } from '../../sandbox/src/jobber/index.ts';
import { type ConnectorHarness, startConnectorHarness } from './connector-harness.ts';

interface ClientView {
  id: string;
  firstName: string;
  lastName: string;
  companyName: string | null;
  emails: Array<{ address: string }>;
}

describe('HubSpot contacts ↔ Jobber clients', () => {
  let jobber: JobberSimulator;
  let h: ConnectorHarness;
  let firstRefreshToken = '';
  const connector = getConnector('jobber-clients') as ConnectorDocument;
  const clients = async (): Promise<ClientView[]> =>
    ((await (await fetch(`${jobber.url}/_admin/records`)).json()) as { data: ClientView[] }).data;
  const byEmail = async (email: string) => (await clients()).filter((c) => c.emails[0]?.address === email);
  const contactsByEmail = (email: string) => h.hubspotRecords().filter((r) => r.properties.email === email);

  beforeAll(async () => {
    jobber = await startJobberSimulator({ webhookTiming: { timeCompression: 100_000 } });
    firstRefreshToken = jobber.install();
    h = await startConnectorHarness({
      spec: new URL('../../templates/starters/contacts-jobber.integration-spec.json', import.meta.url),
      connector,
      // The webhook secret is the app's OAuth client secret (the same SSM parameter).
      webhookSecret: jobber.app.clientSecret,
      patchSpec: (spec) => {
        spec.policies.conflicts = { windowSeconds: 1, winner: 'hubspot' };
      },
      destination: {
        baseUrl: jobber.url,
        credentials: {
          clientId: jobber.app.clientId,
          clientSecret: jobber.app.clientSecret,
          refreshToken: firstRefreshToken,
        },
        idle: () => jobber.idle(),
        async subscribe(url) {
          jobber.subscriptions.add({ url, secret: '' });
        },
      },
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await jobber?.close();
  });

  it('creates a client with its first email on create, rotating the refresh token once and storing it', async () => {
    await h.hub.ui.create('contacts', {
      email: 'ada@example.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      company: 'Analytical',
    });
    await h.settle();
    const found = await byEmail('ada@example.com');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', companyName: 'Analytical' });
    expect(found[0]?.id).toMatch(/^[A-Za-z0-9+/=]+$/);
    const stored = (await h.secrets())['/velflex/jobber-refresh-token'];
    expect(stored).toBeDefined();
    expect(stored).not.toBe(firstRefreshToken);
    expect(jobber.oauthStats()).toMatchObject({ reuseRejected: 0 });
  }, 60_000);

  it('updates names from HubSpot, and carries a person’s Jobber edit back by a signed webhook', async () => {
    const contact = contactsByEmail('ada@example.com')[0];
    if (!contact) throw new Error('no contact');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await h.hub.ui.update('contacts', contact.id, { lastname: 'King' });
    await h.settle();
    const [client] = await byEmail('ada@example.com');
    expect(client?.lastName).toBe('King');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await fetch(`${jobber.url}/_admin/records/${client?.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ companyName: 'Difference Engines' }),
    });
    await h.settle();
    expect(contactsByEmail('ada@example.com')[0]?.properties.company).toBe('Difference Engines');
  }, 60_000);

  it('creates a HubSpot contact for a client a person adds in Jobber, by webhook and again safely by a poll', async () => {
    await fetch(`${jobber.url}/_admin/records`, {
      method: 'POST',
      body: JSON.stringify({
        firstName: 'Grace',
        lastName: 'Hopper',
        emails: [{ address: 'grace@example.com' }],
      }),
    });
    await h.settle();
    await h.pollAndSettle();
    expect(contactsByEmail('grace@example.com')).toHaveLength(1);
    expect(contactsByEmail('grace@example.com')[0]?.properties).toMatchObject({
      firstname: 'Grace',
      lastname: 'Hopper',
    });
    expect(await byEmail('grace@example.com')).toHaveLength(1);
  }, 60_000);

  it('converges under the fault mix with one client per contact', async () => {
    jobber.faults.configure({
      seed: 31,
      rate429: 0.1,
      rate5xx: 0.1,
      faultAfterProcessingRate: 0.5,
      duplicateWebhookRate: 0.3,
      reorderWebhooks: true,
    });
    h.hub.setFaults({ seed: 32, rate429: 0.05, rate5xx: 0.05 });
    for (let i = 0; i < 6; i++)
      await h.hub.ui.create('contacts', {
        email: `person${i}@example.com`,
        firstname: `Person${i}`,
        lastname: 'Fault',
      });
    await h.settle(30_000);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    for (const i of [0, 3]) {
      const [client] = await byEmail(`person${i}@example.com`);
      await fetch(`${jobber.url}/_admin/records/${client?.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ lastName: 'Edited' }),
      });
    }
    await h.settle(30_000);
    jobber.faults.configure({});
    h.hub.setFaults({});
    await h.pollAndSettle();
    for (let i = 0; i < 6; i++) {
      const email = `person${i}@example.com`;
      const expected = i === 0 || i === 3 ? 'Edited' : 'Fault';
      expect(await byEmail(email), email).toHaveLength(1);
      expect((await byEmail(email))[0]?.lastName, email).toBe(expected);
      expect(contactsByEmail(email), email).toHaveLength(1);
      expect(contactsByEmail(email)[0]?.properties.lastname, email).toBe(expected);
    }
    expect(await h.runtime.deadLetters.list()).toEqual([]);
    expect(jobber.oauthStats().reuseRejected).toBe(0);
  }, 90_000);

  it('reconciles: every client mapped to its contact, none drifted or diverged', async () => {
    const { report } = await runScheduledReconciliation({
      spec: h.spec,
      environment: h.environment,
      connector,
      notify: false,
    });
    const all = (await clients()).length;
    expect(report).toMatchObject({ destination: all, mapped: all, drifted: 0, unmatched: 0, diverged: 0 });
  }, 30_000);
});
