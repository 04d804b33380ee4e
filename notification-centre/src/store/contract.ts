/** The contract every `NcStore` adapter passes (memory and DynamoDB run the same suite). */
import { describe, expect, it } from 'vitest';
import { StateConflictError } from '../errors.ts';
import type { IntegrationState, TraceSummary } from '../types.ts';
import type { NcStore } from './types.ts';

const T0 = Date.UTC(2026, 10, 25, 13, 0, 0);

export function sampleState(id: string, overrides: Partial<IntegrationState> = {}): IntegrationState {
  return {
    id,
    version: 0,
    status: 'up',
    statusSince: T0,
    lastHeartbeatAt: T0,
    intervalSeconds: 60,
    lastEventAt: null,
    heartbeats: 1,
    totals: { 'deliver.delivered': 3 },
    errorsByKind: {},
    checks: [],
    failures: [],
    deadLetters: null,
    deadLettersReportedAt: null,
    episodes: {},
    alerts: [],
    commands: [],
    rejectedPayloads: 0,
    lastRejection: null,
    ...overrides,
  };
}

function trace(traceId: string, startedAt: number): TraceSummary {
  return {
    traceId,
    startedAt,
    outcome: 'landed',
    stages: [{ stage: 'deliver', startedAt, durationMs: 12, status: 'ok' }],
  };
}

export function runNcStoreContract(name: string, makeStore: () => Promise<NcStore>): void {
  describe(`${name} NcStore contract`, () => {
    it('stores clients and integrations and lists them by key', async () => {
      const store = await makeStore();
      await store.putClient({ slug: 'velflex', name: 'Velflex', slackWebhookUrl: 'http://127.0.0.1:1/x' });
      await store.putClient({ slug: 'alloys', name: 'Alloys' });
      await store.putIntegration({
        id: 'velflex-a',
        clientSlug: 'velflex',
        name: 'Velflex Integration',
        keyHash: 'ab',
        intervalSeconds: 60,
        createdAt: T0,
      });
      expect(await store.getClient('velflex')).toEqual({
        slug: 'velflex',
        name: 'Velflex',
        slackWebhookUrl: 'http://127.0.0.1:1/x',
      });
      expect(await store.getClient('nobody')).toBeNull();
      expect((await store.listClients()).map((c) => c.slug)).toEqual(['alloys', 'velflex']);
      expect((await store.listIntegrations()).map((i) => i.id)).toEqual(['velflex-a']);
      expect(await store.getIntegration('velflex-a')).toMatchObject({ keyHash: 'ab', intervalSeconds: 60 });
    });

    it('writes state only over the version it read', async () => {
      const store = await makeStore();
      await store.putState(sampleState('s1'), null);
      const first = await store.getState('s1');
      expect(first?.version).toBe(1);
      await expect(store.putState(sampleState('s1'), null)).rejects.toBeInstanceOf(StateConflictError);
      await store.putState(sampleState('s1', { status: 'down' }), 1);
      await expect(store.putState(sampleState('s1', { status: 'up' }), 1)).rejects.toBeInstanceOf(
        StateConflictError,
      );
      expect(await store.getState('s1')).toMatchObject({ status: 'down', version: 2 });
      expect(await store.getState('missing')).toBeNull();
    });

    it('lets exactly one of two racing writers win', async () => {
      const store = await makeStore();
      await store.putState(sampleState('race'), null);
      const results = await Promise.allSettled([
        store.putState(sampleState('race', { status: 'down' }), 1),
        store.putState(sampleState('race', { status: 'degraded' }), 1),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('adds counts into minute buckets, by kind, and lists them from a minute on', async () => {
      const store = await makeStore();
      const m0 = T0;
      const m1 = T0 + 60_000;
      await store.addToMinute('b', m0, { events: 2, errors: 1, unauthorised: 0, byKind: { 'http-429': 1 } });
      await Promise.all([
        store.addToMinute('b', m1, { events: 1, errors: 0, unauthorised: 4, byKind: { unauthorised: 4 } }),
        store.addToMinute('b', m1, { events: 3, errors: 2, unauthorised: 0, byKind: { 'http-429': 2 } }),
      ]);
      expect(await store.listMinutes('b', m0)).toEqual([
        { minute: m0, events: 2, errors: 1, unauthorised: 0, byKind: { 'http-429': 1 } },
        { minute: m1, events: 4, errors: 2, unauthorised: 4, byKind: { unauthorised: 4, 'http-429': 2 } },
      ]);
      expect((await store.listMinutes('b', m1)).map((b) => b.minute)).toEqual([m1]);
      expect(await store.listMinutes('other', m0)).toEqual([]);
    });

    it('adds a beat to a minute once however often it is repeated', async () => {
      const store = await makeStore();
      const delta = { events: 2, errors: 1, unauthorised: 0, byKind: { 'http-500': 1 } };
      await store.addToMinute('once', T0, delta, 'beat-0001');
      await Promise.all([
        store.addToMinute('once', T0, delta, 'beat-0001'),
        store.addToMinute('once', T0, delta, 'beat-0002'),
      ]);
      await store.addToMinute('once', T0, delta);
      expect(await store.listMinutes('once', T0)).toEqual([
        { minute: T0, events: 6, errors: 3, unauthorised: 0, byKind: { 'http-500': 3 } },
      ]);
    });

    it('keeps traces newest first and forgets them after a day', async () => {
      const store = await makeStore();
      const many = Array.from({ length: 30 }, (_, i) =>
        trace(`t${String(i).padStart(2, '0')}`, T0 + i * 1000),
      );
      await store.putTraces('t', many, T0);
      const newest = await store.listTraces('t', 3, T0);
      expect(newest.map((t) => t.traceId)).toEqual(['t29', 't28', 't27']);
      expect(newest[0]).toEqual(many[29]);
      expect(await store.listTraces('t', 3, T0 + 25 * 60 * 60 * 1000)).toEqual([]);
    });

    it('files a trace sent twice once', async () => {
      const store = await makeStore();
      await store.putTraces('d', [trace('same', T0)], T0);
      await store.putTraces('d', [trace('same', T0), trace('next', T0 + 1)], T0 + 5);
      expect((await store.listTraces('d', 10, T0 + 5)).map((t) => t.traceId)).toEqual(['next', 'same']);
    });

    it('files a batch that carries one trace twice without failing, across write batches too', async () => {
      // A redelivered multi-event webhook yields two traces with one key in one heartbeat.
      const twice = [trace('dup', T0), trace('dup', T0)];
      const many = Array.from({ length: 26 }, (_, i) => trace(`m${String(i).padStart(2, '0')}`, T0 + 10 + i));
      const store = await makeStore();
      await store.putTraces('r', [...twice, ...many, ...twice, ...many.slice(20)], T0);
      const listed = await store.listTraces('r', 100, T0);
      expect(listed).toHaveLength(27);
      expect(listed.filter((t) => t.traceId === 'dup')).toHaveLength(1);
    });
  });
}
