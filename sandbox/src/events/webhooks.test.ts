import { createVerifier } from '@kongo/runtime/verify';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signStandardWebhook, startWebhookReceiver, type WebhookReceiver } from '../sim-kit/index.ts';
import { type EventsSimulator, startEventsSimulator } from './index.ts';
import { callGraphql } from './test-client.ts';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
let sim: EventsSimulator;
const receivers: WebhookReceiver[] = [];

async function receiver(respond?: (index: number) => number | 'hang'): Promise<WebhookReceiver> {
  const hook = await startWebhookReceiver(respond);
  receivers.push(hook);
  await fetch(`${sim.url}/_admin/subscriptions`, {
    method: 'POST',
    body: JSON.stringify({ url: hook.url, secret: SECRET }),
  });
  return hook;
}

const headerOf = (hook: WebhookReceiver, index: number, name: string): string =>
  String(hook.received[index]?.headers[name] ?? '');

beforeAll(async () => {
  sim = await startEventsSimulator({ webhookTiming: { retryDelaysMs: [20, 60, 180], timeoutMs: 500 } });
});

afterEach(async () => {
  await sim.idle(2_000);
  sim.reset();
  await Promise.all(receivers.splice(0).map((hook) => hook.close()));
});

afterAll(async () => {
  await sim?.close();
});

