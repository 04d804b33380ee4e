/**
 * "Run locally" from the studio: the consultant's current spec is generated and loaded into the
 * running gateway without a restart, and the next change in a simulator follows the new mapping.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StudioServer, startStudio } from '@kongo/studio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    hubspotBaseUrl: test.sandbox.urls.hubspot,
    sessionToken: 'run-locally-session',
    distDir: '/nonexistent',
    runLocally: (specText) => test.sandbox.runLocally(specText),
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
      body: JSON.stringify({ spec }),
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
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/^Could not run the spec locally: /);
    expect(test.sandbox.integrations.get(ATTENDEES)?.generation).toBe(2);
  });
});
