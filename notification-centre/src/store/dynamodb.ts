/**
 * DynamoDB `NcStore` (works on dynalite locally). One table, string keys `pk`/`sk`:
 *
 * | pk            | sk                          | holds                                        |
 * |---------------|-----------------------------|----------------------------------------------|
 * | REGISTRY      | CLIENT#{slug}               | a client (name, Slack webhook URL)           |
 * | REGISTRY      | INT#{id}                    | a registered integration (key hash, interval)|
 * | INT#{id}      | STATE                       | its state as JSON, with `version`            |
 * | INT#{id}      | MIN#{minute ms, 13 digits}  | numeric counters incremented with ADD        |
 * | INT#{id}      | TRACE#{startedAt}#{traceId} | one record change's stage timings as JSON    |
 *
 * Minute buckets and traces carry `expiresAt` (epoch seconds) for DynamoDB TTL; reads skip expired items too,
 * since dynalite has no TTL and real DynamoDB deletes late. No transactions: state writes are conditional on
 * `version` (optimistic concurrency), counters use ADD so concurrent heartbeats never lose counts.
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { StateConflictError } from '../errors.ts';
import type {
  ClientRecord,
  IntegrationRecord,
  IntegrationState,
  MinuteBucket,
  MinuteDelta,
  TraceSummary,
} from '../types.ts';
import { MINUTES_KEPT_MS, type NcStore, TRACES_KEPT_MS } from './types.ts';

export interface DynamoNcStoreOptions {
  /** A document client (`DynamoDBDocumentClient.from(new DynamoDBClient(...))`), created by the caller. */
  client: DynamoDBDocumentClient;
  tableName: string;
}

const REGISTRY = 'REGISTRY';
const pad = (n: number): string => String(Math.max(0, Math.floor(n))).padStart(13, '0');
const intPk = (id: string): string => `INT#${id}`;
const KIND_PREFIX = 'kind:';
const traceSortKey = (trace: TraceSummary): string => `TRACE#${pad(trace.startedAt)}#${trace.traceId}`;
type Item = Record<string, unknown>;

