import { DynamoDBDocumentClient, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../queue/local-dynamo.ts';
import { createKongoTable } from '../queue/table.ts';
import { DynamoMappingStore } from './dynamo-store.ts';
import { naturalKeyHash } from './keys.ts';
import { mappingStoreContract } from './store.contract.ts';

let local: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  local = await startLocalDynamo();
});
afterAll(async () => {
  await local.close();
});

mappingStoreContract('DynamoMappingStore on dynalite', async () => {
  const tableName = `map-${++tables}`;
  await createKongoTable(local.client, tableName);
  let now = 1_000;
  const store = new DynamoMappingStore({ client: local.client, tableName, clock: { now: () => now } });
  return {
    store,
    advance: (ms) => {
      now += ms;
    },
  };
});

describe('DynamoMappingStore: natural keys at rest', () => {
  async function fresh() {
    const tableName = `map-${++tables}`;
    await createKongoTable(local.client, tableName);
    const db = DynamoDBDocumentClient.from(local.client);
    const store = new DynamoMappingStore({ client: local.client, tableName });
    const dump = async () => JSON.stringify((await db.send(new ScanCommand({ TableName: tableName }))).Items);
    return { store, db, tableName, dump };
  }

  it('stores a natural key and event keys only as hashes', async () => {
    const { store, dump } = await fresh();
    await store.claimNaturalKey('acme', 'ada@example.com', 'k1');
    await store.ensureEntity({ kongoId: 'k1', integration: 'acme', naturalKey: 'ada@example.com' });
    await store.claimEvent('acme', 'hs:1:98765:1700000000000:email:7', 'm1', Date.now() + 60_000);
    expect(await store.lookupNaturalKey('acme', 'ada@example.com')).toBe('k1');
    expect((await store.getEntity('k1'))?.naturalKeyHash).toBe(naturalKeyHash('ada@example.com'));
    const items = await dump();
    expect(items).not.toContain('ada@example.com');
    expect(items).not.toContain('98765');
  });

  it('reads a plain claim and entity written before hashing, moves the claim, and purges both forms', async () => {
    const { store, db, tableName, dump } = await fresh();
    // What the store wrote before natural keys were hashed.
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: 'NK#acme#old@example.com',
          sk: '_',
          type: 'natural-key',
          integration: 'acme',
          kongoId: 'k0',
        },
      }),
    );
    await store.ensureEntity({ kongoId: 'k0', integration: 'acme' });
    await db.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'SYNC#k0', sk: '_' },
        UpdateExpression: 'SET naturalKey = :k',
        ExpressionAttributeValues: { ':k': 'old@example.com' },
      }),
    );
    await store.linkId('k0', 'hubspot', '501');
    // The old claim still decides: a new claimant loses to it, and the claim moves to its hash.
    expect(await store.claimNaturalKey('acme', 'old@example.com', 'k9')).toEqual({
      claimed: false,
      kongoId: 'k0',
    });
    expect(await store.lookupNaturalKey('acme', 'old@example.com')).toBe('k0');
    expect(await dump()).not.toContain('NK#acme#old@example.com');
    const entity = await store.getEntity('k0');
    expect(entity?.naturalKeyHash).toBe(naturalKeyHash('old@example.com'));
    expect(entity?.legacyNaturalKey).toBe('old@example.com');
    // A plain claim left beside an entity (never migrated) goes with the purge too.
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: 'NK#acme#old@example.com',
          sk: '_',
          type: 'natural-key',
          integration: 'acme',
          kongoId: 'k0',
        },
      }),
    );
    await store.purge('k0');
    expect(await dump()).not.toContain('old@example.com');
    expect(await dump()).not.toContain('501');
  });
});

describe('DynamoMappingStore id cache', () => {
  it('never answers a batch read from a cached id another process has since moved', async () => {
    const tableName = `map-${++tables}`;
    await createKongoTable(local.client, tableName);
    const mine = new DynamoMappingStore({ client: local.client, tableName });
    const other = new DynamoMappingStore({ client: local.client, tableName });
    await mine.ensureEntity({ kongoId: 'k1', integration: 'acme' });
    await mine.linkId('k1', 'hubspot', '101');
    expect(
      (await mine.resolveMany('acme', [{ system: 'hubspot', id: '101' }])).get('hubspot:101')?.kongoId,
    ).toBe('k1');
    await other.replaceId('k1', 'hubspot', '202', 'id-rolled'); // mine still caches 101 → k1
    const after = await mine.resolveMany('acme', [
      { system: 'hubspot', id: '101' },
      { system: 'hubspot', id: '202' },
    ]);
    expect(after.has('hubspot:101')).toBe(false);
    expect(after.get('hubspot:202')?.kongoId).toBe('k1');
  });
});
