/**
 * WorkQueue on Amazon SQS: a thin mapping of the contract onto SendMessage / ReceiveMessage /
 * DeleteMessage / ChangeMessageVisibility / GetQueueAttributes. SQS counts in whole seconds, so
 * visibility and delays round up; it reports no oldest age through the API (CloudWatch's
 * ApproximateAgeOfOldestMessage does — infra alarms on it), so `depth().oldestAgeMs` is null.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type SQSClientConfig,
} from '@aws-sdk/client-sqs';
import { QueueError } from './errors.ts';
import type { QueueDepth, QueueEnvelope, ReceivedMessage, WorkQueue } from './types.ts';

/** The slice of SQSClient the adapters use. */
export interface SqsSender {
  send: SQSClient['send'];
}

export type SqsClientInput = { client: SqsSender } | { clientConfig: SQSClientConfig };
export type SqsWorkQueueOptions = SqsClientInput & { queueUrl: string };

/** SQS limits: 10 messages per receive, 20 s long poll, 12 h visibility. */
const MAX_BATCH = 10;
const MAX_WAIT_S = 20;
const MAX_VISIBILITY_S = 43_200;

export function sqsClient(input: SqsClientInput): SqsSender {
  return 'client' in input ? input.client : new SQSClient(input.clientConfig);
}

export function seconds(ms: number, max: number): number {
  return Math.min(max, Math.max(0, Math.ceil(ms / 1000)));
}

export class SqsWorkQueue implements WorkQueue {
  readonly #sqs: SqsSender;
  readonly #url: string;

  constructor(options: SqsWorkQueueOptions) {
    this.#sqs = sqsClient(options);
    this.#url = options.queueUrl;
  }

  async send(envelope: QueueEnvelope): Promise<{ messageId: string }> {
    try {
      const result = await this.#sqs.send(
        new SendMessageCommand({
          QueueUrl: this.#url,
          MessageBody: JSON.stringify(envelope),
          MessageAttributes: {
            integration: { DataType: 'String', StringValue: envelope.integration },
            kind: { DataType: 'String', StringValue: envelope.kind },
          },
        }),
      );
      return { messageId: result.MessageId ?? '' };
    } catch (error) {
      throw new QueueError('send', `Could not send to ${this.#url}: ${String(error)}`, { cause: error });
    }
  }

  async receive(options: {
    max: number;
    visibilityTimeoutMs: number;
    waitMs?: number;
  }): Promise<ReceivedMessage[]> {
    const received: ReceivedMessage[] = [];
    let wait = seconds(options.waitMs ?? 0, MAX_WAIT_S);
    while (received.length < options.max) {
      const result = await this.#sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.#url,
          MaxNumberOfMessages: Math.min(MAX_BATCH, options.max - received.length),
          VisibilityTimeout: seconds(options.visibilityTimeoutMs, MAX_VISIBILITY_S),
          WaitTimeSeconds: wait,
          MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
        }),
      );
      const messages = result.Messages ?? [];
      for (const message of messages) {
        const converted = toReceivedMessage(message);
        // Not an envelope: left alone, it returns after its visibility timeout and reaches the redrive DLQ.
        if (converted) received.push(converted);
      }
      if (messages.length < MAX_BATCH) break;
      wait = 0; // only the first call long-polls
    }
    return received;
  }

  async ack(message: ReceivedMessage): Promise<void> {
    try {
      await this.#sqs.send(
        new DeleteMessageCommand({ QueueUrl: this.#url, ReceiptHandle: message.receiptHandle }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ReceiptHandleIsInvalid') return; // stale: redelivered since
      throw new QueueError('ack', `Could not delete message ${message.messageId}: ${String(error)}`, {
        cause: error,
      });
    }
  }

  async retryLater(message: ReceivedMessage, delayMs: number): Promise<void> {
    try {
      await this.#sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: this.#url,
          ReceiptHandle: message.receiptHandle,
          VisibilityTimeout: seconds(delayMs, MAX_VISIBILITY_S),
        }),
      );
    } catch (error) {
      if (
        error instanceof Error &&
        (error.name === 'ReceiptHandleIsInvalid' || error.name === 'MessageNotInflight')
      )
        return;
      throw new QueueError('retryLater', `Could not delay message ${message.messageId}: ${String(error)}`, {
        cause: error,
      });
    }
  }

  async depth(): Promise<QueueDepth> {
    const result = await this.#sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.#url,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const attributes = result.Attributes ?? {};
    return {
      visible: Number(attributes.ApproximateNumberOfMessages ?? 0),
      inFlight:
        Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
        Number(attributes.ApproximateNumberOfMessagesDelayed ?? 0),
      oldestAgeMs: null,
    };
  }
}

/** An SQS message as a ReceivedMessage, or null when its body is not a Kongo envelope. */
export function toReceivedMessage(message: Message): ReceivedMessage | null {
  if (!message.MessageId || !message.ReceiptHandle || message.Body === undefined) return null;
  let envelope: unknown;
  try {
    envelope = JSON.parse(message.Body);
  } catch {
    return null;
  }
  if (!isEnvelope(envelope)) return null;
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    envelope,
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1) || 1,
  };
}

export function isEnvelope(value: unknown): value is QueueEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<QueueEnvelope>;
  return (
    v.v === 1 && typeof v.kind === 'string' && typeof v.integration === 'string' && typeof v.body === 'string'
  );
}
