/**
 * The Kongo single table: one DynamoDB table per deployment (and one dynalite table locally) that
 * holds the work queue, the dead letters and the worker's identity/mapping items side by side.
 *
 * Key schema: partition key `pk` (S), sort key `sk` (S); no GSIs, no transactions; on AWS a TTL
 * on `expiresAt` (epoch seconds, see TTL_ATTRIBUTE; dynalite has neither). Item families owned by the
 * edge — neither expires: a message lives until acked, a dead letter until replayed or archived:
 * - queue message: pk `Q#{queueName}`, sk `M#{enqueuedAt, 15 digits}#{seq, 6 digits}#{messageId}` —
 *   sorted by enqueue time so a Query reads oldest first; visibility lives in the `visibleAt`
 *   attribute and every claim is a conditional update on `version` (see dynamo-queue.ts).
 * - dead letter: pk `DLQ`, sk `{id}` where id = `{failedAt, 13 digits}-{seq}-{random}` — one partition,
 *   oldest first; dead letters are few and read by people, so a filter on `integration` is fine.
 * The worker's families (`SYNC#`, `MAP#`, `NK#`, `INTENT#`, `EVT#`, `CURSOR#`) use the same keys.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  DynamoDBClient as DynamoDBClientClass,
  type DynamoDBClientConfig,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const KONGO_PARTITION_KEY = 'pk';
export const KONGO_SORT_KEY = 'sk';
/** Default table name when the environment names none. */
export const DEFAULT_KONGO_TABLE = 'kongo';

/**
 * The TTL attribute of the Kongo table (infra's TTL_ATTRIBUTE names the same). DynamoDB TTL reads it
 * as epoch **seconds** and ignores an item whose value is milliseconds (it lies thousands of years
 * ahead), so every item that expires stores `ttlSeconds(ms)`. TTL deletes within days, not on time,
 * and dynalite has none: readers still treat an expired item as absent.
 */
export const TTL_ATTRIBUTE = 'expiresAt';

/** A time in ms as the TTL attribute's epoch seconds, rounded up (an item never expires early). */
export function ttlSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

/**
 * The current time to compare the TTL attribute with: an item has expired when its value is below
 * this. Rounded up, so `value < nowSeconds(now)` ⇔ `value × 1000 < now` — with ttlSeconds, an item
 * reads as expired at most one second after its expiry in ms, never before.
 */
export function nowSeconds(nowMs: number): number {
  return Math.ceil(nowMs / 1000);
}

export const QUEUE_PK_PREFIX = 'Q#';
export const QUEUE_SK_PREFIX = 'M#';
export const DEAD_LETTER_PK = 'DLQ';

/** Constructor input of every DynamoDB adapter: a client or a client config, not both (Powertools style). */
export type DynamoClientInput = { client: DynamoDBClient } | { clientConfig: DynamoDBClientConfig };

/** Wraps the injected client (or builds one from config) in a DocumentClient that drops undefined values. */
export function documentClient(input: DynamoClientInput): DynamoDBDocumentClient {
  const client = 'client' in input ? input.client : new DynamoDBClientClass(input.clientConfig);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * Creates the Kongo table (pay per request) if it does not exist and waits until it is ACTIVE.
 * For local start-up and tests; on AWS the CDK stack owns the table.
 */
export async function createKongoTable(
  client: DynamoDBClient,
  tableName: string = DEFAULT_KONGO_TABLE,
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: KONGO_PARTITION_KEY, AttributeType: 'S' },
          { AttributeName: KONGO_SORT_KEY, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: KONGO_PARTITION_KEY, KeyType: 'HASH' },
          { AttributeName: KONGO_SORT_KEY, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (described.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Table ${tableName} did not become ACTIVE; check the DynamoDB endpoint.`);
}
