// Bad requests at the local HubSpot webhook endpoint (through the gateway, as HubSpot would call it)
// get the right status and leave the server serving: a valid request afterwards is accepted and lands.
// Requests are signed with the HubSpot simulator's own signing code, not the runtime's verifier.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signV1, signV2, signV3, v3SigningUri } from '../../sandbox/src/hubspot/index.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../sandbox/src/sim-kit/webhook-receiver.ts';
import type { LoadedIntegration } from '../../sandbox/src/start/sandbox.ts';
import starter from '../../templates/starters/contacts-events.integration-spec.json' with { type: 'json' };
import {
  ATTENDEES,
  type Attendee,
  eventsMutations,
  getJson,
  type HubSpotRecord,
  type SimCounters,
  sendJson,
  settle,
  startTestSandbox,
  type TestSandbox,
  until,
} from './harness.ts';

const FIVE_MINUTES = 5 * 60 * 1000;
/** The runtime's webhook body cap (runtime/src/webhook/handler.ts DEFAULT_MAX_BODY_BYTES). */
const MAX_BODY_BYTES = 256 * 1024;

let running: TestSandbox;
let integration: LoadedIntegration;
let elsewhere: WebhookReceiver;
let secret = '';
let url = '';

interface Sent {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function post(body: string, headers: Record<string, string>, method = 'POST'): Promise<Sent> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body }),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text };
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** v3 headers as HubSpot sends them, with knobs for each way of getting them wrong. */
function v3Headers(
  body: string,
  options: { timestampMs?: number; secret?: string; signedUrl?: string; method?: string } = {},
): Record<string, string> {
  const timestampMs = options.timestampMs ?? Date.now();
  return {
    'x-hubspot-signature-v3': signV3(
      options.secret ?? secret,
      options.method ?? 'POST',
      v3SigningUri(options.signedUrl ?? url),
      body,
      timestampMs,
    ),
    'x-hubspot-request-timestamp': String(timestampMs),
  };
}

let nextEventId = 9_000_000;
function creationEvent(objectId: string): string {
  return JSON.stringify([
    {
      eventId: nextEventId++,
      subscriptionId: 1,
      portalId: 62515,
      appId: starter.hubspot.appId,
      occurredAt: Date.now(),
      subscriptionType: 'contact.creation',
      attemptNumber: 0,
      objectId: Number(objectId),
      changeFlag: 'NEW',
      changeSource: 'CRM_UI',
      sourceId: 'userId:9012345',
    },
  ]);
}

const unauthorisedCount = () => integration.runtime.logger.snapshot().counters['verify.unauthorised'] ?? 0;

beforeAll(async () => {
  running = await startTestSandbox();
  const found = running.sandbox.integrations.get(ATTENDEES);
  if (!found) throw new Error(`${ATTENDEES} is not loaded`);
  integration = found;
  url = integration.hubspotWebhookUrl;
  const secrets = JSON.parse(readFileSync(join(running.stateDir, 'secrets.json'), 'utf8')) as Record<
    string,
    string
  >;
  secret = secrets[integration.spec.hubspot.secretParameter] ?? '';
  expect(secret).not.toBe('');
  // The simulator's own deliveries go elsewhere, so only the requests this file makes reach the endpoint.
  elsewhere = await startWebhookReceiver();
  running.sandbox.hubspot.setWebhookTarget(integration.spec.hubspot.appId, elsewhere.url);
});

afterAll(async () => {
  await running?.close();
  await elsewhere?.close();
});

