/**
 * MappingStore on the Kongo single table (DynamoDB on AWS, dynalite locally) with @aws-sdk/lib-dynamodb.
 * Every write is a conditional Put or Update: there are no transactions. Items that expire carry
 * `expiresAt` in epoch seconds (the table's DynamoDB TTL attribute, ../queue/table.ts); dynalite
 * has no TTL and AWS deletes late, so an expired item also reads as absent.
 *
 * The intent, the applied-change watermark and the last written hash live on the `SYNC#` item
 * itself rather than on separate `INTENT#` items: recording the intent and advancing the watermark
 * then is one conditional update on the entity's version, and a steady-state update costs four item
 * operations (see docs/RUNTIME.md).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type FieldState, type Lease, normaliseFieldState } from '../convergence/state.ts';
import { type DynamoClientInput, documentClient, nowSeconds, ttlSeconds } from '../queue/table.ts';
import { MappingStoreError } from './errors.ts';
import {
  cursorKey,
  ENTITY_SK,
  eventKey,
  forgottenKey,
  legacyNaturalKeyKey,
  mapKey,
  naturalKeyHash,
  naturalKeyHashKey,
  naturalKeyKey,
  syncKey,
} from './keys.ts';
import type {
  ClaimOutcome,
  CommitWrite,
  Cursor,
  DriftEntry,
  EntityStatus,
  EventClaim,
  IntentOutcome,
  IntentWrite,
  LinkOutcome,
  MappingStore,
  RecordRef,
  SyncEntity,
  System,
} from './types.ts';
import { refKey } from './types.ts';

/** BatchGetItem takes at most 100 keys a request. */
const BATCH_GET_KEYS = 100;

export type DynamoMappingStoreOptions = DynamoClientInput & {
  tableName: string;
  clock?: { now(): number };
  /** Entries of the in-process `MAP#` → kongoId cache (0 turns it off). */
  idCacheSize?: number;
  /**
   * Called once per DynamoDB request: the benchmark counts them. `items` is how many items the
   * request read or wrote (what AWS bills; 1 for single-item operations).
   */
  onOperation?: (operation: string, key: string, items: number) => void;
};

type Item = Record<string, unknown>;

function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

function entityFrom(item: Item): SyncEntity {
  const entity: SyncEntity = {
    kongoId: String(item.kongoId),
    integration: String(item.integration),
    version: Number(item.version),
    createdAt: Number(item.createdAt),
    updatedAt: Number(item.updatedAt),
    ids: (item.ids ?? {}) as SyncEntity['ids'],
    lastApplied: (item.lastApplied ?? {}) as SyncEntity['lastApplied'],
    intents: (item.intents ?? {}) as SyncEntity['intents'],
    written: (item.written ?? {}) as SyncEntity['written'],
    drift: (item.drift ?? []) as DriftEntry[],
    status: (item.status ?? 'active') as EntityStatus,
  };
  if (typeof item.naturalKeyHash === 'string') entity.naturalKeyHash = item.naturalKeyHash;
  else if (typeof item.naturalKey === 'string') {
    // Written before keys were hashed: read both (docs/RUNTIME.md "Natural keys").
    entity.naturalKeyHash = naturalKeyHash(item.naturalKey);
    entity.legacyNaturalKey = item.naturalKey;
  }
  if (typeof item.statusReason === 'string') entity.statusReason = item.statusReason;
  if (typeof item.fieldState === 'object' && item.fieldState !== null)
    entity.fieldState = normaliseFieldState(item.fieldState as Partial<FieldState>);
  if (typeof item.lease === 'object' && item.lease !== null) entity.lease = item.lease as Lease;
  return entity;
}

