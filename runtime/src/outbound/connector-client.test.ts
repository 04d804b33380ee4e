import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorDocument } from '../connector/types.ts';
import { staticCredentials } from './connector-auth.ts';
import { createConnectorClient, selectionFor, uuidFromKey } from './connector-client.ts';
import { DeliveryError } from './errors.ts';

/** A scripted REST API over real HTTP: each test sets how the next request is answered. */
let answer: (
  req: IncomingMessage,
  body: string,
) => { status: number; headers?: Record<string, string>; body?: unknown };
const seen: Array<{ method: string; url: string; body: string; headers: IncomingMessage['headers'] }> = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (chunk: Buffer) => {
    body += chunk.toString();
  });
  req.on('end', () => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', body, headers: req.headers });
    const a = answer(req, body);
    res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
    res.end(a.body === undefined ? '' : JSON.stringify(a.body));
  });
});
let base = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const connector = (
  operations: ConnectorDocument['operations'],
  idType: 'string' | 'uuid' | 'integer' = 'uuid',
): ConnectorDocument => ({
  connectorVersion: 1,
  id: 'scripted',
  name: 'Scripted',
  api: 'rest',
  baseUrl: 'https://unused.example.com',
  verifiedAgainst: 'a scripted HTTP server',
  credentials: { key: { description: 'API key' } },
  auth: { type: 'api-key', in: 'header', name: 'X-API-Key', value: '{credentials.key}' },
  record: {
    objectType: 'Job',
    idPath: 'uuid',
    idType,
    fields: [
      { path: 'status', type: 'string' },
      { path: 'profile.first_name', type: 'string' },
      { path: 'custom_fields[name=Region].value', type: 'string' },
      { path: 'email', type: 'string', writable: ['create'] },
      { path: 'created', type: 'datetime', writable: [] },
    ],
  },
  operations,
  limits: { maxAttempts: 1 },
});

const client = (ops: ConnectorDocument['operations'], idType?: 'string' | 'uuid' | 'integer') =>
  createConnectorClient({
    connector: connector(ops, idType),
    connection: {},
    credentials: staticCredentials({ key: 'k-1' }),
    baseUrl: base,
    naturalKeyField: 'email',
    idempotency: 'none',
  });

const UUID_1 = '5b0c8e8a-7f1e-4a6b-9a51-1c2d3e4f5a6b';

