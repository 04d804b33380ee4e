import { describe, expect, it } from 'vitest';
import { sampleState } from '../store/contract.ts';
import { formatAgo, formatDuration } from './messages.ts';
import { DEFAULT_RULES, downDeadline, isOverdue, readConditions } from './rules.ts';

const T0 = Date.UTC(2026, 10, 25, 13, 0, 0);

describe('down rule', () => {
  it('is down strictly after 2× the interval, never before the first heartbeat', () => {
    const state = sampleState('x', { lastHeartbeatAt: T0, intervalSeconds: 90 });
    expect(downDeadline(state, DEFAULT_RULES)).toBe(T0 + 180_000);
    expect(isOverdue(state, T0 + 180_000, DEFAULT_RULES)).toBe(false);
    expect(isOverdue(state, T0 + 180_001, DEFAULT_RULES)).toBe(true);
    expect(isOverdue(sampleState('y', { lastHeartbeatAt: null }), T0 + 1e9, DEFAULT_RULES)).toBe(false);
  });

  it('holds short intervals to the minimum (60 s by default; configurable for local runs)', () => {
    const state = sampleState('x', { lastHeartbeatAt: T0, intervalSeconds: 5 });
    expect(downDeadline(state, DEFAULT_RULES)).toBe(T0 + 120_000);
    expect(downDeadline(state, { ...DEFAULT_RULES, minIntervalSeconds: 5 })).toBe(T0 + 10_000);
  });
});

describe('spike and dead-letter conditions', () => {
  const bucket = (minute: number, errors: number, unauthorised = 0) => ({
    minute,
    events: 0,
    errors,
    unauthorised,
    byKind: {},
  });

  it('counts errors inside the window only and clears below half the threshold', () => {
    const state = sampleState('x');
    const now = T0 + 4 * 60_000 + 30_000;
    const read = (buckets: ReturnType<typeof bucket>[]) =>
      readConditions(state, buckets, now, DEFAULT_RULES).find((c) => c.kind === 'error-spike');
    expect(read([bucket(T0 - 60_000, 50), bucket(T0, 6), bucket(T0 + 4 * 60_000, 4)])).toMatchObject({
      value: 10,
      active: true,
      cleared: false,
    });
    expect(read([bucket(T0, 7)])).toMatchObject({ value: 7, active: false, cleared: false });
    expect(read([bucket(T0, 4)])).toMatchObject({ value: 4, active: false, cleared: true });
  });

  it('ages the reported oldest dead letter by the time since the report', () => {
    const state = sampleState('x', {
      deadLetters: { count: 2, oldestAgeMs: 50 * 60_000, recent: [] },
      deadLettersReportedAt: T0,
    });
    const at = (now: number) =>
      readConditions(state, [], now, DEFAULT_RULES).find((c) => c.kind === 'dead-letters-old');
    expect(at(T0)).toMatchObject({ active: false });
    expect(at(T0 + 11 * 60_000)).toMatchObject({ active: true, value: 61 * 60_000 });
  });
});

describe('time words', () => {
  it('reads like the seed dashboard', () => {
    expect([
      formatAgo(14_000),
      formatAgo(60_000),
      formatAgo(3 * 3_600_000),
      formatAgo(3 * 86_400_000),
    ]).toEqual(['14s ago', '1m ago', '3h ago', '3d ago']);
    expect([
      formatDuration(45_000),
      formatDuration(121_000),
      formatDuration(120_000),
      formatDuration(7_440_000),
    ]).toEqual(['45s', '2m 1s', '2m', '2h 4m']);
  });
});
