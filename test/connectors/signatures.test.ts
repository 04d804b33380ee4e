// Each catalog entry's signature recipe against vectors computed outside Kongo (OpenSSL and Python's hmac,
// test/fixtures/webhook-signature-vectors.ts; the Standard Webhooks spec's own vector), and the rejections:
// a wrong signature, a stale timestamp, a missing header. Handshakes answered as the providers require.
import { getConnector } from '@kongo/connectors';
import type { SignatureRecipe, UrlTokenRecipe } from '@kongo/runtime/connector';
import { createRecipeVerifier, type SignedRequest } from '@kongo/runtime/verify';
import { createWebhookHandler } from '@kongo/runtime/webhook';
import { describe, expect, it } from 'vitest';
import {
  JOBBER_VECTOR,
  ZOOM_URL_VALIDATION_VECTOR,
  ZOOM_V0_VECTOR,
} from '../fixtures/webhook-signature-vectors.ts';

const recipe = (id: string): SignatureRecipe | UrlTokenRecipe => {
  const verify = getConnector(id)?.webhooks?.verify;
  if (!verify) throw new Error(`${id} has no webhooks`);
  return verify;
};
const request = (
  body: string,
  headers: Record<string, string>,
  url = 'https://hooks.example.com/webhooks/i/destination',
): SignedRequest => ({
  method: 'POST',
  url,
  body: Buffer.from(body),
  header: (name) => headers[name],
});

describe('Zoom meeting registrants: v0 signatures', () => {
  const at = (seconds: number) =>
    createRecipeVerifier(recipe('zoom-meeting-registrants'), [ZOOM_V0_VECTOR.secret], {
      now: () => seconds * 1000,
    });
  const headers = {
    'x-zm-signature': ZOOM_V0_VECTOR.signature,
    'x-zm-request-timestamp': ZOOM_V0_VECTOR.timestamp,
  };
  const ts = Number(ZOOM_V0_VECTOR.timestamp);

  it('accepts the independent vector', () => {
    expect(at(ts)(request(ZOOM_V0_VECTOR.body, headers))).toEqual({ ok: true, secret: 'current' });
  });
  it('rejects a wrong signature, a stale timestamp and a missing header', () => {
    expect(at(ts)(request(`${ZOOM_V0_VECTOR.body} `, headers))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(at(ts + 301)(request(ZOOM_V0_VECTOR.body, headers))).toEqual({
      ok: false,
      reason: 'stale-timestamp',
    });
    expect(at(ts)(request(ZOOM_V0_VECTOR.body, { 'x-zm-signature': ZOOM_V0_VECTOR.signature }))).toEqual({
      ok: false,
      reason: 'missing-timestamp',
    });
    expect(
      at(ts)(request(ZOOM_V0_VECTOR.body, { 'x-zm-request-timestamp': ZOOM_V0_VECTOR.timestamp })),
    ).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
  });
});

describe('Jobber clients: base64 HMAC of the body', () => {
  const verify = createRecipeVerifier(recipe('jobber-clients'), [JOBBER_VECTOR.secret]);
  it('accepts the independent vector', () => {
    expect(verify(request(JOBBER_VECTOR.body, { 'x-jobber-hmac-sha256': JOBBER_VECTOR.signature })).ok).toBe(
      true,
    );
  });
  it('rejects a wrong signature and a missing header (Jobber sends no timestamp)', () => {
    expect(
      verify(request(`${JOBBER_VECTOR.body} `, { 'x-jobber-hmac-sha256': JOBBER_VECTOR.signature })),
    ).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verify(request(JOBBER_VECTOR.body, {}))).toEqual({ ok: false, reason: 'missing-signature' });
  });
});

