import { describe, expect, it } from 'vitest';
import { IntegrationLogger, memoryLogSink } from './logger.ts';

function setup(start = Date.UTC(2026, 10, 25, 13, 0, 0)) {
  let now = start;
  const clock = { now: () => now };
  const memory = memoryLogSink();
  const log = new IntegrationLogger({
    integrationId: 'velflex-attendees',
    clientSlug: 'velflex',
    sink: memory.sink,
    clock,
  });
  return { log, memory, advance: (ms: number) => (now += ms), clock };
}

describe('IntegrationLogger', () => {
  it('writes one JSON line per call with the integration, the trace id and the level', () => {
    const { log, memory } = setup();
    log.child({ traceId: 'tr-1' }).info('verified', { stage: 'verify', durationMs: 3 });
    const [line] = memory.entries();
    expect(line).toEqual({
      ts: '2026-11-25T13:00:00.000Z',
      level: 'info',
      msg: 'verified',
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      traceId: 'tr-1',
      stage: 'verify',
      durationMs: 3,
    });
  });

  it('carries the trace id through every child and stage', () => {
    const { log, memory } = setup();
    const traced = log.child({ traceId: 'tr-9' });
    traced.record('receive', 'received');
    traced.child({ stage: 'transform' }).info('mapped', { count: 4 });
    traced.failure({ stage: 'deliver', kind: 'http-429', reason: 'rate limited' });
    expect(memory.entries().map((e) => e.traceId)).toEqual(['tr-9', 'tr-9', 'tr-9']);
  });

  it('withholds fields that are not ids, counts, outcomes, reasons or durations', () => {
    const { log, memory } = setup();
    log.info('oops', { email: 'ada@example.com', firstName: 'Ada', recordId: '51' });
    const [line] = memory.entries();
    expect(line?.email).toBeUndefined();
    expect(line?.firstName).toBeUndefined();
    expect(line?.recordId).toBe('51');
    expect(line?.withheld).toEqual(['email', 'firstName']);
    expect(memory.lines[0]).not.toContain('ada@example.com');
  });

  it('scrubs emails, tokens and phone numbers out of reasons and messages', () => {
    const { log, memory } = setup();
    log.warn('bad value ada@example.com', {
      reason: 'token sk_test_abc123 rejected; Bearer pat-na1-11111111-2222 leaked; phone +61 412 345 678',
    });
    const text = memory.lines.join('\n');
    expect(text).not.toMatch(/ada@example|sk_test_abc|pat-na1|412 345/);
    expect(memory.entries()[0]?.reason).toBe(
      'token [secret] rejected; Bearer [secret] leaked; phone [number]',
    );
  });

  it('keeps long numeric record ids intact (ids are not free text)', () => {
    const { log, memory } = setup();
    log.info('landed', { recordId: '51234567890' });
    expect(memory.entries()[0]?.recordId).toBe('51234567890');
  });

  it('counts per stage and outcome, tallies error outcomes by kind, and sets the last event time', () => {
    const { log, advance, clock } = setup();
    log.count('deliver', 'delivered');
    log.count('deliver', 'delivered');
    log.count('idempotency', 'echo-dropped');
    log.count('verify', 'unauthorised', 3);
    advance(5000);
    log.count('deliver', 'dead-lettered');
    const snap = log.snapshot();
    expect(snap.counters).toEqual({
      'deliver.delivered': 2,
      'idempotency.echo-dropped': 1,
      'verify.unauthorised': 3,
      'deliver.dead-lettered': 1,
    });
    expect(snap.errorsByKind).toEqual({ unauthorised: 3, 'dead-lettered': 1 });
    expect(snap.lastEventAt).toBe(clock.now());
  });

  it('does not treat a non-terminal outcome as an event', () => {
    const { log } = setup();
    log.count('receive', 'received');
    log.count('deliver', 'retried');
    expect(log.snapshot().lastEventAt).toBeNull();
  });

  it('keeps a bounded ring of recent failures with ids and reasons only', () => {
    const memory = memoryLogSink();
    const log = new IntegrationLogger({ integrationId: 'i', sink: memory.sink, maxPendingFailures: 3 });
    for (let i = 0; i < 5; i++) {
      log.failure({
        stage: 'transform',
        kind: 'enum-unmapped',
        reason: `no mapping for ${i}`,
        recordId: `r${i}`,
      });
    }
    const failures = log.snapshot().recentFailures;
    expect(failures.map((f) => f.recordId)).toEqual(['r2', 'r3', 'r4']);
    expect(failures[0]).toMatchObject({
      stage: 'transform',
      kind: 'enum-unmapped',
      reason: 'no mapping for 2',
    });
    expect(log.snapshot().errorsByKind).toEqual({ 'enum-unmapped': 5 });
  });

  it('drains deltas for the heartbeat and restores them when a send fails', () => {
    const { log } = setup();
    log.count('deliver', 'delivered', 2);
    const first = log.drain();
    expect(first.counters).toEqual({ 'deliver.delivered': 2 });
    log.count('deliver', 'delivered');
    log.restore(first);
    expect(log.drain().counters).toEqual({ 'deliver.delivered': 3 });
    expect(log.drain().counters).toEqual({});
    expect(log.snapshot().counters).toEqual({ 'deliver.delivered': 3 });
  });

  it('suppresses lines below the configured level but still counts', () => {
    const memory = memoryLogSink();
    const log = new IntegrationLogger({ integrationId: 'i', sink: memory.sink, level: 'warn' });
    log.info('quiet');
    log.record('deliver', 'delivered');
    log.record('deliver', 'dead-lettered');
    expect(memory.entries().map((e) => e.msg)).toEqual(['deliver dead-lettered']);
    expect(log.snapshot().counters['deliver.delivered']).toBe(1);
  });
});

describe('TraceRecorder', () => {
  it('times each stage of a record change and files the trace for the next heartbeat', () => {
    const { log, advance } = setup();
    const start = Date.UTC(2026, 10, 25, 13, 0, 0);
    const trace = log.startTrace({ traceId: 'tr-7', direction: 'hubspot-to-destination', recordId: '51' });
    trace.mark('trigger', { startedAt: start - 400, durationMs: 0 });
    trace.mark('receive', { startedAt: start - 300, durationMs: 20 });
    trace.begin('verify');
    advance(2);
    trace.begin('transform');
    advance(1);
    trace.begin('idempotency');
    advance(10);
    trace.begin('deliver');
    advance(120);
    const summary = trace.finish('landed');
    expect(summary.stages.map((s) => [s.stage, s.durationMs, s.status])).toEqual([
      ['trigger', 0, 'ok'],
      ['receive', 20, 'ok'],
      ['verify', 2, 'ok'],
      ['transform', 1, 'ok'],
      ['idempotency', 10, 'ok'],
      ['deliver', 120, 'ok'],
    ]);
    expect(summary.startedAt).toBe(start - 400);
    expect(log.drain().traces).toEqual([summary]);
  });

  it('marks the stage where a dead-lettered change stopped as failed, and finishing twice files it once', () => {
    const { log } = setup();
    const trace = log.startTrace({ recordId: '9' });
    trace.begin('deliver');
    trace.finish('dead-lettered');
    trace.finish('dead-lettered');
    const [summary] = log.drain().traces;
    expect(summary?.outcome).toBe('dead-lettered');
    expect(summary?.stages).toEqual([expect.objectContaining({ stage: 'deliver', status: 'failed' })]);
    expect(summary?.traceId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
