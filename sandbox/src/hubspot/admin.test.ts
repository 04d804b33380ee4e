// The /_admin/ API over HTTP: apps, UI edits that fire CRM_UI webhooks, limits, reset, the delivery log.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_APP, type HubSpotSimulator, startHubSpotSimulator, type WebhookEvent } from './index.ts';

let sim: HubSpotSimulator;
let hookUrl = '';
const received: WebhookEvent[] = [];
const hooks = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => {
    body += c.toString('utf8');
  });
  req.on('end', () => {
    received.push(...(JSON.parse(body) as WebhookEvent[]));
    res.writeHead(204).end();
  });
});

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sim.url}/_admin/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text,
  };
};

beforeAll(async () => {
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`;
  sim = await startHubSpotSimulator({ indexingLagMs: 0, webhooks: { batchWindowMs: 5 } });
});

afterAll(async () => {
  await sim.close();
  hooks.closeAllConnections();
  await new Promise<void>((r) => hooks.close(() => r()));
});

describe('admin API', () => {
  it('starts with the demo app when none is given and lists its routes', async () => {
    const apps = await admin('GET', 'apps');
    expect(apps.json).toEqual({ results: [DEMO_APP] });
    const routes = await admin('GET', '');
    expect(String(routes.json)).toContain('POST   /_admin/records/{type}');
  });

  it('registers an app, subscribes it and fires CRM_UI webhooks for UI edits', async () => {
    const created = await admin('POST', 'apps', { appId: 77, clientSecret: 'cs', accessToken: 'tok-77' });
    expect(created.status).toBe(201);
    const sub = await admin('POST', 'subscriptions', {
      appId: 77,
      eventType: 'deal.propertyChange',
      propertyName: 'dealstage',
      targetUrl: hookUrl,
    });
    expect(sub.status).toBe(201);
    const deal = await admin('POST', 'records/deals?userId=4321', {
      properties: { dealname: 'Big one', dealstage: 'qualifiedtobuy' },
    });
    expect(deal.status).toBe(201);
    const id = String((deal.json as { id: string }).id);
    const moved = await admin('PATCH', `records/deals/${id}?userId=4321`, {
      properties: { dealstage: 'closedwon' },
    });
    expect((moved.json as { properties: Record<string, string> }).properties.dealstage).toBe('closedwon');
    await sim.webhooksIdle();
    expect(
      [...received]
        .sort((x, y) => x.eventId - y.eventId)
        .map((e) => [e.propertyValue, e.changeSource, e.sourceId, e.appId]),
    ).toEqual([
      ['qualifiedtobuy', 'CRM_UI', 'userId:4321', 77],
      ['closedwon', 'CRM_UI', 'userId:4321', 77],
    ]);
    const log = await admin('GET', 'deliveries');
    // One or two requests, depending on whether the PATCH fell in the first batch window.
    const deliveries = (log.json as { results: Array<{ status: number; eventIds: number[] }> }).results;
    expect(deliveries.every((d) => d.status === 204)).toBe(true);
    expect(deliveries.flatMap((d) => d.eventIds)).toHaveLength(2);
  });

  it('sets limits per app and resets state', async () => {
    await admin('PUT', 'limits', { appId: 77, per10Seconds: 1 });
    const call = () =>
      fetch(`${sim.url}/crm/v3/objects/deals`, { headers: { authorization: 'Bearer tok-77' } });
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(429);
    const counters = await admin('GET', 'counters');
    expect(
      (counters.json as { byEndpoint: Record<string, unknown> }).byEndpoint['GET /crm/v3/objects/deals'],
    ).toEqual({ '200': 1, '429': 1 });
    expect((await admin('POST', 'reset')).status).toBe(204);
    expect((await admin('GET', 'records/deals')).json).toEqual({ results: [] });
    expect((await admin('GET', 'counters')).json).toEqual({ byEndpoint: {}, total: 0 });
  });
});
