/**
 * "Run locally" from the studio: the consultant's current spec is generated and loaded into the
 * running gateway without a restart, and the next change in a simulator follows the new mapping.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PreflightCheck, type StudioServer, startStudio } from '@kongo/studio';
import { newIntegrationSpec } from '@kongo/studio/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studioOptionsFor } from '../../sandbox/src/start/studio-wiring.ts';
import {
  ATTENDEES,
  type Attendee,
  getJson,
  sendJson,
  startTestSandbox,
  type TestSandbox,
} from './harness.ts';

const STARTER = join(
  import.meta.dirname,
  '..',
  '..',
  'templates',
  'starters',
  'contacts-events.integration-spec.json',
);

let test: TestSandbox;
let studio: StudioServer;

beforeAll(async () => {
  test = await startTestSandbox();
  studio = await startStudio({
    port: 0,
    ...studioOptionsFor(test.sandbox),
    sessionToken: 'run-locally-session',
    distDir: '/nonexistent',
  });
}, 90_000);

afterAll(async () => {
  await studio?.close();
  await test?.close();
});

async function attendeeByEmail(email: string, timeoutMs = 10_000): Promise<Attendee> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data } = await getJson<{ data: Attendee[] }>(`${test.sandbox.urls.events}/_admin/records`);
    const found = data.find((a) => a.email === email);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no attendee ${email} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('run locally from the studio', () => {
  it('reloads the integration with the edited spec and the next change follows the new mapping', async () => {
    const spec = JSON.parse(readFileSync(STARTER, 'utf8')) as {
      flows: Array<{ direction: string; mappings: Array<{ target: string; value: unknown }> }>;
    };
    const out = spec.flows.find((f) => f.direction === 'hubspot-to-destination');
    const company = out?.mappings.find((m) => m.target === 'company');
    expect(company).toBeDefined();
    if (company) company.value = { concat: [{ field: 'company' }, { literal: ' (via studio)' }] };

    const origin = `http://127.0.0.1:${studio.port}`;
    const response = await fetch(`${origin}/api/run-locally`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin,
        cookie: 'kongo_studio_session=run-locally-session',
      },
      body: JSON.stringify({ spec, replace: true }),
    });
    expect(response.status).toBe(200);
    const result = (await response.json()) as {
      integration: string;
      generation: number;
      webhooks: Record<string, string>;
    };
    expect(result.integration).toBe(ATTENDEES);
    expect(result.generation).toBe(2);
    expect(result.webhooks.HubSpot).toBe(`${test.sandbox.urls.gateway}/webhooks/${ATTENDEES}/hubspot`);

    await sendJson('POST', `${test.sandbox.urls.hubspot}/_admin/records/contacts`, {
      properties: { email: 'grace@example.com', firstname: 'Grace', lastname: 'Hopper', company: 'Navy' },
    });
    const attendee = await attendeeByEmail('grace@example.com');
    expect(attendee.company).toBe('Navy (via studio)');
  }, 60_000);

  it('answers a spec it cannot run with 422 and a reason, and keeps the running integration', async () => {
    const origin = `http://127.0.0.1:${studio.port}`;
    const response = await fetch(`${origin}/api/run-locally`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin,
        cookie: 'kongo_studio_session=run-locally-session',
      },
      body: JSON.stringify({ spec: { specVersion: 1 } }),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { message: string; checks: PreflightCheck[] } };
    expect(body.error.message).toMatch(/^The spec does not validate \(\d+ problems\)$/);
    expect(body.error.checks[0]?.detail).toMatch(/^\/: /);
    expect(test.sandbox.integrations.get(ATTENDEES)?.generation).toBe(2);
  });
});

/** The studio's API as the browser calls it (same origin, the session cookie). */
async function studioApi(
  method: string,
  path: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: each test reads its own answer's shape
): Promise<{ status: number; json: any }> {
  const origin = `http://127.0.0.1:${studio.port}`;
  const response = await fetch(origin + path, {
    method,
    headers: {
      'content-type': 'application/json',
      origin,
      cookie: 'kongo_studio_session=run-locally-session',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

/** What "New integration" makes of four answers, with the template the studio server offers. */
async function newSpec(name: string, clientName: string, destination: string) {
  const { json: status } = await studioApi('GET', '/api/status');
  const offered = status.destinations.find((d: { name: string }) => d.name === destination);
  const spec = newIntegrationSpec({
    name,
    clientName,
    objectType: destination === 'job-system' ? 'deals' : 'contacts',
    destination: { name: destination, template: offered.template },
  });
  // A spec runs with at least one mapping each way (the schema says so).
  spec.flows[0]!.mappings = [
    { target: 'email', value: { lowercase: [{ field: 'email' }] } },
    { target: 'company', value: { field: 'company' } },
  ];
  spec.flows[1]!.mappings = [
    { target: 'email', value: { field: 'email' } },
    { target: 'firstname', value: { field: 'firstName' } },
  ];
  return spec;
}

describe('run locally: preflight, then load beside the others', () => {
  it("creates a missing destination token with the simulator's own, loads beside the starters, and lands a change", async () => {
    const spec = await newSpec('acme-attendees', 'Acme Events', 'events-platform');
    // velflex-attendees syncs the same contacts into the same events platform, which refuses a second
    // attendee with one email: look the attendee up by email before creating, so this integration's
    // change lands whichever of the two gets there first.
    spec.destination.idempotency = 'natural-key-lookup';
    const secrets = JSON.parse(readFileSync(join(test.stateDir, 'secrets.json'), 'utf8')) as Record<
      string,
      string
    >;
    expect(secrets['/acme-events/destination-api-token']).toBeUndefined();

    const { status, json } = await studioApi('POST', '/api/run-locally', { spec });
    expect(status).toBe(200);
    const checks = json.checks as PreflightCheck[];
    expect(checks.every((c) => c.ok)).toBe(true);
    expect(checks.find((c) => c.id === 'secret:/acme-events/destination-api-token')?.detail).toMatch(
      /created in .*secrets\.json \(the events-platform simulator's token\)/,
    );
    expect(checks.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'destination',
        'hubspot',
        'hubspot-app',
        'hubspot-subscriptions',
        'hubspot-single-app',
        'destination-subscription',
      ]),
    );
    expect(json.replaced).toBe(false);

    const { json: listed } = await studioApi('GET', '/api/local/integrations');
    const names = (listed.integrations as Array<{ name: string; appId: number }>).map((i) => i.name).sort();
    expect(names).toEqual(['acme-attendees', 'porter-group-jobs', 'velflex-attendees']);
    const apps = new Set((listed.integrations as Array<{ appId: number }>).map((i) => i.appId));
    expect(apps.size).toBe(3); // each on its own HubSpot app

    await sendJson('POST', `${test.sandbox.urls.hubspot}/_admin/records/contacts`, {
      properties: { email: 'Ada@Example.com', firstname: 'Ada', lastname: 'Lovelace', company: 'Engines' },
    });
    const deadline = Date.now() + 15_000;
    let landed: Array<{ outcome: string; stages: Array<{ stage: string; status: string }> }> = [];
    while (Date.now() < deadline) {
      const { json: activity } = await studioApi(
        'GET',
        `/api/local/integrations/acme-attendees/activity?since=${json.loadedAt}`,
      );
      landed = (activity.traces as typeof landed).filter((t) => t.outcome === 'landed');
      if (landed.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(landed.length).toBeGreaterThan(0);
    expect(landed[0]!.stages.map((s) => s.stage)).toEqual([
      'trigger',
      'receive',
      'verify',
      'transform',
      'idempotency',
      'deliver',
      'observe',
    ]);
    await expect
      .poll(async () => (await attendeeByEmail('ada@example.com')).company, { timeout: 10_000 })
      .toBe('Engines');
  }, 60_000);

  it('refuses, naming the secret and the fix, when the destination rejects the token — and loads nothing', async () => {
    const spec = await newSpec('bad-token-attendees', 'Bad Token Co', 'events-platform');
    const file = join(test.stateDir, 'secrets.json');
    const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    secrets['/bad-token-co/destination-api-token'] = 'sk_test_made_up_by_hand';
    writeFileSync(file, JSON.stringify(secrets));

    const { status, json } = await studioApi('POST', '/api/run-locally', { spec });
    expect(status).toBe(422);
    expect(json.error.reason).toBe('refused');
    const failed = (json.error.checks as PreflightCheck[]).filter((c) => !c.ok);
    expect(failed.map((c) => c.id)).toEqual(['destination']);
    expect(failed[0]!.detail).toMatch(
      /rejected the token in \/bad-token-co\/destination-api-token .*INVALID_TOKEN/,
    );
    expect(failed[0]!.fix).toMatch(/Delete \/bad-token-co\/destination-api-token from .*secrets\.json/);
    expect(test.sandbox.integrations.has('bad-token-attendees')).toBe(false);
  });

  it('asks before replacing a running integration, and the replaced app stops calling it', async () => {
    const spec = await newSpec('acme-attendees', 'Acme Events', 'events-platform');
    const first = await studioApi('POST', '/api/run-locally', { spec });
    expect(first.status).toBe(409);
    expect(first.json.error.reason).toBe('exists');
    expect(first.json.error.message).toMatch(
      /acme-attendees already runs locally .* Replace it with this spec\?/,
    );

    const oldApp = spec.hubspot.appId;
    spec.hubspot.appId = oldApp + 1;
    const second = await studioApi('POST', '/api/run-locally', { spec, replace: true });
    expect(second.status).toBe(200);
    expect(second.json.replaced).toBe(true);
    expect(second.json.generation).toBe(2);
    const { results } = await getJson<{
      results: Array<{ appId: number; settings: { targetUrl: string } | null; subscriptions: unknown[] }>;
    }>(`${test.sandbox.urls.hubspot}/_admin/subscriptions`);
    const old = results.find((r) => r.appId === oldApp);
    expect(old?.settings).toBeNull();
    expect(old?.subscriptions).toEqual([]);
  }, 30_000);

  it('refuses an app another running integration owns, with a free app id as the fix', async () => {
    const spec = await newSpec('twin-attendees', 'Twin Co', 'events-platform');
    spec.hubspot.appId = test.sandbox.integrations.get(ATTENDEES)!.spec.hubspot.appId;
    const { status, json } = await studioApi('POST', '/api/run-locally', { spec });
    expect(status).toBe(422);
    const failed = (json.error.checks as PreflightCheck[]).filter((c) => !c.ok);
    expect(failed.map((c) => c.id)).toEqual(['hubspot-app']);
    expect(failed[0]!.detail).toContain(`${ATTENDEES} already runs on app`);
  });

  it('opens what runs: the spec as it was run', async () => {
    const { status, json } = await studioApi('GET', `/api/local/integrations/${ATTENDEES}/spec`);
    expect(status).toBe(200);
    expect(json.spec.integration.name).toBe(ATTENDEES);
    expect(json.spec.publicBaseUrl).not.toBe(test.sandbox.urls.gateway); // the file's, not the local override
    expect((await studioApi('GET', '/api/local/integrations/nope/spec')).status).toBe(404);
  });

  it("reads the job system's documented fields with no job in it", async () => {
    const { status, json } = await studioApi('GET', '/api/destinations/job-system/schema');
    expect(status).toBe(200);
    expect(Object.keys(json.documented)).toEqual(
      expect.arrayContaining(['reference', 'title', 'status', 'scheduledDate']),
    );
    expect(json.enums.status).toContain('SCHEDULED');
  });
});
