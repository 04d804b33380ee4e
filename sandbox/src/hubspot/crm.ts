/**
 * The simulated portal's CRM records (contacts, companies, deals): writes with HubSpot's system properties,
 * unique values, archive / restore / merge / GDPR delete, and the changes each write produces for webhooks.
 */
import { badRequest, conflict, type HubSpotApiError, notFound } from './errors.ts';
import { OBJECT_TYPES, type ObjectType, type PropertyRegistry } from './properties.ts';

/** Who made a write: an app through the API, or a person in the UI (admin API). */
export interface WriteSource {
  changeSource: 'INTEGRATION' | 'CRM_UI';
  /** The app id (INTEGRATION) or `userId:NNN` (CRM_UI). */
  sourceId: string;
}

export type ChangeKind = 'creation' | 'propertyChange' | 'deletion' | 'restore' | 'merge' | 'privacyDeletion';

export interface Change {
  kind: ChangeKind;
  objectType: ObjectType;
  objectId: number;
  occurredAt: number;
  propertyName?: string;
  propertyValue?: string;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
}

/** What `Crm.onWrite` reports: one applied write, with the record's values before it (undefined for a create). */
export interface CrmWrite {
  operation: 'create' | 'update' | 'delete';
  objectType: ObjectType;
  record: CrmRecord;
  source: WriteSource | undefined;
  before: Record<string, string> | undefined;
  /** The property names the write carried (normalised). */
  written: string[];
  at: number;
}

export interface CrmRecord {
  id: string;
  props: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  archived: boolean;
  archivedAt?: number;
  /** Merged away into this record id: reads of the old id answer with the survivor. */
  mergedInto?: string;
  /** What search sees until `visibleAt` (undefined: not in the index yet). */
  indexedProps: Record<string, string> | undefined;
  visibleAt: number;
  /** Each written property's changes, oldest first (`propertiesWithHistory`); absent in old state files. */
  history?: Record<string, PropertyVersion[]>;
}

/** One change of one property, as `propertiesWithHistory` reports it (timestamp kept as ms here). */
export interface PropertyVersion {
  value: string;
  timestamp: number;
  sourceType: WriteSource['changeSource'];
  sourceId: string;
  updatedByUserId?: number;
}

/** Versions kept per property (the oldest go first): bounds a long-running simulator's memory. */
export const HISTORY_LIMIT = 20;

function remember(record: CrmRecord, name: string, value: string, source: WriteSource, now: number): void {
  if (!record.history) record.history = {};
  const versions = record.history[name] ?? [];
  record.history[name] = versions;
  const user = /^userId:(\d+)$/.exec(source.sourceId);
  versions.push({
    value,
    timestamp: now,
    sourceType: source.changeSource,
    sourceId: source.sourceId,
    ...(user ? { updatedByUserId: Number(user[1]) } : {}),
  });
  if (versions.length > HISTORY_LIMIT) versions.splice(0, versions.length - HISTORY_LIMIT);
}

/** The public (SimplePublicObject) shape. */
export interface PublicObject {
  id: string;
  properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
  /** Only when the read asked for `propertiesWithHistory`: newest version first, as HubSpot answers. */
  propertiesWithHistory?: Record<
    string,
    Array<{
      value: string;
      timestamp: string;
      sourceType: string;
      sourceId: string;
      updatedByUserId?: number;
    }>
  >;
}

/** Properties HubSpot returns when the request names none. */
export const DEFAULT_OUTPUT: Record<ObjectType, string[]> = {
  contacts: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
  companies: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
  deals: [
    'amount',
    'closedate',
    'createdate',
    'dealname',
    'dealstage',
    'hs_lastmodifieddate',
    'hs_object_id',
    'pipeline',
  ],
};

/** The property search sorts by "last modified" on each object. */
export const MODIFIED_PROPERTY: Record<ObjectType, string> = {
  contacts: 'lastmodifieddate',
  companies: 'hs_lastmodifieddate',
  deals: 'hs_lastmodifieddate',
};

export interface WriteResult {
  record: CrmRecord;
  changes: Change[];
  /** For upserts: whether the record was created. */
  created?: boolean;
}

/** What a state file keeps of the CRM (records verbatim, so search visibility survives too). */
export interface CrmState {
  nextObjectId: number;
  records: Array<[ObjectType, CrmRecord[]]>;
  /** objectType → [unique property, [value, record id][]][] */
  unique: Array<[ObjectType, Array<[string, Array<[string, string]>]>]>;
}

