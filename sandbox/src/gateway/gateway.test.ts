import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from './index.ts';
import { TokenBucket } from './token-bucket.ts';

describe('local gateway', () => {
  let gateway: Gateway;
  const seen: unknown[] = [];

  beforeAll(async () => {
    gateway = await startGateway({ throttle: { rateLimit: 100, burstLimit: 50 } });
    gateway.setRoutes('demo', [
      {
        name: 'demo-hubspot',
        method: 'POST',
        path: '/webhooks/demo/hubspot',
        handler: async (event) => {
          seen.push(event);
          return { statusCode: 200, headers: { 'x-echo': event.rawQueryString }, body: event.body ?? '' };
        },
      },
    ]);
  });
  afterAll(() => gateway.close());

  it('hands the handler an HTTP API v2 event with the raw path, query, headers and body', async () => {
    const res = await fetch(`${gateway.url}/webhooks/demo/hubspot?a=1&b=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-HubSpot-Signature-v3': 'abc=' },
      body: '[{"eventId":1}]',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('[{"eventId":1}]');
    expect(res.headers.get('x-echo')).toBe('a=1&b=2');
    const event = seen.at(-1) as Record<string, unknown> & { headers: Record<string, string> };
    expect(event.version).toBe('2.0');
    expect(event.rawPath).toBe('/webhooks/demo/hubspot');
    expect(event.headers['x-hubspot-signature-v3']).toBe('abc=');
    expect(event.isBase64Encoded).toBe(false);
  });

  it('passes a body that is not valid UTF-8 byte for byte (base64), whatever its content type says', async () => {
    const bytes = Buffer.from([0x5b, 0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x5d]);
    const res = await fetch(`${gateway.url}/webhooks/demo/hubspot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: bytes,
    });
    expect(res.status).toBe(200);
    const event = seen.at(-1) as { body: string; isBase64Encoded: boolean };
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body, 'base64').equals(bytes)).toBe(true);
  });

  it('answers 404 for an unknown path and for the wrong method', async () => {
    expect((await fetch(`${gateway.url}/nope`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${gateway.url}/webhooks/demo/hubspot`)).status).toBe(404);
  });

  it('replaces routes on reload without a restart', async () => {
    gateway.setRoutes('demo', [
      {
        name: 'demo-hubspot-v2',
        method: 'POST',
        path: '/webhooks/demo/hubspot',
        handler: async () => ({ statusCode: 202, body: 'reloaded' }),
      },
    ]);
    const res = await fetch(`${gateway.url}/webhooks/demo/hubspot`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(202);
    expect(gateway.routes()).toEqual([
      { group: 'demo', method: 'POST', path: '/webhooks/demo/hubspot', name: 'demo-hubspot-v2' },
    ]);
  });
});

describe('token bucket (the stage throttle)', () => {
  it('allows the burst, then the steady rate, and throttles beyond it', () => {
    let now = 0;
    const bucket = new TokenBucket(100, 50, () => now);
    let allowed = 0;
    for (let i = 0; i < 60; i++) if (bucket.take()) allowed++;
    expect(allowed).toBe(50);
    now += 100; // 0.1 s refills 10 tokens
    allowed = 0;
    for (let i = 0; i < 20; i++) if (bucket.take()) allowed++;
    expect(allowed).toBe(10);
  });
});
