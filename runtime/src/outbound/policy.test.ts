import { describe, expect, it } from 'vitest';
import { DeliveryError } from './errors.ts';
import { GRAPHQL_EVENTS_PROFILE, HUBSPOT_PROFILE, REST_PROFILE, retryAfterMs } from './profiles.ts';
import { createRateBudget } from './rate-limit.ts';
import { backoffDelay, withRetry } from './retry.ts';

const retryable = (retryAfter?: number) =>
  new DeliveryError('hubspot', '429', {
    status: 429,
    retryable: true,
    ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
  });

describe('retry policy', () => {
  it('backs off with full jitter under an exponential ceiling, never below the server hint', () => {
    const profile = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(0, profile, () => 0.999)).toBe(99);
    expect(backoffDelay(3, profile, () => 0.5)).toBe(400);
    expect(backoffDelay(10, profile, () => 0.999)).toBe(999);
    expect(backoffDelay(0, profile, () => 0, 750)).toBe(750);
  });

  it('retries retryable failures and gives up after maxAttempts with the attempt count', async () => {
    const waits: number[] = [];
    let calls = 0;
    const failing = withRetry(
      async () => {
        calls++;
        throw retryable(20);
      },
      {
        profile: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
        sleep: async (ms) => void waits.push(ms),
      },
    );
    await expect(failing).rejects.toMatchObject({ name: 'DeliveryError', attempts: 3 });
    expect(calls).toBe(3);
    expect(waits).toEqual([20, 20]);
  });

  it('does not retry a non-retryable failure', async () => {
    let calls = 0;
    const rejected = withRetry(
      async () => {
        calls++;
        throw new DeliveryError('destination', 'bad', { status: 422, retryable: false });
      },
      { profile: HUBSPOT_PROFILE, sleep: async () => {} },
    );
    await expect(rejected).rejects.toMatchObject({ status: 422, attempts: 1 });
    expect(calls).toBe(1);
  });

  it('succeeds on a later attempt', async () => {
    let calls = 0;
    const value = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw retryable();
        return 'ok';
      },
      { profile: HUBSPOT_PROFILE, sleep: async () => {}, random: () => 0 },
    );
    expect(value).toBe('ok');
  });
});

describe('provider profiles', () => {
  it('reads each provider’s retry hint in its own unit', () => {
    expect(retryAfterMs(HUBSPOT_PROFILE, new Headers({ 'retry-after': '2' }))).toBe(2_000);
    expect(retryAfterMs(REST_PROFILE, new Headers({ 'Retry-After': '0.2' }))).toBe(200);
    expect(retryAfterMs(GRAPHQL_EVENTS_PROFILE, new Headers({ 'X-Secondly-Retry-After': '350' }))).toBe(350);
    expect(retryAfterMs(GRAPHQL_EVENTS_PROFILE, new Headers({ 'X-Daily-Retry-After': '60' }))).toBe(60_000);
    expect(retryAfterMs(HUBSPOT_PROFILE, new Headers())).toBeUndefined();
  });
});

/** Waits until `count()` is above zero and then unchanged for 200 ms (or 3 s pass). */
async function settled(count: () => number): Promise<void> {
  const deadline = Date.now() + 3_000;
  let last = -1;
  let stable = 0;
  while (stable < 4 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    stable = count() > 0 && count() === last ? stable + 1 : 0;
    last = count();
  }
}

describe('HubSpot rate budget', () => {
  it('keeps the reserve: 100 per 10 s with 20% reserved allows 80 per window', async () => {
    const budget = createRateBudget({ limit: { per10Seconds: 100, daily: 250_000, reservePercent: 20 } });
    expect(budget.perWindow).toBe(80);
    let ran = 0;
    for (let i = 0; i < 85; i++) budget.schedule(async () => void ran++).catch(() => {});
    await settled(() => ran);
    expect(ran).toBe(80);
    await budget.stop();
  });

  it('rolls: each token comes back one window after its call started, not at a fixed refill instant', async () => {
    const budget = createRateBudget({
      limit: { per10Seconds: 10, daily: 250_000, reservePercent: 0 },
      windowMs: 300,
      marginMs: 0,
    });
    const started: number[] = [];
    const t0 = Date.now();
    const call = () => budget.schedule(async () => void started.push(Date.now() - t0));
    await Promise.all(Array.from({ length: 5 }, call));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await Promise.all(Array.from({ length: 10 }, call));
    // 5 at 0 ms, 5 more at ~150 ms; the last 5 only once the first 5 tokens return (~300 ms).
    expect(started.slice(10).every((at) => at >= 295)).toBe(true);
    for (const at of started)
      expect(started.filter((other) => other >= at && other < at + 295).length).toBeLessThanOrEqual(10);
    await budget.stop();
  });

  it('tightens to what X-HubSpot-RateLimit-Remaining leaves after the reserve', async () => {
    const budget = createRateBudget({
      limit: { per10Seconds: 100, daily: 250_000, reservePercent: 20 },
      profile: HUBSPOT_PROFILE,
    });
    budget.observe({ 'x-hubspot-ratelimit-remaining': '25', 'x-hubspot-ratelimit-max': '100' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    let ran = 0;
    for (let i = 0; i < 10; i++) budget.schedule(async () => void ran++).catch(() => {});
    await settled(() => ran);
    expect(ran).toBe(5);
    await budget.stop();
  });
});
