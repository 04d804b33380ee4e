/**
 * DeadLetterQueue on the Kongo table: pk `DLQ`, sk = the dead letter's id, `{failedAt}-{seq}-{random}`,
 * which starts with the failure time so a Query returns oldest first. Listable, removable by id, and
 * readable by the heartbeat (oldest age) — things an SQS dead-letter queue can't do without receiving.
 */
import { randomUUID } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { QueueError } from './errors.ts';
import { DEAD_LETTER_PK, type DynamoClientInput, documentClient } from './table.ts';
import {
  type Clock,
  type DeadLetter,
  type DeadLetterQueue,
  type QueueEnvelope,
  systemClock,
} from './types.ts';

export type DynamoDeadLetterQueueOptions = DynamoClientInput & { tableName: string; clock?: Clock };

/** Process-local tiebreaker so letters failing in the same millisecond list in the order they came. */
let sequence = 0;

export class DynamoDeadLetterQueue implements DeadLetterQueue {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #clock: Clock;

  constructor(options: DynamoDeadLetterQueueOptions) {
    this.#db = documentClient(options);
    this.#table = options.tableName;
    this.#clock = options.clock ?? systemClock;
  }

  async put(letter: Omit<DeadLetter, 'id'>): Promise<{ id: string }> {
    sequence = (sequence + 1) % 1_000_000;
    const failedAt = String(Math.max(0, Math.trunc(letter.failedAt))).padStart(13, '0');
    const id = `${failedAt}-${String(sequence).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            pk: DEAD_LETTER_PK,
            sk: id,
            type: 'dead-letter',
            integration: letter.integration,
            reason: letter.reason,
            kind: letter.kind,
            failedAt: letter.failedAt,
            attempts: letter.attempts,
            recordId: letter.recordId,
            envelope: JSON.stringify(letter.envelope),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      throw new QueueError(
        'dead-letter',
        `Could not store a dead letter (${letter.reason}): ${String(error)}`,
        {
          cause: error,
        },
      );
    }
    return { id };
  }

  async list(options: { integration?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const letters: DeadLetter[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#db.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: {
            ':pk': DEAD_LETTER_PK,
            ...(options.integration === undefined ? {} : { ':i': options.integration }),
          },
          ...(options.integration === undefined ? {} : { FilterExpression: 'integration = :i' }),
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (letters.length >= limit) break;
        letters.push(toDeadLetter(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && letters.length < limit);
    return letters;
  }

  async remove(id: string): Promise<void> {
    await this.#db.send(new DeleteCommand({ TableName: this.#table, Key: { pk: DEAD_LETTER_PK, sk: id } }));
  }

  async oldestAgeMs(integration?: string): Promise<number | null> {
    const [oldest] = await this.list({ ...(integration === undefined ? {} : { integration }), limit: 1 });
    return oldest ? Math.max(0, this.#clock.now() - oldest.failedAt) : null;
  }
}

function toDeadLetter(item: Record<string, unknown>): DeadLetter {
  const letter: DeadLetter = {
    id: String(item.sk),
    integration: String(item.integration),
    reason: String(item.reason),
    kind: String(item.kind),
    failedAt: Number(item.failedAt),
    attempts: Number(item.attempts),
    envelope: JSON.parse(String(item.envelope)) as QueueEnvelope,
  };
  if (typeof item.recordId === 'string') letter.recordId = item.recordId;
  return letter;
}
