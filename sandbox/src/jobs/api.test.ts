import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { type JobsSimulator, startJobsSimulator } from './index.ts';

let clock = Date.parse('2026-04-01T08:00:00.000Z');
let sim: JobsSimulator;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

const JOB = {
  reference: 'VF-1001',
  title: 'Boiler service',
  customerEmail: 'ada@example.com',
  status: 'SCHEDULED',
  value: 240.5,
  siteAddress: '1 Analytical Row, London',
  scheduledDate: '2026-04-15',
  notes: null,
};

beforeEach(async () => {
  sim ??= await startJobsSimulator({ now: () => clock });
  sim.reset();
  clock = Date.parse('2026-04-01T08:00:00.000Z');
});

afterAll(async () => {
  await sim?.close();
});

describe('job system REST API', () => {
  it('answers GET / with a short description', async () => {
    const response = await fetch(sim.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('job system simulator');
  });

  it('creates a job (201 with Location) and reads it back by id', async () => {
    const created = await call('POST', '/jobs', JOB);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/jobs/job_000001');
    const expected = {
      id: 'job_000001',
      ...JOB,
      createdAt: '2026-04-01T08:00:00.000Z',
      updatedAt: '2026-04-01T08:00:00.000Z',
    };
    expect(created.body).toEqual(expected);
    const read = await call('GET', '/jobs/job_000001');
    expect(read).toMatchObject({ status: 200, body: expected });
  });

  it('fills defaults for the optional fields', async () => {
    const created = await call('POST', '/jobs', { reference: 'VF-2', title: 'Survey' });
    expect(created.body).toMatchObject({
      customerEmail: null,
      status: 'QUOTED',
      value: null,
      siteAddress: null,
      scheduledDate: null,
      notes: null,
    });
  });

  it('patches the given fields and moves updatedAt; null clears', async () => {
    await call('POST', '/jobs', JOB);
    clock += 60_000;
    const patched = await call('PATCH', '/jobs/job_000001', {
      status: 'COMPLETED',
      value: null,
      notes: 'Done',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      status: 'COMPLETED',
      value: null,
      notes: 'Done',
      title: 'Boiler service',
      createdAt: '2026-04-01T08:00:00.000Z',
      updatedAt: '2026-04-01T08:01:00.000Z',
    });
  });

  it('deletes with 204, after which the job is 404 NOT_FOUND', async () => {
    await call('POST', '/jobs', JOB);
    const removed = await call('DELETE', '/jobs/job_000001');
    expect(removed.status).toBe(204);
    const read = await call('GET', '/jobs/job_000001');
    expect(read.status).toBe(404);
    expect(read.body).toEqual({ error: { code: 'NOT_FOUND', message: 'Job job_000001 does not exist.' } });
  });

  it('rejects invalid fields with 422 VALIDATION_FAILED and one detail per field', async () => {
    const invalid = await call('POST', '/jobs', {
      reference: '',
      title: 'x',
      status: 'DONE',
      value: -1,
      scheduledDate: '2026-02-30',
      colour: 'red',
      id: 'mine',
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({
      error: {
        code: 'VALIDATION_FAILED',
        details: [
          { field: 'colour', message: 'is not a job field' },
          { field: 'id', message: 'is read-only' },
          { field: 'reference', message: 'is required and must be a non-empty string' },
          { field: 'status', message: 'must be one of QUOTED, SCHEDULED, IN_PROGRESS, COMPLETED, CANCELLED' },
          { field: 'value', message: 'must be a number ≥ 0 or null' },
          { field: 'scheduledDate', message: 'must be a real date as YYYY-MM-DD or null' },
        ],
      },
    });
  });

  it('rejects a second job with the same reference with 409 DUPLICATE_REFERENCE', async () => {
    await call('POST', '/jobs', JOB);
    const duplicate = await call('POST', '/jobs', { ...JOB, title: 'Other' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: { code: 'DUPLICATE_REFERENCE' } });
  });

  it('finds a job by reference, in the list shape', async () => {
    await call('POST', '/jobs', JOB);
    await call('POST', '/jobs', { reference: 'VF-1002', title: 'Other' });
    const found = await call('GET', '/jobs?reference=VF-1002');
    expect(found.body).toMatchObject({
      data: [{ id: 'job_000002', reference: 'VF-1002' }],
      nextCursor: null,
    });
    const missing = await call('GET', '/jobs?reference=VF-9999');
    expect(missing.body).toEqual({ data: [], nextCursor: null });
  });

  it('replays a POST with the same Idempotency-Key and body, and refuses the key with another body', async () => {
    const headers = { 'idempotency-key': 'idem-1' };
    const first = await call('POST', '/jobs', JOB, headers);
    const again = await call('POST', '/jobs', JOB, headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(sim.store.size).toBe(1);
    const reused = await call('POST', '/jobs', { ...JOB, reference: 'VF-7' }, headers);
    expect(reused.status).toBe(422);
    expect(reused.body).toMatchObject({ error: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(sim.store.size).toBe(1);
  });

  it('answers 401 without a valid bearer token', async () => {
    const response = await fetch(`${sim.url}/jobs`, { headers: { authorization: 'Bearer nope' } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('answers the request over the per-second limit with 429 and a fractional Retry-After', async () => {
    const limited = await startJobsSimulator({ limits: { requestsPerSecond: 3 }, now: () => clock });
    try {
      const get = () =>
        fetch(`${limited.url}/jobs`, { headers: { authorization: `Bearer ${limited.token}` } });
      for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
      clock += 800;
      const refused = await get();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('0.2');
      expect(await refused.json()).toEqual({
        error: { code: 'RATE_LIMITED', message: 'Too many requests; retry after 0.2 s.' },
      });
      clock += 200;
      expect((await get()).status).toBe(200);
      expect(limited.counters.snapshot().byEndpoint).toEqual({ 'GET /jobs': { '200': 4, '429': 1 } });
    } finally {
      await limited.close();
    }
  });

  it('rejects a limit over 100 and a cursor it did not issue', async () => {
    const tooMany = await call('GET', '/jobs?limit=101');
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ error: { details: [{ field: 'limit' }] } });
    const badCursor = await call('GET', '/jobs?cursor=abc');
    expect(badCursor.body).toMatchObject({ error: { details: [{ field: 'cursor' }] } });
  });
});
