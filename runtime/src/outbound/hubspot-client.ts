/**
 * HubSpot CRM batch calls through @hubspot/api-client's generated per-object API (not the whole
 * `Client`: one object type's ~85 KB instead of ~4.8 MB, and none of its process-wide retry
 * singleton; see hubspot-objects.ts). Our own fetch-based HTTP library carries the timeout and
 * surfaces rate-limit headers; retries and the budget are ours (retry.ts, rate-limit.ts).
 */
import type { HubSpotObjectType } from '../spec/types.ts';
import { DeliveryError } from './errors.ts';
import { type FetchLike, failureFrom, httpCall } from './http-call.ts';
import {
  type HubSpotObjectApiModule,
  type HubSpotSend,
  hubspotObjectApi,
  type ObjectBatchApi,
  type RawError,
  type RawObject,
} from './hubspot-objects.ts';
import { HUBSPOT_PROFILE, type ProviderProfile } from './profiles.ts';
import type { RateBudget } from './rate-limit.ts';
import { type RetryOptions, withRetry } from './retry.ts';

export interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null>;
  /** ms */
  updatedAt?: number;
}

export interface BatchWriteResult {
  records: HubSpotRecord[];
  /** Per-input failures of a 207 answer: the ids (or sync ids) concerned and why. */
  errors: Array<{ ids: string[]; message: string; category?: string }>;
}

export interface HubSpotClient {
  /** ≤ 100 ids per call. `idProperty` reads by a unique property (e.g. email) instead of the record id. */
  batchRead(
    ids: string[],
    properties: string[],
    options?: { idProperty?: string; archived?: boolean },
  ): Promise<{ records: HubSpotRecord[]; missing: string[] }>;
  /** Create-or-update by the unique sync-id property: a repeat after a crash can't create twice. */
  batchUpsert(
    inputs: Array<{ syncId: string; properties: Record<string, string> }>,
  ): Promise<BatchWriteResult>;
  /** Update by record id. */
  batchUpdate(inputs: Array<{ id: string; properties: Record<string, string> }>): Promise<BatchWriteResult>;
  /** Archives (deletes) records by id; used when the delete policy is `propagate`. */
  batchArchive(ids: string[]): Promise<void>;
  /** HTTP calls made (every attempt). */
  readonly calls: number;
}

export interface HubSpotClientOptions {
  objectType: HubSpotObjectType;
  /**
   * The object type's generated API (e.g. `hubspotContactsApi`); default: `hubspotObjectApi(objectType)`,
   * which bundles all three object types — what a Lambda handler bundles calls `hubspotClientOn`.
   */
  objectApi?: HubSpotObjectApiModule;
  accessToken: string;
  /** https://api.hubapi.com, or a simulator's URL. */
  basePath: string;
  syncIdProperty: string;
  budget: RateBudget;
  profile?: ProviderProfile;
  fetch?: FetchLike;
  retry?: Omit<RetryOptions, 'profile'>;
}

function toRecord(raw: RawObject): HubSpotRecord {
  const record: HubSpotRecord = { id: String(raw.id), properties: { ...raw.properties } };
  const updatedAt =
    raw.updatedAt instanceof Date ? raw.updatedAt.getTime() : Date.parse(String(raw.updatedAt));
  if (Number.isFinite(updatedAt)) record.updatedAt = updatedAt;
  return record;
}

function toErrors(errors: RawError[] | undefined): BatchWriteResult['errors'] {
  return (errors ?? []).map((error) => ({
    ids: error.context?.ids ?? [],
    message: error.message,
    ...(error.category ? { category: error.category } : {}),
  }));
}

export function createHubSpotClient(options: HubSpotClientOptions): HubSpotClient {
  return hubspotClientOn(options.objectApi ?? hubspotObjectApi(options.objectType), options);
}

/**
 * A HubSpot client on one object type's API: what the integration runtime calls, so a bundle holds
 * only the object type passed (createHubSpotClient's default reaches all three).
 */
