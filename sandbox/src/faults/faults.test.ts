import { describe, expect, it } from 'vitest';
import { FaultConfigError, FaultInjector, NO_FAULTS, parseFaultConfig, seededRandom } from './index.ts';

const MIXED = {
  seed: 42,
  rate429: 0.2,
  rate5xx: 0.2,
  rateTimeout: 0.1,
  rateReset: 0.1,
  retryAfterMs: { min: 50, max: 2000 },
};

describe('FaultInjector', () => {
  it('gives the same faults for the same seed, call for call', () => {
    const a = new FaultInjector({ ...MIXED, faultAfterProcessingRate: 0.5, concurrentEditRate: 0.3 });
    const b = new FaultInjector({ ...MIXED, faultAfterProcessingRate: 0.5, concurrentEditRate: 0.3 });
    const run = (f: FaultInjector) =>
      Array.from({ length: 300 }, () => ({
        decision: f.next(),
        duplicate: f.duplicate(),
        race: f.concurrentEdit(),
      }));
    expect(run(a)).toEqual(run(b));
  });

  it('gives different faults for a different seed', () => {
    const kinds = (seed: number) => {
      const f = new FaultInjector({ ...MIXED, seed });
      return Array.from({ length: 50 }, () => f.next().kind).join(',');
    };
    expect(kinds(42)).not.toBe(kinds(43));
  });

  it('keeps the sequence it has always drawn for seed 42 (replays of old failures stay valid)', () => {
    const f = new FaultInjector(MIXED);
    const drawn = Array.from({ length: 12 }, () => {
      const d = f.next();
      return [d.kind, d.retryAfterMs, d.status];
    });
    expect(drawn).toEqual([
      ['none', 1712, 503],
      ['429', 583, 502],
      ['none', 537, 503],
      ['none', 435, 502],
      ['none', 57, 502],
      ['none', 1205, 500],
      ['5xx', 412, 503],
      ['reset', 387, 503],
      ['timeout', 673, 502],
      ['429', 1135, 502],
      ['5xx', 459, 500],
      ['none', 1041, 500],
    ]);
  });

  it('restarts the sequence when reconfigured', () => {
    const f = new FaultInjector(MIXED);
    const first = Array.from({ length: 20 }, () => f.next());
    f.configure(MIXED);
    expect(Array.from({ length: 20 }, () => f.next())).toEqual(first);
  });

  it('injects each kind at about its configured rate', () => {
    const f = new FaultInjector({ seed: 7, rate429: 0.1, rate5xx: 0.05, rateTimeout: 0.02, rateReset: 0.03 });
    const counts: Record<string, number> = {};
    for (let i = 0; i < 20_000; i++) {
      const kind = f.next().kind;
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    expect(counts['429']).toBeGreaterThan(1_800);
    expect(counts['429']).toBeLessThan(2_200);
    expect(counts['5xx']).toBeGreaterThan(850);
    expect(counts['5xx']).toBeLessThan(1_150);
    expect(counts.timeout).toBeGreaterThan(300);
    expect(counts.timeout).toBeLessThan(500);
    expect(counts.reset).toBeGreaterThan(480);
    expect(counts.reset).toBeLessThan(720);
  });

  it('draws retry hints across the range, short ones included', () => {
    const f = new FaultInjector({ seed: 3, rate429: 1, retryAfterMs: { min: 10, max: 3000 } });
    const hints = Array.from({ length: 500 }, () => f.next().retryAfterMs);
    expect(Math.min(...hints)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...hints)).toBeLessThanOrEqual(3000);
    expect(hints.filter((ms) => ms < 200).length).toBeGreaterThan(10);
  });

  it('shapes latency as a long tail when asked: most near min, a few near max', () => {
    const f = new FaultInjector({
      seed: 5,
      latencyMs: { min: 10, max: 1010 },
      latencyDistribution: 'long-tail',
    });
    const delays = Array.from({ length: 2_000 }, () => f.next().delayMs).sort((x, y) => x - y);
    const median = delays[1_000] ?? 0;
    const p99 = delays[1_980] ?? 0;
    expect(median).toBeLessThan(200);
    expect(p99).toBeGreaterThan(800);
  });

  it('splits 5xx/timeout/reset between before and after processing by faultAfterProcessingRate', () => {
    const f = new FaultInjector({ seed: 9, rate5xx: 1, faultAfterProcessingRate: 0.5 });
    const phases = Array.from({ length: 1_000 }, () => f.next().phase);
    const after = phases.filter((p) => p === 'after').length;
    expect(after).toBeGreaterThan(420);
    expect(after).toBeLessThan(580);
    expect(new FaultInjector({ seed: 9, rate5xx: 1 }).next().phase).toBe('before');
  });

  it('races concurrent edits at the configured rate, on both sides of the write', () => {
    const f = new FaultInjector({ seed: 11, concurrentEditRate: 0.5 });
    const races = Array.from({ length: 1_000 }, () => f.concurrentEdit());
    expect(races.filter((r) => r === null).length).toBeGreaterThan(420);
    expect(races.filter((r) => r === 'before').length).toBeGreaterThan(180);
    expect(races.filter((r) => r === 'after').length).toBeGreaterThan(180);
    expect(new FaultInjector({ seed: 11 }).concurrentEdit()).toBeNull();
  });

  it('shuffles webhook order deterministically only when reordering is on', () => {
    expect(new FaultInjector({ seed: 42, reorderWebhooks: true }).maybeShuffle([1, 2, 3, 4, 5, 6])).toEqual([
      2, 1, 5, 6, 3, 4,
    ]);
    expect(new FaultInjector({ seed: 42 }).maybeShuffle([1, 2, 3])).toEqual([1, 2, 3]);
  });

  it('limits request faults to the listed operations', () => {
    const f = new FaultInjector({ rate5xx: 1, operations: ['POST /jobs'] });
    expect(f.appliesTo('POST /jobs')).toBe(true);
    expect(f.appliesTo('GET /jobs')).toBe(false);
    expect(new FaultInjector().appliesTo('GET /jobs')).toBe(true);
  });

  it('is inactive with no faults configured', () => {
    expect(new FaultInjector(NO_FAULTS).active).toBe(false);
    expect(new FaultInjector({ latencyMs: { min: 0, max: 5 } }).active).toBe(true);
  });

  it('draws uniformly in [0, 1) from seededRandom', () => {
    const random = seededRandom(1);
    const values = Array.from({ length: 1_000 }, random);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
  });
});

describe('parseFaultConfig', () => {
  it('accepts a valid configuration and returns it typed', () => {
    expect(
      parseFaultConfig({
        seed: 7,
        rate429: 0.1,
        retryAfterMs: { min: 100, max: 200 },
        reorderWebhooks: true,
        latencyDistribution: 'long-tail',
        operations: ['POST /jobs'],
      }),
    ).toEqual({
      seed: 7,
      rate429: 0.1,
      retryAfterMs: { min: 100, max: 200 },
      reorderWebhooks: true,
      latencyDistribution: 'long-tail',
      operations: ['POST /jobs'],
    });
  });

  it('names every bad field', () => {
    let caught: unknown;
    try {
      parseFaultConfig({ seed: 1.5, rate5xx: 2, latencyMs: { min: 5, max: 1 }, colour: 'red' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FaultConfigError);
    expect((caught as FaultConfigError).problems.map((p) => p.field)).toEqual([
      'colour',
      'seed',
      'rate5xx',
      'latencyMs',
    ]);
  });

  it('refuses rates that add up to more than 1', () => {
    expect(() => parseFaultConfig({ rate429: 0.6, rate5xx: 0.6 })).toThrow(/exceeds 1/);
  });
});
