/**
 * The thin Lambda adapter for SQS-triggered workers: an SQS event → ReceivedMessage[] → the
 * handler's outcome → `batchItemFailures` (partial batch response; the function's event source
 * mapping must enable ReportBatchItemFailures). Failed messages return to the queue and, after
 * maxReceiveCount, go to the queue's redrive dead-letter queue.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { QueueEnvelope, ReceivedMessage } from '../queue/types.ts';

/** What the worker reports for a batch: the ids of messages to leave on the queue. */
export interface SqsBatchOutcome {
  failedMessageIds: readonly string[];
}

export type SqsBatchHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** A Lambda SQS record as the queue contract's ReceivedMessage. Throws if the body is not an envelope. */
export function receivedMessageFromSqsRecord(record: SQSRecord): ReceivedMessage {
  const envelope = JSON.parse(record.body) as QueueEnvelope;
  if (
    envelope === null ||
    typeof envelope !== 'object' ||
    envelope.v !== 1 ||
    typeof envelope.body !== 'string'
  ) {
    throw new TypeError(`SQS message ${record.messageId} is not a Kongo queue envelope (v: 1).`);
  }
  return {
    messageId: record.messageId,
    receiptHandle: record.receiptHandle,
    envelope,
    receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
  };
}

/**
 * Wraps the worker as an SQS Lambda handler. Records that are not envelopes are reported as
 * failures (they reach the redrive DLQ rather than vanish); if the worker throws, the whole batch
 * is reported failed.
 *
 * @example
 * export const handler = sqsBatchHandler((messages) => runtime.processMessages(messages));
 */
export function sqsBatchHandler(
  fn: (messages: ReceivedMessage[]) => Promise<SqsBatchOutcome>,
): SqsBatchHandler {
  return async (event) => {
    const messages: ReceivedMessage[] = [];
    const failures: string[] = [];
    for (const record of event.Records) {
      try {
        messages.push(receivedMessageFromSqsRecord(record));
      } catch {
        failures.push(record.messageId);
      }
    }
    if (messages.length > 0) {
      try {
        const outcome = await fn(messages);
        failures.push(...outcome.failedMessageIds);
      } catch {
        failures.push(...messages.map((m) => m.messageId));
      }
    }
    return { batchItemFailures: [...new Set(failures)].map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
