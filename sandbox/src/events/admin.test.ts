import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EventsSimulator, startEventsSimulator } from './index.ts';
import { callGraphql } from './test-client.ts';

let clock = Date.parse('2026-08-01T07:00:00.000Z');
let sim: EventsSimulator;

async function admin(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sim.url}/_admin${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

beforeAll(async () => {
  sim = await startEventsSimulator({ webhooks: 'none', now: () => clock });
});

beforeEach(() => {
  sim.reset();
  clock = Date.parse('2026-08-01T07:00:00.000Z');
});

afterAll(async () => {
  await sim?.close();
});

describe('events admin API', () => {
  it('creates, reads, edits and deletes a record as a person in the UI', async () => {
    const created = await admin('POST', '/records', {
      email: 'UI@Example.com',
      firstName: 'Uma',
      ticketType: 'VIP',
    });
    expect(created).toEqual({
      status: 201,
      body: {
        id: '100001',
        email: 'ui@example.com',
        firstName: 'Uma',
        lastName: null,
        company: null,
        jobTitle: null,
        phone: null,
        status: 'REGISTERED',
        ticketType: 'VIP',
        country: null,
        createdAt: '2026-08-01T07:00:00.000Z',
        updatedAt: '2026-08-01T07:00:00.000Z',
      },
    });
    clock += 1_000;
    const edited = await admin('PUT', '/records/100001', { company: 'Kongo' });
    expect(edited.body).toMatchObject({ company: 'Kongo', updatedAt: '2026-08-01T07:00:01.000Z' });
    expect(await admin('GET', '/records/100001')).toMatchObject({ status: 200, body: { company: 'Kongo' } });
    expect(await admin('GET', '/records?email=ui@example.com')).toMatchObject({ body: { total: 1 } });
    expect((await admin('DELETE', '/records/100001')).status).toBe(204);
    expect(await admin('GET', '/records/100001')).toMatchObject({
      status: 404,
      body: { error: { code: 'NOT_FOUND' } },
    });
  });

  it('refuses an invalid edit with 422 and a duplicate email with 409', async () => {
    await admin('POST', '/records', { email: 'a@example.com' });
    await admin('POST', '/records', { email: 'b@example.com' });
    expect(await admin('PUT', '/records/100001', { status: 'GONE', colour: 'red' })).toMatchObject({
      status: 422,
      body: {
        error: {
          code: 'VALIDATION_FAILED',
          details: [
            { field: 'colour', message: 'unknown field' },
            { field: 'status', message: 'expected one of REGISTERED, CHECKED_IN, CANCELLED, WAITLISTED' },
          ],
        },
      },
    });
    expect(await admin('PUT', '/records/100001', { email: 'b@example.com' })).toMatchObject({
      status: 409,
      body: { error: { code: 'ALREADY_EXISTS' } },
    });
  });

  it('seeds given records sharing one updatedAt', async () => {
    const seeded = await admin('POST', '/seed', {
      records: [{ email: 'x@example.com' }, { email: 'y@example.com', status: 'WAITLISTED' }],
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(seeded.body).toEqual({ created: 2, firstId: '100001', lastId: '100002' });
    const listed = (await admin('GET', '/records')).body as {
      data: Array<{ updatedAt: string; status: string }>;
    };
    expect(listed.data.map((a) => [a.updatedAt, a.status])).toEqual([
      ['2026-01-01T00:00:00.000Z', 'REGISTERED'],
      ['2026-01-01T00:00:00.000Z', 'WAITLISTED'],
    ]);
  });

  it('reads and changes the cost limits', async () => {
    expect((await admin('GET', '/limits')).body).toEqual({
      secondlyThreshold: 500,
      dailyThreshold: 200_000,
      maxDepth: 8,
      maxQueryLength: 20_000,
    });
    expect((await admin('PUT', '/limits', { dailyThreshold: 50 })).body).toMatchObject({
      dailyThreshold: 50,
    });
    expect((await admin('PUT', '/limits', { hourly: 5 })).status).toBe(422);
  });

  it('switches the webhook mode', async () => {
    expect((await admin('GET', '/webhook-mode')).body).toEqual({ mode: 'none' });
    expect((await admin('PUT', '/webhook-mode', { mode: 'standard-webhooks' })).body).toEqual({
      mode: 'standard-webhooks',
    });
    expect(sim.webhookMode).toBe('standard-webhooks');
    expect((await admin('PUT', '/webhook-mode', { mode: 'loud' })).status).toBe(422);
  });

  it('resets counters alone, or everything', async () => {
    await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { createAttendee(input: { email: "r@example.com" }) { id } }',
    );
    expect((await admin('GET', '/counters')).body).toMatchObject({ total: 1 });
    expect((await admin('DELETE', '/counters')).status).toBe(204);
    expect((await admin('GET', '/counters')).body).toEqual({ total: 0, byEndpoint: {}, byOperation: {} });
    expect(sim.store.size).toBe(1);
    await admin('PUT', '/webhook-timing', { timeCompression: 50 });
    expect(await admin('POST', '/reset')).toEqual({ status: 200, body: { reset: true } });
    expect(sim.store.size).toBe(0);
    expect((await admin('GET', '/webhook-timing')).body).toMatchObject({
      timeCompression: 1,
      timeoutMs: 15_000,
    });
  });

  it('logs each write with the fields it carried and the ones it changed, a no-op update included', async () => {
    const created = await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { createAttendee(input: { email: "w@example.com", firstName: "Wes" }) { id } }',
    );
    const id = (created.body as { data: { createAttendee: { id: string } } }).data.createAttendee.id;
    const update = `mutation { updateAttendee(id: "${id}", input: { firstName: "Wes", company: "Acme" }) { id } }`;
    await callGraphql(sim.graphqlUrl, sim.token, update);
    await callGraphql(sim.graphqlUrl, sim.token, update);
    const { body } = await admin('GET', '/writes');
    const [create, first, again] = (body as { data: Array<Record<string, unknown>> }).data;
    expect(create).toMatchObject({ by: 'api', operation: 'create', key: 'w@example.com' });
    expect(first).toMatchObject({
      operation: 'update',
      written: ['firstName', 'company'],
      changed: { company: { before: null, after: 'Acme' } },
    });
    expect(again).toMatchObject({ operation: 'update', written: ['firstName', 'company'], changed: {} });
  });

  it('lists its routes and answers unknown ones with 404 and wrong methods with 405', async () => {
    const index = (await admin('GET', '')).body as { routes: string[] };
    expect(index.routes).toContain('PUT /_admin/rolling-ids');
    expect(index.routes).toContain('POST /_admin/seed');
    expect((await admin('GET', '/nothing')).status).toBe(404);
    expect((await admin('PATCH', '/limits')).status).toBe(405);
  });
});