describe('the local HubSpot webhook endpoint', () => {
  const body = creationEvent('1001');

  it.each([
    ['a signature over a different body', () => ({ body, headers: v3Headers('[]') })],
    [
      'a signature that is not base64 HMAC',
      () => ({ body, headers: { ...v3Headers(body), 'x-hubspot-signature-v3': 'not-a-signature' } }),
    ],
    [
      'a signature made with another secret',
      () => ({ body, headers: v3Headers(body, { secret: 'someone-elses-secret' }) }),
    ],
    [
      'a signature over another URL',
      () => ({
        body,
        headers: v3Headers(body, {
          signedUrl: 'https://hooks.velflex.example.com/webhooks/velflex-attendees/hubspot',
        }),
      }),
    ],
    ['a signature for another method', () => ({ body, headers: v3Headers(body, { method: 'PUT' }) })],
    [
      'a stale timestamp (6 minutes old), correctly signed',
      () => ({ body, headers: v3Headers(body, { timestampMs: Date.now() - FIVE_MINUTES - 60_000 }) }),
    ],
    [
      'a future timestamp (6 minutes ahead), correctly signed',
      () => ({ body, headers: v3Headers(body, { timestampMs: Date.now() + FIVE_MINUTES + 60_000 }) }),
    ],
    [
      'a timestamp in seconds instead of ms, correctly signed',
      () => {
        const seconds = Math.floor(Date.now() / 1000);
        return { body, headers: v3Headers(body, { timestampMs: seconds }) };
      },
    ],
    [
      'a timestamp that is not a number',
      () => ({ body, headers: { ...v3Headers(body), 'x-hubspot-request-timestamp': 'yesterday' } }),
    ],
    ['no signature at all', () => ({ body, headers: {} })],
    [
      'a signature without its timestamp',
      () => {
        const { 'x-hubspot-signature-v3': signature = '' } = v3Headers(body);
        return { body, headers: { 'x-hubspot-signature-v3': signature } };
      },
    ],
    [
      'a valid v1 signature instead of v3 (downgrade)',
      () => ({
        body,
        headers: { 'x-hubspot-signature': signV1(secret, body), 'x-hubspot-signature-version': 'v1' },
      }),
    ],
    [
      'a valid v2 signature instead of v3 (downgrade)',
      () => ({
        body,
        headers: {
          'x-hubspot-signature': signV2(secret, 'POST', url, body),
          'x-hubspot-signature-version': 'v2',
        },
      }),
    ],
    [
      'a valid v1 signature next to a bad v3 one',
      () => ({
        body,
        headers: {
          ...v3Headers('[]'),
          'x-hubspot-signature': signV1(secret, body),
          'x-hubspot-signature-version': 'v1',
        },
      }),
    ],
    ['a malformed body without a signature', () => ({ body: '{"not": "an array"', headers: {} })],
    [
      'a malformed body with a bad signature',
      () => ({ body: 'not json', headers: v3Headers('something else') }),
    ],
  ])('answers 401 to %s, storing nothing', async (_name, make) => {
    const before = unauthorisedCount();
    const request = make();
    const answer = await post(request.body, request.headers);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: 'unauthorized' });
    expect(unauthorisedCount()).toBe(before + 1);
    const depth = await integration.runtime.queue.depth();
    expect(depth.visible + depth.inFlight).toBe(0);
  });

  it.each([
    ['text that is not JSON', 'this is not json', 'malformed-body'],
    ['a JSON object instead of an array of events', '{"eventId":1}', 'malformed-body'],
    ['an array of numbers instead of events', '[1,2,3]', 'malformed-body'],
    ['truncated JSON', body.slice(0, 40), 'malformed-body'],
  ])(
    'accepts %s when correctly signed, and quarantines it in the dead-letter queue',
    async (_name, malformed, reason) => {
      const before = (await integration.runtime.deadLetters.list({ integration: ATTENDEES })).length;
      const answer = await post(malformed, v3Headers(malformed));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ ok: true, quarantined: true });
      const letters = await integration.runtime.deadLetters.list({ integration: ATTENDEES });
      expect(letters).toHaveLength(before + 1);
      expect(letters.find((l) => l.envelope.traceId === answer.body.traceId)).toMatchObject({
        reason,
        kind: 'hubspot-webhook',
      });
    },
  );

  it('answers 413 to a body over 256 KiB, signed or not', async () => {
    const huge = `[${' '.repeat(MAX_BODY_BYTES)}]`;
    expect((await post(huge, v3Headers(huge))).status).toBe(413);
    expect((await post(huge, {})).status).toBe(413);
    const exactlyAtCap = `[${' '.repeat(MAX_BODY_BYTES - 2)}]`;
    expect((await post(exactlyAtCap, v3Headers(exactlyAtCap))).status).not.toBe(413);
  });

  it('answers a wrong method as deployed: 404 from the gateway (POST-only route), 405 from the handler', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const answer = await post(body, v3Headers(body, { method }), method);
      expect(answer.status, method).toBe(404);
      expect(answer.body).toEqual({ message: 'Not Found' });
    }
    // Behind API Gateway the handler never sees another method; called directly it refuses with 405.
    const direct = await integration.runtime.hubspotWebhook(new Request(url, { method: 'GET' }));
    expect(direct.status).toBe(405);
    expect(direct.headers.get('allow')).toBe('POST');
  });

  it('keeps serving through a burst of bad requests, then accepts a valid one, which lands', async () => {
    const huge = `[${'x'.repeat(MAX_BODY_BYTES + 10)}]`;
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        if (i % 3 === 0) return post(body, v3Headers(body, { secret: 'wrong' }));
        if (i % 3 === 1) return post(huge, {});
        return post('{', v3Headers('{'));
      }),
    );
    expect(burst.map((a) => a.status).sort()).toEqual([
      ...Array(10).fill(200),
      ...Array(10).fill(401),
      ...Array(10).fill(413),
    ]);

    const sim = running.sandbox.hubspot;
    const email = 'grace.hopper@example.com';
    const contact = await sendJson<HubSpotRecord>('POST', `${sim.url}/_admin/records/contacts`, {
      properties: { email, firstname: 'Grace', lastname: 'Hopper' },
    });
    const valid = creationEvent(contact.id);
    const answer = await post(valid, v3Headers(valid));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true });
    expect(answer.body.quarantined).toBeUndefined();
    expect(answer.headers.get('x-kongo-trace-id')).toBe(answer.body.traceId);

    const attendee = await until('the valid change to land', async () => {
      const found = await getJson<{ data: Attendee[] }>(
        `${running.sandbox.urls.events}/_admin/records?email=${email}`,
      );
      return found.data[0];
    });
    expect(attendee).toMatchObject({ firstName: 'Grace', lastName: 'Hopper' });

    // The same signed request again (inside the window) is accepted and deduplicated by the worker.
    expect((await post(valid, v3Headers(valid))).status).toBe(200);
    await settle(running.sandbox);
    const counters = await getJson<SimCounters>(`${running.sandbox.urls.events}/_admin/counters`);
    expect(eventsMutations(counters, 'createAttendee')).toBe(1);
    expect(eventsMutations(counters)).toBe(1);
    // The simulator's own webhooks went elsewhere all along, so everything above came from this file.
    expect(elsewhere.received.length).toBeGreaterThan(0);
  });
});
