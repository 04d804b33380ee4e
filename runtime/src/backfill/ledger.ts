/**
 * The backfill's durable state in the Kongo table, written in batches (BatchGetItem ≤ 100 keys,
 * BatchWriteItem ≤ 25 items a call): a run lease, natural-key claims and the identities of the
 * records written. Items use exactly the mapping store's shapes (`NK#`, `SYNC#`, `MAP#`), so the
 * live worker finds every backfilled record. Batched writes carry no condition, which is safe only
 * because the lease excludes other backfills and the live worker is paused for the run (run.ts);
 * without the pause, claims go through the store's conditional `claimNaturalKey` one by one.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  ENTITY_SK,
  legacyNaturalKeyKey,
  mapKey,
  naturalKeyHash,
  naturalKeyKey,
  syncKey,
} from '../mapping-store/keys.ts';
import type { Intent } from '../mapping-store/types.ts';
import { type DynamoClientInput, documentClient, nowSeconds, ttlSeconds } from '../queue/table.ts';

export interface BackfillIdentity {
  kongoId: string;
  naturalKey: string;
  destinationId: string;
  hubspotId: string;
  /** The committed write to HubSpot: its echo is then recognised by the worker's echo guard. */
  intent: Intent;
  /** The source record's updatedAt, ms: older queued changes become stale. */
  destinationUpdatedAt?: number;
}

export interface NaturalKeyHolder {
  kongoId: string;
  /** True when a backfill minted it (its SYNC# item is ours to write). */
  byBackfill: boolean;
}

