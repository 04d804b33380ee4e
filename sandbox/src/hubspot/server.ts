/**
 * The HubSpot simulator's HTTP server: CRM v3 objects, search, properties, webhook settings (developer
 * hapikey), and the /_admin/ API for tests, the sandbox and benchmarks. node:http only, to stay fast.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type FaultConfig, FaultInjector } from '../faults/index.ts';
import { changedFields, offsetClock, WriteLog, type WriteLogEntry } from '../sim-kit/write-log.ts';
import {
  batchError,
  type Change,
  Crm,
  type CrmRecord,
  objectNotFoundError,
  type PublicObject,
  type WriteSource,
} from './crm.ts';
import { badRequest, errorBody, HubSpotApiError, notFound, unauthorized } from './errors.ts';
import {
  OBJECT_TYPES,
  type ObjectType,
  PropertyRegistry,
  propertyNotFound,
  resolveObjectType,
  SINGULAR,
} from './properties.ts';
import { DEFAULT_LIMITS, type LimitSettings, RateLimiter, rateLimitBody } from './rate-limits.ts';
import { search } from './search.ts';
import { openHubSpotState } from './state.ts';
import {
  type AppConfig,
  type DeliveryLogEntry,
  type DeliveryOptions,
  type Subscription,
  WebhookDispatcher,
  type WebhookSettings,
} from './webhooks.ts';

export interface HubSpotSimulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** HubSpot account id put on webhook events. */
  portalId?: number;
  /** Apps to register at start (more through the admin API). */
  apps?: AppConfig[];
  /** Limits for apps that don't set their own. Default: 190 per 10 s, 1,000,000 a day, search 5/s. */
  limits?: Partial<LimitSettings>;
  /** Delay before writes show in search, ms (HubSpot indexes asynchronously). Default 2000; 0 in most tests. */
  indexingLagMs?: number;
  /** Fault injection, deterministic by seed. */
  faults?: Partial<FaultConfig>;
  /** Webhook delivery: time compression, timeout, batching, attempts. */
  webhooks?: Partial<DeliveryOptions>;
  /** Developer API key accepted as `hapikey` on the webhook settings endpoints. Default `dev-hapikey`. */
  developerApiKey?: string;
  /** The UI user behind admin edits (changeSource CRM_UI, sourceId userId:NNN). */
  uiUserId?: number;
  /** Clock for rate limits, timestamps and indexing lag (tests may inject one). */
  now?: () => number;
  /**
   * Run this portal's clock ahead (positive) or behind (negative) by this many ms: `occurredAt`,
   * `lastmodifieddate` and every other timestamp it makes — as a real system whose clock differs from
   * its peers'. Default 0. Webhook signature timestamps stay on the real clock (HubSpot's 5-minute check).
   */
  clockOffsetMs?: number;
  /** Entries kept in the write log (`writes()`, `GET /_admin/writes`). Default 200,000. */
  writeLogLimit?: number;
  /**
   * Keep records (archived and merged ones too), id sequences, unique-value indexes, custom properties, apps,
   * webhook settings and subscriptions in this JSON file: loaded at start (a corrupt or unreadable file is an
   * error, never a silent reset), saved atomically shortly after each change and on close(). Without it
   * everything stays in memory.
   */
  stateFile?: string;
}

export interface RequestCounters {
  /** "METHOD /path/template" → status → count. Status "timeout" / "reset" for injected faults. */
  byEndpoint: Record<string, Record<string, number>>;
  total: number;
}

export interface HubSpotSimulator {
  url: string;
  port: number;
  close(): Promise<void>;
  registerApp(app: AppConfig): void;
  /** Sets an app's webhook target URL (and concurrency), like PUT /webhooks/v3/{appId}/settings. */
  setWebhookTarget(appId: number, targetUrl: string, maxConcurrentRequests?: number): WebhookSettings;
  subscribe(appId: number, eventType: string, propertyName?: string): Subscription;
  setLimits(limits: Partial<LimitSettings>, appId?: number): void;
  setFaults(config: Partial<FaultConfig>): void;
  setIndexingLag(ms: number): void;
  /** Changes made "in the UI": they fire webhooks with changeSource CRM_UI. */
  ui: {
    create(type: ObjectType, properties: Record<string, string>, userId?: number): Promise<PublicObject>;
    update(
      type: ObjectType,
      id: string,
      properties: Record<string, string>,
      userId?: number,
    ): Promise<PublicObject>;
    archive(type: ObjectType, id: string, userId?: number): Promise<void>;
    restore(type: ObjectType, id: string, userId?: number): Promise<PublicObject>;
  };
  /** A record with every property it holds, archived ones included; undefined if unknown. */
  getRecord(type: ObjectType, id: string): PublicObject | undefined;
  /** Every live record of a type, with all its properties. */
  listRecords(type: ObjectType): PublicObject[];
  counters(): RequestCounters;
  resetCounters(): void;
  deliveries(): DeliveryLogEntry[];
  /** Resolves when no webhook is pending, queued, in flight or waiting for a retry. */
  webhooksIdle(): Promise<void>;
  /** Every applied write, field by field (no-op API writes included), oldest first; `sinceSeq` skips older ones. */
  writes(sinceSeq?: number): WriteLogEntry[];
  /** Records, custom properties, counters, usage, subscriptions and the log are cleared; apps stay. */
  reset(): void;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  text?: string;
}

/** Registered when the simulator starts without `apps`, so `npx kongo sim hubspot` is usable at once. */
export const DEMO_APP: AppConfig = {
  appId: 1_000_001,
  clientSecret: 'kongo-demo-client-secret',
  accessToken: 'pat-local-kongo-demo',
};

