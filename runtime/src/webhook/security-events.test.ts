import { describe, expect, it } from 'vitest';
import type { SecurityEvent } from './handler.ts';
import { createSecurityEventCounter, type SecuritySpike } from './security-events.ts';

const event = (at: number, reason: SecurityEvent['reason'] = 'bad-signature'): SecurityEvent => ({
  integration: 'acme',
  source: 'hubspot',
  reason,
  at,
});

describe('security event counter', () => {
  it('raises one spike when rejections in the window reach the threshold, and another only after a lull', () => {
    const spikes: SecuritySpike[] = [];
    const counter = createSecurityEventCounter({
      windowMs: 1_000,
      threshold: 3,
      onSpike: (s) => spikes.push(s),
    });
    counter.record(event(0, 'stale-timestamp'));
    counter.record(event(100));
    expect(spikes).toEqual([]);
    counter.record(event(200));
    counter.record(event(300));
    expect(spikes).toEqual([
      {
        integration: 'acme',
        count: 3,
        windowMs: 1_000,
        byReason: { 'stale-timestamp': 1, 'bad-signature': 2 },
        at: 200,
      },
    ]);
    counter.record(event(5_000)); // the window emptied: below the threshold again
    counter.record(event(5_100));
    counter.record(event(5_200));
    expect(spikes).toHaveLength(2);
    expect(counter.count(5_200)).toBe(3);
    expect(counter.count(10_000)).toBe(0);
    expect(counter.totals()).toEqual({ 'stale-timestamp': 1, 'bad-signature': 6 });
  });
});