export type BackfillLedgerOptions = DynamoClientInput & {
  tableName: string;
  clock?: { now(): number };
  /** Called per DynamoDB request (benchmarks count them). */
  onRequest?: (operation: string, items: number) => void;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class BackfillLedger {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #now: () => number;
  readonly #onRequest: (operation: string, items: number) => void;

  constructor(options: BackfillLedgerOptions) {
    this.#db = documentClient(options);
    this.#table = options.tableName;
    const clock = options.clock ?? { now: () => Date.now() };
    this.#now = () => clock.now();
    this.#onRequest = options.onRequest ?? (() => {});
  }

  /** Takes the integration's backfill lease (one run at a time); false while another run holds it. */
  async lease(integration: string, runId: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    this.#onRequest('PutItem', 1);
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            pk: `BACKFILL#${integration}`,
            sk: ENTITY_SK,
            type: 'backfill-lease',
            runId,
            // The table's TTL attribute, epoch seconds: AWS deletes an expired lease, which is the
            // same as no lease; dynalite keeps it and the condition reads it as expired.
            expiresAt: ttlSeconds(now + ttlMs),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR runId = :run OR expiresAt < :now',
          ExpressionAttributeValues: { ':run': runId, ':now': nowSeconds(now) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async release(integration: string, runId: string): Promise<void> {
    this.#onRequest('PutItem', 1);
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            pk: `BACKFILL#${integration}`,
            sk: ENTITY_SK,
            type: 'backfill-lease',
            runId: '',
            expiresAt: 0,
          },
          ConditionExpression: 'runId = :run',
          ExpressionAttributeValues: { ':run': runId },
        }),
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    }
  }

  /** The kongoIds holding these normalised natural keys. */
  async naturalKeys(integration: string, keys: readonly string[]): Promise<Map<string, NaturalKeyHolder>> {
    const found = new Map<string, NaturalKeyHolder>();
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += 50) {
      type KeysRequest = Record<string, { Keys: Array<Record<string, unknown>>; ConsistentRead?: boolean }>;
      // Each key under its hashed item and the plain item of claims written before hashing (read
      // both): 50 keys a request, BatchGetItem's 100-key limit.
      const byPk = new Map<string, string>();
      for (const key of unique.slice(i, i + 50)) {
        byPk.set(naturalKeyKey(integration, key), key);
        byPk.set(legacyNaturalKeyKey(integration, key), key);
      }
      let request: KeysRequest | undefined = {
        [this.#table]: {
          Keys: [...byPk.keys()].map((pk) => ({ pk, sk: ENTITY_SK })),
          ConsistentRead: true,
        },
      };
      for (let attempt = 0; request && attempt < 8; attempt++) {
        this.#onRequest('BatchGetItem', request[this.#table]?.Keys.length ?? 0);
        const result: BatchGetCommandOutput = await this.#db.send(
          new BatchGetCommand({ RequestItems: request }),
        );
        for (const item of result.Responses?.[this.#table] ?? []) {
          const key = byPk.get(String(item.pk));
          // The hashed claim wins over a plain one left beside it.
          if (key === undefined || typeof item.kongoId !== 'string') continue;
          if (found.has(key) && String(item.pk) === legacyNaturalKeyKey(integration, key)) continue;
          found.set(key, { kongoId: item.kongoId, byBackfill: item.claimedBy === 'backfill' });
        }
        const rest = result.UnprocessedKeys?.[this.#table]?.Keys ?? [];
        request = rest.length > 0 ? { [this.#table]: { Keys: rest, ConsistentRead: true } } : undefined;
        if (request) await sleep(20 * 2 ** attempt);
      }
      if (request) throw new Error('DynamoDB left natural-key reads unprocessed; retry the backfill.');
    }
    return found;
  }

  /** Claims natural keys minted by this backfill (unconditional: see the module comment). */
  async claimNaturalKeys(
    integration: string,
    claims: ReadonlyArray<{ key: string; kongoId: string }>,
  ): Promise<void> {
    const now = this.#now();
    await this.#writeAll(
      claims.map(({ key, kongoId }) => ({
        pk: naturalKeyKey(integration, key),
        sk: ENTITY_SK,
        type: 'natural-key',
        integration,
        kongoId,
        claimedAt: now,
        claimedBy: 'backfill',
      })),
    );
  }

  /** The SYNC# entity and both MAP# items of each record written (entities this backfill minted). */
  async recordIdentities(integration: string, identities: readonly BackfillIdentity[]): Promise<void> {
    const now = this.#now();
    const items: Array<Record<string, unknown>> = [];
    for (const identity of identities) {
      items.push({
        pk: syncKey(identity.kongoId),
        sk: ENTITY_SK,
        type: 'sync',
        kongoId: identity.kongoId,
        integration,
        version: 1,
        createdAt: now,
        updatedAt: now,
        ids: { destination: identity.destinationId, hubspot: identity.hubspotId },
        lastApplied:
          identity.destinationUpdatedAt === undefined ? {} : { destination: identity.destinationUpdatedAt },
        intents: { hubspot: identity.intent },
        written: { hubspot: identity.intent.hash },
        drift: [],
        status: 'active',
        naturalKeyHash: naturalKeyHash(identity.naturalKey),
      });
      for (const [system, id] of [
        ['destination', identity.destinationId],
        ['hubspot', identity.hubspotId],
      ] as const) {
        items.push({
          pk: mapKey(integration, system, id),
          sk: ENTITY_SK,
          type: 'map',
          integration,
          system,
          id,
          kongoId: identity.kongoId,
        });
      }
    }
    await this.#writeAll(items);
  }

  async #writeAll(items: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    const chunks: Array<Array<Record<string, unknown>>> = [];
    for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
    // A few requests in flight: DynamoDB (and dynalite) answer batches in parallel.
    let next = 0;
    const lane = async () => {
      while (next < chunks.length) {
        const chunk = chunks[next++] ?? [];
        let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; pending.length > 0; attempt++) {
          if (attempt >= 8) throw new Error('DynamoDB left backfill writes unprocessed; retry the backfill.');
          this.#onRequest('BatchWriteItem', pending.length);
          const result = await this.#db.send(
            new BatchWriteCommand({ RequestItems: { [this.#table]: pending } }),
          );
          pending = (result.UnprocessedItems?.[this.#table] ?? []).flatMap((r) =>
            r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
          );
          if (pending.length > 0) await sleep(20 * 2 ** attempt);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, chunks.length) }, lane));
  }
}