export class Crm {
  readonly properties: PropertyRegistry;
  /** Called after every change (the simulator's state file listens); unset without a state file. */
  onChange: (() => void) | undefined;
  /** Called after every applied write, no-op updates included (the simulator's write log listens). */
  onWrite: ((write: CrmWrite) => void) | undefined;
  /** Milliseconds before a write shows in search results (HubSpot indexes asynchronously). */
  indexingLagMs: number;
  #records = new Map<ObjectType, Map<string, CrmRecord>>();
  /** objectType → unique property → value → record id. */
  #unique = new Map<ObjectType, Map<string, Map<string, string>>>();
  #nextId = 1001;

  constructor(properties: PropertyRegistry, indexingLagMs: number) {
    this.properties = properties;
    this.indexingLagMs = indexingLagMs;
    this.reset();
  }

  reset(): void {
    for (const type of OBJECT_TYPES) {
      this.#records.set(type, new Map());
      this.#unique.set(type, new Map());
    }
    this.#nextId = 1001;
    this.onChange?.();
  }

  exportState(): CrmState {
    return {
      nextObjectId: this.#nextId,
      records: OBJECT_TYPES.map((type) => [type, [...this.records(type).values()]]),
      unique: OBJECT_TYPES.map((type) => [
        type,
        [...(this.#unique.get(type) ?? new Map<string, Map<string, string>>()).entries()].map(
          ([name, index]) => [name, [...index.entries()]],
        ),
      ]),
    };
  }

  /**
   * Replaces every record and unique-value index with saved ones (checked by the caller). Ids continue after
   * the highest saved one whatever `nextObjectId` says, so a new record never reuses an id.
   */
  importState(state: CrmState): void {
    let next = state.nextObjectId;
    for (const type of OBJECT_TYPES) {
      this.#records.set(type, new Map());
      this.#unique.set(type, new Map());
    }
    for (const [type, records] of state.records) {
      const map = this.records(type);
      for (const record of records) {
        map.set(record.id, record);
        next = Math.max(next, Number(record.id) + 1);
      }
    }
    for (const [type, indexes] of state.unique) {
      for (const [name, entries] of indexes) this.#unique.get(type)?.set(name, new Map(entries));
    }
    this.#nextId = next;
  }

  records(type: ObjectType): Map<string, CrmRecord> {
    const map = this.#records.get(type);
    if (!map) throw new Error(`no records for ${type}`);
    return map;
  }

  count(type: ObjectType): number {
    let n = 0;
    for (const r of this.records(type).values()) if (!r.archived && !r.mergedInto) n++;
    return n;
  }

  #index(type: ObjectType, name: string): Map<string, string> {
    const byName = this.#unique.get(type);
    if (!byName) throw new Error(`no unique index for ${type}`);
    let index = byName.get(name);
    if (!index) {
      index = new Map();
      byName.set(name, index);
    }
    return index;
  }

  /** Looks a record up by id, or by a unique property when idProperty is given. Follows merges. */
  find(
    type: ObjectType,
    idOrValue: string,
    idProperty?: string,
    includeArchived = false,
  ): CrmRecord | undefined {
    let record: CrmRecord | undefined;
    if (idProperty && idProperty !== 'hs_object_id') {
      if (!this.properties.isUniqueKey(type, idProperty)) {
        throw badRequest(
          `${idProperty} is not a unique property; use a property with unique values as idProperty`,
        );
      }
      const value = idProperty === 'email' ? idOrValue.trim().toLowerCase() : idOrValue;
      const id = this.#index(type, idProperty).get(value);
      record = id === undefined ? undefined : this.records(type).get(id);
    } else {
      record = this.records(type).get(idOrValue);
    }
    for (let hops = 0; record?.mergedInto && hops < 10; hops++) {
      record = this.records(type).get(record.mergedInto);
    }
    if (!record) return undefined;
    if (record.archived && !includeArchived) return undefined;
    return record;
  }

