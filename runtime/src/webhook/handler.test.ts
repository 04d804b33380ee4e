import { createHash, createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiGatewayV2Handler, toApiGatewayV2Event } from '../http/api-gateway.ts';
import { IntegrationLogger, memoryLogSink } from '../monitor/logger.ts';
import { DynamoDeadLetterQueue } from '../queue/dynamo-dead-letters.ts';
import { DynamoWorkQueue } from '../queue/dynamo-queue.ts';
import { type LocalDynamo, startLocalDynamo } from '../queue/local-dynamo.ts';
import { createKongoTable } from '../queue/table.ts';
import type { SecretSource } from '../secrets/types.ts';
import type { IntegrationSpec } from '../spec/types.ts';
import { createWebhookHandler, type SecurityEvent, type WebhookHandlerOptions } from './handler.ts';

const NOW = 1_700_000_000_000;
const HUBSPOT_SECRET = 'hubspot-client-secret-value';
const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const PUBLIC = 'https://hooks.acme.example/prod';
const HOOK_URL = `${PUBLIC}/webhooks/acme-attendees/hubspot`;
const EVENTS = JSON.stringify([
  {
    eventId: 1,
    subscriptionType: 'contact.propertyChange',
    objectId: 51,
    occurredAt: NOW - 1_000,
    propertyName: 'email',
  },
]);

type SpecSlice = WebhookHandlerOptions['spec'];
const spec = {
  integration: { name: 'acme-attendees', region: 'eu-west-1' },
  publicBaseUrl: `${PUBLIC}/`,
  hubspot: {
    objectType: 'contacts',
    appId: 54321,
    signature: 'v3',
    secretParameter: '/acme/hubspot-client-secret',
    accessTokenParameter: '/acme/hubspot-token',
    rateLimit: { per10Seconds: 100, daily: 250_000, reservePercent: 20 },
    syncIdProperty: 'kongo_sync_id',
  },
  destination: {
    name: 'Events',
    api: 'graphql',
    baseUrl: 'https://events.example',
    auth: { type: 'bearer', tokenParameter: '/acme/events-token' },
    objectType: 'Attendee',
    idField: 'id',
    updatedAtField: 'updatedAt',
    naturalKey: { hubspotProperty: 'email', destinationField: 'email' },
    idempotency: 'idempotency-key-header',
    webhooks: { scheme: 'standard-webhooks', secretParameter: '/acme/events-webhook-secret' },
  },
} satisfies Pick<IntegrationSpec, 'integration' | 'publicBaseUrl' | 'hubspot' | 'destination'>;

let local: LocalDynamo;
let tables = 0;
let queue: DynamoWorkQueue;
let deadLetters: DynamoDeadLetterQueue;
let secretValues: Record<string, string>;
let securityEvents: SecurityEvent[];
const clock = { now: () => NOW };
const secrets: SecretSource = { get: async (name) => secretValues[name] };

beforeAll(async () => {
  local = await startLocalDynamo();
});
afterAll(async () => {
  await local.close();
});
beforeEach(async () => {
  const tableName = `hooks-${++tables}`;
  await createKongoTable(local.client, tableName);
  queue = new DynamoWorkQueue({ client: local.client, tableName, queueName: 'acme-attendees', clock });
  deadLetters = new DynamoDeadLetterQueue({ client: local.client, tableName, clock });
  secretValues = {
    '/acme/hubspot-client-secret': HUBSPOT_SECRET,
    '/acme/events-webhook-secret': WHSEC,
  };
  securityEvents = [];
});

function handler(
  source: 'hubspot' | 'destination' = 'hubspot',
  overrides: Partial<WebhookHandlerOptions> = {},
) {
  return createWebhookHandler({
    spec: spec as SpecSlice,
    source,
    secrets,
    queue,
    deadLetters,
    clock,
    maxBodyBytes: 4_096,
    onSecurityEvent: (event) => securityEvents.push(event),
    ...overrides,
  });
}

function v3(
  body: string,
  options: { secret?: string; timestamp?: number; url?: string } = {},
): Record<string, string> {
  const timestamp = options.timestamp ?? NOW;
  const signature = createHmac('sha256', options.secret ?? HUBSPOT_SECRET)
    .update(`POST${options.url ?? HOOK_URL}${body}${timestamp}`)
    .digest('base64');
  return {
    'content-type': 'application/json',
    'x-hubspot-signature-v3': signature,
    'x-hubspot-request-timestamp': String(timestamp),
  };
}

