import { createHmac, timingSafeEqual } from 'node:crypto';
import { createVerifier } from '@kongo/runtime/verify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256Hex, startWebhookReceiver, type WebhookReceiver } from '../sim-kit/index.ts';
import { type JobsSimulator, startJobsSimulator } from './index.ts';

const SECRET = 'jobs-webhook-secret';
let sim: JobsSimulator;
const receivers: WebhookReceiver[] = [];

async function receiver(respond?: (index: number) => number | 'hang'): Promise<WebhookReceiver> {
  const hook = await startWebhookReceiver(respond);
  receivers.push(hook);
  sim.subscriptions.add({ url: hook.url, secret: SECRET });
  return hook;
}

const post = (body: unknown) =>
  fetch(`${sim.url}/jobs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** How a receiver should check the header: HMAC the raw bytes, compare in constant time. */
function verify(body: string, signature: string): boolean {
  const expected = Buffer.from(createHmac('sha256', SECRET).update(body).digest('hex'));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

beforeAll(async () => {
  sim = await startJobsSimulator({ webhookTiming: { retryDelaysMs: [20, 60], timeoutMs: 500 } });
});

afterEach(async () => {
  await sim.idle(2_000);
  sim.reset();
  await Promise.all(receivers.splice(0).map((hook) => hook.close()));
});

afterAll(async () => {
  await sim?.close();
});

describe('job webhooks', () => {
  it('reproduces the GitHub-style HMAC-SHA256 hex vector', () => {
    expect(`sha256=${hmacSha256Hex("It's a Secret to Everybody", 'Hello, World!')}`).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
  });

  it('posts job.created with X-Jobs-Signature = hex HMAC-SHA256 of the raw body', async () => {
    const hook = await receiver();
    await post({ reference: 'VF-1', title: 'Survey' });
    const [delivery] = await hook.waitFor(1);
    if (!delivery) throw new Error('no delivery');
    const signature = String(delivery.headers['x-jobs-signature']);
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(verify(delivery.body, signature)).toBe(true);
    expect(verify(delivery.body.replace('Survey', 'Surveys'), signature)).toBe(false);
    const event = JSON.parse(delivery.body) as Record<string, unknown>;
    expect(event).toMatchObject({
      type: 'job.created',
      data: { id: 'job_000001', reference: 'VF-1', title: 'Survey', status: 'QUOTED' },
    });
    expect(event.id).toBe(delivery.headers['x-jobs-event-id']);
    expect(event.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(event.occurredAt).toBe((event.data as { updatedAt: string }).updatedAt);
  });

  it("is accepted by the runtime's own hex HMAC verifier, and a tampered body is not", async () => {
    const hook = await receiver();
    await post({ reference: 'VF-V', title: 'Verify' });
    const [delivery] = await hook.waitFor(1);
    if (!delivery) throw new Error('no delivery');
    const verify = createVerifier({ type: 'hmac-sha256-hex', header: 'X-Jobs-Signature' }, [SECRET]);
    const request = (body: string) => ({
      method: 'POST',
      url: hook.url,
      body: Buffer.from(body),
      header: (name: string) => String(delivery.headers[name] ?? '') || null,
    });
    expect(verify(request(delivery.body))).toEqual({ ok: true, secret: 'current' });
    expect(verify(request(delivery.body.replace('Verify', 'Verified')))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('sends job.updated and job.deleted for edits made in the UI', async () => {
    const hook = await receiver();
    await post({ reference: 'VF-2', title: 'Repair' });
    await fetch(`${sim.url}/_admin/records/job_000001`, {
      method: 'PUT',
      body: JSON.stringify({ status: 'SCHEDULED' }),
    });
    await fetch(`${sim.url}/_admin/records/job_000001`, { method: 'DELETE' });
    const deliveries = await hook.waitFor(3);
    expect(deliveries.map((d) => (JSON.parse(d.body) as { type: string }).type)).toEqual([
      'job.created',
      'job.updated',
      'job.deleted',
    ]);
  });

  it('drops pending retries on reset', async () => {
    const hook = await receiver(() => 500);
    await post({ reference: 'VF-R', title: 'Reset' });
    await hook.waitFor(1);
    sim.reset();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(hook.received).toHaveLength(1);
    expect(sim.dispatcher.log()).toEqual([]);
  });

  it('retries on 5xx with the attempt number in a header, then stops on 2xx', async () => {
    const hook = await receiver((index) => (index === 0 ? 500 : 200));
    await post({ reference: 'VF-3', title: 'Check' });
    const deliveries = await hook.waitFor(2);
    await sim.idle();
    expect(deliveries.map((d) => d.headers['x-jobs-delivery-attempt'])).toEqual(['1', '2']);
    expect(deliveries[1]?.body).toBe(deliveries[0]?.body);
    expect(sim.dispatcher.log().map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
  });
});
