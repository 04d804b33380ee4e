/**
 * The generated worker reports exactly the messages the runtime did not ack (retried or paused) as
 * batch item failures — not every id of a batch in which something was delayed.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';

const processMessages = vi.fn();
vi.mock('../runtime.ts', () => ({ integrationRuntime: () => ({ processMessages }) }));

const { handler } = await import('./worker.ts');

function record(messageId: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: JSON.stringify({
      v: 1,
      kind: 'hubspot-webhook',
      integration: 'template-integration',
      traceId: `t-${messageId}`,
      receivedAt: 1,
      headers: {},
      body: '[]',
    }),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1',
      SenderId: 'sender',
      ApproximateFirstReceiveTimestamp: '1',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:ap-southeast-2:123456789012:work',
    awsRegion: 'ap-southeast-2',
  };
}

const event = (...ids: string[]): SQSEvent => ({ Records: ids.map(record) });

const outcome = (failedMessageIds: string[], counts: { retried?: number; paused?: number } = {}) => ({
  failedMessageIds,
  messages: 4,
  acked: 4 - failedMessageIds.length,
  retried: counts.retried ?? 0,
  paused: counts.paused ?? 0,
  quarantined: 0,
  events: 4,
  duplicates: 0,
  records: [],
});

describe('generated worker handler', () => {
  it('reports only the retried and paused messages as batch item failures', async () => {
    processMessages.mockResolvedValueOnce(outcome(['b', 'd'], { retried: 1, paused: 1 }));
    const response = await handler(event('a', 'b', 'c', 'd'));
    expect(processMessages).toHaveBeenLastCalledWith([
      expect.objectContaining({ messageId: 'a', receiptHandle: 'rh-a', receiveCount: 1 }),
      expect.objectContaining({ messageId: 'b' }),
      expect.objectContaining({ messageId: 'c' }),
      expect.objectContaining({ messageId: 'd' }),
    ]);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'b' }, { itemIdentifier: 'd' }]);
  });

  it('reports nothing when every message was acked', async () => {
    processMessages.mockResolvedValueOnce(outcome([]));
    expect((await handler(event('a', 'b'))).batchItemFailures).toEqual([]);
  });

  it('reports the whole batch when the worker throws', async () => {
    processMessages.mockRejectedValueOnce(new Error('table unavailable'));
    expect((await handler(event('a', 'b'))).batchItemFailures).toEqual([
      { itemIdentifier: 'a' },
      { itemIdentifier: 'b' },
    ]);
  });
});
