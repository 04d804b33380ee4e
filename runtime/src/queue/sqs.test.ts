/**
 * The SQS adapters are thin mappings; these tests pin the mapping (commands sent, units, parsing)
 * with a recording client. Queue semantics themselves are SQS's; the contract suite runs on the
 * DynamoDB adapter against dynalite.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { envelope, ManualClock } from './queue.contract.ts';
import { SqsDeadLetterQueue } from './sqs-dead-letters.ts';
import { type SqsSender, SqsWorkQueue } from './sqs-queue.ts';

type Sent = { command: string; input: Record<string, unknown> };

function recordingClient(responses: Array<Record<string, unknown> | Error>): {
  client: SqsSender;
  sent: Sent[];
} {
  const sent: Sent[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      sent.push({ command: command.constructor.name, input: command.input });
      const next = responses.shift() ?? {};
      if (next instanceof Error) throw next;
      return next;
    },
  } as unknown as SqsSender;
  return { client, sent };
}

function named(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

const URL = 'https://sqs.eu-west-1.amazonaws.com/1/acme-work';

describe('SqsWorkQueue', () => {
  it('sends the envelope as the JSON body with integration and kind attributes', async () => {
    const { client, sent } = recordingClient([{ MessageId: 'm-1' }]);
    expect(await new SqsWorkQueue({ client, queueUrl: URL }).send(envelope(1))).toEqual({ messageId: 'm-1' });
    expect(sent[0]?.command).toBe(SendMessageCommand.name);
    expect(JSON.parse(String(sent[0]?.input.MessageBody))).toEqual(envelope(1));
    expect(sent[0]?.input.MessageAttributes).toMatchObject({
      integration: { StringValue: 'acme-attendees' },
    });
  });

  it('receives in batches of ten, rounds times up to seconds, and skips bodies that are not envelopes', async () => {
    const message = (id: string, body: string) => ({
      MessageId: id,
      ReceiptHandle: `rh-${id}`,
      Body: body,
      Attributes: { ApproximateReceiveCount: '2' },
    });
    const full = Array.from({ length: 10 }, (_, i) => message(`m${i}`, JSON.stringify(envelope(i))));
    const { client, sent } = recordingClient([
      { Messages: full },
      { Messages: [message('x', 'not json'), message('y', JSON.stringify(envelope(11)))] },
    ]);
    const received = await new SqsWorkQueue({ client, queueUrl: URL }).receive({
      max: 15,
      visibilityTimeoutMs: 29_500,
      waitMs: 25_000,
    });
    expect(received.map((m) => m.messageId)).toEqual([...full.map((m) => m.MessageId), 'y']);
    expect(received[0]).toMatchObject({ receiptHandle: 'rh-m0', receiveCount: 2, envelope: envelope(0) });
    expect(sent.map((s) => s.input)).toMatchObject([
      { MaxNumberOfMessages: 10, VisibilityTimeout: 30, WaitTimeSeconds: 20 },
      { MaxNumberOfMessages: 5, VisibilityTimeout: 30, WaitTimeSeconds: 0 },
    ]);
  });

  it('acks by receipt handle and treats a stale receipt as done', async () => {
    const { client, sent } = recordingClient([{}, named('ReceiptHandleIsInvalid'), named('AccessDenied')]);
    const queue = new SqsWorkQueue({ client, queueUrl: URL });
    const message = { messageId: 'm', receiptHandle: 'rh', envelope: envelope(1), receiveCount: 1 };
    await queue.ack(message);
    await queue.ack(message);
    await expect(queue.ack(message)).rejects.toThrow(/Could not delete/);
    expect(sent[0]).toEqual({
      command: DeleteMessageCommand.name,
      input: { QueueUrl: URL, ReceiptHandle: 'rh' },
    });
  });

  it('delays with ChangeMessageVisibility in whole seconds', async () => {
    const { client, sent } = recordingClient([{}]);
    await new SqsWorkQueue({ client, queueUrl: URL }).retryLater(
      { messageId: 'm', receiptHandle: 'rh', envelope: envelope(1), receiveCount: 1 },
      1_200,
    );
    expect(sent[0]).toEqual({
      command: ChangeMessageVisibilityCommand.name,
      input: { QueueUrl: URL, ReceiptHandle: 'rh', VisibilityTimeout: 2 },
    });
  });

  it('reports depth from the approximate counts, with no oldest age', async () => {
    const { client, sent } = recordingClient([
      {
        Attributes: {
          ApproximateNumberOfMessages: '4',
          ApproximateNumberOfMessagesNotVisible: '2',
          ApproximateNumberOfMessagesDelayed: '1',
        },
      },
    ]);
    expect(await new SqsWorkQueue({ client, queueUrl: URL }).depth()).toEqual({
      visible: 4,
      inFlight: 3,
      oldestAgeMs: null,
    });
    expect(sent[0]?.command).toBe(GetQueueAttributesCommand.name);
  });
});

describe('SqsDeadLetterQueue', () => {
  const clock = new ManualClock(1_700_000_100_000);

  it('puts the envelope as the body and the letter’s facts as attributes', async () => {
    const { client, sent } = recordingClient([{ MessageId: 'd-1' }]);
    const letters = new SqsDeadLetterQueue({ client, queueUrl: URL, clock });
    const letter = {
      integration: 'acme',
      reason: 'malformed-body',
      kind: 'hubspot-webhook',
      failedAt: 5,
      attempts: 0,
      envelope: envelope(1),
    };
    expect(await letters.put({ ...letter, recordId: 'r1' })).toEqual({ id: 'sqs-d-1' });
    expect(JSON.parse(String(sent[0]?.input.MessageBody))).toEqual(envelope(1));
    expect(sent[0]?.input.MessageAttributes).toMatchObject({
      'kongo-reason': { StringValue: 'malformed-body' },
      'kongo-failed-at': { DataType: 'Number', StringValue: '5' },
      'kongo-record-id': { StringValue: 'r1' },
    });
  });

  it('lists by peeking, reads redriven work messages too, and removes with the remembered receipt', async () => {
    const ours = {
      MessageId: 'a',
      ReceiptHandle: 'rh-a',
      Body: JSON.stringify(envelope(1)),
      MessageAttributes: {
        'kongo-integration': { StringValue: 'acme-attendees', DataType: 'String' },
        'kongo-reason': { StringValue: 'retries-exhausted', DataType: 'String' },
        'kongo-kind': { StringValue: 'outbound-write', DataType: 'String' },
        'kongo-failed-at': { StringValue: '2000', DataType: 'Number' },
        'kongo-attempts': { StringValue: '8', DataType: 'Number' },
      },
    };
    const redriven = {
      MessageId: 'b',
      ReceiptHandle: 'rh-b',
      Body: JSON.stringify(envelope(2)),
      Attributes: { SentTimestamp: '1000', ApproximateReceiveCount: '5' },
    };
    const { client, sent } = recordingClient([{ Messages: [ours, redriven] }, { Messages: [] }, {}]);
    const letters = new SqsDeadLetterQueue({ client, queueUrl: URL, clock, peekVisibilityMs: 10_000 });
    expect(await letters.list()).toEqual([
      {
        id: 'sqs-b',
        integration: 'acme-attendees',
        reason: 'max-receives-exceeded',
        kind: 'hubspot-webhook',
        failedAt: 1000,
        attempts: 5,
        envelope: envelope(2),
      },
      {
        id: 'sqs-a',
        integration: 'acme-attendees',
        reason: 'retries-exhausted',
        kind: 'outbound-write',
        failedAt: 2000,
        attempts: 8,
        envelope: envelope(1),
      },
    ]);
    expect(sent[0]?.input).toMatchObject({ VisibilityTimeout: 10, MessageAttributeNames: ['All'] });
    await letters.remove('sqs-a');
    expect(sent[2]).toEqual({
      command: DeleteMessageCommand.name,
      input: { QueueUrl: URL, ReceiptHandle: 'rh-a' },
    });
  });

  it('samples the oldest age without hiding anything, and says null when empty', async () => {
    const redriven = {
      MessageId: 'b',
      ReceiptHandle: 'rh',
      Body: JSON.stringify(envelope(2)),
      Attributes: { SentTimestamp: String(clock.now() - 7_000) },
    };
    const { client, sent } = recordingClient([
      { Attributes: { ApproximateNumberOfMessages: '0' } },
      { Attributes: { ApproximateNumberOfMessages: '1' } },
      { Messages: [redriven] },
    ]);
    const letters = new SqsDeadLetterQueue({ client, queueUrl: URL, clock });
    expect(await letters.oldestAgeMs()).toBeNull();
    expect(await letters.oldestAgeMs()).toBe(7_000);
    expect(sent[2]).toMatchObject({ command: ReceiveMessageCommand.name, input: { VisibilityTimeout: 0 } });
  });
});
