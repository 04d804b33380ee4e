import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { listen, type RunningServer, readBody, sendText } from '../sim-kit/index.ts';
import { type ServiceM8Simulator, startServiceM8Simulator } from './index.ts';

let clock = Date.parse('2026-04-01T08:00:00.000Z');
let sm8: ServiceM8Simulator;

beforeEach(async () => {
  sm8 ??= await startServiceM8Simulator({
    now: () => clock,
    pageSize: 2,
    webhookTiming: { timeCompression: 1_000_000 },
  });
  sm8.reset();
  clock = Date.parse('2026-04-01T08:00:00.000Z');
});

afterAll(async () => {
  await sm8?.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${sm8.apiUrl}${path}`, {
    method,
    headers: { 'x-api-key': sm8.apiKey, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // plain-text answers (429) stay text
  }
  return {
    status: response.status,
    headers: response.headers,
    body: parsed as Record<string, unknown> & unknown[],
  };
}

describe('ServiceM8 jobs API', () => {
  it('answers 401 without a valid X-API-Key', async () => {
    expect(await call('GET', '/job.json', undefined, { 'x-api-key': 'nope' })).toMatchObject({
      status: 401,
      body: { errorCode: 401, message: 'Authentication is required for this end point' },
    });
  });

  it('creates a job with the id only in the x-record-uuid header, then reads it', async () => {
    const created = await call('POST', '/job.json', { status: 'Quote', job_description: 'Boiler service' });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ errorCode: 0, message: 'OK' });
    const uuid = created.headers.get('x-record-uuid') ?? '';
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    const read = await call('GET', `/job/${uuid}.json`);
    expect(read.body).toMatchObject({
      uuid,
      status: 'Quote',
      job_description: 'Boiler service',
      active: 1,
      generated_job_id: '1',
      edit_date: '2026-04-01 08:00:00',
    });
  });

  it('keeps a caller-supplied uuid and sends no x-record-uuid with a different one', async () => {
    const uuid = '5b7b2f4e-1111-4222-8333-944455556666';
    const created = await call('POST', '/job.json', { uuid, status: 'Work Order' });
    expect(created.headers.get('x-record-uuid')).toBe(uuid);
    expect((await call('GET', `/job/${uuid}.json`)).body).toMatchObject({ uuid, status: 'Work Order' });
  });

  it('updates by POST to the record URL; the status is required and checked', async () => {
    const uuid = (await call('POST', '/job.json', { status: 'Quote' })).headers.get('x-record-uuid') ?? '';
    clock += 60_000;
    expect(
      (await call('POST', `/job/${uuid}.json`, { status: 'Completed', work_done_description: 'Done' })).body,
    ).toEqual({
      errorCode: 0,
      message: 'OK',
    });
    expect((await call('GET', `/job/${uuid}.json`)).body).toMatchObject({
      status: 'Completed',
      work_done_description: 'Done',
      edit_date: '2026-04-01 08:01:00',
    });
    expect((await call('POST', `/job/${uuid}.json`, { job_description: 'x' })).status).toBe(400);
    expect((await call('POST', `/job/${uuid}.json`, { status: 'Finished' })).body).toMatchObject({
      errorCode: 400,
    });
    expect((await call('PATCH', `/job/${uuid}.json`, { status: 'Quote' })).status).toBe(405);
  });

  it('archives on DELETE: active becomes 0 and the record stays readable', async () => {
    const uuid = (await call('POST', '/job.json', { status: 'Quote' })).headers.get('x-record-uuid') ?? '';
    expect((await call('DELETE', `/job/${uuid}.json`)).status).toBe(200);
    expect((await call('GET', `/job/${uuid}.json`)).body).toMatchObject({ active: 0 });
    expect((await call('GET', '/job.json?$filter=active eq 1')).body).toEqual([]);
  });

  it('lists bare arrays, paging with x-next-cursor from cursor=-1 and filtering edit_date gt', async () => {
    for (let i = 0; i < 5; i++) {
      await call('POST', '/job.json', { status: 'Quote', job_description: `Job ${i}` });
      clock += 1000;
    }
    expect(((await call('GET', '/job.json')).body as unknown[]).length).toBe(5);
    const seen: string[] = [];
    let cursor = '-1';
    let pages = 0;
    for (;;) {
      const page = await call(
        'GET',
        `/job.json?cursor=${cursor}&$filter=${encodeURIComponent("edit_date gt '2026-04-01 08:00:00'")}`,
      );
      pages += 1;
      expect(Array.isArray(page.body)).toBe(true);
      for (const job of page.body as Array<{ job_description: string }>) seen.push(job.job_description);
      const next = page.headers.get('x-next-cursor');
      if (next === null) break;
      cursor = next;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(['Job 1', 'Job 2', 'Job 3', 'Job 4']);
    expect((await call('GET', `/job.json?$filter=${encodeURIComponent('edit_date ge 1')}`)).status).toBe(400);
    expect((await call('GET', '/job.json?cursor=made-up')).status).toBe(400);
  });

  it('throttles at 180 requests a minute with ServiceM8’s text body', async () => {
    await fetch(`${sm8.url}/_admin/limits`, { method: 'PUT', body: JSON.stringify({ perMinute: 2 }) });
    await call('GET', '/job.json');
    await call('GET', '/job.json');
    expect(await call('GET', '/job.json')).toMatchObject({
      status: 429,
      body: 'Number of allowed API requests per minute exceeded',
    });
    clock += 60_000;
    expect((await call('GET', '/job.json')).status).toBe(200);
  });
});

describe('ServiceM8 webhooks', () => {
  let receiver: RunningServer;
  const received: Array<{ type: string; body: string }> = [];
  let echo = true;

  beforeEach(async () => {
    received.length = 0;
    echo = true;
    receiver ??= await listen(async (req, res) => {
      const body = await readBody(req);
      received.push({ type: String(req.headers['content-type']), body });
      const form = new URLSearchParams(body);
      if (form.get('mode') === 'subscribe')
        return sendText(res, 200, echo ? (form.get('challenge') ?? '') : 'wrong');
      sendText(res, 200, 'ok');
    });
  });
  afterAll(async () => {
    await receiver?.close();
  });

  async function subscribe(fields: string, bearer = 'sm8-oauth-kongo-demo') {
    const response = await fetch(`${sm8.url}/webhook_subscriptions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ object: 'job', fields, callback_url: receiver.url }).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('subscribes only after the callback echoes the form-encoded challenge', async () => {
    echo = false;
    expect((await subscribe('status')).status).toBe(400);
    expect(sm8.webhookSubscriptions()).toEqual([]);
    echo = true;
    const ok = await subscribe('status,job_description');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ object: 'job', fields: ['status', 'job_description'] });
    const verification = received.at(-1);
    expect(verification?.type).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(verification?.body).get('mode')).toBe('subscribe');
  });

  it('refuses the Webhooks API to an API key (public applications only) and unknown fields', async () => {
    const viaKey = await fetch(`${sm8.url}/webhook_subscriptions`, {
      method: 'POST',
      headers: { 'x-api-key': sm8.apiKey },
      body: new URLSearchParams({ object: 'job', fields: 'status', callback_url: receiver.url }).toString(),
    });
    expect(viaKey.status).toBe(403);
    expect((await subscribe('colour')).body).toEqual({
      errorCode: 400,
      message: '"colour" is not a valid field for subscription',
    });
  });

  it('notifies which subscribed fields changed — not their values — with the record URL', async () => {
    await subscribe('status');
    received.length = 0;
    const uuid = (await call('POST', '/job.json', { status: 'Quote', job_description: 'A' })).headers.get(
      'x-record-uuid',
    );
    await call('POST', `/job/${uuid}.json`, { status: 'Quote', job_description: 'B' });
    await call('POST', `/job/${uuid}.json`, { status: 'Completed' });
    await sm8.idle();
    const bodies = received.map(
      (r) => JSON.parse(r.body) as { object: string; entry: Array<{ changed_fields: string[] }> },
    );
    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual({
      object: 'job',
      entry: [{ uuid, changed_fields: ['status'], time: '2026-04-01 08:00:00' }],
      resource_url: `https://api.servicem8.com/api_1.0/job/${uuid}.json`,
    });
    expect(JSON.stringify(bodies)).not.toContain('Completed');
  });
});