/** The request as it reaches the handler: on an internal host, not the public URL HubSpot signed. */
function hubspotRequest(
  body: string | Buffer<ArrayBuffer>,
  headers: Record<string, string>,
  query = '',
): Request {
  return new Request(`http://127.0.0.1:3000/webhooks/acme-attendees/hubspot${query}`, {
    method: 'POST',
    headers,
    body,
  });
}

async function stored(): Promise<{ queued: number; deadLetters: number }> {
  const depth = await queue.depth();
  return { queued: depth.visible + depth.inFlight, deadLetters: (await deadLetters.list()).length };
}

describe('HubSpot webhooks (spec says v3)', () => {
  it('enqueues a valid request with only the non-secret headers and answers 200 with a trace id', async () => {
    const response = await handler()(hubspotRequest(EVENTS, v3(EVENTS)));
    expect(response.status).toBe(200);
    const traceId = response.headers.get('x-kongo-trace-id');
    expect(await response.json()).toEqual({ ok: true, traceId });
    const [message] = await queue.receive({ max: 10, visibilityTimeoutMs: 1_000 });
    expect(message?.envelope).toEqual({
      v: 1,
      kind: 'hubspot-webhook',
      integration: 'acme-attendees',
      traceId,
      receivedAt: NOW,
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': String(NOW),
        'x-kongo-verify-ms': expect.stringMatching(/^\d+(\.\d+)?$/),
      },
      body: EVENTS,
    });
    expect(securityEvents).toEqual([]);
  });

  it('verifies against publicBaseUrl + path + the query as HubSpot called it', async () => {
    const query = '?portal=62515&from=a%40b.com';
    const signedUrl = `${HOOK_URL}?portal=62515&from=a@b.com`; // after HubSpot's URI decoding
    const response = await handler()(hubspotRequest(EVENTS, v3(EVENTS, { url: signedUrl }), query));
    expect(response.status).toBe(200);
  });

  const rejected: Array<[string, () => Record<string, string>, string]> = [
    ['a bad signature', () => v3(EVENTS, { secret: 'not-the-secret' }), 'bad-signature'],
    ['a stale timestamp', () => v3(EVENTS, { timestamp: NOW - 300_001 }), 'stale-timestamp'],
    ['a future timestamp', () => v3(EVENTS, { timestamp: NOW + 300_001 }), 'future-timestamp'],
    [
      'a missing signature',
      () => ({ 'content-type': 'application/json', 'x-hubspot-request-timestamp': String(NOW) }),
      'missing-signature',
    ],
    [
      'a v1 downgrade (valid v1 signature, no v3 header)',
      () => ({
        'x-hubspot-signature': createHash('sha256')
          .update(HUBSPOT_SECRET + EVENTS)
          .digest('hex'),
        'x-hubspot-signature-version': 'v1',
      }),
      'missing-signature',
    ],
    [
      'a signature over a different URL',
      () => v3(EVENTS, { url: 'https://evil.example/webhooks/acme-attendees/hubspot' }),
      'bad-signature',
    ],
  ];
  for (const [what, headers, reason] of rejected) {
    it(`answers 401 to ${what}, stores nothing and counts a security event`, async () => {
      const response = await handler()(hubspotRequest(EVENTS, headers()));
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'unauthorized' });
      expect(await stored()).toEqual({ queued: 0, deadLetters: 0 });
      expect(securityEvents).toEqual([{ integration: 'acme-attendees', source: 'hubspot', reason, at: NOW }]);
    });
  }

  it('answers 401 without parsing an unsigned malformed body (nothing quarantined)', async () => {
    const response = await handler()(hubspotRequest('{not json', v3('{not json', { secret: 'wrong' })));
    expect(response.status).toBe(401);
    expect(await stored()).toEqual({ queued: 0, deadLetters: 0 });
  });

  it('logs through the integration logger with its structured fields kept', async () => {
    const memory = memoryLogSink();
    const logger = new IntegrationLogger({ integrationId: 'acme-attendees', sink: memory.sink });
    const body = '[{"objectId":1}]';
    const res = await handler('hubspot', { logger })(hubspotRequest(body, v3(body, { secret: 'wrong' })));
    expect(res.status).toBe(401);
    expect(memory.entries()).toContainEqual(
      expect.objectContaining({
        msg: 'webhook signature rejected',
        reason: 'bad-signature',
        integrationId: 'acme-attendees',
        system: 'hubspot',
      }),
    );
    expect(memory.entries().some((e) => 'withheld' in e)).toBe(false);
    expect(logger.snapshot().counters).toEqual({ 'verify.unauthorised': 1 });
  });

  it('quarantines a correctly signed body that is not UTF-8 (200, never 401)', async () => {
    const bytes = Buffer.from([0x5b, 0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x5d]);
    const timestamp = NOW;
    const signature = createHmac('sha256', HUBSPOT_SECRET)
      .update(`POST${HOOK_URL}`)
      .update(bytes)
      .update(String(timestamp))
      .digest('base64');
    const res = await handler()(
      hubspotRequest(bytes, {
        'content-type': 'application/json',
        'x-hubspot-signature-v3': signature,
        'x-hubspot-request-timestamp': String(timestamp),
      }),
    );
    expect(res.status).toBe(200);
    expect(await stored()).toEqual({ queued: 0, deadLetters: 1 });
  });

  it('answers 413 over the size cap and stores nothing', async () => {
    const big = JSON.stringify([{ eventId: 1, pad: 'x'.repeat(5_000) }]);
    const response = await handler()(hubspotRequest(big, v3(big)));
    expect(response.status).toBe(413);
    expect(await stored()).toEqual({ queued: 0, deadLetters: 0 });
  });

  it('quarantines a correctly signed but malformed body and answers 200', async () => {
    for (const body of ['{"eventId": 1', '{"eventId":1}', '[1,2]']) {
      const response = await handler()(hubspotRequest(body, v3(body)));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ ok: true, quarantined: true });
    }
    const letters = await deadLetters.list();
    expect(letters.map((l) => [l.reason, l.kind, l.envelope.body])).toEqual([
      ['malformed-body', 'hubspot-webhook', '{"eventId": 1'],
      ['malformed-body', 'hubspot-webhook', '{"eventId":1}'],
      ['malformed-body', 'hubspot-webhook', '[1,2]'],
    ]);
    expect((await queue.depth()).visible).toBe(0);
  });

  it('keeps the exact bytes of a signed body that is not UTF-8, base64-encoded, in quarantine', async () => {
    const bytes = Buffer.from([0x5b, 0xff, 0x5d]);
    const signature = createHmac('sha256', HUBSPOT_SECRET)
      .update(`POST${HOOK_URL}`)
      .update(bytes)
      .update(String(NOW))
      .digest('base64');
    const headers = { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(NOW) };
    expect((await handler()(hubspotRequest(bytes, headers))).status).toBe(200);
    const [letter] = await deadLetters.list();
    expect(letter?.envelope.headers['x-kongo-body-encoding']).toBe('base64');
    expect(Buffer.from(letter?.envelope.body ?? '', 'base64')).toEqual(bytes);
  });

  it('accepts the previous secret during a rotation', async () => {
    secretValues['/acme/hubspot-client-secret'] = 'the-new-secret';
    secretValues['/acme/hubspot-client-secret-previous'] = HUBSPOT_SECRET;
    const h = handler();
    expect((await h(hubspotRequest(EVENTS, v3(EVENTS)))).status).toBe(200);
    expect((await h(hubspotRequest(EVENTS, v3(EVENTS, { secret: 'the-new-secret' })))).status).toBe(200);
    delete secretValues['/acme/hubspot-client-secret-previous'];
    expect((await h(hubspotRequest(EVENTS, v3(EVENTS)))).status).toBe(401);
    expect((await queue.depth()).visible).toBe(2);
  });

  it('accepts a replay of a valid request inside the window again: the worker dedupes by event identity', async () => {
    const headers = v3(EVENTS);
    const h = handler();
    expect((await h(hubspotRequest(EVENTS, headers))).status).toBe(200);
    expect((await h(hubspotRequest(EVENTS, headers))).status).toBe(200);
    const bodies = (await queue.receive({ max: 10, visibilityTimeoutMs: 1_000 })).map((m) => m.envelope.body);
    expect(bodies).toEqual([EVENTS, EVENTS]);
  });

  it('enqueues every one of many concurrent requests, each with its own trace id', async () => {
    const h = handler();
    const responses = await Promise.all(
      Array.from({ length: 40 }, () => h(hubspotRequest(EVENTS, v3(EVENTS)))),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(new Set(responses.map((r) => r.headers.get('x-kongo-trace-id'))).size).toBe(40);
    expect((await queue.depth()).visible).toBe(40);
  });

  it('works behind the API Gateway v2 adapter, as in Lambda', async () => {
    const lambda = apiGatewayV2Handler(handler());
    const event = await toApiGatewayV2Event(
      new Request('https://abc123.execute-api.eu-west-1.amazonaws.com/webhooks/acme-attendees/hubspot', {
        method: 'POST',
        headers: v3(EVENTS),
        body: EVENTS,
      }),
    );
    const result = await lambda(event);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body ?? '')).toMatchObject({ ok: true });
    expect((await queue.receive({ max: 1, visibilityTimeoutMs: 1_000 }))[0]?.envelope.body).toBe(EVENTS);
    expect(
      (await lambda({ ...event, headers: { ...event.headers, 'x-hubspot-signature-v3': 'x' } })).statusCode,
    ).toBe(401);
  });

  it('answers 405 to anything but POST', async () => {
    const response = await handler()(new Request(HOOK_URL, { method: 'GET' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers 503 (so the sender retries) when the queue write fails', async () => {
    const broken = new DynamoWorkQueue({
      client: local.client,
      tableName: 'no-such-table',
      queueName: 'x',
      clock,
    });
    const response = await handler('hubspot', { queue: broken })(hubspotRequest(EVENTS, v3(EVENTS)));
    expect(response.status).toBe(503);
  });

  it('answers 503, not 401, when no signing secret is configured', async () => {
    secretValues = {};
    const response = await handler()(hubspotRequest(EVENTS, v3(EVENTS)));
    expect(response.status).toBe(503);
    expect(securityEvents).toEqual([]);
  });
});

describe('destination webhooks', () => {
  const attendee = JSON.stringify({
    type: 'attendee.updated',
    timestamp: new Date(NOW).toISOString(),
    data: { id: 'a1' },
  });
  const destUrl = 'http://127.0.0.1:3000/webhooks/acme-attendees/destination';

  it('enqueues a valid Standard Webhooks request with its webhook-id', async () => {
    const signature = new Webhook(WHSEC).sign('msg_1', new Date(NOW), attendee);
    const headers = {
      'webhook-id': 'msg_1',
      'webhook-timestamp': String(NOW / 1000),
      'webhook-signature': signature,
    };
    const response = await handler('destination')(
      new Request(destUrl, { method: 'POST', headers, body: attendee }),
    );
    expect(response.status).toBe(200);
    const [message] = await queue.receive({ max: 1, visibilityTimeoutMs: 1_000 });
    expect(message?.envelope).toMatchObject({
      kind: 'destination-webhook',
      body: attendee,
      headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': String(NOW / 1000) },
    });
  });

  it('verifies an HMAC hex header when the spec names one', async () => {
    const jobSpec = {
      ...spec,
      destination: {
        ...spec.destination,
        webhooks: { scheme: 'hmac-sha256-hex', header: 'X-Jobs-Signature', secretParameter: '/acme/jobs' },
      },
    } as SpecSlice;
    secretValues['/acme/jobs'] = 'jobs-secret';
    const job = JSON.stringify({ id: 'evt_1', type: 'job.updated', data: { id: 'j1' } });
    const good = createHmac('sha256', 'jobs-secret').update(job).digest('hex');
    const h = handler('destination', { spec: jobSpec });
    expect(
      (await h(new Request(destUrl, { method: 'POST', headers: { 'x-jobs-signature': good }, body: job })))
        .status,
    ).toBe(200);
    expect(
      (
        await h(
          new Request(destUrl, { method: 'POST', headers: { 'x-jobs-signature': good }, body: `${job} ` }),
        )
      ).status,
    ).toBe(401);
  });

  it('answers 404 when the destination sends no webhooks (poll only)', async () => {
    const { webhooks: _none, ...pollOnly } = spec.destination;
    const response = await handler('destination', { spec: { ...spec, destination: pollOnly } as SpecSlice })(
      new Request(destUrl, { method: 'POST', body: attendee }),
    );
    expect(response.status).toBe(404);
  });
});
