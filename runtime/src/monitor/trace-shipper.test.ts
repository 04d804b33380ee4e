import { afterEach, describe, expect, it, vi } from 'vitest';
import { IntegrationLogger, memoryLogSink } from './logger.ts';
import { createTraceShipper, TraceShipperNotConfigured } from './trace-shipper.ts';
import type { TraceSummary } from './types.ts';

const trace = (n: number): TraceSummary => ({
  traceId: `t-${n}`,
  startedAt: 1_795_611_600_000 + n,
  outcome: 'landed',
  stages: [{ stage: 'trigger', startedAt: 1_795_611_600_000 + n, durationMs: 0, status: 'ok' }],
});

afterEach(() => {
  vi.useRealTimers();
});

describe('createTraceShipper', () => {
  it('batches traces on a timer and posts at most 100 per call, one call at a time', async () => {
    vi.useFakeTimers();
    const batches: number[] = [];
    let inFlight = 0;
    let overlapped = false;
    const shipper = createTraceShipper({
      batchMs: 200,
      send: async (traces) => {
        inFlight += 1;
        if (inFlight > 1) overlapped = true;
        await Promise.resolve();
        batches.push(traces.length);
        inFlight -= 1;
      },
    });
    for (let n = 0; n < 3; n++) shipper.add(trace(n));
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(batches).toEqual([3]);

    for (let n = 0; n < 250; n++) shipper.add(trace(n));
    await shipper.flush();
    expect(batches).toEqual([3, 100, 100, 50]);
    expect(overlapped).toBe(false);
    expect(shipper.stats()).toMatchObject({ posted: 253, posts: 4, dropped: 0, queued: 0 });
  });

  it('drops a batch whose post fails, counts it, and logs once per run of failures', async () => {
    const log = memoryLogSink();
    const logger = new IntegrationLogger({ integrationId: 'acme', sink: log.sink });
    let fail = true;
    const shipper = createTraceShipper({
      log: logger,
      send: async () => {
        if (fail) throw new Error('Notification Centre answered 503');
      },
    });
    shipper.add(trace(1));
    await shipper.flush();
    shipper.add(trace(2));
    shipper.add(trace(3));
    await shipper.flush();
    expect(shipper.stats()).toMatchObject({ posted: 0, dropped: 3, queued: 0 });
    expect(log.entries().filter((e) => e.level === 'warn')).toHaveLength(1);

    fail = false;
    shipper.add(trace(4));
    await shipper.flush();
    expect(shipper.stats()).toMatchObject({ posted: 1, dropped: 3 });
    expect(log.entries().map((e) => e.msg)).toContain('trace posts reach the Notification Centre again');
  });

  it('counts traces it had nowhere to send apart, without logging, and caps what waits', async () => {
    const log = memoryLogSink();
    const shipper = createTraceShipper({
      maxQueued: 150,
      log: new IntegrationLogger({ integrationId: 'acme', sink: log.sink }),
      send: async () => {
        throw new TraceShipperNotConfigured('no centre');
      },
    });
    shipper.add(trace(1));
    await shipper.close();
    expect(shipper.stats()).toMatchObject({ unconfigured: 1, dropped: 0 });
    expect(log.lines).toEqual([]);

    const capped = createTraceShipper({ maxQueued: 150, batchMs: 60_000, send: () => new Promise(() => {}) });
    capped.add(trace(0)); // its post never answers: everything after it waits
    for (let n = 1; n <= 300; n++) capped.add(trace(n));
    expect(capped.stats().queued).toBeLessThanOrEqual(150);
    expect(capped.stats().overflowed).toBeGreaterThan(0);
  });
});

describe('IntegrationLogger.onTrace', () => {
  it('hands every finished trace to listeners, survives a throwing one, and unsubscribes', () => {
    const logger = new IntegrationLogger({ integrationId: 'acme', sink: () => {} });
    const seen: string[] = [];
    const stop = logger.onTrace((t) => seen.push(t.traceId));
    logger.onTrace(() => {
      throw new Error('broken listener');
    });
    logger.child({ traceId: 'x' }).startTrace({ traceId: 'a' }).finish('landed');
    stop();
    logger.startTrace({ traceId: 'b' }).finish('landed');
    expect(seen).toEqual(['a']);
    expect(logger.pendingTraces().map((t) => t.traceId)).toEqual(['a', 'b']);
  });
});