export function hubspotClientOn(
  objectApi: HubSpotObjectApiModule,
  options: Omit<HubSpotClientOptions, 'objectType' | 'objectApi'>,
): HubSpotClient {
  const profile = options.profile ?? HUBSPOT_PROFILE;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  let calls = 0;
  let api: Promise<ObjectBatchApi> | undefined;

  // Every HubSpot call goes through here: timeout, headers to the budget, failures classified.
  const send: HubSpotSend = async (request) => {
    calls++;
    const method = request.getHttpMethod().toString();
    const url = request.getUrl();
    const requestBody = request.getBody();
    const result = await httpCall('hubspot', profile, fetchImpl, url, {
      method,
      headers: request.getHeaders(),
      ...(typeof requestBody === 'string' ? { body: requestBody } : {}),
    });
    options.budget.observe(result.headers);
    if (result.status < 200 || result.status >= 300)
      throw failureFrom('hubspot', profile, method, url, result);
    const headers: Record<string, string> = {};
    result.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { status: result.status, headers, text: result.text };
  };
  const batchApi = () => {
    api ??= objectApi.load().then((loaded) =>
      loaded.batch({
        basePath: options.basePath.replace(/\/+$/, ''),
        accessToken: options.accessToken,
        send,
      }),
    );
    return api;
  };

  const call = <T>(run: () => Promise<T>): Promise<T> =>
    withRetry(() => options.budget.schedule(run), { profile, ...options.retry });

  const tooMany = (count: number) => {
    if (count > profile.maxBatch) {
      throw new DeliveryError('hubspot', `A batch holds at most ${profile.maxBatch} inputs, got ${count}`, {
        status: 0,
        retryable: false,
        code: 'BATCH_TOO_LARGE',
      });
    }
  };

  return {
    get calls() {
      return calls;
    },
    async batchRead(ids, properties, readOptions = {}) {
      if (ids.length === 0) return { records: [], missing: [] };
      tooMany(ids.length);
      const batch = await batchApi();
      const response = await call(() =>
        batch.read(
          {
            inputs: ids.map((id) => ({ id })),
            properties,
            propertiesWithHistory: [],
            ...(readOptions.idProperty ? { idProperty: readOptions.idProperty } : {}),
          },
          // HubSpot's `archived` query parameter: "Whether to return only results that have been archived".
          readOptions.archived === true ? true : undefined,
        ),
      );
      const records = response.results.map(toRecord);
      const key = readOptions.idProperty;
      const found = new Set(records.map((r) => (key ? String(r.properties[key] ?? '').toLowerCase() : r.id)));
      return { records, missing: ids.filter((id) => !found.has(key ? id.toLowerCase() : id)) };
    },
    async batchUpsert(inputs) {
      if (inputs.length === 0) return { records: [], errors: [] };
      tooMany(inputs.length);
      const batch = await batchApi();
      const response = await call(() =>
        batch.upsert({
          inputs: inputs.map((input) => ({
            id: input.syncId,
            idProperty: options.syncIdProperty,
            properties: { ...input.properties, [options.syncIdProperty]: input.syncId },
          })),
        }),
      );
      return {
        records: response.results.map(toRecord),
        errors: toErrors(response.errors),
      };
    },
    async batchArchive(ids) {
      if (ids.length === 0) return;
      tooMany(ids.length);
      const batch = await batchApi();
      await call(() => batch.archive({ inputs: ids.map((id) => ({ id })) }));
    },
    async batchUpdate(inputs) {
      if (inputs.length === 0) return { records: [], errors: [] };
      tooMany(inputs.length);
      const batch = await batchApi();
      const response = await call(() =>
        batch.update({ inputs: inputs.map((input) => ({ id: input.id, properties: input.properties })) }),
      );
      return {
        records: response.results.map(toRecord),
        errors: toErrors(response.errors),
      };
    },
  };
}