const ADMIN_ROUTES = [
  'GET    /_admin                              this list',
  'GET    /_admin/apps | POST /_admin/apps     apps {appId, clientSecret, accessToken, per10Seconds?, daily?, legacySignature?, developerApiKey?}',
  'PUT    /_admin/webhook-settings/{appId}     {targetUrl, maxConcurrentRequests?}',
  'GET    /_admin/subscriptions | POST         {appId, eventType, propertyName?, targetUrl?}',
  'GET    /_admin/records/{type}[/{id}]        records with every property (?archived=true)',
  'POST   /_admin/records/{type}               create as a UI user {properties} (?userId=NNN) → CRM_UI webhooks',
  'PATCH  /_admin/records/{type}/{id}          update as a UI user {properties}',
  'DELETE /_admin/records/{type}/{id}          archive as a UI user',
  'POST   /_admin/records/{type}/{id}/restore  restore an archived record',
  'GET|PUT /_admin/limits                      {appId?, per10Seconds?, daily?, searchPerSecond?, indexingLagMs?}',
  'GET|PUT /_admin/faults                      FaultConfig (seed, rate429, rate5xx, rateTimeout, rateReset, latencyMs, …)',
  'GET|PUT /_admin/webhook-delivery            {timeScale, timeoutMs, batchWindowMs, maxAttempts, baseRetryDelayMs}',
  'GET|DELETE /_admin/counters                 requests by endpoint and status',
  'GET    /_admin/deliveries?limit=N           webhook delivery log',
  'GET    /_admin/writes?sinceSeq=N            applied writes, field by field (before → after), API and UI',
  'POST   /_admin/reset                        clear records, custom properties, usage, subscriptions, log',
];

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw badRequest('Invalid input JSON on line 1, column 1: the body must be a JSON object');
}

function listParam(query: URLSearchParams, name: string): string[] | undefined {
  const all = query.getAll(name);
  if (all.length === 0) return undefined;
  return all.flatMap((v) => v.split(',')).filter(Boolean);
}

function objectOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** Inputs of a batch read that asks for `propertiesWithHistory`, at most (100 otherwise). */
export const HISTORY_BATCH_LIMIT = 50;

function inputsOf(body: Record<string, unknown>): Record<string, unknown>[] {
  if (!Array.isArray(body.inputs)) throw badRequest('Invalid input JSON: "inputs" must be an array');
  if (body.inputs.length > 100) {
    throw badRequest(`Batch size of ${body.inputs.length} exceeds the limit of 100 inputs`);
  }
  return body.inputs.map(objectOf);
}

const SUBSCRIBABLE = new Set(
  OBJECT_TYPES.flatMap((t) =>
    ['creation', 'deletion', 'propertyChange', 'merge', 'restore', 'associationChange'].map(
      (k) => `${SINGULAR[t]}.${k}`,
    ),
  ).concat(['contact.privacyDeletion']),
);

/** HubSpot's webhooks v3 API gives subscription ids as strings; events carry them as numbers. */
function publicSubscription(sub: Subscription): Record<string, unknown> {
  return { ...sub, id: String(sub.id) };
}

/**
 * The counters' and fault scoping's name for a request: its route template, e.g.
 * `PATCH /crm/v3/objects/contacts/{id}` or `POST /crm/v3/objects/deals/batch/upsert`.
 */
export function endpointKey(method: string, segments: readonly string[]): string {
  const [a, b, c, d, e, f] = segments;
  if (a === 'crm' && b === 'v3' && (c === 'objects' || c === 'properties') && d !== undefined) {
    const type = resolveObjectType(d) ?? d;
    const base = `${method} /crm/v3/${c}/${type}`;
    if (e === undefined) return base;
    if (c === 'objects') {
      if (e === 'batch' && f !== undefined) return `${base}/batch/${f}`;
      if (segments.length === 5 && method === 'POST' && ['search', 'merge', 'gdpr-delete'].includes(e))
        return `${base}/${e}`;
      return `${base}/{id}`;
    }
    return e === 'groups' && method === 'GET' ? `${base}/groups` : `${base}/{name}`;
  }
  if (a === 'webhooks' && b === 'v3' && c !== undefined && d !== undefined) {
    return `${method} /webhooks/v3/{appId}/${d}${e === undefined ? '' : '/{id}'}`;
  }
  return `${method} /${segments.join('/')}`;
}