export class DynamoMappingStore implements MappingStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #now: () => number;
  readonly #cacheSize: number;
  readonly #idCache = new Map<string, string>();
  readonly #onOperation: (operation: string, key: string, items: number) => void;

  constructor(options: DynamoMappingStoreOptions) {
    this.#db = documentClient(options);
    this.#table = options.tableName;
    const clock = options.clock ?? { now: () => Date.now() };
    this.#now = () => clock.now();
    this.#cacheSize = options.idCacheSize ?? 10_000;
    this.#onOperation = options.onOperation ?? (() => {});
  }

  async #get(pk: string, operation: string): Promise<Item | null> {
    this.#onOperation('GetItem', pk, 1);
    try {
      const result = await this.#db.send(
        new GetCommand({ TableName: this.#table, Key: { pk, sk: ENTITY_SK }, ConsistentRead: true }),
      );
      return (result.Item as Item | undefined) ?? null;
    } catch (error) {
      throw new MappingStoreError(operation, pk, `Could not read ${pk}: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * Consistent BatchGetItem of entity-style items (`sk = _`), ≤ 100 keys a request; keys DynamoDB
   * leaves unprocessed (throttling) are asked again. Returns the items found, by pk.
   */
  async #batchGet(pks: readonly string[], operation: string): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const unique = [...new Set(pks)];
    for (let i = 0; i < unique.length; i += BATCH_GET_KEYS) {
      let keys: Array<Record<string, unknown>> = unique
        .slice(i, i + BATCH_GET_KEYS)
        .map((pk) => ({ pk, sk: ENTITY_SK }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt >= 8) {
          throw new MappingStoreError(
            operation,
            String(keys[0]?.pk),
            `DynamoDB left ${keys.length} keys unprocessed after ${attempt} BatchGetItem attempts; retry later.`,
          );
        }
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
        let result: BatchGetCommandOutput;
        try {
          result = await this.#db.send(
            new BatchGetCommand({
              RequestItems: { [this.#table]: { Keys: keys, ConsistentRead: true } },
            }),
          );
        } catch (error) {
          throw new MappingStoreError(
            operation,
            String(keys[0]?.pk),
            `Could not read ${keys.length} items: ${describe(error)}`,
            { cause: error },
          );
        }
        const items = (result.Responses?.[this.#table] ?? []) as Item[];
        this.#onOperation('BatchGetItem', `${keys.length} keys`, keys.length);
        for (const item of items) found.set(String(item.pk), item);
        keys = (result.UnprocessedKeys?.[this.#table]?.Keys ?? []) as Array<Record<string, unknown>>;
      }
    }
    return found;
  }

  /** Conditional put; false when the condition failed. */
  async #put(
    item: Item,
    condition: string | undefined,
    values: Item | undefined,
    operation: string,
    names?: Record<string, string>,
  ): Promise<boolean> {
    const pk = String(item.pk);
    this.#onOperation('PutItem', pk, 1);
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...item, sk: ENTITY_SK },
          ...(condition ? { ConditionExpression: condition } : {}),
          ...(values ? { ExpressionAttributeValues: values } : {}),
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw new MappingStoreError(operation, pk, `Could not write ${pk}: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  /** Conditional update returning the new item; null when the condition failed. */
  async #update(
    pk: string,
    update: string,
    condition: string,
    values: Item,
    operation: string,
    names?: Record<string, string>,
  ): Promise<Item | null> {
    this.#onOperation('UpdateItem', pk, 1);
    try {
      const result = await this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { pk, sk: ENTITY_SK },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ...(names ? { ExpressionAttributeNames: names } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return (result.Attributes as Item | undefined) ?? null;
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw new MappingStoreError(operation, pk, `Could not update ${pk}: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  async #delete(pk: string, operation: string): Promise<void> {
    this.#onOperation('DeleteItem', pk, 1);
    try {
      await this.#db.send(new DeleteCommand({ TableName: this.#table, Key: { pk, sk: ENTITY_SK } }));
    } catch (error) {
      throw new MappingStoreError(operation, pk, `Could not delete ${pk}: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  #remember(key: string, kongoId: string): void {
    if (this.#cacheSize <= 0) return;
    this.#idCache.delete(key);
    this.#idCache.set(key, kongoId);
    if (this.#idCache.size > this.#cacheSize) {
      const oldest = this.#idCache.keys().next();
      if (!oldest.done) this.#idCache.delete(oldest.value);
    }
  }

  async resolve(integration: string, system: System, id: string): Promise<SyncEntity | null> {
    const key = mapKey(integration, system, id);
    // An external id → kongoId pair never changes meaning (a rolled id gets a new MAP item), so a
    // cached pair is safe as long as the entity still carries that id, which the read below checks.
    const cached = this.#idCache.get(key);
    if (cached !== undefined) {
      const entity = await this.getEntity(cached);
      if (entity && entity.ids[system] === id) return entity;
      this.#idCache.delete(key);
    }
    const map = await this.#get(key, 'resolve');
    if (!map || typeof map.kongoId !== 'string') return null;
    const entity = await this.getEntity(map.kongoId);
    if (!entity || entity.ids[system] !== id) return null;
    this.#remember(key, entity.kongoId);
    return entity;
  }

  async getEntity(kongoId: string): Promise<SyncEntity | null> {
    const item = await this.#get(syncKey(kongoId), 'getEntity');
    return item ? entityFrom(item) : null;
  }

  async lookupNaturalKey(integration: string, key: string): Promise<string | null> {
    const item = await this.#get(naturalKeyKey(integration, key), 'lookupNaturalKey');
    if (item && typeof item.kongoId === 'string') return item.kongoId;
    return this.#migrateLegacyClaim(integration, key);
  }

  /**
   * A claim written before keys were hashed (`NK#{integration}#{plain key}`): moved to the hashed
   * key (conditional, so a concurrent claim of the hashed key still decides) and the plain item
   * deleted. Returns the holder, or null when there is no legacy claim.
   */
  async #migrateLegacyClaim(integration: string, key: string): Promise<string | null> {
    const legacyPk = legacyNaturalKeyKey(integration, key);
    const legacy = await this.#get(legacyPk, 'lookupNaturalKey');
    if (!legacy || typeof legacy.kongoId !== 'string') return null;
    const pk = naturalKeyKey(integration, key);
    const moved = await this.#put(
      { ...legacy, pk, migratedAt: this.#now() },
      'attribute_not_exists(pk)',
      undefined,
      'lookupNaturalKey',
    );
    let holder = legacy.kongoId;
    if (!moved) {
      // Someone claimed the hashed key meanwhile (another worker migrating the same claim): theirs holds.
      const current = await this.#get(pk, 'lookupNaturalKey');
      if (current && typeof current.kongoId === 'string') holder = current.kongoId;
    }
    await this.#delete(legacyPk, 'lookupNaturalKey');
    return holder;
  }

  async claimNaturalKey(integration: string, key: string, kongoId: string): Promise<ClaimOutcome> {
    const pk = naturalKeyKey(integration, key);
    // A plain claim from before hashing still holds the key: move it first, then it decides.
    const legacyHolder = await this.#migrateLegacyClaim(integration, key);
    if (legacyHolder !== null) return { claimed: legacyHolder === kongoId, kongoId: legacyHolder };
    // The race-deciding write: of two creates of the same person on both sides, one claims the key.
    const won = await this.#put(
      { pk, type: 'natural-key', integration, kongoId, claimedAt: this.#now() },
      'attribute_not_exists(pk)',
      undefined,
      'claimNaturalKey',
    );
    if (won) return { claimed: true, kongoId };
    const holder = await this.lookupNaturalKey(integration, key);
    if (holder === null) {
      throw new MappingStoreError('claimNaturalKey', pk, `Natural key ${pk} vanished during a claim; retry.`);
    }
    return { claimed: false, kongoId: holder };
  }

  async ensureEntity(input: {
    kongoId: string;
    integration: string;
    naturalKey?: string;
  }): Promise<SyncEntity> {
    const now = this.#now();
    const item: Item = {
      pk: syncKey(input.kongoId),
      type: 'sync',
      kongoId: input.kongoId,
      integration: input.integration,
      version: 0,
      createdAt: now,
      updatedAt: now,
      ids: {},
      lastApplied: {},
      intents: {},
      written: {},
      drift: [],
      status: 'active',
      ...(input.naturalKey === undefined ? {} : { naturalKeyHash: naturalKeyHash(input.naturalKey) }),
    };
    if (await this.#put(item, 'attribute_not_exists(pk)', undefined, 'ensureEntity')) return entityFrom(item);
    const existing = await this.getEntity(input.kongoId);
    if (!existing) throw new MappingStoreError('ensureEntity', syncKey(input.kongoId), 'Entity vanished.');
    return existing;
  }

  async linkId(kongoId: string, system: System, id: string): Promise<LinkOutcome> {
    const pk = syncKey(kongoId);
    const updated = await this.#update(
      pk,
      'SET ids.#s = :id, version = version + :one, updatedAt = :now',
      'attribute_exists(pk) AND (attribute_not_exists(ids.#s) OR ids.#s = :id)',
      { ':id': id, ':one': 1, ':now': this.#now() },
      'linkId',
      { '#s': system },
    );
    if (!updated) {
      const entity = await this.getEntity(kongoId);
      if (!entity) throw new MappingStoreError('linkId', pk, `Entity ${kongoId} does not exist.`);
      const existingId = entity.ids[system];
      if (existingId === undefined || existingId === id) return this.linkId(kongoId, system, id);
      return { linked: false, existingId, entity };
    }
    const entity = entityFrom(updated);
    await this.#writeMap(entity.integration, system, id, kongoId);
    return { linked: true, entity };
  }

  async #writeMap(integration: string, system: System, id: string, kongoId: string): Promise<void> {
    // Unconditional on purpose: the SYNC item is the authority, MAP is its index; rewriting it to
    // the entity that now carries the id is always right (a merge or restore moves ids between entities).
    await this.#put(
      { pk: mapKey(integration, system, id), type: 'map', integration, system, id, kongoId },
      undefined,
      undefined,
      'writeMap',
    );
    this.#remember(mapKey(integration, system, id), kongoId);
  }

  async replaceId(
    kongoId: string,
    system: System,
    to: string,
    reason: DriftEntry['reason'],
  ): Promise<SyncEntity> {
    const pk = syncKey(kongoId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const entity = await this.getEntity(kongoId);
      if (!entity) throw new MappingStoreError('replaceId', pk, `Entity ${kongoId} does not exist.`);
      const from = entity.ids[system];
      if (from === to) return entity;
      const drift: DriftEntry[] = from === undefined ? [] : [{ system, from, to, at: this.#now(), reason }];
      const updated = await this.#update(
        pk,
        'SET ids.#s = :to, drift = list_append(drift, :drift), version = version + :one, updatedAt = :now',
        'version = :v',
        { ':to': to, ':drift': drift, ':one': 1, ':now': this.#now(), ':v': entity.version },
        'replaceId',
        { '#s': system },
      );
      if (!updated) continue;
      // New MAP first, then the old one goes: a reader in between finds the entity by either id.
      await this.#writeMap(entity.integration, system, to, kongoId);
      if (from !== undefined) {
        await this.#delete(mapKey(entity.integration, system, from), 'replaceId');
        this.#idCache.delete(mapKey(entity.integration, system, from));
      }
      return entityFrom(updated);
    }
    throw new MappingStoreError('replaceId', pk, `Entity ${kongoId} kept changing; retry later.`);
  }

  async unlinkId(integration: string, system: System, id: string): Promise<void> {
    const key = mapKey(integration, system, id);
    const map = await this.#get(key, 'unlinkId');
    if (map && typeof map.kongoId === 'string') {
      await this.#update(
        syncKey(map.kongoId),
        'REMOVE ids.#s SET version = version + :one, updatedAt = :now',
        'ids.#s = :id',
        { ':id': id, ':one': 1, ':now': this.#now() },
        'unlinkId',
        { '#s': system },
      );
    }
    await this.#delete(key, 'unlinkId');
    this.#idCache.delete(key);
  }

  async recordIntent(kongoId: string, expectedVersion: number, write: IntentWrite): Promise<IntentOutcome> {
    const names: Record<string, string> = { '#side': write.side };
    const values: Item = {
      ':intent': write.intent,
      ':v': expectedVersion,
      ':one': 1,
      ':now': this.#now(),
    };
    let update = 'SET intents.#side = :intent, version = version + :one, updatedAt = :now';
    if (write.applied) {
      names['#src'] = write.applied.source;
      values[':occ'] = write.applied.occurredAt;
      update += ', lastApplied.#src = :occ';
    }
    if (write.restore) {
      names['#rside'] = write.restore.side;
      values[':rintent'] = write.restore.intent;
      update += ', intents.#rside = :rintent';
    }
    if (write.fieldState) {
      values[':fs'] = write.fieldState;
      update += ', fieldState = :fs';
    }
    // Version check = nobody changed the entity since we read it (and decided echo, order and
    // identity). The lease is taken in the same write: only while nobody else holds a live one.
    let condition = 'version = :v';
    if (write.lease) {
      names['#owner'] = 'owner';
      names['#until'] = 'until';
      values[':lease'] = write.lease;
      values[':me'] = write.lease.owner;
      values[':leaseNow'] = this.#now();
      update += ', lease = :lease';
      condition += ' AND (attribute_not_exists(lease) OR lease.#owner = :me OR lease.#until < :leaseNow)';
    }
    const updated = await this.#update(syncKey(kongoId), update, condition, values, 'recordIntent', names);
    return updated
      ? { recorded: true, entity: entityFrom(updated) }
      : { recorded: false, reason: 'version-changed' };
  }

  async commitIntent(kongoId: string, write: CommitWrite): Promise<SyncEntity | null> {
    const pk = syncKey(kongoId);
    const names: Record<string, string> = { '#side': write.side, '#status': 'status', '#key': 'key' };
    const values: Item = {
      ':key': write.key,
      ':hash': write.hash,
      ':committed': 'committed',
      ':one': 1,
      ':now': this.#now(),
    };
    let update =
      'SET intents.#side.#status = :committed, written.#side = :hash, version = version + :one, updatedAt = :now';
    if (write.remoteUpdatedAt !== undefined) {
      update += ', intents.#side.remoteUpdatedAt = :rua';
      values[':rua'] = write.remoteUpdatedAt;
    }
    let condition = 'intents.#side.#key = :key';
    if (write.releaseLease !== undefined) {
      // The commit and the lease's release are one write. Conditional on still owning it: a lease
      // that expired and was taken by another worker stays theirs (then the plain commit below).
      names['#lease'] = 'lease';
      names['#owner'] = 'owner';
      values[':me'] = write.releaseLease;
      condition += ' AND #lease.#owner = :me';
      update = `${update.replace(/^SET /, 'REMOVE #lease SET ')}`;
    }
    if (write.base && Object.keys(write.base).length > 0) {
      // Each written field's base, by path: the map exists since the intent wrote the whole state.
      names['#base'] = 'base';
      Object.entries(write.base).forEach(([field, base], i) => {
        names[`#f${i}`] = field;
        values[`:b${i}`] = base;
        update += `, fieldState.#base.#side.#f${i} = :b${i}`;
      });
    }
    if (write.remoteId === undefined) {
      const updated = await this.#update(pk, update, condition, values, 'commitIntent', names);
      if (!updated && write.releaseLease !== undefined) return this.#commitWithoutLease(kongoId, write);
      return updated ? entityFrom(updated) : null;
    }
    update += ', ids.#side = :rid';
    values[':rid'] = write.remoteId;
    // First try: a create's new id, or the id the entity already carries (one conditional update).
    const first = await this.#update(
      pk,
      update,
      `${condition} AND (attribute_not_exists(ids.#side) OR ids.#side = :rid)`,
      values,
      'commitIntent',
      names,
    );
    if (first) {
      const entity = entityFrom(first);
      await this.#writeMap(entity.integration, write.side, write.remoteId, kongoId);
      return entity;
    }
    if (write.releaseLease !== undefined) return this.#commitWithoutLease(kongoId, write);
    // The entity carries another id on that side. An update answered with a different id: the
    // destination rolled it. Follow it like replaceId (drift 'id-rolled', MAP# rewritten both ways),
    // still conditional on our intent's key and on the id we read, so a concurrent commit, relink or
    // newer intent still decides the race. A create answering beside an existing id stays refused:
    // that is two records, not a rolled one.
    for (let attempt = 0; attempt < 5; attempt++) {
      const entity = await this.getEntity(kongoId);
      const intent = entity?.intents[write.side];
      if (!entity || !intent || intent.key !== write.key || intent.operation !== 'update') return null;
      const from = entity.ids[write.side];
      if (from === undefined || from === write.remoteId) {
        // Moved under us (unlinked, or someone already followed the roll): the first form decides.
        return this.commitIntent(kongoId, write);
      }
      const rolled = await this.#update(
        pk,
        `${update}, drift = list_append(drift, :drift)`,
        `${condition} AND ids.#side = :from`,
        {
          ...values,
          ':from': from,
          ':drift': [{ system: write.side, from, to: write.remoteId, at: this.#now(), reason: 'id-rolled' }],
        },
        'commitIntent',
        names,
      );
      if (!rolled) continue;
      // New MAP first, then the old one goes: a reader in between finds the entity by either id.
      await this.#writeMap(entity.integration, write.side, write.remoteId, kongoId);
      const oldMap = mapKey(entity.integration, write.side, from);
      await this.#delete(oldMap, 'commitIntent');
      this.#idCache.delete(oldMap);
      return entityFrom(rolled);
    }
    throw new MappingStoreError('commitIntent', pk, `Entity ${kongoId} kept changing; retry later.`);
  }

  /**
   * The commit alone, when the combined commit + release did not apply: either our lease is gone (it
   * expired and is another worker's now: the commit still belongs to our intent) or the intent is not
   * ours any more (then this fails too). Our lease, if we still hold it, is released after.
   */
  async #commitWithoutLease(kongoId: string, write: CommitWrite): Promise<SyncEntity | null> {
    const { releaseLease, ...plain } = write;
    const committed = await this.commitIntent(kongoId, plain);
    if (releaseLease !== undefined) await this.releaseLease(kongoId, releaseLease);
    return committed;
  }

  async saveFieldState(
    kongoId: string,
    expectedVersion: number,
    state: FieldState,
    owner: string,
  ): Promise<boolean> {
    const updated = await this.#update(
      syncKey(kongoId),
      'SET fieldState = :fs, version = version + :one, updatedAt = :now',
      'version = :v AND (attribute_not_exists(lease) OR lease.#owner = :me OR lease.#until < :now)',
      { ':fs': state, ':v': expectedVersion, ':one': 1, ':now': this.#now(), ':me': owner },
      'saveFieldState',
      { '#owner': 'owner', '#until': 'until' },
    );
    return updated !== null;
  }

  async releaseLease(kongoId: string, owner: string): Promise<void> {
    // Only our own lease: one that expired and was taken by another worker stays theirs.
    await this.#update(
      syncKey(kongoId),
      'REMOVE lease SET version = version + :one, updatedAt = :now',
      'lease.#owner = :me',
      { ':me': owner, ':one': 1, ':now': this.#now() },
      'releaseLease',
      { '#owner': 'owner' },
    );
  }

  async getMany(kongoIds: readonly string[]): Promise<SyncEntity[]> {
    const items = await this.#batchGet(kongoIds.map(syncKey), 'getMany');
    return kongoIds.flatMap((id) => {
      const item = items.get(syncKey(id));
      return item ? [entityFrom(item)] : [];
    });
  }

  async resolveMany(integration: string, refs: readonly RecordRef[]): Promise<Map<string, SyncEntity>> {
    const out = new Map<string, SyncEntity>();
    const kongoIdOf = new Map<string, string>();
    const uncached: RecordRef[] = [];
    for (const ref of refs) {
      const cached = this.#idCache.get(mapKey(integration, ref.system, ref.id));
      if (cached === undefined) uncached.push(ref);
      else kongoIdOf.set(refKey(ref), cached);
    }
    // MAP# items only for ids the cache does not know (a warm worker reads none).
    if (uncached.length > 0) {
      const maps = await this.#batchGet(
        uncached.map((ref) => mapKey(integration, ref.system, ref.id)),
        'resolveMany',
      );
      for (const ref of uncached) {
        const map = maps.get(mapKey(integration, ref.system, ref.id));
        if (map && typeof map.kongoId === 'string') kongoIdOf.set(refKey(ref), map.kongoId);
      }
    }
    if (kongoIdOf.size === 0) return out;
    const items = await this.#batchGet([...kongoIdOf.values()].map(syncKey), 'resolveMany');
    const stale: RecordRef[] = [];
    for (const ref of refs) {
      const kongoId = kongoIdOf.get(refKey(ref));
      if (kongoId === undefined) continue;
      const item = items.get(syncKey(kongoId));
      const entity = item ? entityFrom(item) : null;
      // As in resolve: the entity must still carry the id (a rolled id gets a new MAP# item).
      if (entity && entity.ids[ref.system] === ref.id) {
        out.set(refKey(ref), entity);
        this.#remember(mapKey(integration, ref.system, ref.id), kongoId);
      } else if (this.#idCache.has(mapKey(integration, ref.system, ref.id))) {
        this.#idCache.delete(mapKey(integration, ref.system, ref.id));
        stale.push(ref);
      }
    }
    // A cached pair that no longer holds: read its MAP# item as resolve does (rare; one by one).
    for (const ref of stale) {
      const entity = await this.resolve(integration, ref.system, ref.id);
      if (entity) out.set(refKey(ref), entity);
    }
    return out;
  }

  async setStatus(kongoId: string, status: EntityStatus, reason?: string): Promise<void> {
    await this.#update(
      syncKey(kongoId),
      'SET #st = :s, statusReason = :r, version = version + :one, updatedAt = :now',
      'attribute_exists(pk)',
      { ':s': status, ':r': reason ?? status, ':one': 1, ':now': this.#now() },
      'setStatus',
      { '#st': 'status' },
    );
  }

  async claimEvent(
    integration: string,
    key: string,
    messageId: string,
    expiresAt: number,
  ): Promise<EventClaim> {
    const now = this.#now();
    // Absent, expired (TTL deletes late, dynalite never: expiry is also a condition) or claimed by
    // this very queue message before a crash → ours. Claimed by another message → a duplicate.
    // `expiresAt` is the TTL attribute: epoch seconds (DynamoDB ignores milliseconds).
    const won = await this.#put(
      {
        pk: eventKey(integration, key),
        type: 'event',
        integration,
        messageId,
        claimedAt: now,
        expiresAt: ttlSeconds(expiresAt),
      },
      'attribute_not_exists(pk) OR messageId = :m OR expiresAt < :now',
      { ':m': messageId, ':now': nowSeconds(now) },
      'claimEvent',
    );
    return won ? 'new' : 'duplicate';
  }

  async getCursor(integration: string, name: string): Promise<Cursor | null> {
    const item = await this.#get(cursorKey(integration, name), 'getCursor');
    if (!item) return null;
    return { value: String(item.value), updatedAt: Number(item.updatedAt), version: Number(item.version) };
  }

  async putCursor(
    integration: string,
    name: string,
    value: string,
    expectedVersion: number | null,
  ): Promise<boolean> {
    const item = {
      pk: cursorKey(integration, name),
      type: 'cursor',
      integration,
      value,
      updatedAt: this.#now(),
      version: (expectedVersion ?? 0) + 1,
    };
    return expectedVersion === null
      ? this.#put(item, 'attribute_not_exists(pk)', undefined, 'putCursor')
      : this.#put(item, 'version = :v', { ':v': expectedVersion }, 'putCursor');
  }

  async purge(kongoId: string): Promise<void> {
    const entity = await this.getEntity(kongoId);
    if (!entity) return;
    for (const system of ['hubspot', 'destination'] as const) {
      const id = entity.ids[system];
      if (id !== undefined) {
        await this.#delete(mapKey(entity.integration, system, id), 'purge');
        this.#idCache.delete(mapKey(entity.integration, system, id));
      }
      for (const drift of entity.drift) {
        if (drift.system === system)
          await this.#delete(mapKey(entity.integration, system, drift.from), 'purge');
      }
    }
    if (entity.naturalKeyHash !== undefined)
      await this.#delete(naturalKeyHashKey(entity.integration, entity.naturalKeyHash), 'purge');
    if (entity.legacyNaturalKey !== undefined)
      await this.#delete(legacyNaturalKeyKey(entity.integration, entity.legacyNaturalKey), 'purge');
    await this.#delete(syncKey(kongoId), 'purge');
  }

  async forget(integration: string, keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.#put(
        { pk: forgottenKey(integration, key), type: 'forgotten', integration, at: this.#now() },
        undefined,
        undefined,
        'forget',
      );
    }
  }

  async isForgotten(integration: string, key: string): Promise<boolean> {
    return (await this.#get(forgottenKey(integration, key), 'isForgotten')) !== null;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
