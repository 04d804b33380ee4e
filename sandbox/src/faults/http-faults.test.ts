import { afterAll, describe, expect, it } from 'vitest';
import { startEventsSimulator } from '../events/index.ts';
import { callGraphql } from '../events/test-client.ts';
import { type JobsSimulator, type JobsSimulatorOptions, startJobsSimulator } from '../jobs/index.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../sim-kit/index.ts';

const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

async function jobs(options: JobsSimulatorOptions): Promise<JobsSimulator> {
  const sim = await startJobsSimulator({ limits: { requestsPerSecond: 10_000 }, ...options });
  closers.push(() => sim.close());
  return sim;
}

async function hook(respond?: (index: number) => number | 'hang'): Promise<WebhookReceiver> {
  const receiver = await startWebhookReceiver(respond);
  closers.push(() => receiver.close());
  return receiver;
}

/** Status of one request, or `reset` when the connection died, or `timeout` when nothing came in time. */
async function outcome(url: string, init: RequestInit = {}, timeoutMs = 1_000): Promise<number | string> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return response.status;
  } catch (error) {
    const cause = error instanceof Error ? error : new Error(String(error));
    return cause.name === 'TimeoutError' ? 'timeout' : 'reset';
  }
}

const auth = (sim: { token: string }) => ({
  authorization: `Bearer ${sim.token}`,
  'content-type': 'application/json',
});