/** Starts the simulator on 127.0.0.1. */
export async function startHubSpotSimulator(
  options: HubSpotSimulatorOptions = {},
): Promise<HubSpotSimulator> {
  const now = offsetClock(options.now, options.clockOffsetMs);
  const portalId = options.portalId ?? 62515;
  const developerApiKey = options.developerApiKey ?? 'dev-hapikey';
  const uiUserId = options.uiUserId ?? 9_012_345;
  const registry = new PropertyRegistry();
  const crm = new Crm(registry, options.indexingLagMs ?? 2000);
  const writeLog = new WriteLog(options.writeLogLimit);
  crm.onWrite = (write) => {
    const after = write.operation === 'delete' ? undefined : write.record.props;
    const fields = write.operation === 'delete' ? Object.keys(write.before ?? {}) : write.written;
    const appId = write.source?.changeSource === 'INTEGRATION' ? Number(write.source.sourceId) : undefined;
    writeLog.record({
      at: new Date(write.at).toISOString(),
      by: appId === undefined ? 'ui' : 'api',
      ...(appId === undefined ? {} : { appId }),
      operation: write.operation,
      objectType: write.objectType,
      recordId: write.record.id,
      ...(write.record.props.email ? { key: write.record.props.email } : {}),
      changed: write.operation === 'delete' ? {} : changedFields(write.before, after, fields),
      written: write.written,
    });
  };
  const apps = new Map<number, AppConfig>();
  const byToken = new Map<string, AppConfig>();
  let defaultLimits: LimitSettings = { ...DEFAULT_LIMITS, ...options.limits };
  const appLimits = new Map<number, Partial<LimitSettings>>();
  const limiter = new RateLimiter();
  let faultConfig: Partial<FaultConfig> = options.faults ?? {};
  const faults = new FaultInjector(faultConfig);
  const dispatcher = new WebhookDispatcher({
    portalId,
    apps: (id) => apps.get(id),
    ...(options.webhooks ? { delivery: options.webhooks } : {}),
    faults: faultConfig,
  });
  let counters: RequestCounters = { byEndpoint: {}, total: 0 };
  const sockets = new Set<Socket>();
  /** Set when a state file listens for changes. */
  let appsChanged: (() => void) | undefined;

  function registerApp(app: AppConfig): void {
    const previous = apps.get(app.appId);
    if (previous) byToken.delete(previous.accessToken);
    apps.set(app.appId, app);
    byToken.set(app.accessToken, app);
    const own: Partial<LimitSettings> = {};
    if (app.per10Seconds !== undefined) own.per10Seconds = app.per10Seconds;
    if (app.daily !== undefined) own.daily = app.daily;
    appLimits.set(app.appId, own);
    appsChanged?.();
  }
  for (const app of options.apps ?? [DEMO_APP]) registerApp(app);

  const persisted =
    options.stateFile === undefined
      ? undefined
      : openHubSpotState(options.stateFile, {
          crm,
          registry,
          dispatcher,
          apps: () => [...apps.values()],
          restoreApp: registerApp,
          isRegistered: (appId) => apps.has(appId),
        });
  if (persisted) {
    const markDirty = (): void => persisted.markDirty();
    crm.onChange = markDirty;
    registry.onChange = markDirty;
    dispatcher.onChange = markDirty;
    appsChanged = markDirty;
  }

  const limitsFor = (appId: number): LimitSettings => ({ ...defaultLimits, ...appLimits.get(appId) });
  const integration = (app: AppConfig): WriteSource => ({
    changeSource: 'INTEGRATION',
    sourceId: String(app.appId),
  });
  const uiSource = (userId?: number): WriteSource => ({
    changeSource: 'CRM_UI',
    sourceId: `userId:${userId ?? uiUserId}`,
  });
  const emit = (changes: Change[], source: WriteSource, echo: boolean) =>
    dispatcher.emit(changes, source, [...apps.keys()], echo && faultConfig.echoBeforeResponse === true);

  function count(key: string, status: string): void {
    counters.total++;
    const entry = counters.byEndpoint[key] ?? {};
    entry[status] = (entry[status] ?? 0) + 1;
    counters.byEndpoint[key] = entry;
  }

  function objectType(segment: string | undefined): ObjectType {
    const type = segment === undefined ? undefined : resolveObjectType(segment);
    if (!type) {
      throw new HubSpotApiError(400, {
        ...errorBody('VALIDATION_ERROR', `Unable to infer object type from: ${segment ?? ''}`),
      });
    }
    return type;
  }

  // ---- the concurrent-edit fault: "a person in the UI" edits the record an API write is updating ----

  let uiEdits = 0;
  const UI_FALLBACK: Record<ObjectType, string> = {
    contacts: 'jobtitle',
    companies: 'description',
    deals: 'description',
  };

  function raceFor(
    type: ObjectType,
    id: string,
    idProperty?: string,
  ): { side: 'before' | 'after'; recordId: string } | undefined {
    if (!faultConfig.concurrentEditRate) return undefined;
    const side = faults.concurrentEdit();
    const record = side ? crm.find(type, id, idProperty) : undefined;
    return side && record ? { side, recordId: record.id } : undefined;
  }

  /** Edits a free-text property the API write also touches (else jobtitle / description), with its own CRM_UI webhook. */
  async function uiRaceEdit(
    type: ObjectType,
    recordId: string,
    apiProps: Record<string, unknown>,
  ): Promise<void> {
    const name =
      Object.keys(apiProps).find((n) => {
        const def = registry.get(type, n);
        return (
          def?.type === 'string' &&
          def.fieldType !== 'phonenumber' &&
          !def.modificationMetadata.readOnlyValue &&
          !registry.isUniqueKey(type, n)
        );
      }) ?? UI_FALLBACK[type];
    uiEdits++;
    const source = uiSource();
    const r = crm.update(type, recordId, { [name]: `Edited in UI (${uiEdits})` }, source, now());
    await emit(r.changes, source, false);
  }

  // ---- CRM objects ----

  async function crmObjects(
    method: string,
    parts: string[],
    query: URLSearchParams,
    body: () => Record<string, unknown>,
    app: AppConfig,
  ): Promise<Reply> {
    const type = objectType(parts[0]);
    const source = integration(app);
    const at = now();
    const second = parts[1];
    if (parts.length === 1) {
      if (method === 'POST') {
        const input = body();
        const props = objectOf(input.properties);
        const result = crm.create(type, props, source, at);
        await emit(result.changes, source, true);
        return { status: 201, body: crm.toPublic(type, result.record, undefined, Object.keys(props)) };
      }
      if (method === 'GET') {
        const limit = Math.min(Number(query.get('limit') ?? 10) || 10, 100);
        const after = query.get('after');
        const archived = query.get('archived') === 'true';
        const names = listParam(query, 'properties');
        const results: PublicObject[] = [];
        let next: string | undefined;
        for (const record of crm.records(type).values()) {
          if (record.mergedInto || record.archived !== archived) continue;
          if (after !== null && Number(record.id) <= Number(after)) continue;
          if (results.length === limit) {
            next = results[results.length - 1]?.id;
            break;
          }
          results.push(crm.toPublic(type, record, names));
        }
        const reply: Record<string, unknown> = { results };
        if (next !== undefined)
          reply.paging = { next: { after: next, link: `/crm/v3/objects/${type}?after=${next}` } };
        return { status: 200, body: reply };
      }
    }
    if (parts.length === 2 && second === 'search' && method === 'POST') {
      return { status: 200, body: search(crm, type, body(), at) };
    }
    if (parts.length === 2 && second === 'merge' && method === 'POST') {
      const input = body();
      const primary = String(input.primaryObjectId ?? '');
      const other = String(input.objectIdToMerge ?? '');
      if (!primary || !other) throw badRequest('primaryObjectId and objectIdToMerge are required');
      const result = crm.merge(type, primary, other, at);
      await emit(result.changes, source, true);
      return { status: 200, body: crm.toPublic(type, result.record) };
    }
    if (parts.length === 2 && second === 'gdpr-delete' && method === 'POST') {
      const input = body();
      const idProperty = typeof input.idProperty === 'string' ? input.idProperty : undefined;
      const result = crm.gdprDelete(type, String(input.objectId ?? ''), at, idProperty);
      await emit(result.changes, source, true);
      return { status: 204 };
    }
    if (parts.length === 3 && second === 'batch' && method === 'POST') {
      return batch(type, parts[2] ?? '', query, body(), source, at);
    }
    if (parts.length === 2 && second !== undefined) {
      const id = decodeURIComponent(second);
      const idProperty = query.get('idProperty') ?? undefined;
      if (method === 'GET') {
        const record = crm.find(type, id, idProperty, query.get('archived') === 'true');
        if (!record) throw notFound(id);
        return { status: 200, body: crm.toPublic(type, record, listParam(query, 'properties')) };
      }
      if (method === 'PATCH') {
        const props = objectOf(body().properties);
        const race = raceFor(type, id, idProperty);
        if (race?.side === 'before') await uiRaceEdit(type, race.recordId, props);
        const result = crm.update(type, id, props, source, at, idProperty);
        await emit(result.changes, source, true);
        // The API answers with its own write's state even when the UI edit lands just after it.
        const reply = crm.toPublic(type, result.record, undefined, Object.keys(props));
        if (race?.side === 'after') await uiRaceEdit(type, race.recordId, props);
        return { status: 200, body: reply };
      }
      if (method === 'DELETE') {
        const result = crm.archive(type, id, at, idProperty, source);
        if (result) await emit(result.changes, source, true);
        return { status: 204 };
      }
    }
    throw new HubSpotApiError(404, {
      ...errorBody('NOT_FOUND', `No route for ${method} /crm/v3/objects/${parts.join('/')}`),
    });
  }

  async function batch(
    type: ObjectType,
    op: string,
    query: URLSearchParams,
    input: Record<string, unknown>,
    source: WriteSource,
    at: number,
  ): Promise<Reply> {
    const startedAt = new Date(at).toISOString();
    const inputs = inputsOf(input);
    const results: unknown[] = [];
    const errors: Record<string, unknown>[] = [];
    const changes: Change[] = [];
    const reply = (okStatus: number): Reply => {
      const completedAt = new Date(now()).toISOString();
      const out: Record<string, unknown> = { status: 'COMPLETE', results, startedAt, completedAt };
      if (errors.length > 0) {
        out.numErrors = errors.length;
        out.errors = errors;
      }
      return { status: errors.length > 0 ? 207 : okStatus, body: out };
    };
    switch (op) {
      case 'create': {
        // Validation problems reject the whole batch, as one invalid value rejects a single write.
        const normalised = inputs.map((i) => registry.normalise(type, objectOf(i.properties)));
        for (const [n, i] of inputs.entries()) {
          const props = objectOf(i.properties);
          try {
            const r = crm.create(type, props, source, at, normalised[n]);
            changes.push(...r.changes);
            results.push(crm.toPublic(type, r.record, undefined, Object.keys(props)));
          } catch (e) {
            if (!(e instanceof HubSpotApiError)) throw e;
            errors.push(batchError(e));
          }
        }
        await emit(changes, source, true);
        return reply(201);
      }
      case 'read': {
        const idProperty = typeof input.idProperty === 'string' ? input.idProperty : undefined;
        const names = Array.isArray(input.properties) ? input.properties.map(String) : undefined;
        const withHistory = Array.isArray(input.propertiesWithHistory)
          ? input.propertiesWithHistory.map(String)
          : [];
        // A read with property history takes at most 50 inputs (docs/SIMULATORS.md, "propertiesWithHistory").
        if (withHistory.length > 0 && inputs.length > HISTORY_BATCH_LIMIT)
          throw badRequest(
            `Batch size of ${inputs.length} exceeds the limit of ${HISTORY_BATCH_LIMIT} inputs when propertiesWithHistory is requested`,
          );
        const archived = query.get('archived') === 'true';
        const missing: string[] = [];
        for (const i of inputs) {
          const id = String(i.id ?? '');
          // `archived=true`: "Whether to return only results that have been archived" (HubSpot's batch read).
          const found = crm.find(type, id, idProperty, archived);
          const record = found && found.archived === archived ? found : undefined;
          if (record)
            results.push(
              withHistory.length > 0
                ? crm.toPublicWithHistory(type, record, names, withHistory)
                : crm.toPublic(type, record, names),
            );
          else missing.push(id);
        }
        if (missing.length > 0) errors.push(objectNotFoundError(type, missing));
        return reply(200);
      }
      case 'update': {
        for (const i of inputs) registry.normalise(type, objectOf(i.properties));
        const missing: string[] = [];
        for (const i of inputs) {
          const id = String(i.id ?? '');
          const idProperty = typeof i.idProperty === 'string' ? i.idProperty : undefined;
          const props = objectOf(i.properties);
          if (!crm.find(type, id, idProperty)) {
            missing.push(id);
            continue;
          }
          try {
            const race = raceFor(type, id, idProperty);
            if (race?.side === 'before') await uiRaceEdit(type, race.recordId, props);
            const r = crm.update(type, id, props, source, at, idProperty);
            changes.push(...r.changes);
            results.push(crm.toPublic(type, r.record, undefined, Object.keys(props)));
            if (race?.side === 'after') await uiRaceEdit(type, race.recordId, props);
          } catch (e) {
            if (!(e instanceof HubSpotApiError)) throw e;
            errors.push(batchError(e, id));
          }
        }
        if (missing.length > 0) errors.push(objectNotFoundError(type, missing));
        await emit(changes, source, true);
        return reply(200);
      }
      case 'upsert': {
        for (const i of inputs) {
          if (typeof i.idProperty !== 'string' || i.id === undefined) {
            throw badRequest(
              'Each upsert input needs an id and an idProperty (a property with unique values)',
            );
          }
          registry.normalise(type, objectOf(i.properties));
        }
        for (const i of inputs) {
          const props = objectOf(i.properties);
          try {
            const r = crm.upsert(type, String(i.idProperty), String(i.id), props, source, at);
            changes.push(...r.changes);
            results.push({
              ...crm.toPublic(type, r.record, undefined, Object.keys(props)),
              new: r.created === true,
            });
          } catch (e) {
            if (!(e instanceof HubSpotApiError)) throw e;
            errors.push(batchError(e, String(i.id)));
          }
        }
        await emit(changes, source, true);
        return reply(200);
      }
      case 'archive': {
        for (const i of inputs) {
          const r = crm.archive(type, String(i.id ?? ''), at, undefined, source);
          if (r) changes.push(...r.changes);
        }
        await emit(changes, source, true);
        return { status: 204 };
      }
      default:
        throw new HubSpotApiError(404, { ...errorBody('NOT_FOUND', `Unknown batch operation ${op}`) });
    }
  }

  // ---- properties ----

  function crmProperties(
    method: string,
    parts: string[],
    query: URLSearchParams,
    body: () => Record<string, unknown>,
  ): Reply {
    const type = objectType(parts[0]);
    const at = new Date(now());
    if (parts.length === 1) {
      if (method === 'GET') {
        return { status: 200, body: { results: registry.list(type, query.get('archived') === 'true') } };
      }
      if (method === 'POST') {
        return { status: 201, body: registry.create(type, body(), at) };
      }
    }
    if (parts.length === 2 && parts[1] === 'groups' && method === 'GET') {
      return { status: 200, body: { results: registry.groups(type) } };
    }
    if (parts.length === 2 && parts[1] !== undefined) {
      const name = decodeURIComponent(parts[1]);
      if (method === 'GET') {
        const p = registry.get(type, name);
        if (!p) throw propertyNotFound(name, type);
        return { status: 200, body: p };
      }
      if (method === 'PATCH') {
        return { status: 200, body: registry.update(type, name, body(), at) };
      }
      if (method === 'DELETE') {
        registry.archive(type, name, at);
        return { status: 204 };
      }
    }
    throw new HubSpotApiError(404, { ...errorBody('NOT_FOUND', 'No such properties route') });
  }

  // ---- webhook settings (developer hapikey) ----

  function webhookSettings(
    method: string,
    parts: string[],
    query: URLSearchParams,
    body: () => Record<string, unknown>,
  ): Reply {
    const appId = Number(parts[0]);
    const section = parts[1];
    const app = apps.get(appId);
    const hapikey = query.get('hapikey');
    if (!hapikey || hapikey !== (app?.developerApiKey ?? developerApiKey)) {
      throw new HubSpotApiError(401, {
        ...errorBody(
          'INVALID_AUTHENTICATION',
          'The API key provided is invalid. View or manage your API key here: https://app.hubspot.com/l/api-key/',
        ),
      });
    }
    if (!app)
      throw new HubSpotApiError(404, { ...errorBody('OBJECT_NOT_FOUND', `App ${parts[0] ?? ''} not found`) });
    const at = now();
    if (section === 'settings') {
      if (method === 'GET') {
        const s = dispatcher.getSettings(appId);
        if (!s)
          throw new HubSpotApiError(404, {
            ...errorBody('OBJECT_NOT_FOUND', `No webhook settings for app ${appId}`),
          });
        return { status: 200, body: s };
      }
      if (method === 'PUT') {
        const input = body();
        if (typeof input.targetUrl !== 'string' || !/^https?:\/\//.test(input.targetUrl)) {
          throw badRequest('targetUrl must be an http(s) URL');
        }
        const throttling = objectOf(input.throttling);
        const max = throttling.maxConcurrentRequests;
        if (max !== undefined && (typeof max !== 'number' || max < 1)) {
          throw badRequest('throttling.maxConcurrentRequests must be a positive number');
        }
        return {
          status: 200,
          body: dispatcher.putSettings(
            appId,
            {
              targetUrl: input.targetUrl,
              ...(typeof max === 'number' ? { maxConcurrentRequests: max } : {}),
            },
            at,
          ),
        };
      }
      if (method === 'DELETE') {
        dispatcher.deleteSettings(appId);
        return { status: 204 };
      }
    }
    if (section === 'subscriptions') {
      const id = parts[2] === undefined ? undefined : Number(parts[2]);
      if (id === undefined && method === 'GET')
        return { status: 200, body: { results: dispatcher.subscriptions(appId).map(publicSubscription) } };
      if (id === undefined && method === 'POST') {
        const input = body();
        const eventType = String(input.eventType ?? '');
        if (!SUBSCRIBABLE.has(eventType)) throw badRequest(`Unsupported eventType ${eventType}`);
        const propertyName = typeof input.propertyName === 'string' ? input.propertyName : undefined;
        if (eventType.endsWith('.propertyChange')) {
          const type = resolveObjectType(eventType.split('.')[0] ?? '');
          if (!propertyName || !type || !registry.get(type, propertyName)) {
            throw badRequest(
              `A propertyChange subscription needs an existing propertyName (got ${propertyName ?? 'none'})`,
            );
          }
          if (propertyName === 'hs_lastmodifieddate' || propertyName === 'lastmodifieddate') {
            throw badRequest(`${propertyName} can't be subscribed to`);
          }
        }
        const sub = dispatcher.subscribe(
          appId,
          { eventType, ...(propertyName ? { propertyName } : {}), active: input.active !== false },
          at,
        );
        return { status: 201, body: publicSubscription(sub) };
      }
      if (id !== undefined) {
        const sub = dispatcher.subscriptions(appId).find((s) => s.id === id);
        if (!sub)
          throw new HubSpotApiError(404, {
            ...errorBody('OBJECT_NOT_FOUND', `Subscription ${id} not found`),
          });
        if (method === 'GET') return { status: 200, body: publicSubscription(sub) };
        if (method === 'PATCH') {
          dispatcher.updateSubscription(appId, id, body().active !== false, at);
          return { status: 200, body: publicSubscription(sub) };
        }
        if (method === 'DELETE') {
          dispatcher.unsubscribe(appId, id);
          return { status: 204 };
        }
      }
    }
    throw new HubSpotApiError(404, { ...errorBody('NOT_FOUND', 'No such webhooks route') });
  }

  // ---- admin ----

  const fullRecord = (type: ObjectType, r: CrmRecord): PublicObject =>
    crm.toPublic(type, r, Object.keys(r.props));

  const ui = {
    async create(
      type: ObjectType,
      properties: Record<string, string>,
      userId?: number,
    ): Promise<PublicObject> {
      const source = uiSource(userId);
      const r = crm.create(type, properties, source, now());
      await emit(r.changes, source, false);
      return fullRecord(type, r.record);
    },
    async update(
      type: ObjectType,
      id: string,
      properties: Record<string, string>,
      userId?: number,
    ): Promise<PublicObject> {
      const source = uiSource(userId);
      const r = crm.update(type, id, properties, source, now());
      await emit(r.changes, source, false);
      return fullRecord(type, r.record);
    },
    async archive(type: ObjectType, id: string, userId?: number): Promise<void> {
      const source = uiSource(userId);
      const r = crm.archive(type, id, now(), undefined, source);
      if (!r) throw notFound(id);
      await emit(r.changes, source, false);
    },
    async restore(type: ObjectType, id: string, userId?: number): Promise<PublicObject> {
      const r = crm.restore(type, id, now());
      await emit(r.changes, uiSource(userId), false);
      return fullRecord(type, r.record);
    },
  };

  function setLimits(limits: Partial<LimitSettings>, appId?: number): void {
    if (appId === undefined) defaultLimits = { ...defaultLimits, ...limits };
    else appLimits.set(appId, { ...appLimits.get(appId), ...limits });
  }

  function setFaults(config: Partial<FaultConfig>): void {
    faultConfig = config;
    faults.configure(config);
    dispatcher.configureFaults(config);
  }

  function reset(): void {
    crm.reset();
    writeLog.clear();
    registry.reset();
    limiter.reset();
    dispatcher.reset();
    counters = { byEndpoint: {}, total: 0 };
  }

  async function admin(
    method: string,
    parts: string[],
    query: URLSearchParams,
    body: () => Record<string, unknown>,
  ): Promise<Reply> {
    const [section, a, b, c] = parts;
    if (section === undefined && method === 'GET')
      return { status: 200, text: `${ADMIN_ROUTES.join('\n')}\n` };
    const userId = query.get('userId') === null ? undefined : Number(query.get('userId'));
    switch (section) {
      case 'apps':
        if (method === 'GET') return { status: 200, body: { results: [...apps.values()] } };
        if (method === 'POST') {
          const input = body();
          if (
            typeof input.appId !== 'number' ||
            typeof input.clientSecret !== 'string' ||
            typeof input.accessToken !== 'string'
          ) {
            throw badRequest('An app needs a numeric appId, a clientSecret and an accessToken');
          }
          registerApp(input as unknown as AppConfig);
          return { status: 201, body: apps.get(input.appId) };
        }
        break;
      case 'webhook-settings':
        if (method === 'PUT' && a !== undefined) {
          const input = body();
          const max =
            typeof input.maxConcurrentRequests === 'number' ? input.maxConcurrentRequests : undefined;
          return { status: 200, body: api.setWebhookTarget(Number(a), String(input.targetUrl ?? ''), max) };
        }
        break;
      case 'subscriptions':
        if (method === 'GET') {
          return {
            status: 200,
            body: {
              results: [...apps.keys()].map((id) => ({
                appId: id,
                subscriptions: dispatcher.subscriptions(id),
                settings: dispatcher.getSettings(id) ?? null,
              })),
            },
          };
        }
        if (method === 'POST') {
          const input = body();
          const appId = Number(input.appId);
          if (!apps.has(appId)) throw badRequest(`Unknown app ${String(input.appId)}`);
          if (typeof input.targetUrl === 'string') api.setWebhookTarget(appId, input.targetUrl);
          const sub = dispatcher.subscribe(
            appId,
            {
              eventType: String(input.eventType ?? ''),
              ...(typeof input.propertyName === 'string' ? { propertyName: input.propertyName } : {}),
            },
            now(),
          );
          return { status: 201, body: sub };
        }
        break;
      case 'records': {
        const type = objectType(a);
        if (method === 'GET' && b === undefined) {
          return {
            status: 200,
            body: {
              results: [...crm.records(type).values()]
                .filter((r) => !r.mergedInto && (query.get('archived') === 'true' || !r.archived))
                .map((r) => fullRecord(type, r)),
            },
          };
        }
        if (method === 'GET' && b !== undefined) {
          const r = crm.records(type).get(b);
          if (!r) throw notFound(b);
          return { status: 200, body: fullRecord(type, r) };
        }
        if (method === 'POST' && b === undefined) {
          return {
            status: 201,
            body: await ui.create(type, objectOf(body().properties) as Record<string, string>, userId),
          };
        }
        if (method === 'PATCH' && b !== undefined) {
          return {
            status: 200,
            body: await ui.update(type, b, objectOf(body().properties) as Record<string, string>, userId),
          };
        }
        if (method === 'DELETE' && b !== undefined) {
          await ui.archive(type, b, userId);
          return { status: 204 };
        }
        if (method === 'POST' && b !== undefined && c === 'restore') {
          return { status: 200, body: await ui.restore(type, b, userId) };
        }
        break;
      }
      case 'limits':
        if (method === 'GET') {
          return {
            status: 200,
            body: {
              default: defaultLimits,
              apps: Object.fromEntries([...apps.keys()].map((id) => [id, limitsFor(id)])),
            },
          };
        }
        if (method === 'PUT') {
          const input = body();
          const limits: Partial<LimitSettings> = {};
          for (const k of ['per10Seconds', 'daily', 'searchPerSecond'] as const) {
            if (typeof input[k] === 'number') limits[k] = input[k];
          }
          setLimits(limits, typeof input.appId === 'number' ? input.appId : undefined);
          if (typeof input.indexingLagMs === 'number') crm.indexingLagMs = input.indexingLagMs;
          return { status: 200, body: { default: defaultLimits } };
        }
        break;
      case 'faults':
        if (method === 'GET') return { status: 200, body: faults.config };
        if (method === 'PUT') {
          setFaults(body() as Partial<FaultConfig>);
          return { status: 200, body: faults.config };
        }
        break;
      case 'webhook-delivery':
        if (method === 'PUT') {
          const input = body();
          for (const k of [
            'timeScale',
            'timeoutMs',
            'batchWindowMs',
            'maxAttempts',
            'baseRetryDelayMs',
          ] as const) {
            if (typeof input[k] === 'number') dispatcher.options[k] = input[k];
          }
          return { status: 200, body: dispatcher.options };
        }
        if (method === 'GET') return { status: 200, body: dispatcher.options };
        break;
      case 'writes':
        if (method === 'GET') {
          return { status: 200, body: { results: writeLog.list(Number(query.get('sinceSeq') ?? 0)) } };
        }
        break;
      case 'counters':
        if (method === 'GET') return { status: 200, body: counters };
        if (method === 'DELETE') {
          counters = { byEndpoint: {}, total: 0 };
          return { status: 204 };
        }
        break;
      case 'deliveries':
        if (method === 'GET') {
          const limit = Number(query.get('limit') ?? 1000);
          return { status: 200, body: { results: dispatcher.log.slice(-limit) } };
        }
        break;
      case 'reset':
        if (method === 'POST') {
          reset();
          return { status: 204 };
        }
        break;
      default:
        break;
    }
    throw new HubSpotApiError(404, {
      ...errorBody('NOT_FOUND', `No admin route ${method} /_admin/${parts.join('/')}`),
    });
  }

  // ---- request pipeline ----

  function send(res: http.ServerResponse, reply: Reply): void {
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.text !== undefined) {
      headers['Content-Type'] = 'text/plain; charset=utf-8';
      res.writeHead(reply.status, headers).end(reply.text);
      return;
    }
    if (reply.body === undefined || reply.status === 204) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    headers['Content-Type'] = 'application/json;charset=utf-8';
    res.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
  }

  /**
   * Before a write is acknowledged, it (and the webhooks it queued) must be in the state file: a kill right after
   * a 2xx then loses nothing. False when the save failed (the caller answers 500, as HubSpot would).
   */
  const durable = (method: string): Promise<boolean> =>
    persisted && method !== 'GET'
      ? persisted.durable().then(
          () => true,
          () => false,
        )
      : Promise.resolve(true);
  const notSaved: Reply = {
    status: 500,
    body: errorBody('INTERNAL_ERROR', 'The write could not be saved; retry it.'),
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const raw = await readBody(req);
    let parsed: Record<string, unknown> | undefined;
    const body = () => {
      parsed ??= parseJson(raw);
      return parsed;
    };
    if (path === '/' && method === 'GET') {
      const appLines = [...apps.values()].map(
        (a) => `  app ${a.appId}: Authorization: Bearer ${a.accessToken}`,
      );
      send(res, {
        status: 200,
        text: [
          'Kongo HubSpot simulator: CRM v3 objects (contacts, companies, deals), batch, search, properties,',
          `webhooks v3 settings (?hapikey=${developerApiKey}); portal ${portalId}. Admin API: GET /_admin. See docs/SIMULATORS.md.`,
          ...appLines,
          '',
        ].join('\n'),
      });
      return;
    }
    const segments = path.split('/').filter(Boolean);
    if (segments[0] === '_admin') {
      let reply: Reply;
      try {
        reply = await admin(method, segments.slice(1), url.searchParams, body);
      } catch (e) {
        if (!(e instanceof HubSpotApiError)) throw e;
        reply = { status: e.status, body: e.body, headers: e.headers };
      }
      send(res, (await durable(method)) ? reply : notSaved);
      return;
    }

    const endpoint = endpointKey(method, segments);
    const faulted = faults.active && faults.appliesTo(endpoint);
    const decision = faulted ? faults.next() : undefined;
    if (decision && decision.delayMs > 0) await new Promise((r) => setTimeout(r, decision.delayMs));
    const kind = decision?.kind ?? 'none';
    if (decision && kind === '429') {
      count(endpoint, '429');
      send(res, {
        status: 429,
        body: rateLimitBody('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'),
        headers: { 'Retry-After': (decision.retryAfterMs / 1000).toFixed(3).replace(/\.?0+$/, '') },
      });
      return;
    }
    const failBefore = kind !== 'none' && decision?.phase === 'before';
    let reply: Reply = { status: 500 };
    if (!failBefore) {
      try {
        reply = await route(method, segments, url.searchParams, body, req.headers.authorization);
      } catch (e) {
        reply =
          e instanceof HubSpotApiError
            ? { status: e.status, body: e.body, headers: e.headers }
            : { status: 500, body: errorBody('INTERNAL_ERROR', e instanceof Error ? e.message : String(e)) };
      }
    }
    if (!failBefore && !(await durable(method))) reply = notSaved;
    // 5xx / timeout / reset strike before the work, or — phase "after" — once it is done and only the answer is lost.
    if (decision && kind === '5xx') {
      count(endpoint, String(decision.status));
      send(res, { status: decision.status, body: errorBody('INTERNAL_ERROR', 'internal error') });
      return;
    }
    if (kind === 'timeout') {
      count(endpoint, 'timeout');
      return; // never answer; close() destroys the socket
    }
    if (kind === 'reset') {
      count(endpoint, 'reset');
      req.socket.destroy();
      return;
    }
    count(endpoint, String(reply.status));
    send(res, reply);
  }

  async function route(
    method: string,
    segments: string[],
    query: URLSearchParams,
    body: () => Record<string, unknown>,
    authorization: string | undefined,
  ): Promise<Reply> {
    if (segments[0] === 'webhooks' && segments[1] === 'v3') {
      return webhookSettings(method, segments.slice(2), query, body);
    }
    if (segments[0] !== 'crm' || segments[1] !== 'v3') {
      throw new HubSpotApiError(404, {
        ...errorBody('NOT_FOUND', `No route for ${method} /${segments.join('/')}`),
      });
    }
    const auth = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    const app = auth?.[1] ? byToken.get(auth[1].trim()) : undefined;
    if (!app) {
      throw unauthorized();
    }
    const isSearch = segments[2] === 'objects' && segments[4] === 'search';
    const limitHeaders = limiter.admit(app.appId, limitsFor(app.appId), now(), isSearch);
    let reply: Reply;
    try {
      if (segments[2] === 'objects') reply = await crmObjects(method, segments.slice(3), query, body, app);
      else if (segments[2] === 'properties') reply = crmProperties(method, segments.slice(3), query, body);
      else
        throw new HubSpotApiError(404, {
          ...errorBody('NOT_FOUND', `No route for ${method} /${segments.join('/')}`),
        });
    } catch (e) {
      if (e instanceof HubSpotApiError)
        throw new HubSpotApiError(e.status, e.body, { ...limitHeaders, ...e.headers });
      throw e;
    }
    return { ...reply, headers: { ...limitHeaders, ...reply.headers } };
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        send(res, {
          status: 500,
          body: errorBody('INTERNAL_ERROR', e instanceof Error ? e.message : String(e)),
        });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const api: HubSpotSimulator = {
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      dispatcher.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await persisted?.close();
    },
    registerApp,
    setWebhookTarget(appId, targetUrl, maxConcurrentRequests) {
      if (!apps.has(appId)) throw new Error(`Unknown app ${appId}: register it first`);
      return dispatcher.putSettings(
        appId,
        { targetUrl, ...(maxConcurrentRequests === undefined ? {} : { maxConcurrentRequests }) },
        now(),
      );
    },
    subscribe(appId, eventType, propertyName) {
      if (!apps.has(appId)) throw new Error(`Unknown app ${appId}: register it first`);
      return dispatcher.subscribe(
        appId,
        { eventType, ...(propertyName === undefined ? {} : { propertyName }) },
        now(),
      );
    },
    setLimits,
    setFaults,
    setIndexingLag(ms) {
      crm.indexingLagMs = ms;
    },
    ui,
    getRecord(type, id) {
      const r = crm.records(type).get(id);
      return r ? fullRecord(type, r) : undefined;
    },
    listRecords(type) {
      return [...crm.records(type).values()]
        .filter((r) => !r.archived && !r.mergedInto)
        .map((r) => fullRecord(type, r));
    },
    counters: () => structuredClone(counters),
    resetCounters() {
      counters = { byEndpoint: {}, total: 0 };
    },
    deliveries: () => [...dispatcher.log],
    webhooksIdle: () => dispatcher.idle(),
    writes: (sinceSeq) => writeLog.list(sinceSeq),
    reset,
  };
  return api;
}
