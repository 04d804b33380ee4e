import {
  DynamoDeadLetterQueue,
  DynamoWorkQueue,
  type LocalDynamo,
  startLocalDynamo,
} from '@kongo/runtime/queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dlqList, dlqReplay, openQueues } from './dlq.ts';

let local: LocalDynamo;

beforeAll(async () => {
  local = await startLocalDynamo({ tableName: 'dlq-cli' });
});
afterAll(async () => {
  await local.close();
});

function capture() {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, output: { out: (l: string) => lines.push(l), err: (l: string) => errors.push(l) } };
}

const envelope = {
  v: 1 as const,
  kind: 'hubspot-webhook' as const,
  integration: 'acme',
  traceId: 'trace-1',
  receivedAt: 0,
  headers: {},
  body: '[{"objectId":1,"email":"secret@example.com"}]',
};

describe('kongo dlq', () => {
  it('lists dead letters without their bodies and replays them onto the work queue', async () => {
    const queues = await openQueues({ dynamo: local.endpoint, table: 'dlq-cli' });
    const deadLetters = new DynamoDeadLetterQueue({ client: local.client, tableName: 'dlq-cli' });
    const { id } = await deadLetters.put({
      integration: 'acme',
      reason: 'destination 503: retries exhausted',
      kind: 'hubspot-webhook',
      failedAt: Date.now() - 120_000,
      attempts: 5,
      envelope,
      recordId: '1',
    });

    const listed = capture();
    expect(await dlqList(queues, { integration: 'acme' }, listed.output)).toBe(0);
    expect(listed.lines[0]).toContain(id);
    expect(listed.lines[0]).toContain('destination 503');
    expect(listed.lines.join('\n')).not.toContain('secret@example.com');

    const none = capture();
    expect(await dlqReplay(queues, { integration: 'acme', ids: [] }, none.output)).toBe(2);

    const replayed = capture();
    expect(await dlqReplay(queues, { integration: 'acme', ids: [id] }, replayed.output)).toBe(0);
    expect(replayed.lines[0]).toBe(`replayed ${id}`);
    const queue = new DynamoWorkQueue({ client: local.client, tableName: 'dlq-cli', queueName: 'acme' });
    const [message] = await queue.receive({ max: 1, visibilityTimeoutMs: 1000 });
    expect(message?.envelope).toMatchObject({
      kind: 'replay',
      headers: { 'x-kongo-replay-of': 'hubspot-webhook' },
    });
    expect(await deadLetters.list({ integration: 'acme' })).toHaveLength(0);
    queues.close();
  });

  it('exits 0 for --all with quarantined letters left, and 1 when a named letter was not replayed', async () => {
    const queues = await openQueues({ dynamo: local.endpoint, table: 'dlq-cli' });
    const deadLetters = new DynamoDeadLetterQueue({ client: local.client, tableName: 'dlq-cli' });
    const letter = (reason: string) => ({
      integration: 'quarantine',
      reason,
      kind: 'hubspot-webhook' as const,
      failedAt: Date.now(),
      attempts: 1,
      envelope: { ...envelope, integration: 'quarantine' },
    });
    const { id: malformed } = await deadLetters.put(letter('malformed-body'));
    await deadLetters.put(letter('destination 503: retries exhausted'));

    const all = capture();
    expect(await dlqReplay(queues, { integration: 'quarantine', ids: [], all: true }, all.output)).toBe(0);
    expect(all.errors).toEqual([`skipped ${malformed}: malformed body: fix the sender, then remove it`]);
    expect(all.lines.at(-1)).toContain('1 replayed, 1 skipped');

    const named = capture();
    expect(
      await dlqReplay(queues, { integration: 'quarantine', ids: [malformed, 'dl-missing'] }, named.output),
    ).toBe(1);
    expect(named.errors).toContain('skipped dl-missing: no such dead letter');
    queues.close();
  });
});