describe('ServiceM8 jobs: unsigned, a secret URL token', () => {
  const verify = createRecipeVerifier(recipe('servicem8-jobs'), ['sm8-callback-token-0123456789']);
  it('accepts the token and rejects a wrong or missing one', () => {
    const url = 'https://hooks.example.com/webhooks/i/destination?token=';
    expect(verify(request('object=job', {}, `${url}sm8-callback-token-0123456789`)).ok).toBe(true);
    expect(verify(request('object=job', {}, `${url}sm8-callback-token-0123456788`))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(verify(request('object=job', {}, 'https://hooks.example.com/webhooks/i/destination'))).toEqual({
      ok: false,
      reason: 'missing-signature',
    });
  });
});

describe('Webex Events attendees', () => {
  it('is poll-only: the connector describes no webhooks', () => {
    expect(getConnector('webex-events-attendees')?.webhooks).toBeUndefined();
  });
});

describe('handshakes at the webhook edge', () => {
  const base = {
    client: { slug: 'acme', name: 'Acme' },
    integration: { name: 'acme-zoom', region: 'ap-southeast-2' },
    publicBaseUrl: 'https://hooks.example.com',
    hubspot: {
      objectType: 'contacts',
      appId: 1,
      signature: 'v3',
      secretParameter: '/acme/h',
      accessTokenParameter: '/acme/t',
    },
  };
  const queue = { send: async () => ({ messageId: 'm' }) } as never;
  const deadLetters = { put: async () => ({ id: 'd' }) } as never;

  it('answers Zoom URL validation with the HMAC of the plain token (vector computed outside Kongo)', async () => {
    const connector = getConnector('zoom-meeting-registrants');
    const body = JSON.stringify({
      payload: { plainToken: ZOOM_URL_VALIDATION_VECTOR.plainToken },
      event_ts: 1700000000000,
      event: 'endpoint.url_validation',
    });
    const { createHmac } = await import('node:crypto');
    const ts = '1700000000';
    const signature = `v0=${createHmac('sha256', ZOOM_URL_VALIDATION_VECTOR.secret).update(`v0:${ts}:${body}`).digest('hex')}`;
    const handler = createWebhookHandler({
      spec: {
        ...base,
        destination: { webhooks: { scheme: 'connector', secretParameter: '/acme/zoom' } },
      } as never,
      source: 'destination',
      ...(connector ? { connector } : {}),
      secrets: {
        get: async (name: string) => (name === '/acme/zoom' ? ZOOM_URL_VALIDATION_VECTOR.secret : undefined),
      },
      queue,
      deadLetters,
      clock: { now: () => 1_700_000_000_000 },
    });
    const response = await handler(
      new Request('https://hooks.example.com/webhooks/acme-zoom/destination', {
        method: 'POST',
        headers: {
          'x-zm-signature': signature,
          'x-zm-request-timestamp': ts,
          'content-type': 'application/json',
        },
        body,
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      plainToken: ZOOM_URL_VALIDATION_VECTOR.plainToken,
      encryptedToken: ZOOM_URL_VALIDATION_VECTOR.encryptedToken,
    });
    const unsigned = await handler(
      new Request('https://hooks.example.com/webhooks/acme-zoom/destination', { method: 'POST', body }),
    );
    expect(unsigned.status).toBe(401);
  });

  it('echoes the ServiceM8 subscription challenge as plain text, only with the URL token', async () => {
    const connector = getConnector('servicem8-jobs');
    const handler = createWebhookHandler({
      spec: {
        ...base,
        destination: { webhooks: { scheme: 'connector', secretParameter: '/acme/sm8' } },
      } as never,
      source: 'destination',
      ...(connector ? { connector } : {}),
      secrets: {
        get: async (name: string) => (name === '/acme/sm8' ? 'sm8-callback-token-0123456789' : undefined),
      },
      queue,
      deadLetters,
    });
    const url = 'https://hooks.example.com/webhooks/acme-zoom/destination';
    const body = 'mode=subscribe&challenge=abc123';
    const headers = { 'content-type': 'application/x-www-form-urlencoded' };
    const ok = await handler(
      new Request(`${url}?token=sm8-callback-token-0123456789`, { method: 'POST', headers, body }),
    );
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('abc123');
    expect((await handler(new Request(url, { method: 'POST', headers, body }))).status).toBe(401);
  });
});
