/**
 * DeadLetterQueue on an SQS queue (the stack's dead-letter queue, also the work queues' redrive
 * target). The message body is the envelope — the same shape a redriven work message has, and what
 * infra's archiver copies into the table — and the letter's facts travel as message attributes.
 *
 * SQS can't list without receiving: `list` receives with a short visibility timeout (a "peek" that
 * hides the letters for `peekVisibilityMs`) and remembers receipt handles so `remove` can delete.
 * `oldestAgeMs` is a lower bound from a non-hiding sample; the CloudWatch age alarm is authoritative.
 * For listing, purging and replay by id, prefer DynamoDeadLetterQueue on the table.
 */
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { QueueError } from './errors.ts';
import { isEnvelope, type SqsClientInput, type SqsSender, seconds, sqsClient } from './sqs-queue.ts';
import { type Clock, type DeadLetter, type DeadLetterQueue, systemClock } from './types.ts';

export type SqsDeadLetterQueueOptions = SqsClientInput & {
  queueUrl: string;
  /** How long `list` hides the letters it returns, ms. Default 30 s. */
  peekVisibilityMs?: number;
  clock?: Clock;
};

const ID_PREFIX = 'sqs-';

export class SqsDeadLetterQueue implements DeadLetterQueue {
  readonly #sqs: SqsSender;
  readonly #url: string;
  readonly #peekS: number;
  readonly #clock: Clock;
  readonly #receipts = new Map<string, string>();

  constructor(options: SqsDeadLetterQueueOptions) {
    this.#sqs = sqsClient(options);
    this.#url = options.queueUrl;
    this.#peekS = seconds(options.peekVisibilityMs ?? 30_000, 43_200);
    this.#clock = options.clock ?? systemClock;
  }

  async put(letter: Omit<DeadLetter, 'id'>): Promise<{ id: string }> {
    const text = (value: string) => ({ DataType: 'String', StringValue: value });
    const number = (value: number) => ({ DataType: 'Number', StringValue: String(value) });
    try {
      const result = await this.#sqs.send(
        new SendMessageCommand({
          QueueUrl: this.#url,
          MessageBody: JSON.stringify(letter.envelope),
          MessageAttributes: {
            'kongo-integration': text(letter.integration),
            'kongo-reason': text(letter.reason),
            'kongo-kind': text(letter.kind),
            'kongo-failed-at': number(letter.failedAt),
            'kongo-attempts': number(letter.attempts),
            ...(letter.recordId === undefined ? {} : { 'kongo-record-id': text(letter.recordId) }),
          },
        }),
      );
      return { id: ID_PREFIX + (result.MessageId ?? '') };
    } catch (error) {
      throw new QueueError('dead-letter', `Could not send a dead letter (${letter.reason}) to ${this.#url}`, {
        cause: error,
      });
    }
  }

  async list(options: { integration?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const letters: DeadLetter[] = [];
    for (let batch = 0; batch < 100 && letters.length < limit; batch++) {
      const messages = await this.#receive(this.#peekS);
      if (messages.length === 0) break;
      for (const message of messages) {
        const letter = toDeadLetter(message);
        if (!letter || !message.ReceiptHandle) continue;
        this.#receipts.set(letter.id, message.ReceiptHandle);
        if (options.integration === undefined || letter.integration === options.integration)
          letters.push(letter);
      }
    }
    return letters.sort((a, b) => a.failedAt - b.failedAt).slice(0, limit);
  }

  async remove(id: string): Promise<void> {
    if (!this.#receipts.has(id)) await this.list();
    const receipt = this.#receipts.get(id);
    if (receipt === undefined) return;
    await this.#sqs.send(new DeleteMessageCommand({ QueueUrl: this.#url, ReceiptHandle: receipt }));
    this.#receipts.delete(id);
  }

  /**
   * SQS's approximate count of letters waiting (visible plus those hidden by a peek), from the queue's
   * attributes alone: hides nothing. The queue is one integration's, so the count is that integration's.
   */
  async approximateCount(): Promise<number> {
    const attributes = await this.#sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.#url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) +
      Number(attributes.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  }

  async oldestAgeMs(integration?: string): Promise<number | null> {
    const attributes = await this.#sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: this.#url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    if (Number(attributes.Attributes?.ApproximateNumberOfMessages ?? 0) === 0) return null;
    // VisibilityTimeout 0: a sample that hides nothing (a DLQ has no redrive, so receive counts don't matter).
    const sample = (await this.#receive(0))
      .map(toDeadLetter)
      .filter(
        (l): l is DeadLetter => l !== null && (integration === undefined || l.integration === integration),
      );
    if (sample.length === 0) return null;
    return Math.max(0, this.#clock.now() - Math.min(...sample.map((l) => l.failedAt)));
  }

  async #receive(visibilityS: number): Promise<Message[]> {
    const result = await this.#sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.#url,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: visibilityS,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
      }),
    );
    return result.Messages ?? [];
  }
}

/**
 * A letter from our attributes, or — for a work message redriven after too many receives — from
 * the envelope and SQS's own attributes.
 */
function toDeadLetter(message: Message): DeadLetter | null {
  if (!message.MessageId || message.Body === undefined) return null;
  let envelope: unknown;
  try {
    envelope = JSON.parse(message.Body);
  } catch {
    return null;
  }
  if (!isEnvelope(envelope)) return null;
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  const sentAt = Number(message.Attributes?.SentTimestamp ?? 0);
  const letter: DeadLetter = {
    id: ID_PREFIX + message.MessageId,
    integration: attribute('kongo-integration') ?? envelope.integration,
    reason: attribute('kongo-reason') ?? 'max-receives-exceeded',
    kind: attribute('kongo-kind') ?? envelope.kind,
    failedAt: Number(attribute('kongo-failed-at') ?? sentAt),
    attempts: Number(attribute('kongo-attempts') ?? message.Attributes?.ApproximateReceiveCount ?? 0),
    envelope,
  };
  const recordId = attribute('kongo-record-id');
  if (recordId !== undefined) letter.recordId = recordId;
  return letter;
}
