/** `kongo hubspot setup` against the HubSpot simulator: creates what the spec needs, idempotently. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desiredSubscriptions, hubspotSetup, loadSpec } from '@kongo/generator';
import { type HubSpotSimulator, startHubSpotSimulator } from '@kongo/sandbox/hubspot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHubSpotSetup } from '../../cli/src/commands/hubspot.ts';
import { ROOT } from './golden.ts';

const { spec } = loadSpec(
  readFileSync(join(ROOT, 'templates/starters/contacts-events.integration-spec.json'), 'utf8'),
  'contacts-events.integration-spec.json',
);
const APP = {
  appId: spec.hubspot.appId,
  clientSecret: 'secret',
  accessToken: 'pat-test',
  developerApiKey: 'dev-key',
};

describe('hubspot setup', () => {
  let sim: HubSpotSimulator;
  beforeAll(async () => {
    sim = await startHubSpotSimulator({ apps: [APP], indexingLagMs: 0 });
  });
  afterAll(() => sim.close());
  const options = () => ({
    baseUrl: sim.url,
    accessToken: APP.accessToken,
    developerApiKey: APP.developerApiKey,
    targetUrl: 'https://hooks.example.com/webhooks/velflex-attendees/hubspot',
  });

  it('derives one propertyChange subscription per mapped HubSpot property', () => {
    expect(desiredSubscriptions(spec)).toEqual([
      { eventType: 'contact.creation' },
      { eventType: 'contact.deletion' },
      { eventType: 'contact.privacyDeletion' },
      ...['company', 'country', 'email', 'firstname', 'jobtitle', 'lastname', 'lifecyclestage', 'phone'].map(
        (propertyName) => ({ eventType: 'contact.propertyChange', propertyName }),
      ),
    ]);
  });

  it('subscribes a contacts integration to privacy deletions even when its triggers leave them out', () => {
    const without = structuredClone(spec);
    for (const flow of without.flows)
      flow.triggers = flow.triggers.filter((trigger) => trigger !== 'contact.privacyDeletion');
    expect(desiredSubscriptions(without)).toContainEqual({ eventType: 'contact.privacyDeletion' });
  });

  it('plans without changing anything on a dry run', async () => {
    const steps = await hubspotSetup(spec, { ...options(), dryRun: true });
    expect(steps.map((s) => s.status)).toEqual(Array(13).fill('create'));
    const subscriptions = await fetch(`${sim.url}/webhooks/v3/${APP.appId}/subscriptions?hapikey=dev-key`);
    expect(((await subscriptions.json()) as { results: unknown[] }).results).toEqual([]);
  });

  it('creates the unique property, the webhook target and the subscriptions, then finds them all on a rerun', async () => {
    const first = await hubspotSetup(spec, options());
    expect(first.filter((s) => s.status === 'create')).toHaveLength(13);
    const property = await fetch(`${sim.url}/crm/v3/properties/contacts/kongo_sync_id`, {
      headers: { authorization: `Bearer ${APP.accessToken}` },
    });
    expect(await property.json()).toMatchObject({ name: 'kongo_sync_id', hasUniqueValue: true });
    const second = await hubspotSetup(spec, options());
    expect(second.map((s) => s.status)).toEqual(Array(13).fill('exists'));
  });

  it('updates a changed target URL and says what it was', async () => {
    const steps = await hubspotSetup(spec, {
      ...options(),
      targetUrl: 'https://other.example.com/webhooks/x/hubspot',
    });
    expect(steps[1]).toEqual({
      what: 'webhook target https://other.example.com/webhooks/x/hubspot',
      status: 'update',
      detail: 'was https://hooks.example.com/webhooks/velflex-attendees/hubspot',
    });
  });

  it('runs from the command module, reading the token from the local secrets file by parameter name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kongo-hs-cli-'));
    try {
      const secrets = join(dir, 'secrets.json');
      writeFileSync(secrets, JSON.stringify({ [spec.hubspot.accessTokenParameter]: APP.accessToken }));
      const specFile = join(ROOT, 'templates/starters/contacts-events.integration-spec.json');
      const out: string[] = [];
      const err: string[] = [];
      const output = { out: (t: string) => out.push(t), err: (t: string) => err.push(t) };
      const code = await runHubSpotSetup(
        specFile,
        {
          dryRun: true,
          baseUrl: sim.url,
          developerApiKey: APP.developerApiKey,
          secrets,
          targetUrl: 'https://other.example.com/webhooks/x/hubspot',
        },
        output,
      );
      expect(err).toEqual([]);
      expect(code).toBe(0);
      expect(out.join('')).toContain(
        'HubSpot setup for velflex-attendees (app 1234567, contacts) — dry run, nothing changed',
      );
      expect(out.join('')).toMatch(/exists\s+subscription contact.propertyChange email/);
      const missing: string[] = [];
      expect(
        await runHubSpotSetup(
          specFile,
          { baseUrl: sim.url, secrets: join(dir, 'none.json') },
          { out: () => {}, err: (t) => missing.push(t) },
        ),
      ).toBe(1);
      expect(missing.join('')).toContain('needs an access token');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with HubSpot’s own message on a bad token', async () => {
    await expect(hubspotSetup(spec, { ...options(), accessToken: 'wrong' })).rejects.toThrow(/answered 401/);
  });
});