  #require(type: ObjectType, idOrValue: string, idProperty?: string): CrmRecord {
    const record = this.find(type, idOrValue, idProperty);
    if (!record) throw notFound(idOrValue);
    return record;
  }

  #checkUnique(type: ObjectType, values: Record<string, string>, selfId: string | undefined): void {
    for (const name of this.properties.uniqueNames(type)) {
      const value = values[name];
      if (value === undefined || value === '') continue;
      const owner = this.#index(type, name).get(value);
      if (owner !== undefined && owner !== selfId) {
        const existing = this.records(type).get(owner);
        if (existing && !existing.archived && !existing.mergedInto) {
          throw type === 'contacts' && name === 'email'
            ? conflict(`Contact already exists. Existing ID: ${owner}`)
            : conflict(`A ${type} record with ${name} "${value}" already exists. Existing ID: ${owner}`);
        }
      }
    }
  }

  #reindexUnique(type: ObjectType, record: CrmRecord, before: Record<string, string>): void {
    for (const name of this.properties.uniqueNames(type)) {
      const old = before[name];
      const now = record.props[name];
      if (old === now) continue;
      const index = this.#index(type, name);
      if (old !== undefined && old !== '' && index.get(old) === record.id) index.delete(old);
      if (now !== undefined && now !== '') index.set(now, record.id);
    }
  }

  #touchSearch(record: CrmRecord, before: Record<string, string> | undefined, now: number): void {
    if (this.indexingLagMs <= 0) {
      record.visibleAt = now;
      return;
    }
    // Keep the version search already shows until the new one is indexed.
    if (record.visibleAt <= now) record.indexedProps = before ? { ...before } : undefined;
    record.visibleAt = now + this.indexingLagMs;
  }

  /** The properties search sees for this record at `now`, or undefined when it is not indexed yet. */
  searchView(record: CrmRecord, now: number): Record<string, string> | undefined {
    if (record.archived || record.mergedInto) return undefined;
    return record.visibleAt <= now ? record.props : record.indexedProps;
  }

  #stampSystem(type: ObjectType, props: Record<string, string>, now: number): void {
    const iso = new Date(now).toISOString();
    props.hs_lastmodifieddate = iso;
    if (type === 'contacts') {
      props.lastmodifieddate = iso;
      const email = props.email;
      if (email) props.hs_email_domain = email.slice(email.indexOf('@') + 1);
      else delete props.hs_email_domain;
    }
  }

  /** `values`: the input already normalised (batch endpoints validate every input first). */
  create(
    type: ObjectType,
    input: Record<string, unknown>,
    source: WriteSource,
    now: number,
    values = this.properties.normalise(type, input),
  ): WriteResult {
    this.#checkUnique(type, values, undefined);
    const id = String(this.#nextId++);
    const iso = new Date(now).toISOString();
    const props: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) if (v !== '') props[k] = v;
    props.hs_object_id = id;
    props.createdate = props.createdate ?? iso;
    props.hs_createdate = iso;
    props.hs_object_source = source.changeSource;
    props.hs_object_source_id = source.sourceId;
    if (type === 'deals' && props.dealstage && !props.pipeline) props.pipeline = 'default';
    this.#stampSystem(type, props, now);
    const record: CrmRecord = {
      id,
      props,
      createdAt: now,
      updatedAt: now,
      archived: false,
      indexedProps: undefined,
      visibleAt: now,
    };
    for (const [name, value] of Object.entries(values))
      if (value !== '') remember(record, name, value, source, now);
    this.records(type).set(id, record);
    this.#reindexUnique(type, record, {});
    this.#touchSearch(record, undefined, now);
    this.onChange?.();
    this.onWrite?.({
      operation: 'create',
      objectType: type,
      record,
      source,
      before: undefined,
      written: Object.keys(values),
      at: now,
    });
    const objectId = Number(id);
    const changes: Change[] = [{ kind: 'creation', objectType: type, objectId, occurredAt: now }];
    for (const [name, value] of Object.entries(values)) {
      if (value !== '')
        changes.push({
          kind: 'propertyChange',
          objectType: type,
          objectId,
          occurredAt: now,
          propertyName: name,
          propertyValue: value,
        });
    }
    return { record, changes };
  }

  update(
    type: ObjectType,
    idOrValue: string,
    input: Record<string, unknown>,
    source: WriteSource,
    now: number,
    idProperty?: string,
  ): WriteResult {
    const record = this.#require(type, idOrValue, idProperty);
    const values = this.properties.normalise(type, input);
    return this.#apply(type, record, values, source, now);
  }

  #apply(
    type: ObjectType,
    record: CrmRecord,
    values: Record<string, string>,
    source: WriteSource,
    now: number,
  ): WriteResult {
    this.#checkUnique(type, values, record.id);
    const before = { ...record.props };
    const changes: Change[] = [];
    const objectId = Number(record.id);
    let changed = false;
    for (const [name, value] of Object.entries(values)) {
      const old = record.props[name] ?? '';
      if (old === value) continue;
      changed = true;
      if (value === '') delete record.props[name];
      else record.props[name] = value;
      remember(record, name, value, source, now);
      changes.push({
        kind: 'propertyChange',
        objectType: type,
        objectId,
        occurredAt: now,
        propertyName: name,
        propertyValue: value,
      });
    }
    if (changed) {
      this.#stampSystem(type, record.props, now);
      record.updatedAt = now;
      this.#reindexUnique(type, record, before);
      this.#touchSearch(record, before, now);
      this.onChange?.();
    }
    this.onWrite?.({
      operation: 'update',
      objectType: type,
      record,
      source,
      before,
      written: Object.keys(values),
      at: now,
    });
    return { record, changes };
  }

  /** Batch upsert input: update the record whose idProperty equals `value`, or create it. */
  upsert(
    type: ObjectType,
    idProperty: string,
    value: string,
    input: Record<string, unknown>,
    source: WriteSource,
    now: number,
  ): WriteResult {
    if (!this.properties.isUniqueKey(type, idProperty) || idProperty === 'hs_object_id') {
      throw badRequest(`Upsert needs a unique-value idProperty; ${idProperty} is not one`);
    }
    const existing = this.find(type, value, idProperty);
    if (existing) {
      const values = this.properties.normalise(type, input);
      return { ...this.#apply(type, existing, values, source, now), created: false };
    }
    const result = this.create(type, { ...input, [idProperty]: value }, source, now);
    return { ...result, created: true };
  }

  archive(
    type: ObjectType,
    idOrValue: string,
    now: number,
    idProperty?: string,
    source?: WriteSource,
  ): WriteResult | undefined {
    const record = this.find(type, idOrValue, idProperty);
    // HubSpot answers 204 for an id that is already gone.
    if (!record) return undefined;
    record.archived = true;
    record.archivedAt = now;
    record.updatedAt = now;
    this.onChange?.();
    this.onWrite?.({
      operation: 'delete',
      objectType: type,
      record,
      source,
      before: { ...record.props },
      written: [],
      at: now,
    });
    return {
      record,
      changes: [{ kind: 'deletion', objectType: type, objectId: Number(record.id), occurredAt: now }],
    };
  }

  restore(type: ObjectType, id: string, now: number): WriteResult {
    const record = this.records(type).get(id);
    if (!record?.archived) throw notFound(id);
    this.#checkUnique(type, record.props, record.id);
    record.archived = false;
    delete record.archivedAt;
    this.#stampSystem(type, record.props, now);
    record.updatedAt = now;
    this.#touchSearch(record, undefined, now);
    this.onChange?.();
    return {
      record,
      changes: [{ kind: 'restore', objectType: type, objectId: Number(record.id), occurredAt: now }],
    };
  }

  /**
   * POST /crm/v3/objects/{type}/merge. The primary keeps its id; properties it lacks are taken from the
   * merged record; the merged id then reads as the primary.
   */
  merge(type: ObjectType, primaryId: string, mergeId: string, now: number): WriteResult {
    if (primaryId === mergeId) throw badRequest('primaryObjectId and objectIdToMerge must differ');
    const primary = this.#require(type, primaryId);
    const merged = this.#require(type, mergeId);
    const before = { ...primary.props };
    let moved = 0;
    for (const [name, value] of Object.entries(merged.props)) {
      if (name.startsWith('hs_') || name === 'createdate' || name === 'lastmodifieddate') continue;
      if (primary.props[name] === undefined) {
        // The merged record's unique values move with it.
        primary.props[name] = value;
        moved++;
      }
    }
    const mergedIds = [...(primary.props.hs_merged_object_ids?.split(';') ?? []), merged.id];
    primary.props.hs_merged_object_ids = mergedIds.join(';');
    merged.mergedInto = primary.id;
    merged.archived = true;
    merged.archivedAt = now;
    for (const name of this.properties.uniqueNames(type)) {
      const v = merged.props[name];
      if (v) this.#index(type, name).set(v, primary.id);
    }
    this.#stampSystem(type, primary.props, now);
    primary.updatedAt = now;
    this.#reindexUnique(type, primary, before);
    this.#touchSearch(primary, before, now);
    this.onChange?.();
    const primaryObjectId = Number(primary.id);
    return {
      record: primary,
      changes: [
        {
          kind: 'merge',
          objectType: type,
          objectId: primaryObjectId,
          occurredAt: now,
          primaryObjectId,
          mergedObjectIds: [Number(merged.id)],
          newObjectId: primaryObjectId,
          numberOfPropertiesMoved: moved,
        },
      ],
    };
  }

  /** POST /crm/v3/objects/contacts/gdpr-delete: the record and its values are gone for good. */
  gdprDelete(type: ObjectType, idOrValue: string, now: number, idProperty?: string): WriteResult {
    if (type !== 'contacts') throw badRequest('GDPR delete is only available for contacts');
    const record = this.find(type, idOrValue, idProperty, true);
    if (!record) throw notFound(idOrValue);
    this.records(type).delete(record.id);
    for (const name of this.properties.uniqueNames(type)) {
      const v = record.props[name];
      if (v && this.#index(type, name).get(v) === record.id) this.#index(type, name).delete(v);
    }
    this.onChange?.();
    return {
      record,
      changes: [{ kind: 'privacyDeletion', objectType: type, objectId: Number(record.id), occurredAt: now }],
    };
  }

  /** The SimplePublicObject for a record; `names` undefined means the default output properties. */
  toPublic(
    type: ObjectType,
    record: CrmRecord,
    names?: readonly string[],
    includeWritten?: readonly string[],
  ): PublicObject {
    const properties: Record<string, string | null> = {};
    const wanted = names && names.length > 0 ? names : DEFAULT_OUTPUT[type];
    for (const name of wanted) {
      if (!this.properties.get(type, name)) continue;
      properties[name] = record.props[name] ?? null;
    }
    if (includeWritten) {
      for (const name of includeWritten) {
        if (this.properties.get(type, name)) properties[name] = record.props[name] ?? null;
      }
    }
    const out: PublicObject = {
      id: record.id,
      properties,
      createdAt: new Date(record.createdAt).toISOString(),
      updatedAt: new Date(record.updatedAt).toISOString(),
      archived: record.archived,
    };
    if (record.archivedAt !== undefined) out.archivedAt = new Date(record.archivedAt).toISOString();
    return out;
  }

  /** `toPublic` plus `propertiesWithHistory` for `withHistory` (known properties; newest version first). */
  toPublicWithHistory(
    type: ObjectType,
    record: CrmRecord,
    names: readonly string[] | undefined,
    withHistory: readonly string[],
  ): PublicObject {
    const out = this.toPublic(type, record, names);
    const history: NonNullable<PublicObject['propertiesWithHistory']> = {};
    for (const name of withHistory) {
      if (!this.properties.get(type, name)) continue;
      history[name] = [...(record.history?.[name] ?? [])].reverse().map((v) => ({
        value: v.value,
        timestamp: new Date(v.timestamp).toISOString(),
        sourceType: v.sourceType,
        sourceId: v.sourceId,
        ...(v.updatedByUserId === undefined ? {} : { updatedByUserId: v.updatedByUserId }),
      }));
    }
    out.propertiesWithHistory = history;
    return out;
  }
}

/** A batch input problem other than validation: answered as one of a 207's errors. */
export function objectNotFoundError(type: ObjectType, ids: string[]): Record<string, unknown> {
  const singular = type === 'contacts' ? 'CONTACT' : type === 'companies' ? 'COMPANY' : 'DEAL';
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: `Could not get some ${singular} objects, they may be deleted or not exist. Check that ids are valid.`,
    context: { ids },
    links: {},
  };
}

export function batchError(error: HubSpotApiError, id?: string): Record<string, unknown> {
  const body = error.body;
  return {
    status: 'error',
    category: typeof body.category === 'string' ? body.category : 'VALIDATION_ERROR',
    message: error.message,
    context: id === undefined ? {} : { ids: [id] },
    links: {},
    ...(Array.isArray(body.errors) ? { errors: body.errors } : {}),
  };
}
