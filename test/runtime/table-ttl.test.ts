/**
 * The Kongo table's TTL: infra turns DynamoDB TTL on for one attribute, which DynamoDB reads as
 * epoch seconds (a millisecond value lies thousands of years ahead and is never deleted). Every item
 * the runtime lets expire stores that attribute in seconds; the queue's and dead-letter queue's items
 * never expire. dynalite has no TTL, so reads still treat an expired item as absent.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { TTL_ATTRIBUTE as INFRA_TTL_ATTRIBUTE } from '@kongo/infra';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackfillLedger } from '../../runtime/src/backfill/ledger.ts';
import { DynamoMappingStore } from '../../runtime/src/mapping-store/dynamo-store.ts';
import { ENTITY_SK, eventKey } from '../../runtime/src/mapping-store/keys.ts';
import { DynamoDeadLetterQueue } from '../../runtime/src/queue/dynamo-dead-letters.ts';
import { DynamoWorkQueue } from '../../runtime/src/queue/dynamo-queue.ts';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import {
  createKongoTable,
  DEAD_LETTER_PK,
  documentClient,
  nowSeconds,
  QUEUE_PK_PREFIX,
  TTL_ATTRIBUTE,
  ttlSeconds,
} from '../../runtime/src/queue/table.ts';
import type { QueueEnvelope } from '../../runtime/src/queue/types.ts';

let local: LocalDynamo;
let tables = 0;
/** 2026-11-25T10:00:00.250Z: a millisecond part, so seconds and milliseconds differ visibly. */
const START = 1_795_600_800_250;
const DAY_MS = 86_400_000;

beforeAll(async () => {
  local = await startLocalDynamo();
});
afterAll(async () => {
  await local.close();
});

async function table() {
  const tableName = `ttl-${++tables}`;
  await createKongoTable(local.client, tableName);
  let now = START;
  const clock = { now: () => now };
  return {
    tableName,
    clock,
    db: documentClient({ client: local.client }),
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('the Kongo table TTL attribute', () => {
  it('is the attribute infra enables TTL on', () => {
    expect(TTL_ATTRIBUTE).toBe(INFRA_TTL_ATTRIBUTE);
  });

  it('converts ms to epoch seconds, never early', () => {
    expect(ttlSeconds(START)).toBe(1_795_600_801);
    expect(ttlSeconds(1_795_600_800_000)).toBe(1_795_600_800);
    expect(nowSeconds(START)).toBe(1_795_600_801);
    // An item expiring at START (…800.250 s) reads as expired never before it, at most 1 s after.
    const expired = (nowMs: number) => ttlSeconds(START) < nowSeconds(nowMs);
    expect(expired(START)).toBe(false);
    expect(expired(START + 750)).toBe(false); // …801.000: the stored value, not yet below now
    expect(expired(START + 751)).toBe(true);
    expect(expired(START + 1000)).toBe(true);
  });

  it('stores an event claim expiry in epoch seconds and reads an expired claim as absent', async () => {
    const t = await table();
    const store = new DynamoMappingStore({ client: local.client, tableName: t.tableName, clock: t.clock });
    const expiresAtMs = START + DAY_MS;
    expect(await store.claimEvent('acme', 'evt-1', 'm1', expiresAtMs)).toBe('new');
    const { Item } = await t.db.send(
      new GetCommand({ TableName: t.tableName, Key: { pk: eventKey('acme', 'evt-1'), sk: ENTITY_SK } }),
    );
    expect(Item?.[TTL_ATTRIBUTE]).toBe(Math.ceil(expiresAtMs / 1000));
    expect(Item?.[TTL_ATTRIBUTE]).toBeLessThan(1e11); // seconds, not ms (ms would be ~1.8e12)

    // Before expiry another message is a duplicate; dynalite never deletes, so after expiry the
    // condition must read it as absent.
    t.advance(DAY_MS - 1000);
    expect(await store.claimEvent('acme', 'evt-1', 'm2', t.clock.now() + DAY_MS)).toBe('duplicate');
    t.advance(2000);
    expect(await store.claimEvent('acme', 'evt-1', 'm3', t.clock.now() + DAY_MS)).toBe('new');
  });

  it('stores the backfill lease expiry in epoch seconds; an expired lease can be taken', async () => {
    const t = await table();
    const ledger = new BackfillLedger({ client: local.client, tableName: t.tableName, clock: t.clock });
    expect(await ledger.lease('acme', 'run-1', 60_000)).toBe(true);
    const { Item } = await t.db.send(
      new GetCommand({ TableName: t.tableName, Key: { pk: 'BACKFILL#acme', sk: ENTITY_SK } }),
    );
    expect(Item?.[TTL_ATTRIBUTE]).toBe(Math.ceil((START + 60_000) / 1000));
    expect(await ledger.lease('acme', 'run-2', 60_000)).toBe(false);
    t.advance(62_000);
    expect(await ledger.lease('acme', 'run-2', 60_000)).toBe(true);
  });

  it('puts no expiry on queue messages or dead letters (they live until acked or replayed)', async () => {
    const t = await table();
    const envelope: QueueEnvelope = {
      v: 1,
      kind: 'hubspot-webhook',
      integration: 'acme',
      traceId: 't1',
      receivedAt: START,
      headers: {},
      body: '[]',
    };
    await new DynamoWorkQueue({
      client: local.client,
      tableName: t.tableName,
      queueName: 'acme',
      clock: t.clock,
    }).send(envelope);
    await new DynamoDeadLetterQueue({ client: local.client, tableName: t.tableName, clock: t.clock }).put({
      integration: 'acme',
      reason: 'test',
      kind: 'hubspot-webhook',
      failedAt: START,
      attempts: 1,
      envelope,
    });
    for (const pk of [`${QUEUE_PK_PREFIX}acme`, DEAD_LETTER_PK]) {
      const { Items } = await t.db.send(
        new QueryCommand({
          TableName: t.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
        }),
      );
      expect(Items).toHaveLength(1);
      expect(Items?.[0]).not.toHaveProperty(TTL_ATTRIBUTE);
    }
  });
});
