import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { archiveOldDeadLetters } from './handler.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 25);

function fakes(messages: { id: string; ageDays: number }[], putError?: Error) {
  const pending = messages.map((m) => ({
    MessageId: m.id,
    ReceiptHandle: `rh-${m.id}`,
    Body: `{"v":1,"id":"${m.id}"}`,
    Attributes: { SentTimestamp: String(NOW - m.ageDays * DAY), ApproximateReceiveCount: '6' },
  }));
  const deleted: string[] = [];
  const puts: Record<string, unknown>[] = [];
  let received = false;
  const sqs = {
    send: async (command: unknown) => {
      if (command instanceof ReceiveMessageCommand) {
        if (received) return { Messages: [] };
        received = true;
        return { Messages: pending };
      }
      if (command instanceof DeleteMessageCommand) deleted.push(String(command.input.ReceiptHandle));
      return {};
    },
  };
  const dynamo = {
    send: async (command: unknown) => {
      if (command instanceof PutItemCommand) {
        if (putError) throw putError;
        puts.push(command.input.Item as Record<string, unknown>);
      }
      return {};
    },
  };
  return { sqs, dynamo, deleted, puts };
}

const base = {
  queueUrl: 'q',
  tableName: 't',
  integration: 'velflex-attendees',
  archiveAfterDays: 10,
  now: () => NOW,
};

describe('dead-letter archiver', () => {
  it('moves letters older than the cut-off into the table as DLQ items and deletes them from SQS', async () => {
    const f = fakes([
      { id: 'old', ageDays: 11 },
      { id: 'young', ageDays: 2 },
    ]);
    const outcome = await archiveOldDeadLetters({ ...base, sqs: f.sqs as never, dynamo: f.dynamo as never });
    expect(outcome).toEqual({ archived: 1, keptYoung: 1 });
    expect(f.deleted).toEqual(['rh-old']);
    expect(f.puts[0]).toMatchObject({
      pk: { S: 'DLQ' },
      integration: { S: 'velflex-attendees' },
      attempts: { N: '6' },
      envelope: { S: '{"v":1,"id":"old"}' },
    });
  });

  it('keeps the reason, kind and record id the runtime put on a dead letter', async () => {
    const f = fakes([{ id: 'old', ageDays: 11 }]);
    const [message] = (await f.sqs.send(new ReceiveMessageCommand({ QueueUrl: 'q' }))).Messages ?? [];
    Object.assign(message ?? {}, {
      MessageAttributes: {
        'kongo-reason': { DataType: 'String', StringValue: 'VALIDATION_FAILED: email' },
        'kongo-kind': { DataType: 'String', StringValue: 'hubspot-webhook' },
        'kongo-record-id': { DataType: 'String', StringValue: '501' },
      },
    });
    const replay = {
      ...f.sqs,
      send: async (c: unknown) =>
        c instanceof ReceiveMessageCommand ? { Messages: message ? [message] : [] } : f.sqs.send(c),
    };
    let calls = 0;
    const once = {
      send: async (c: unknown) =>
        c instanceof ReceiveMessageCommand && calls++ > 0 ? { Messages: [] } : replay.send(c),
    };
    await archiveOldDeadLetters({ ...base, sqs: once as never, dynamo: f.dynamo as never });
    expect(f.puts[0]).toMatchObject({
      reason: { S: 'VALIDATION_FAILED: email (archived from the SQS dead-letter queue after 10 days)' },
      kind: { S: 'hubspot-webhook' },
      recordId: { S: '501' },
    });
  });

  it('deletes a letter an earlier run already archived (put refused as a duplicate)', async () => {
    const duplicate = Object.assign(new Error('exists'), { name: 'ConditionalCheckFailedException' });
    const f = fakes([{ id: 'old', ageDays: 12 }], duplicate);
    await archiveOldDeadLetters({ ...base, sqs: f.sqs as never, dynamo: f.dynamo as never });
    expect(f.deleted).toEqual(['rh-old']);
  });

  it('keeps the letter in SQS when the table write fails for another reason', async () => {
    const f = fakes([{ id: 'old', ageDays: 12 }], new Error('throttled'));
    await expect(
      archiveOldDeadLetters({ ...base, sqs: f.sqs as never, dynamo: f.dynamo as never }),
    ).rejects.toThrow('throttled');
    expect(f.deleted).toEqual([]);
  });
});
