/**
 * The worker's HubSpot budget against the HubSpot simulator's rolling 10-second window (100 per
 * 10 s): a burst straddling the 10-second mark — 50 calls at once, then 100 more 9.5 s later — gets
 * no 429 and never puts more than 100 calls in any 10-second window. A reservoir refilled at fixed
 * 10-second instants would let 50 + 100 through within half a second of the mark (50 × 429).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubSpotClient } from '../../runtime/src/outbound/hubspot-client.ts';
import { HUBSPOT_PROFILE } from '../../runtime/src/outbound/profiles.ts';
import { createRateBudget } from '../../runtime/src/outbound/rate-limit.ts';
import { type HubSpotSimulator, startHubSpotSimulator } from '../../sandbox/src/hubspot/index.ts';

const TOKEN = 'pat-rate-budget';
const WINDOW_MS = 10_000;

let hub: HubSpotSimulator;

beforeAll(async () => {
  hub = await startHubSpotSimulator({
    apps: [{ appId: 42, clientSecret: 'secret', accessToken: TOKEN, per10Seconds: 100 }],
    indexingLagMs: 0,
  });
});

afterAll(async () => {
  await hub.close();
});

/** The most timestamps inside any window of `ms` (a window closed at its start, open at its end). */
function busiestWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to++) {
    while ((sorted[to] ?? 0) - (sorted[from] ?? 0) >= ms) from++;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

describe('the worker HubSpot budget on a rolling window', () => {
  it('sends a 150-call burst across the 10-second mark with 0 × 429 and ≤ 100 in any 10 s', async () => {
    const budget = createRateBudget({
      limit: { per10Seconds: 100, daily: 250_000, reservePercent: 0 },
      profile: HUBSPOT_PROFILE,
    });
    const sentAt: number[] = [];
    const remaining: number[] = [];
    const client = createHubSpotClient({
      objectType: 'contacts',
      accessToken: TOKEN,
      basePath: hub.url,
      syncIdProperty: 'kongo_sync_id',
      budget,
      // One attempt: a 429 must show as a failure here, not be hidden by a retry.
      profile: { ...HUBSPOT_PROFILE, maxAttempts: 1 },
      fetch: async (input, init) => {
        sentAt.push(Date.now());
        const response = await fetch(input, init);
        const left = response.headers.get('x-hubspot-ratelimit-remaining');
        if (left !== null) remaining.push(Number(left));
        return response;
      },
    });
    hub.resetCounters();
    const read = (i: number) => client.batchRead([String(900_000 + i)], ['email']);
    try {
      const started = Date.now();
      const first = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => read(i)));
      await new Promise((resolve) => setTimeout(resolve, started + 9_500 - Date.now()));
      const second = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => read(50 + i)));
      const finished = Date.now() - started;

      const rejected = [...first, ...second].filter((r) => r.status === 'rejected');
      expect(rejected).toEqual([]);
      const counters = hub.counters();
      expect(counters.total).toBe(150);
      const statuses = Object.values(counters.byEndpoint).flatMap((byStatus) => Object.keys(byStatus));
      expect(statuses).not.toContain('429');
      expect(sentAt).toHaveLength(150);
      expect(busiestWindow(sentAt, WINDOW_MS)).toBeLessThanOrEqual(100);
      expect(Math.min(...remaining)).toBeGreaterThanOrEqual(0);
      // It waited for the first 50 tokens to come back (one window + margin), not much longer.
      expect(finished).toBeGreaterThanOrEqual(WINDOW_MS);
      expect(finished).toBeLessThan(WINDOW_MS + 3_000);
      expect(budget.used).toBe(150);
    } finally {
      await budget.stop();
    }
  }, 20_000);
});
