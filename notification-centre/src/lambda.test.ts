import { createRequire } from 'node:module';
import type { Server } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationCentre } from './centre.ts';
import { detectDown, handler, LAMBDA_ENV, requestFromEvent, resultFromResponse } from './lambda.ts';
import { sampleState } from './store/contract.ts';
import { DynamoNcStore, ensureNcTable } from './store/dynamodb.ts';

// dynalite ships no types; the loaded function is typed here rather than with an ambient declaration.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: {
  createTableMs?: number;
}) => Server;

function event(
  method: string,
  rawPath: string,
  body?: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyEventV2 {
  const e = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { host: 'nc.example.com', 'content-type': 'application/json', ...headers },
    requestContext: {
      accountId: '1',
      apiId: 'api',
      domainName: 'nc.example.com',
      domainPrefix: 'nc',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
  if (body !== undefined) e.body = JSON.stringify(body);
  return e;
}

let server: Server;
let raw: DynamoDBClient;
const KEY = 'lambda-key-0123456789abcdef';

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'ap-southeast-2',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    [LAMBDA_ENV.tableName]: 'kongo-nc',
  });
  raw = new DynamoDBClient({
    endpoint,
    region: 'ap-southeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureNcTable(raw, 'kongo-nc');
  const store = new DynamoNcStore({ client: DynamoDBDocumentClient.from(raw), tableName: 'kongo-nc' });
  const centre = new NotificationCentre({ store, logSink: () => {} });
  await centre.applyConfig({
    clients: [{ slug: 'velflex', name: 'Velflex' }],
    integrations: [
      { id: 'velflex-attendees', clientSlug: 'velflex', name: 'Velflex Integration', key: KEY },
      { id: 'velflex-old', clientSlug: 'velflex', name: 'Velflex Old', key: KEY },
    ],
  });
  await store.putState(sampleState('velflex-old', { lastHeartbeatAt: Date.now() - 10 * 60_000 }), null);
});

afterAll(async () => {
  raw.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('Lambda entry points', () => {
  it('serves heartbeats and the API through an API Gateway v2 event, on DynamoDB', async () => {
    const beat = {
      v: 1,
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      sentAt: Date.now(),
      intervalSeconds: 60,
      counters: { 'deliver.delivered': 2 },
    };
    const bad = await handler(
      event('POST', '/api/heartbeats', beat, { authorization: 'Bearer nope-nope-nope' }),
    );
    expect(bad.statusCode).toBe(401);
    const ok = await handler(event('POST', '/api/heartbeats', beat, { authorization: `Bearer ${KEY}` }));
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(String(ok.body))).toEqual({ ok: true, status: 'up', commands: [] });
    const list = await handler(event('GET', '/api/integrations'));
    const overview = JSON.parse(String(list.body)) as { integrations: Array<{ id: string; status: string }> };
    expect(overview.integrations.find((i) => i.id === 'velflex-attendees')?.status).toBe('up');
    const page = await handler(event('GET', '/'));
    expect(page.headers?.['content-type']).toContain('text/html');
    expect(page.isBase64Encoded).toBe(false);
    expect(String(page.body)).toContain('Velflex Integration');
  });

  it('keeps the admin API closed when no admin token is configured', async () => {
    const res = await handler(event('POST', '/api/admin/clients', { slug: 'x', name: 'X' }));
    expect(res.statusCode).toBe(401);
  });

  it('detects down integrations on schedule', async () => {
    expect(await detectDown()).toMatchObject({ down: ['velflex-old'] });
    expect(await detectDown()).toMatchObject({ down: [] });
  });

  it('converts base64 bodies and binary responses', async () => {
    const e = event('POST', '/x');
    e.body = Buffer.from('{"a":1}').toString('base64');
    e.isBase64Encoded = true;
    expect(await requestFromEvent(e).text()).toBe('{"a":1}');
    const result = await resultFromResponse(
      new Response(new Uint8Array([1, 2]), { headers: { 'content-type': 'image/png' } }),
    );
    expect(result).toMatchObject({ isBase64Encoded: true, body: 'AQI=' });
  });
});