describe('request faults over HTTP', () => {
  it('answers the same requests with the same faults for the same seed', async () => {
    const config = { seed: 1234, rate429: 0.2, rate5xx: 0.2, rateReset: 0.1 };
    const run = async () => {
      const sim = await jobs({ faults: config });
      const statuses: Array<number | string> = [];
      for (let i = 0; i < 40; i++) statuses.push(await outcome(`${sim.url}/jobs`, { headers: auth(sim) }));
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    for (const expected of [200, 429, 'reset']) expect(first).toContain(expected);
    expect(first.some((status) => typeof status === 'number' && status >= 500)).toBe(true);
  });

  it('sends a short fractional Retry-After with an injected 429 on the job system', async () => {
    const sim = await jobs({ faults: { rate429: 1, retryAfterMs: { min: 150, max: 150 } } });
    const response = await fetch(`${sim.url}/jobs`, { headers: auth(sim) });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('0.15');
    expect(await response.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
  });

  it('sends X-Secondly-Retry-After (ms) with an injected 429 on the events platform', async () => {
    const sim = await startEventsSimulator({ faults: { rate429: 1, retryAfterMs: { min: 80, max: 80 } } });
    closers.push(() => sim.close());
    const answer = await callGraphql(sim.graphqlUrl, sim.token, '{ attendees { totalCount } }');
    expect(answer.status).toBe(429);
    expect(answer.headers.get('x-secondly-retry-after')).toBe('80');
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('MAX_COST_EXCEEDED');
  });

  it('leaves a request unanswered for a timeout fault, and counts it', async () => {
    const sim = await jobs({ faults: { rateTimeout: 1 } });
    expect(await outcome(`${sim.url}/jobs`, { headers: auth(sim) }, 150)).toBe('timeout');
    expect(sim.counters.snapshot().byEndpoint).toEqual({ 'GET /jobs': { timeout: 1 } });
  });

  it('adds the configured latency', async () => {
    const sim = await jobs({ faults: { latencyMs: { min: 60, max: 60 } } });
    const started = Date.now();
    expect(await outcome(`${sim.url}/jobs`, { headers: auth(sim) })).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('applies faults only to the listed operations', async () => {
    const sim = await jobs({ faults: { rate5xx: 1, operations: ['POST /jobs'] } });
    expect(await outcome(`${sim.url}/jobs`, { headers: auth(sim) })).toBe(200);
    const body = JSON.stringify({ reference: 'R', title: 'T' });
    expect(
      await outcome(`${sim.url}/jobs`, { method: 'POST', headers: auth(sim), body }),
    ).toBeGreaterThanOrEqual(500);
  });

  it('can lose the answer after the write happened; an idempotent retry then replays the 201', async () => {
    const sim = await jobs({
      faults: { rate5xx: 1, faultAfterProcessingRate: 1, operations: ['POST /jobs'] },
    });
    const init = {
      method: 'POST',
      headers: { ...auth(sim), 'idempotency-key': 'lost-answer-1' },
      body: JSON.stringify({ reference: 'VF-LOST', title: 'Lost answer' }),
    };
    expect(await outcome(`${sim.url}/jobs`, init)).toBeGreaterThanOrEqual(500);
    expect(sim.store.findByReference('VF-LOST')?.id).toBe('job_000001');
    sim.faults.configure({});
    const retry = await fetch(`${sim.url}/jobs`, init);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(await retry.json()).toMatchObject({ id: 'job_000001', reference: 'VF-LOST' });
    expect(sim.store.size).toBe(1);
  });

  it('can lose a GraphQL mutation answer after the write; the same Idempotency-Key then replays it', async () => {
    const sim = await startEventsSimulator({
      webhooks: 'none',
      faults: { rateReset: 1, faultAfterProcessingRate: 1, operations: ['mutation createAttendee'] },
    });
    closers.push(() => sim.close());
    const create = 'mutation { createAttendee(input: { email: "lost@example.com" }) { id email } }';
    const headers = { 'idempotency-key': 'lost-2' };
    await expect(callGraphql(sim.graphqlUrl, sim.token, create, {}, headers)).rejects.toThrow();
    expect(sim.store.findByEmail('lost@example.com')?.id).toBe('100001');
    sim.faults.configure({});
    const retry = await callGraphql(sim.graphqlUrl, sim.token, create, {}, headers);
    expect(retry.body).toEqual({ data: { createAttendee: { id: '100001', email: 'lost@example.com' } } });
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(sim.counters.snapshot().byOperation).toEqual({
      'mutation createAttendee': { '200': 1, reset: 1 },
    });
  });

  it('is configured per test through PUT /_admin/faults and cleared with DELETE', async () => {
    const sim = await jobs({});
    const put = await fetch(`${sim.url}/_admin/faults`, {
      method: 'PUT',
      body: JSON.stringify({ rate5xx: 1 }),
    });
    expect(await put.json()).toMatchObject({ rate5xx: 1, seed: 1 });
    expect(await outcome(`${sim.url}/jobs`, { headers: auth(sim) })).toBeGreaterThanOrEqual(500);
    await fetch(`${sim.url}/_admin/faults`, { method: 'DELETE' });
    expect(await outcome(`${sim.url}/jobs`, { headers: auth(sim) })).toBe(200);
    const bad = await fetch(`${sim.url}/_admin/faults`, {
      method: 'PUT',
      body: JSON.stringify({ rate5xx: 3 }),
    });
    expect(bad.status).toBe(422);
  });
});

describe('webhook faults', () => {
  it('delivers the webhook before the API response when echoBeforeResponse is on', async () => {
    let responded = false;
    const arrivedBeforeResponse: boolean[] = [];
    const receiver = await hook(() => {
      arrivedBeforeResponse.push(!responded);
      return 200;
    });
    const sim = await jobs({
      faults: { echoBeforeResponse: true },
      subscriptions: [{ url: receiver.url, secret: 'secret-123' }],
    });
    const response = await fetch(`${sim.url}/jobs`, {
      method: 'POST',
      headers: auth(sim),
      body: JSON.stringify({ reference: 'E-1', title: 'Echo' }),
    });
    responded = true;
    expect(response.status).toBe(201);
    expect(arrivedBeforeResponse).toEqual([true]);
  });

  it('duplicates deliveries with the same event id', async () => {
    const receiver = await hook();
    const sim = await jobs({
      faults: { duplicateWebhookRate: 1 },
      subscriptions: [{ url: receiver.url, secret: 'secret-123' }],
    });
    await fetch(`${sim.url}/jobs`, {
      method: 'POST',
      headers: auth(sim),
      body: JSON.stringify({ reference: 'D', title: 'Dup' }),
    });
    const deliveries = await receiver.waitFor(2);
    await sim.idle();
    expect(deliveries[0]?.headers['x-jobs-event-id']).toBe(deliveries[1]?.headers['x-jobs-event-id']);
    expect(deliveries[0]?.body).toBe(deliveries[1]?.body);
    expect(sim.dispatcher.log().map((a) => a.duplicate)).toEqual([false, true]);
  });

  it('reorders webhook deliveries, the same way for the same seed', async () => {
    const order = async (seed: number): Promise<string[]> => {
      const receiver = await hook();
      const sim = await startEventsSimulator({
        faults: { seed, reorderWebhooks: true },
        subscriptions: [{ url: receiver.url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }],
      });
      closers.push(() => sim.close());
      const creates = [1, 2, 3, 4, 5, 6]
        .map((n) => `a${n}: createAttendee(input: { email: "o${n}@example.com" }) { id }`)
        .join(' ');
      await callGraphql(sim.graphqlUrl, sim.token, `mutation { ${creates} }`);
      const deliveries = await receiver.waitFor(6);
      return deliveries.map((d) =>
        (JSON.parse(d.body) as { data: { email: string } }).data.email.slice(0, 2),
      );
    };
    const first = await order(42);
    expect(first).toEqual(['o2', 'o1', 'o5', 'o6', 'o3', 'o4']);
    expect(await order(42)).toEqual(first);
  });

  it('races a UI edit against an API write to the same record, on either side of it', async () => {
    const receiver = await hook();
    const sim = await jobs({
      faults: { seed: 5, concurrentEditRate: 1 },
      subscriptions: [{ url: receiver.url, secret: 'secret-123' }],
    });
    await fetch(`${sim.url}/_admin/records`, {
      method: 'POST',
      body: JSON.stringify({ reference: 'C', title: 'Race' }),
    });
    const sides: string[] = [];
    for (let i = 0; i < 8; i++) {
      const response = await fetch(`${sim.url}/jobs/job_000001`, {
        method: 'PATCH',
        headers: auth(sim),
        body: JSON.stringify({ notes: `api ${i}` }),
      });
      const answered = (await response.json()) as { notes: string };
      expect(answered.notes).toBe(`api ${i}`);
      sides.push(sim.store.get('job_000001')?.notes === `api ${i}` ? 'ui-first' : 'ui-last');
    }
    expect(sides).toContain('ui-first');
    expect(sides).toContain('ui-last');
    // Seed 5 races after the write six times, then before it.
    expect(sides).toEqual([
      'ui-last',
      'ui-last',
      'ui-last',
      'ui-last',
      'ui-last',
      'ui-last',
      'ui-first',
      'ui-first',
    ]);
    const deliveries = await receiver.waitFor(17);
    expect(
      deliveries.filter((d) => (JSON.parse(d.body) as { type: string }).type === 'job.updated'),
    ).toHaveLength(16);
  });

  it('races a UI edit against an events platform update too', async () => {
    const sim = await startEventsSimulator({ webhooks: 'none', faults: { seed: 2, concurrentEditRate: 1 } });
    closers.push(() => sim.close());
    await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { createAttendee(input: { email: "race@example.com" }) { id } }',
    );
    const answer = await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { updateAttendee(id: "100001", input: { jobTitle: "CTO" }) { jobTitle } }',
    );
    expect(answer.body.data).toEqual({ updateAttendee: { jobTitle: 'CTO' } });
    const stored = sim.store.get('100001')?.jobTitle;
    expect(['CTO', 'Edited in UI (1)']).toContain(stored);
  });
});
