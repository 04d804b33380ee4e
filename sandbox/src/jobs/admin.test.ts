import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type JobsSimulator, startJobsSimulator } from './index.ts';

let clock = Date.parse('2026-09-01T06:00:00.000Z');
let sim: JobsSimulator;

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
  sim = await startJobsSimulator({ now: () => clock });
});

beforeEach(() => {
  sim.reset();
  clock = Date.parse('2026-09-01T06:00:00.000Z');
});

afterAll(async () => {
  await sim?.close();
});

describe('jobs admin API', () => {
  it('creates, edits and deletes a job as a person in the UI', async () => {
    const created = await admin('POST', '/records', { reference: 'UI-1', title: 'Walk-in', value: 99 });
    expect(created).toMatchObject({ status: 201, body: { id: 'job_000001', reference: 'UI-1', value: 99 } });
    clock += 2_000;
    expect((await admin('PATCH', '/records/job_000001', { status: 'IN_PROGRESS' })).body).toMatchObject({
      status: 'IN_PROGRESS',
      updatedAt: '2026-09-01T06:00:02.000Z',
    });
    expect((await admin('GET', '/records?reference=UI-1')).body).toMatchObject({ total: 1 });
    expect((await admin('DELETE', '/records/job_000001')).status).toBe(204);
    expect((await admin('GET', '/records/job_000001')).status).toBe(404);
  });

  it('reads and changes the rate limit', async () => {
    expect((await admin('GET', '/limits')).body).toEqual({ requestsPerSecond: 25 });
    expect((await admin('PUT', '/limits', { requestsPerSecond: 2 })).body).toEqual({ requestsPerSecond: 2 });
    expect((await admin('PUT', '/limits', { requestsPerSecond: 0 })).status).toBe(422);
  });

  it('moves updatedAt in bulk without webhooks', async () => {
    await admin('POST', '/seed', { count: 3 });
    expect(
      (await admin('POST', '/updated-at', { updatedAt: '2025-12-31T23:59:59.000Z', ids: ['job_000002'] }))
        .body,
    ).toEqual({ updated: 1 });
    const listed = (await admin('GET', '/records')).body as {
      data: Array<{ id: string; updatedAt: string }>;
    };
    expect(listed.data.map((job) => job.id)).toEqual(['job_000002', 'job_000001', 'job_000003']);
  });

  it('counts API requests by endpoint and status, not admin ones', async () => {
    const get = (path: string) =>
      fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${sim.token}` } });
    await get('/jobs');
    await get('/jobs/job_404');
    await admin('GET', '/records');
    expect((await admin('GET', '/counters')).body).toEqual({
      total: 2,
      byEndpoint: { 'GET /jobs': { '200': 1 }, 'GET /jobs/{id}': { '404': 1 } },
      byOperation: { 'GET /jobs': { '200': 1 }, 'GET /jobs/{id}': { '404': 1 } },
    });
  });

  it('keeps subscriptions until removed', async () => {
    const added = await admin('POST', '/subscriptions', {
      url: 'http://127.0.0.1:9/hook',
      secret: 'long-enough',
    });
    expect(added).toEqual({
      status: 201,
      body: { id: 'sub_1', url: 'http://127.0.0.1:9/hook', secret: 'long-enough' },
    });
    expect((await admin('GET', '/subscriptions')).body).toEqual({ data: [added.body] });
    expect((await admin('DELETE', '/subscriptions/sub_1')).status).toBe(204);
    expect((await admin('DELETE', '/subscriptions/sub_1')).status).toBe(404);
    expect((await admin('POST', '/subscriptions', { url: 'nope', secret: 'long-enough' })).status).toBe(422);
  });
});