describe('ids from where the connector says, never a silent bad one', () => {
  it('takes a created id from a response header (ServiceM8 x-record-uuid style)', async () => {
    answer = () => ({
      status: 200,
      headers: { 'x-record-uuid': UUID_1 },
      body: { errorCode: 0, message: 'OK' },
    });
    const c = client({
      get: { method: 'GET', path: '/job/{id}.json' },
      create: { method: 'POST', path: '/job.json', id: { from: 'header', name: 'x-record-uuid' } },
    });
    const created = await c.create({ status: 'Quote', 'profile.first_name': 'Ada' }, { idempotencyKey: 'k' });
    expect(created.id).toBe(UUID_1);
    const sent = seen.at(-1);
    expect(sent?.headers['x-api-key']).toBe('k-1');
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({ status: 'Quote', profile: { first_name: 'Ada' } });
  });

  it('fails loudly when the header is missing, instead of recording "undefined"', async () => {
    answer = () => ({ status: 200, body: { errorCode: 0, message: 'OK' } });
    const c = client({
      get: { method: 'GET', path: '/job/{id}.json' },
      create: { method: 'POST', path: '/job.json', id: { from: 'header', name: 'x-record-uuid' } },
    });
    const error = await c.create({ status: 'Quote' }, { idempotencyKey: 'k' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error).toMatchObject({ code: 'NO_ID', retryable: false });
    expect((error as Error).message).toContain('x-record-uuid');
  });

  it('refuses an id of the wrong shape', async () => {
    answer = () => ({ status: 200, headers: { 'x-record-uuid': 'undefined' } });
    const c = client({
      get: { method: 'GET', path: '/job/{id}.json' },
      create: { method: 'POST', path: '/job.json', id: { from: 'header', name: 'x-record-uuid' } },
    });
    await expect(c.create({ status: 'Quote' }, { idempotencyKey: 'k' })).rejects.toMatchObject({
      code: 'BAD_ID',
    });
    answer = () => ({ status: 201, body: { uuid: 42.5 } });
    const integer = client(
      { get: { method: 'GET', path: '/job/{id}' }, create: { method: 'POST', path: '/job' } },
      'integer',
    );
    await expect(integer.create({ status: 'Quote' }, { idempotencyKey: 'k' })).rejects.toMatchObject({
      code: 'BAD_ID',
    });
  });

  it('re-reads the record after an update answered 204 No Content (simPRO style)', async () => {
    answer = (req) =>
      req.method === 'PATCH'
        ? { status: 204 }
        : {
            status: 200,
            body: { uuid: UUID_1, status: 'Complete', custom_fields: [{ name: 'Region', value: 'APAC' }] },
          };
    const c = client({
      get: { method: 'GET', path: '/jobs/{id}' },
      update: { method: 'PATCH', path: '/jobs/{id}', emptyAnswer: 'reread' },
    });
    const updated = await c.update(
      UUID_1,
      { status: 'Complete', 'custom_fields[name=Region].value': 'APAC' },
      { idempotencyKey: 'u' },
    );
    expect(updated?.id).toBe(UUID_1);
    expect(seen.at(-2)?.method).toBe('PATCH');
    expect(JSON.parse(seen.at(-2)?.body ?? '{}')).toEqual({
      status: 'Complete',
      custom_fields: [{ name: 'Region', value: 'APAC' }],
    });
    expect(seen.at(-1)?.method).toBe('GET');
    expect(updated?.values['custom_fields[name=Region].value']).toBe(undefined); // not mapped: not projected
  });

  it('fails loudly on a 204 update when the connector gives no way to the id', async () => {
    answer = () => ({ status: 204 });
    const c = client({
      get: { method: 'GET', path: '/jobs/{id}' },
      update: { method: 'PATCH', path: '/jobs/{id}' },
    });
    await expect(c.update(UUID_1, { status: 'x' }, { idempotencyKey: 'u' })).rejects.toMatchObject({
      code: 'NO_ID',
    });
  });

  it('leaves a create-only field out of an update, and sends no update when nothing else is left', async () => {
    answer = () => ({ status: 200, body: { uuid: UUID_1, status: 'Quote' } });
    const before = seen.length;
    const c = client({
      get: { method: 'GET', path: '/jobs/{id}' },
      update: { method: 'PATCH', path: '/jobs/{id}' },
    });
    expect((await c.update(UUID_1, { email: 'a@b.c' }, { idempotencyKey: 'u' }))?.id).toBe(UUID_1);
    expect(seen.slice(before).map((r) => r.method)).toEqual(['GET']);
  });

  it('refuses to write a read-only field', async () => {
    const c = client({
      get: { method: 'GET', path: '/jobs/{id}' },
      update: { method: 'PATCH', path: '/jobs/{id}' },
    });
    await expect(c.update(UUID_1, { created: 'x' }, { idempotencyKey: 'u' })).rejects.toMatchObject({
      code: 'NOT_WRITABLE',
    });
  });

  it('derives the same UUID from the same key, a different one from another', async () => {
    const a = await uuidFromKey('intent-1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await uuidFromKey('intent-1')).toBe(a);
    expect(await uuidFromKey('intent-2')).not.toBe(a);
  });

  it('selects nested and custom-field paths in GraphQL', () => {
    expect(
      selectionFor(['id', 'profile.firstName', 'profile.lastName', 'customFields[label=Region].valueText']),
    ).toBe('id profile { firstName lastName } customFields { label valueText }');
  });
});

describe('a local base URL override', () => {
  it('re-roots an absolute token URL on another host onto the override, path kept', async () => {
    seen.length = 0;
    answer = (req) =>
      req.url === '/oauth/token'
        ? { status: 200, body: { access_token: 'at-1', expires_in: 3600 } }
        : { status: 200, body: { uuid: UUID_1, status: 'Quote' } };
    const oauth = createConnectorClient({
      connector: {
        ...connector({ get: { method: 'GET', path: '/job/{id}' } }),
        credentials: { id: { description: 'client id' }, secret: { description: 'client secret' } },
        auth: {
          type: 'oauth2-client-credentials',
          tokenUrl: 'https://login.example.org/oauth/token',
          clientId: '{credentials.id}',
          clientSecret: '{credentials.secret}',
          clientAuth: 'basic',
        },
      },
      connection: {},
      credentials: staticCredentials({ id: 'c', secret: 's' }),
      baseUrl: `${base}/api`,
      localOrigin: base,
      naturalKeyField: 'email',
      idempotency: 'none',
    });
    expect((await oauth.get(UUID_1))?.id).toBe(UUID_1);
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /oauth/token', `GET /api/job/${UUID_1}`]);
    expect(seen[1]?.headers.authorization).toBe('Bearer at-1');
  });
});
