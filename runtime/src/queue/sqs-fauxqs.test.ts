/**
 * The shipped SQS adapters, unchanged, with @aws-sdk/client-sqs against fauxqs — a maintained SQS
 * emulator speaking the AWS JSON protocol (docs/RUNTIME.md "An SQS-compatible local endpoint"):
 * the WorkQueue contract (visibility, receive counts, retryLater, racing consumers, long polls) and
 * SQS's own redrive to the dead-letter queue after maxReceiveCount, read back by SqsDeadLetterQueue.
 *
 * fauxqs runs in this process and times visibility with Date.now(), so the contract's manual clock
 * drives it: Date.now() follows the clock for the length of each test.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { envelope, ManualClock, workQueueContract } from './queue.contract.ts';
import { SqsDeadLetterQueue } from './sqs-dead-letters.ts';
import { SqsWorkQueue } from './sqs-queue.ts';

let server: FauxqsServer;
let sqs: SQSClient;
let queues = 0;

beforeAll(async () => {
  server = await startFauxqs({ port: 0, host: '127.0.0.1', logger: false });
  sqs = new SQSClient({
    endpoint: server.address,
    region: 'ap-southeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  sqs.destroy();
  await server.stop();
});

/** A queue (and optionally its redrive DLQ) created the way the stack creates them. */
async function createQueue(options: { maxReceiveCount?: number } = {}) {
  const name = `q${++queues}`;
  let deadLetterUrl: string | undefined;
  const attributes: Record<string, string> = { VisibilityTimeout: '30' };
  if (options.maxReceiveCount !== undefined) {
    deadLetterUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl;
    const arn = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }))
    ).Attributes?.QueueArn;
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: arn,
      maxReceiveCount: options.maxReceiveCount,
    });
  }
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes })))
    .QueueUrl;
  if (!queueUrl) throw new Error('fauxqs returned no queue URL');
  return { queueUrl, deadLetterUrl };
}

/** Date.now() follows `clock` (fauxqs's visibility deadlines), from now on in this test. */
function drive(clock: ManualClock): void {
  vi.spyOn(Date, 'now').mockImplementation(() => clock.now());
}

workQueueContract('SqsWorkQueue on fauxqs (@aws-sdk/client-sqs)', async () => {
  const clock = new ManualClock(Date.now());
  drive(clock);
  const { queueUrl } = await createQueue();
  return {
    queue: new SqsWorkQueue({ client: sqs, queueUrl }),
    reopen: () => new SqsWorkQueue({ client: sqs, queueUrl }),
    clock,
    reportsOldestAge: false,
  };
});

describe('SqsWorkQueue on fauxqs: redrive', () => {
  it('moves a message to the dead-letter queue on the receive after maxReceiveCount, where SqsDeadLetterQueue reads it', async () => {
    const clock = new ManualClock(Date.now());
    drive(clock);
    const { queueUrl, deadLetterUrl } = await createQueue({ maxReceiveCount: 5 });
    const queue = new SqsWorkQueue({ client: sqs, queueUrl });
    await queue.send(envelope(1));
    const counts: number[] = [];
    for (let i = 0; i < 5; i++) {
      const [message] = await queue.receive({ max: 1, visibilityTimeoutMs: 1_000 });
      if (!message) throw new Error(`receive ${i + 1} found nothing`);
      counts.push(message.receiveCount);
      await queue.retryLater(message, 1_000); // a failed attempt: visible again in a second
      clock.advance(1_000);
    }
    expect(counts).toEqual([1, 2, 3, 4, 5]);
    // The sixth receive finds it gone: SQS moved it to the dead-letter queue.
    expect(await queue.receive({ max: 1, visibilityTimeoutMs: 1_000 })).toEqual([]);
    const deadLetters = new SqsDeadLetterQueue({ client: sqs, queueUrl: deadLetterUrl ?? '' });
    const [letter, ...rest] = await deadLetters.list();
    expect(rest).toEqual([]);
    expect(letter).toMatchObject({ reason: 'max-receives-exceeded', envelope: envelope(1) });
    await deadLetters.remove(letter?.id ?? '');
    clock.advance(60_000);
    expect(await deadLetters.list()).toEqual([]);
  });

  it('spends no receive while a message waits out a long retry delay', async () => {
    const clock = new ManualClock(Date.now());
    drive(clock);
    const { queueUrl } = await createQueue({ maxReceiveCount: 5 });
    const queue = new SqsWorkQueue({ client: sqs, queueUrl });
    await queue.send(envelope(2));
    const [first] = await queue.receive({ max: 1, visibilityTimeoutMs: 1_000 });
    if (!first) throw new Error('expected a message');
    await queue.retryLater(first, 3_600_000);
    for (let minute = 1; minute < 60; minute++) {
      clock.advance(60_000);
      expect(await queue.receive({ max: 1, visibilityTimeoutMs: 1_000 })).toEqual([]);
    }
    clock.advance(60_000);
    const [again] = await queue.receive({ max: 1, visibilityTimeoutMs: 1_000 });
    expect(again?.receiveCount).toBe(2);
  });
});