describe('Standard Webhooks signing', () => {
  it('reproduces the published Standard Webhooks vector', () => {
    const signature = signStandardWebhook(
      [SECRET],
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    const library = new Webhook(SECRET).sign(
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      new Date(1614265330_000),
      '{"test": 2432232314}',
    );
    expect(library).toBe(signature);
  });

  it('signs every secret during a rotation, space-separated', () => {
    const both = signStandardWebhook([SECRET, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAA'], 'msg_1', 1, '{}');
    expect(both.split(' ')).toHaveLength(2);
    expect(both.startsWith(signStandardWebhook([SECRET], 'msg_1', 1, '{}'))).toBe(true);
  });
});

describe('events webhooks', () => {
  it('delivers attendee.created signed so the standardwebhooks package verifies it', async () => {
    const hook = await receiver();
    await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { createAttendee(input: { email: "w@example.com" }) { id } }',
    );
    const [delivery] = await hook.waitFor(1);
    if (!delivery) throw new Error('no delivery');
    const headers = {
      'webhook-id': headerOf(hook, 0, 'webhook-id'),
      'webhook-timestamp': headerOf(hook, 0, 'webhook-timestamp'),
      'webhook-signature': headerOf(hook, 0, 'webhook-signature'),
    };
    expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const verified = new Webhook(SECRET).verify(delivery.body, headers) as Record<string, unknown>;
    expect(verified).toMatchObject({
      type: 'attendee.created',
      data: {
        id: '100001',
        email: 'w@example.com',
        status: 'REGISTERED',
        ticketType: 'GENERAL',
        firstName: null,
      },
    });
    expect(verified.timestamp).toBe((verified.data as { updatedAt: string }).updatedAt);
    expect(() => new Webhook(SECRET).verify(`${delivery.body} `, headers)).toThrow();
  });

  it("is accepted by the runtime's own Standard Webhooks verifier, and a tampered body is not", async () => {
    const hook = await receiver();
    await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { createAttendee(input: { email: "v@example.com" }) { id } }',
    );
    const [delivery] = await hook.waitFor(1);
    if (!delivery) throw new Error('no delivery');
    const verify = createVerifier({ type: 'standard-webhooks' }, [SECRET]);
    const request = (body: string) => ({
      method: 'POST',
      url: hook.url,
      body: Buffer.from(body),
      header: (name: string) => headerOf(hook, 0, name) || null,
    });
    expect(verify(request(delivery.body))).toEqual({ ok: true, secret: 'current' });
    expect(verify(request(delivery.body.replace('v@', 'w@')))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('sends an edit made in the UI (admin API) as attendee.updated, and a delete as attendee.deleted', async () => {
    const hook = await receiver();
    await fetch(`${sim.url}/_admin/records`, {
      method: 'POST',
      body: JSON.stringify({ email: 'ui@example.com' }),
    });
    await fetch(`${sim.url}/_admin/records/100001`, {
      method: 'PUT',
      body: JSON.stringify({ company: 'Kongo' }),
    });
    await fetch(`${sim.url}/_admin/records/100001`, { method: 'DELETE' });
    const deliveries = await hook.waitFor(3);
    expect(deliveries.map((d) => (JSON.parse(d.body) as { type: string }).type)).toEqual([
      'attendee.created',
      'attendee.updated',
      'attendee.deleted',
    ]);
    expect(JSON.parse(deliveries[1]?.body ?? '{}')).toMatchObject({ data: { company: 'Kongo' } });
    const deleted = JSON.parse(deliveries[2]?.body ?? '{}') as {
      timestamp: string;
      data: { updatedAt: string };
    };
    expect(Date.parse(deleted.timestamp)).toBeGreaterThanOrEqual(Date.parse(deleted.data.updatedAt));
  });

  it('sends nothing in mode none (poll only)', async () => {
    const hook = await receiver();
    await fetch(`${sim.url}/_admin/webhook-mode`, { method: 'PUT', body: JSON.stringify({ mode: 'none' }) });
    await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { createAttendee(input: { email: "n@example.com" }) { id } }',
    );
    await sim.idle();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hook.received).toHaveLength(0);
    expect(sim.dispatcher.log()).toEqual([]);
  });

  it('retries a failing endpoint with growing delays, same webhook-id, fresh signature each time', async () => {
    const hook = await receiver((index) => (index < 2 ? 503 : 200));
    await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { createAttendee(input: { email: "r@example.com" }) { id } }',
    );
    const deliveries = await hook.waitFor(3);
    await sim.idle();
    const ids = hook.received.map((_, i) => headerOf(hook, i, 'webhook-id'));
    expect(new Set(ids).size).toBe(1);
    const log = sim.dispatcher.log();
    expect(log.map((a) => [a.attempt, a.status, a.nextAttemptInMs])).toEqual([
      [1, 503, 20],
      [2, 503, 60],
      [3, 200, null],
    ]);
    const gaps = [1, 2].map((i) => (deliveries[i]?.receivedAt ?? 0) - (deliveries[i - 1]?.receivedAt ?? 0));
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(55);
    for (let i = 0; i < 3; i++) {
      const headers = {
        'webhook-id': headerOf(hook, i, 'webhook-id'),
        'webhook-timestamp': headerOf(hook, i, 'webhook-timestamp'),
        'webhook-signature': headerOf(hook, i, 'webhook-signature'),
      };
      expect(() => new Webhook(SECRET).verify(deliveries[i]?.body ?? '', headers)).not.toThrow();
    }
  });

  it('compresses the real-world schedule (5 s, 5 min, …) and gives up after the last attempt', async () => {
    sim.dispatcher.configure({
      retryDelaysMs: [5_000, 300_000],
      timeCompression: 10_000,
    });
    const hook = await receiver(() => 500);
    await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { createAttendee(input: { email: "g@example.com" }) { id } }',
    );
    await hook.waitFor(3);
    await sim.idle();
    expect(sim.dispatcher.log().map((a) => [a.attempt, a.status, a.nextAttemptInMs, a.exhausted])).toEqual([
      [1, 500, 1, false],
      [2, 500, 30, false],
      [3, 500, null, true],
    ]);
  });

  it('counts an endpoint that does not answer in time as failed and retries it', async () => {
    sim.dispatcher.configure({ timeoutMs: 100 });
    const hook = await receiver((index) => (index === 0 ? 'hang' : 204));
    await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { createAttendee(input: { email: "t@example.com" }) { id } }',
    );
    await hook.waitFor(2);
    await sim.idle();
    const [first, second] = sim.dispatcher.log();
    expect(first).toMatchObject({ attempt: 1, status: null, nextAttemptInMs: 20 });
    expect(first?.error).toContain('TimeoutError');
    expect(second).toMatchObject({ attempt: 2, status: 204 });
  });

  it('serves the delivery log through the admin API', async () => {
    await receiver();
    await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { createAttendee(input: { email: "l@example.com" }) { id } }',
    );
    const log = (await (await fetch(`${sim.url}/_admin/deliveries/idle`, { method: 'POST' })).json()) as {
      data: Array<Record<string, unknown>>;
    };
    expect(log.data).toHaveLength(1);
    expect(log.data[0]).toMatchObject({
      type: 'attendee.created',
      attempt: 1,
      status: 200,
      duplicate: false,
    });
  });

  it('refuses a subscription whose secret is not whsec_', async () => {
    const refused = await fetch(`${sim.url}/_admin/subscriptions`, {
      method: 'POST',
      body: JSON.stringify({ url: 'http://127.0.0.1:1/x', secret: 'plain' }),
    });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});
