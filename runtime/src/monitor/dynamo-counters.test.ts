import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../queue/local-dynamo.ts';
import { DynamoCounterStore } from './dynamo-counters.ts';
import { runHeartbeat } from './heartbeat.ts';
import { memoryHeartbeatSink } from './http-sink.ts';
import { IntegrationLogger } from './logger.ts';

let dynamo: LocalDynamo;
let seq = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

function store() {
  return new DynamoCounterStore({
    client: DynamoDBDocumentClient.from(dynamo.client),
    tableName: dynamo.tableName,
    integrationId: `counters-${++seq}`,
  });
}

describe('DynamoCounterStore (dynalite)', () => {
  it('collects the counts of several Lambda instances for the heartbeat function', async () => {
    const shared = store();
    const webhook = new IntegrationLogger({ integrationId: 'i', sink: () => {} });
    const worker = new IntegrationLogger({ integrationId: 'i', sink: () => {} });
    webhook.count('verify', 'unauthorised', 3);
    worker.count('deliver', 'delivered', 2);
    worker.failure({ stage: 'deliver', kind: 'http-429', reason: 'rate limited', recordId: '51' });
    const trace = worker.startTrace({ recordId: '51' });
    trace.begin('deliver');
    trace.finish('landed');
    await Promise.all([shared.flush(webhook), shared.flush(worker)]);
    worker.count('deliver', 'delivered');
    await shared.flush(worker);

    const sink = memoryHeartbeatSink();
    await runHeartbeat({
      integrationId: 'i',
      clientSlug: 'c',
      intervalSeconds: 60,
      checks: {},
      counters: shared,
      sink,
    });
    expect(sink.sent[0]).toMatchObject({
      counters: { 'verify.unauthorised': 3, 'deliver.delivered': 3 },
      errorsByKind: { unauthorised: 3, 'http-429': 1 },
      failures: [expect.objectContaining({ kind: 'http-429', recordId: '51' })],
      traces: [expect.objectContaining({ recordId: '51', outcome: 'landed' })],
    });
    expect(sink.sent[0]?.lastEventAt).toBeTypeOf('number');
    await runHeartbeat({
      integrationId: 'i',
      clientSlug: 'c',
      intervalSeconds: 60,
      checks: {},
      counters: shared,
      sink,
    });
    expect(sink.sent[1]).toMatchObject({ counters: {}, errorsByKind: {}, failures: [], traces: [] });
  });

  it('keeps the counts when the heartbeat cannot be delivered', async () => {
    const shared = store();
    const log = new IntegrationLogger({ integrationId: 'i', sink: () => {} });
    log.count('deliver', 'delivered', 5);
    await shared.flush(log);
    const sink = memoryHeartbeatSink();
    sink.failNext = 1;
    const options = {
      integrationId: 'i',
      clientSlug: 'c',
      intervalSeconds: 60,
      checks: {},
      counters: shared,
      sink,
    };
    const failed = await runHeartbeat(options);
    expect(failed.ok).toBe(false);
    log.count('deliver', 'delivered', 2);
    await shared.flush(log);
    await runHeartbeat(options);
    // The failed beat goes out again under its id (the centre files an id once), then the new counts.
    expect(sink.sent.map((p) => [p.beatId === failed.payload.beatId, p.counters])).toEqual([
      [true, { 'deliver.delivered': 5 }],
      [false, { 'deliver.delivered': 2 }],
    ]);
    expect(await shared.peekUnsent()).toBeNull();
  });
});