export class DynamoNcStore implements NcStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;

  constructor(options: DynamoNcStoreOptions) {
    this.client = options.client;
    this.table = options.tableName;
  }

  async putClient(client: ClientRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: REGISTRY, sk: `CLIENT#${client.slug}`, json: JSON.stringify(client) },
      }),
    );
  }
  async getClient(slug: string): Promise<ClientRecord | null> {
    return this.getJson<ClientRecord>(REGISTRY, `CLIENT#${slug}`);
  }
  async listClients(): Promise<ClientRecord[]> {
    return this.queryJson<ClientRecord>(REGISTRY, 'CLIENT#');
  }

  async putIntegration(integration: IntegrationRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { pk: REGISTRY, sk: `INT#${integration.id}`, json: JSON.stringify(integration) },
      }),
    );
  }
  async getIntegration(id: string): Promise<IntegrationRecord | null> {
    return this.getJson<IntegrationRecord>(REGISTRY, `INT#${id}`);
  }
  async listIntegrations(): Promise<IntegrationRecord[]> {
    return this.queryJson<IntegrationRecord>(REGISTRY, 'INT#');
  }

  async getState(id: string): Promise<IntegrationState | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: intPk(id), sk: 'STATE' }, ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item || typeof item.json !== 'string') return null;
    return { ...(JSON.parse(item.json) as IntegrationState), version: Number(item.version) };
  }

  async putState(state: IntegrationState, expectedVersion: number | null): Promise<void> {
    const version = (expectedVersion ?? 0) + 1;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: intPk(state.id), sk: 'STATE', version, json: JSON.stringify({ ...state, version }) },
          // The condition closes the race between a heartbeat and the scheduled down detector writing at once.
          ConditionExpression: expectedVersion === null ? 'attribute_not_exists(pk)' : '#v = :expected',
          ...(expectedVersion === null
            ? {}
            : {
                ExpressionAttributeNames: { '#v': 'version' },
                ExpressionAttributeValues: { ':expected': expectedVersion },
              }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new StateConflictError(state.id, { cause: error });
      throw error;
    }
  }

  async addToMinute(id: string, minute: number, delta: MinuteDelta, beatId?: string): Promise<void> {
    const names: Record<string, string> = { '#exp': 'expiresAt' };
    const values: Record<string, unknown> = {
      ':events': delta.events,
      ':errors': delta.errors,
      ':unauth': delta.unauthorised,
      ':exp': Math.ceil((minute + MINUTES_KEPT_MS) / 1000),
    };
    const adds = ['events :events', 'errors :errors', 'unauthorised :unauth'];
    Object.entries(delta.byKind).forEach(([kind, n], i) => {
      names[`#k${i}`] = `${KIND_PREFIX}${kind}`;
      values[`:k${i}`] = n;
      adds.push(`#k${i} :k${i}`);
    });
    let condition: string | undefined;
    if (beatId !== undefined) {
      // The bucket remembers which beats it holds, so a re-sent beat (its answer was lost) adds nothing.
      names['#beats'] = 'beats';
      values[':beat'] = new Set([beatId]);
      values[':beatId'] = beatId;
      adds.push('#beats :beat');
      condition = 'NOT contains(#beats, :beatId)';
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: intPk(id), sk: `MIN#${pad(minute)}` },
          UpdateExpression: `ADD ${adds.join(', ')} SET #exp = :exp`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ...(condition ? { ConditionExpression: condition } : {}),
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async listMinutes(id: string, fromMinute: number): Promise<MinuteBucket[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': intPk(id),
        ':from': `MIN#${pad(fromMinute)}`,
        ':to': `MIN#${'9'.repeat(13)}`,
      },
    });
    return items.map((item) => {
      const byKind: Record<string, number> = {};
      for (const [name, value] of Object.entries(item)) {
        if (name.startsWith(KIND_PREFIX)) byKind[name.slice(KIND_PREFIX.length)] = Number(value);
      }
      return {
        minute: Number(String(item.sk).slice(4)),
        events: Number(item.events ?? 0),
        errors: Number(item.errors ?? 0),
        unauthorised: Number(item.unauthorised ?? 0),
        byKind,
      };
    });
  }

  async putTraces(id: string, traces: TraceSummary[], now: number): Promise<void> {
    const expiresAt = Math.ceil((now + TRACES_KEPT_MS) / 1000);
    // One item per key, the last copy winning: a redelivered batch can carry the same trace twice, and
    // BatchWriteItem refuses a request whose keys repeat ("Provided list of item keys contains duplicates").
    const unique = [...new Map(traces.map((t) => [traceSortKey(t), t])).values()];
    for (let i = 0; i < unique.length; i += 25) {
      let requests: Array<{ PutRequest: { Item: Item } }> = unique.slice(i, i + 25).map((trace) => ({
        PutRequest: {
          Item: {
            pk: intPk(id),
            sk: traceSortKey(trace),
            json: JSON.stringify(trace),
            expiresAt,
          },
        },
      }));
      // BatchWrite may hand back unprocessed items under throttling; retry them a few times with a short pause.
      for (let attempt = 0; requests.length > 0; attempt++) {
        const out = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.table]: requests } }),
        );
        requests = (out.UnprocessedItems?.[this.table] ?? []) as typeof requests;
        if (requests.length > 0 && attempt >= 4)
          throw new Error(`${requests.length} traces not written after 5 attempts`);
        if (requests.length > 0) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
  }

  async listTraces(id: string, limit: number, now: number): Promise<TraceSummary[]> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'expiresAt > :now',
        ExpressionAttributeValues: { ':pk': intPk(id), ':prefix': 'TRACE#', ':now': Math.floor(now / 1000) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => JSON.parse(String(item.json)) as TraceSummary);
  }

  private async getJson<T>(pk: string, sk: string): Promise<T | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true }),
    );
    return out.Item && typeof out.Item.json === 'string' ? (JSON.parse(out.Item.json) as T) : null;
  }

  private async queryJson<T>(pk: string, prefix: string): Promise<T[]> {
    const items = await this.queryAll({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
    });
    return items.map((item) => JSON.parse(String(item.json)) as T);
  }

  private async queryAll(input: QueryCommandInput): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/** Creates the table if it is missing (local start-up and tests; on AWS the CDK stack owns it). */
export async function ensureNcTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 30, minDelay: 1, maxDelay: 2 }, { TableName: tableName });
}
