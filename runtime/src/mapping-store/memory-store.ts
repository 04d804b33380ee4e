/**
 * MappingStore in process memory, with the same conditional semantics as the DynamoDB adapter
 * (it passes the same contract suite). For benchmarks of the CPU hot path and for unit tests;
 * never for production: nothing survives the process.
 */
import { createHash } from 'node:crypto';
import { type FieldState, leaseBusy, normaliseFieldState } from '../convergence/state.ts';
import { naturalKeyHash } from './keys.ts';
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

export class MemoryMappingStore implements MappingStore {
  readonly #entities = new Map<string, SyncEntity>();
  readonly #maps = new Map<string, string>();
  readonly #naturalKeys = new Map<string, string>();
  readonly #events = new Map<string, { messageId: string; expiresAt: number }>();
  readonly #cursors = new Map<string, Cursor>();
  readonly #forgotten = new Set<string>();
  readonly #now: () => number;

  constructor(options: { clock?: { now(): number } } = {}) {
    const clock = options.clock ?? { now: () => Date.now() };
    this.#now = () => clock.now();
  }

  #copy(entity: SyncEntity): SyncEntity {
    return structuredClone(entity);
  }

  #bump(entity: SyncEntity): void {
    entity.version++;
    entity.updatedAt = this.#now();
  }

  async resolve(integration: string, system: System, id: string): Promise<SyncEntity | null> {
    const kongoId = this.#maps.get(`${integration}#${system}#${id}`);
    const entity = kongoId === undefined ? undefined : this.#entities.get(kongoId);
    return entity && entity.ids[system] === id ? this.#copy(entity) : null;
  }

  async getEntity(kongoId: string): Promise<SyncEntity | null> {
    const entity = this.#entities.get(kongoId);
    return entity ? this.#copy(entity) : null;
  }

  async lookupNaturalKey(integration: string, key: string): Promise<string | null> {
    return this.#naturalKeys.get(`${integration}#${naturalKeyHash(key)}`) ?? null;
  }

  async claimNaturalKey(integration: string, key: string, kongoId: string): Promise<ClaimOutcome> {
    const k = `${integration}#${naturalKeyHash(key)}`;
    const holder = this.#naturalKeys.get(k);
    if (holder !== undefined) return { claimed: false, kongoId: holder };
    this.#naturalKeys.set(k, kongoId);
    return { claimed: true, kongoId };
  }

  async ensureEntity(input: {
    kongoId: string;
    integration: string;
    naturalKey?: string;
  }): Promise<SyncEntity> {
    let entity = this.#entities.get(input.kongoId);
    if (!entity) {
      const now = this.#now();
      entity = {
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
      this.#entities.set(input.kongoId, entity);
    }
    return this.#copy(entity);
  }

  async linkId(kongoId: string, system: System, id: string): Promise<LinkOutcome> {
    const entity = this.#entities.get(kongoId);
    if (!entity) throw new Error(`Entity ${kongoId} does not exist.`);
    const existing = entity.ids[system];
    if (existing !== undefined && existing !== id)
      return { linked: false, existingId: existing, entity: this.#copy(entity) };
    entity.ids[system] = id;
    this.#bump(entity);
    this.#maps.set(`${entity.integration}#${system}#${id}`, kongoId);
    return { linked: true, entity: this.#copy(entity) };
  }

  async replaceId(
    kongoId: string,
    system: System,
    to: string,
    reason: DriftEntry['reason'],
  ): Promise<SyncEntity> {
    const entity = this.#entities.get(kongoId);
    if (!entity) throw new Error(`Entity ${kongoId} does not exist.`);
    const from = entity.ids[system];
    if (from === to) return this.#copy(entity);
    entity.ids[system] = to;
    if (from !== undefined) {
      entity.drift.push({ system, from, to, at: this.#now(), reason });
      this.#maps.delete(`${entity.integration}#${system}#${from}`);
    }
    this.#maps.set(`${entity.integration}#${system}#${to}`, kongoId);
    this.#bump(entity);
    return this.#copy(entity);
  }

  async unlinkId(integration: string, system: System, id: string): Promise<void> {
    const key = `${integration}#${system}#${id}`;
    const kongoId = this.#maps.get(key);
    const entity = kongoId === undefined ? undefined : this.#entities.get(kongoId);
    if (entity && entity.ids[system] === id) {
      delete entity.ids[system];
      this.#bump(entity);
    }
    this.#maps.delete(key);
  }

  async recordIntent(kongoId: string, expectedVersion: number, write: IntentWrite): Promise<IntentOutcome> {
    const entity = this.#entities.get(kongoId);
    if (!entity || entity.version !== expectedVersion) return { recorded: false, reason: 'version-changed' };
    if (write.lease && leaseBusy(entity.lease, write.lease.owner, this.#now()))
      return { recorded: false, reason: 'version-changed' };
    entity.intents[write.side] = structuredClone(write.intent);
    if (write.restore) entity.intents[write.restore.side] = structuredClone(write.restore.intent);
    if (write.applied) entity.lastApplied[write.applied.source] = write.applied.occurredAt;
    if (write.fieldState) entity.fieldState = structuredClone(write.fieldState);
    if (write.lease) entity.lease = { ...write.lease };
    this.#bump(entity);
    return { recorded: true, entity: this.#copy(entity) };
  }

  async commitIntent(kongoId: string, write: CommitWrite): Promise<SyncEntity | null> {
    const entity = this.#entities.get(kongoId);
    const intent = entity?.intents[write.side];
    if (!entity || !intent || intent.key !== write.key) return null;
    // Released with the commit only while we still hold it (as the DynamoDB adapter's condition).
    if (write.releaseLease !== undefined && entity.lease?.owner === write.releaseLease) delete entity.lease;
    const existing = entity.ids[write.side];
    // An update answered with another id: the destination rolled it; follow it (as replaceId). A
    // create answering beside an existing id is two records: refused.
    const rolled = write.remoteId !== undefined && existing !== undefined && existing !== write.remoteId;
    if (rolled && intent.operation !== 'update') return null;
    intent.status = 'committed';
    if (write.remoteUpdatedAt !== undefined) intent.remoteUpdatedAt = write.remoteUpdatedAt;
    entity.written[write.side] = write.hash;
    if (write.base) {
      const state = normaliseFieldState(entity.fieldState);
      Object.assign(state.base[write.side], structuredClone(write.base));
      entity.fieldState = state;
    }
    if (write.remoteId !== undefined) {
      if (rolled && existing !== undefined) {
        entity.drift.push({
          system: write.side,
          from: existing,
          to: write.remoteId,
          at: this.#now(),
          reason: 'id-rolled',
        });
        this.#maps.delete(`${entity.integration}#${write.side}#${existing}`);
      }
      entity.ids[write.side] = write.remoteId;
      this.#maps.set(`${entity.integration}#${write.side}#${write.remoteId}`, kongoId);
    }
    this.#bump(entity);
    return this.#copy(entity);
  }

  async saveFieldState(
    kongoId: string,
    expectedVersion: number,
    state: FieldState,
    owner: string,
  ): Promise<boolean> {
    const entity = this.#entities.get(kongoId);
    if (!entity || entity.version !== expectedVersion || leaseBusy(entity.lease, owner, this.#now()))
      return false;
    entity.fieldState = structuredClone(state);
    this.#bump(entity);
    return true;
  }

  async releaseLease(kongoId: string, owner: string): Promise<void> {
    const entity = this.#entities.get(kongoId);
    if (entity?.lease?.owner !== owner) return;
    delete entity.lease;
    this.#bump(entity);
  }

  async getMany(kongoIds: readonly string[]): Promise<SyncEntity[]> {
    return kongoIds.flatMap((id) => {
      const entity = this.#entities.get(id);
      return entity ? [this.#copy(entity)] : [];
    });
  }

  async resolveMany(integration: string, refs: readonly RecordRef[]): Promise<Map<string, SyncEntity>> {
    const out = new Map<string, SyncEntity>();
    for (const ref of refs) {
      const entity = await this.resolve(integration, ref.system, ref.id);
      if (entity) out.set(refKey(ref), entity);
    }
    return out;
  }

  async setStatus(kongoId: string, status: EntityStatus, reason?: string): Promise<void> {
    const entity = this.#entities.get(kongoId);
    if (!entity) return;
    entity.status = status;
    entity.statusReason = reason ?? status;
    this.#bump(entity);
  }

  async claimEvent(
    integration: string,
    key: string,
    messageId: string,
    expiresAt: number,
  ): Promise<EventClaim> {
    const k = `${integration}#${key}`;
    const seen = this.#events.get(k);
    if (seen && seen.messageId !== messageId && seen.expiresAt >= this.#now()) return 'duplicate';
    this.#events.set(k, { messageId, expiresAt });
    return 'new';
  }

  async getCursor(integration: string, name: string): Promise<Cursor | null> {
    const cursor = this.#cursors.get(`${integration}#${name}`);
    return cursor ? { ...cursor } : null;
  }

  async putCursor(
    integration: string,
    name: string,
    value: string,
    expectedVersion: number | null,
  ): Promise<boolean> {
    const k = `${integration}#${name}`;
    const current = this.#cursors.get(k);
    if ((current?.version ?? null) !== expectedVersion) return false;
    this.#cursors.set(k, { value, updatedAt: this.#now(), version: (expectedVersion ?? 0) + 1 });
    return true;
  }

  async purge(kongoId: string): Promise<void> {
    const entity = this.#entities.get(kongoId);
    if (!entity) return;
    for (const [key, holder] of this.#maps) if (holder === kongoId) this.#maps.delete(key);
    if (entity.naturalKeyHash !== undefined)
      this.#naturalKeys.delete(`${entity.integration}#${entity.naturalKeyHash}`);
    this.#entities.delete(kongoId);
  }

  async forget(integration: string, keys: string[]): Promise<void> {
    for (const key of keys)
      this.#forgotten.add(`${integration}#${createHash('sha256').update(key).digest('base64url')}`);
  }

  async isForgotten(integration: string, key: string): Promise<boolean> {
    return this.#forgotten.has(`${integration}#${createHash('sha256').update(key).digest('base64url')}`);
  }
}
