// The runtime's heartbeat (runtime/src/monitor) against the real Notification Centre: the wire contract holds.
import {
  deadLetterReport,
  httpEventSink,
  httpHeartbeatSink,
  IntegrationLogger,
  queueDepthCheck,
  runHeartbeat,
  tableCheck,
} from '@kongo/runtime/monitor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningNotificationCentre, startNotificationCentre } from '../src/server.ts';

const KEY = 'velflex-key-0123456789abcdef';
let nc: RunningNotificationCentre;

beforeAll(async () => {
  nc = await startNotificationCentre({
    detectEverySeconds: 0,
    logSink: () => {},
    config: {
      clients: [{ slug: 'velflex', name: 'Velflex' }],
      integrations: [
        { id: 'velflex-attendees', clientSlug: 'velflex', name: 'Velflex Integration', key: KEY },
      ],
    },
  });
});
afterAll(async () => {
  await nc.close();
});

describe('runtime heartbeat → Notification Centre', () => {
  it('is accepted whole: counters, failures, traces, checks and dead letters — and nothing else', async () => {
    const log = new IntegrationLogger({
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      sink: () => {},
    });
    const t0 = Date.now();
    const trace = log.startTrace({
      direction: 'hubspot-to-destination',
      objectType: 'contact',
      recordId: '51',
    });
    trace.mark('trigger', { startedAt: t0 - 300, durationMs: 0 });
    trace.mark('receive', { startedAt: t0 - 250, durationMs: 12 });
    trace.begin('verify');
    trace.begin('transform');
    trace.begin('idempotency');
    trace.begin('deliver');
    trace.finish('landed');
    log.count('deliver', 'delivered');
    log.count('verify', 'unauthorised', 2);
    log.failure({
      stage: 'transform',
      kind: 'enum-unmapped',
      reason: 'no mapping for ada@example.com',
      recordId: '52',
    });
    const letters = [
      {
        id: 'dl-1',
        kind: 'http-500',
        reason: 'server error',
        failedAt: t0 - 60_000,
        attempts: 5,
        recordId: '9',
      },
    ];
    const sink = httpHeartbeatSink({ url: nc.url, key: KEY });
    const run = await runHeartbeat({
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      intervalSeconds: 60,
      checks: {
        table: tableCheck(async () => undefined),
        queueDepth: queueDepthCheck({ depth: async () => ({ visible: 0, inFlight: 0, oldestAgeMs: null }) }),
      },
      deadLetters: deadLetterReport({ list: async () => letters }, 'velflex-attendees'),
      counters: log,
      sink,
    });
    expect(run.error).toBeUndefined();
    expect(run.response?.status).toBe('up');
    const detail = await nc.centre.detail('velflex-attendees');
    expect(detail.totals).toEqual({ 'deliver.delivered': 1, 'verify.unauthorised': 2 });
    expect(detail.failures[0]).toMatchObject({
      kind: 'enum-unmapped',
      reason: 'no mapping for [email]',
      recordId: '52',
    });
    expect(detail.traces[0]?.stages.map((s) => s.stage)).toEqual([
      'trigger',
      'receive',
      'verify',
      'transform',
      'idempotency',
      'deliver',
    ]);
    expect(detail.deadLetters).toMatchObject({ count: 1, recent: [{ id: 'dl-1' }] });
    expect(detail.checks.map((c) => c.name)).toEqual(['table', 'queueDepth']);
    expect(JSON.stringify(detail)).not.toContain('ada@example.com');
  });

  it('carries a replay from the dashboard to the integration and its result back', async () => {
    const log = new IntegrationLogger({ integrationId: 'velflex-attendees', sink: () => {} });
    const command = await nc.centre.requestReplay('velflex-attendees', ['dl-1']);
    const replayed: string[] = [];
    const run = await runHeartbeat({
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      intervalSeconds: 60,
      checks: {},
      counters: log,
      sink: httpHeartbeatSink({ url: nc.url, key: KEY }),
      onCommands: async (commands) =>
        commands.map((c) => {
          replayed.push(...(c.deadLetterIds ?? []));
          return { id: c.id, status: 'done' as const, count: c.deadLetterIds?.length ?? 0 };
        }),
    });
    expect(replayed).toEqual(['dl-1']);
    expect(run.commandResults).toEqual([{ id: command.id, status: 'done', count: 1 }]);
    const detail = await nc.centre.detail('velflex-attendees');
    expect(detail.commands[0]).toMatchObject({ id: command.id, status: 'done', count: 1 });
  });

  it('is refused with a wrong key, and the runtime keeps its counts for the next beat', async () => {
    const log = new IntegrationLogger({ integrationId: 'velflex-attendees', sink: () => {} });
    log.count('deliver', 'delivered', 3);
    const run = await runHeartbeat({
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      intervalSeconds: 60,
      checks: {},
      counters: log,
      sink: httpHeartbeatSink({ url: nc.url, key: 'wrong-key-wrong-key' }),
    });
    expect(run.error).toMatchObject({ name: 'HeartbeatDeliveryError', status: 401 });
    expect(log.peekUnsent()).toMatchObject({
      beatId: run.payload.beatId,
      delta: { counters: { 'deliver.delivered': 3 } },
    });
  });

  it('counts a beat once when the centre filed it but its answer was lost', async () => {
    const centre = await startNotificationCentre({
      detectEverySeconds: 0,
      logSink: () => {},
      config: {
        clients: [{ slug: 'velflex', name: 'Velflex' }],
        integrations: [{ id: 'lost-answer', clientSlug: 'velflex', key: KEY }],
      },
    });
    try {
      const log = new IntegrationLogger({ integrationId: 'lost-answer', sink: () => {} });
      const http = httpHeartbeatSink({ url: centre.url, key: KEY });
      let loseNext = true;
      // Files the beat over HTTP, then loses the answer (a timeout after the centre committed).
      const sink = {
        send: async (payload: Parameters<typeof http.send>[0]) => {
          const answer = await http.send(payload);
          if (!loseNext) return answer;
          loseNext = false;
          throw new Error('socket hang up');
        },
      };
      const options = {
        integrationId: 'lost-answer',
        clientSlug: 'velflex',
        intervalSeconds: 60,
        checks: {},
      };
      log.count('deliver', 'delivered', 4);
      log.failure({ stage: 'deliver', kind: 'http-500', reason: 'server error', recordId: '7' });
      expect((await runHeartbeat({ ...options, counters: log, sink })).ok).toBe(false);
      log.count('deliver', 'delivered', 1);
      expect((await runHeartbeat({ ...options, counters: log, sink })).ok).toBe(true);
      const detail = await centre.centre.detail('lost-answer');
      expect(detail.totals).toEqual({ 'deliver.delivered': 5 });
      expect(detail.errorsByKind).toEqual({ 'http-500': 1 });
      expect(detail.failures).toHaveLength(1);
      expect(detail.minutes.reduce((n, m) => n + m.events, 0)).toBe(5);
      expect(detail.lastHeartbeatAt).not.toBeNull();
    } finally {
      await centre.close();
    }
  });

  it('posts finished record changes at once, and files them once when the heartbeat repeats them', async () => {
    const log = new IntegrationLogger({
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      sink: () => {},
    });
    const trace = log.startTrace({ recordId: '77', direction: 'destination-to-hubspot' });
    trace.begin('idempotency');
    const summary = trace.finish('echo-dropped');
    await httpEventSink({ url: nc.url, key: KEY }).send('velflex-attendees', log.pendingTraces());
    expect((await nc.centre.detail('velflex-attendees')).traces[0]).toEqual(summary);
    await runHeartbeat({
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      intervalSeconds: 60,
      checks: {},
      counters: log,
      sink: httpHeartbeatSink({ url: nc.url, key: KEY }),
    });
    const traces = (await nc.centre.detail('velflex-attendees')).traces.filter(
      (t) => t.traceId === summary.traceId,
    );
    expect(traces).toHaveLength(1);
    await expect(
      httpEventSink({ url: nc.url, key: 'wrong-key-wrong-key' }).send('velflex-attendees', [summary]),
    ).rejects.toMatchObject({
      status: 401,
    });
  });

  it('replaces a landed change with "superseded" when the worker reports it was overwritten later', async () => {
    const log = new IntegrationLogger({
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      sink: () => {},
    });
    const trace = log.startTrace({ recordId: '88', direction: 'hubspot-to-destination' });
    trace.begin('deliver');
    const landed = trace.finish('landed');
    const sink = httpEventSink({ url: nc.url, key: KEY });
    await sink.send('velflex-attendees', [landed]);
    const superseded = { ...landed, outcome: 'superseded' as const };
    await sink.send('velflex-attendees', [superseded]);
    const shown = (await nc.centre.detail('velflex-attendees')).traces.filter(
      (t) => t.traceId === landed.traceId,
    );
    expect(shown).toEqual([superseded]);
  });
});
