/**
 * Counters shared between Lambdas. The webhook and worker functions count in their own memory, but the
 * heartbeat runs in a separate scheduled function: each invocation `flush()`es its logger's delta into the
 * integration's table, and the heartbeat drains the table instead of a logger.
 *
 * Items (the Kongo table's `pk`/`sk`):
 * - `MON#{integration}` / `COUNTERS` — numeric attributes `c:{stage.outcome}` and `k:{kind}`, changed only
 *   with `ADD` (a drain reads the totals, then ADDs their negatives, so counts added meanwhile survive);
 *   `lastEventAt` raised with a conditional SET;
 * - `MON#{integration}` / `BATCH#{ms, 13 digits}#{uuid}` — one flush's failures and traces as JSON, deleted
 *   by the drain that reads them;
 * - `MON#{integration}` / `UNSENT` — a drained beat whose send failed (its id and counts as JSON), re-sent
 *   under the same id by the next heartbeat and deleted once the centre confirms it.
 * No transactions (dynalite has none); a crash between read and subtract re-sends those counts once.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { CounterSource } from './heartbeat.ts';
import type { IntegrationLogger } from './logger.ts';
import type { CounterDelta, FailureSummary, TraceSummary, UnsentBeat } from './types.ts';

export interface DynamoCounterStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  integrationId: string;
}

const COUNTER_PREFIX = 'c:';
const KIND_PREFIX = 'k:';

export class DynamoCounterStore implements CounterSource {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly pk: string;

  constructor(options: DynamoCounterStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
    this.pk = `MON#${options.integrationId}`;
  }

  /** Moves a logger's counts since its last flush into the table (call at the end of each invocation). */
  async flush(logger: IntegrationLogger): Promise<void> {
    const delta = logger.drain();
    try {
      await this.write(delta);
    } catch (error) {
      logger.restore(delta);
      throw error;
    }
  }

  async drain(): Promise<CounterDelta> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: this.pk, sk: 'COUNTERS' }, ConsistentRead: true }),
    );
    const delta: CounterDelta = {
      counters: {},
      errorsByKind: {},
      traces: [],
      failures: [],
      lastEventAt: null,
    };
    const item = out.Item ?? {};
    for (const [name, value] of Object.entries(item)) {
      const n = Number(value);
      if (!Number.isFinite(n) || n === 0) continue;
      if (name.startsWith(COUNTER_PREFIX)) delta.counters[name.slice(COUNTER_PREFIX.length)] = n;
      else if (name.startsWith(KIND_PREFIX)) delta.errorsByKind[name.slice(KIND_PREFIX.length)] = n;
    }
    delta.lastEventAt = typeof item.lastEventAt === 'number' ? item.lastEventAt : null;
    await this.add(delta.counters, delta.errorsByKind, -1);

    const batches = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :b)',
        ExpressionAttributeValues: { ':pk': this.pk, ':b': 'BATCH#' },
        ConsistentRead: true,
        Limit: 100,
      }),
    );
    const items = batches.Items ?? [];
    for (const batch of items) {
      const parsed = JSON.parse(String(batch.json)) as { failures: FailureSummary[]; traces: TraceSummary[] };
      delta.failures.push(...parsed.failures);
      delta.traces.push(...parsed.traces);
    }
    for (let i = 0; i < items.length; i += 25) {
      const deletes = items
        .slice(i, i + 25)
        .map((b) => ({ DeleteRequest: { Key: { pk: this.pk, sk: b.sk } } }));
      await this.client.send(new BatchWriteCommand({ RequestItems: { [this.table]: deletes } }));
    }
    delta.failures = delta.failures.slice(-50);
    delta.traces = delta.traces.slice(-100);
    return delta;
  }

  async restore(delta: CounterDelta): Promise<void> {
    await this.write(delta);
  }

  async holdUnsent(beat: UnsentBeat): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: this.pk, sk: 'UNSENT', json: JSON.stringify(beat) },
          // One held beat at a time: a second one is restored into the counters instead.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async peekUnsent(): Promise<UnsentBeat | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: this.pk, sk: 'UNSENT' }, ConsistentRead: true }),
    );
    return typeof out.Item?.json === 'string' ? (JSON.parse(out.Item.json) as UnsentBeat) : null;
  }

  async clearUnsent(beatId: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: this.pk, sk: 'UNSENT' },
          ConditionExpression: 'contains(#json, :id)',
          ExpressionAttributeNames: { '#json': 'json' },
          ExpressionAttributeValues: { ':id': beatId },
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  private async write(delta: CounterDelta): Promise<void> {
    await this.add(delta.counters, delta.errorsByKind, 1);
    if (delta.lastEventAt !== null) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: this.pk, sk: 'COUNTERS' },
            UpdateExpression: 'SET lastEventAt = :t',
            ConditionExpression: 'attribute_not_exists(lastEventAt) OR lastEventAt < :t',
            ExpressionAttributeValues: { ':t': delta.lastEventAt },
          }),
        );
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    if (delta.failures.length > 0 || delta.traces.length > 0) {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: this.pk,
            sk: `BATCH#${String(Date.now()).padStart(13, '0')}#${randomUUID()}`,
            json: JSON.stringify({ failures: delta.failures, traces: delta.traces }),
          },
        }),
      );
    }
  }

  private async add(
    counters: Record<string, number>,
    kinds: Record<string, number>,
    sign: 1 | -1,
  ): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const parts: string[] = [];
    const entries = [
      ...Object.entries(counters).map(([k, n]) => [`${COUNTER_PREFIX}${k}`, n] as const),
      ...Object.entries(kinds).map(([k, n]) => [`${KIND_PREFIX}${k}`, n] as const),
    ];
    entries.forEach(([name, n], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = sign * n;
      parts.push(`#a${i} :a${i}`);
    });
    if (parts.length === 0) return;
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: this.pk, sk: 'COUNTERS' },
        UpdateExpression: `ADD ${parts.join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
