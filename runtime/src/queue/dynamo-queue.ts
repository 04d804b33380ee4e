/**
 * WorkQueue on the Kongo table (dynalite locally; works on DynamoDB too). Durable across restarts
 * because every message is an item. A claim is a conditional update — `version = :seen AND
 * visibleAt <= :now` — so two consumers racing for one message have exactly one winner, with no
 * transactions. Visibility timeout = `visibleAt` in the future; an unacked message becomes visible
 * again when it passes, with `receiveCount` incremented on the next claim.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { QueueError } from './errors.ts';
import { type DynamoClientInput, documentClient, QUEUE_PK_PREFIX, QUEUE_SK_PREFIX } from './table.ts';
import {
  type Clock,
  type QueueDepth,
  type QueueEnvelope,
  type ReceivedMessage,
  systemClock,
  type WorkQueue,
} from './types.ts';

export type DynamoWorkQueueOptions = DynamoClientInput & {
  tableName: string;
  /** One queue per name (usually the integration name); becomes pk `Q#{queueName}`. */
  queueName: string;
  clock?: Clock;
  /** Long-poll interval while waiting for `waitMs`, ms. */
  pollIntervalMs?: number;
};

/** Items read per Query page while looking for visible messages. */
const PAGE_SIZE = 100;

/** Process-local tiebreaker so messages sent in the same millisecond keep their order. */
let sequence = 0;

export class DynamoWorkQueue implements WorkQueue {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #pk: string;
  readonly #clock: Clock;
  readonly #pollIntervalMs: number;

  constructor(options: DynamoWorkQueueOptions) {
    this.#db = documentClient(options);
    this.#table = options.tableName;
    this.#pk = QUEUE_PK_PREFIX + options.queueName;
    this.#clock = options.clock ?? systemClock;
    this.#pollIntervalMs = options.pollIntervalMs ?? 50;
  }

  async send(envelope: QueueEnvelope): Promise<{ messageId: string }> {
    const now = this.#clock.now();
    const messageId = randomUUID();
    sequence = (sequence + 1) % 1_000_000;
    const sk = `${QUEUE_SK_PREFIX}${String(now).padStart(15, '0')}#${String(sequence).padStart(6, '0')}#${messageId}`;
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            pk: this.#pk,
            sk,
            type: 'queue-message',
            messageId,
            integration: envelope.integration,
            enqueuedAt: now,
            visibleAt: now,
            version: 0,
            receiveCount: 0,
            envelope: JSON.stringify(envelope),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw new QueueError('send', `Could not enqueue to ${this.#table}/${this.#pk}: ${describe(error)}`, {
        cause: error,
      });
    }
    return { messageId };
  }

  async receive(options: {
    max: number;
    visibilityTimeoutMs: number;
    waitMs?: number;
  }): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + (options.waitMs ?? 0);
    for (;;) {
      const claimed = await this.#claimVisible(options.max, options.visibilityTimeoutMs);
      if (claimed.length > 0 || Date.now() >= deadline) return claimed;
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(this.#pollIntervalMs, deadline - Date.now())),
      );
    }
  }

  async #claimVisible(max: number, visibilityTimeoutMs: number): Promise<ReceivedMessage[]> {
    const claimed: ReceivedMessage[] = [];
    if (max <= 0) return claimed;
    const now = this.#clock.now();
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#db.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
          FilterExpression: 'visibleAt <= :now',
          ProjectionExpression: 'sk, version',
          ExpressionAttributeValues: { ':pk': this.#pk, ':m': QUEUE_SK_PREFIX, ':now': now },
          ConsistentRead: true,
          Limit: PAGE_SIZE,
          ExclusiveStartKey: startKey,
        }),
      );
      // Claim as many candidates at once as are still wanted; losers of a race just drop out.
      const candidates = page.Items ?? [];
      for (let next = 0; next < candidates.length && claimed.length < max; ) {
        const chunk = candidates.slice(next, next + (max - claimed.length));
        next += chunk.length;
        const results = await Promise.all(
          chunk.map((item) => this.#claim(String(item.sk), Number(item.version), now, visibilityTimeoutMs)),
        );
        for (const message of results) if (message) claimed.push(message);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && claimed.length < max);
    return claimed;
  }

  /** The race-deciding write: only the consumer that saw this `version` while visible wins. */
  async #claim(
    sk: string,
    version: number,
    now: number,
    visibilityTimeoutMs: number,
  ): Promise<ReceivedMessage | null> {
    try {
      const result = await this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: this.#pk, sk },
          UpdateExpression: 'SET visibleAt = :until, version = :next, receiveCount = receiveCount + :one',
          ConditionExpression: 'version = :seen AND visibleAt <= :now',
          ExpressionAttributeValues: {
            ':until': now + visibilityTimeoutMs,
            ':next': version + 1,
            ':one': 1,
            ':seen': version,
            ':now': now,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = result.Attributes;
      if (!item) return null;
      return {
        messageId: String(item.messageId),
        receiptHandle: `${version + 1}:${sk}`,
        envelope: JSON.parse(String(item.envelope)) as QueueEnvelope,
        receiveCount: Number(item.receiveCount),
      };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null; // another consumer claimed it
      throw new QueueError(
        'receive',
        `Could not claim a message in ${this.#table}/${this.#pk}: ${describe(error)}`,
        {
          cause: error,
        },
      );
    }
  }

  async ack(message: ReceivedMessage): Promise<void> {
    const { version, sk } = parseReceipt(message.receiptHandle);
    try {
      await this.#db.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: { pk: this.#pk, sk },
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': version },
        }),
      );
    } catch (error) {
      // Redelivered to someone else since (or already deleted): like SQS, a stale receipt changes nothing.
      if (error instanceof ConditionalCheckFailedException) return;
      throw new QueueError('ack', `Could not delete message ${message.messageId}: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  async retryLater(message: ReceivedMessage, delayMs: number): Promise<void> {
    const { version, sk } = parseReceipt(message.receiptHandle);
    try {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk: this.#pk, sk },
          UpdateExpression: 'SET visibleAt = :at',
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':at': this.#clock.now() + Math.max(0, delayMs), ':v': version },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw new QueueError('retryLater', `Could not delay message ${message.messageId}: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  async depth(): Promise<QueueDepth> {
    const now = this.#clock.now();
    let visible = 0;
    let inFlight = 0;
    let oldest: number | null = null;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#db.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
          ProjectionExpression: 'visibleAt, enqueuedAt',
          ExpressionAttributeValues: { ':pk': this.#pk, ':m': QUEUE_SK_PREFIX },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (Number(item.visibleAt) <= now) visible++;
        else inFlight++;
        const enqueuedAt = Number(item.enqueuedAt);
        if (oldest === null || enqueuedAt < oldest) oldest = enqueuedAt;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return { visible, inFlight, oldestAgeMs: oldest === null ? null : Math.max(0, now - oldest) };
  }
}

function parseReceipt(receiptHandle: string): { version: number; sk: string } {
  const colon = receiptHandle.indexOf(':');
  const version = Number(receiptHandle.slice(0, colon));
  if (colon < 1 || !Number.isInteger(version)) {
    throw new QueueError(
      'receipt',
      `Not a receipt handle from DynamoWorkQueue: ${receiptHandle.slice(0, 40)}`,
    );
  }
  return { version, sk: receiptHandle.slice(colon + 1) };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
