/**
 * One HubSpot CRM search call through @hubspot/api-client's generated per-object SearchApi (the
 * same object API module, outbound/hubspot-objects.ts, and our own HTTP layer as
 * outbound/hubspot-client.ts). Search has its own
 * limit — 5 requests a second, no rate-limit headers — so each call waits on a bottleneck limiter
 * for that AND on the account's shared budget (the worker's RateBudget), which counts it too.
 */
import Bottleneck from 'bottleneck';
import { type FetchLike, failureFrom, httpCall } from '../outbound/http-call.ts';
import {
  type HubSpotObjectApiModule,
  type HubSpotSend,
  hubspotObjectApi,
  type ObjectSearchApi,
} from '../outbound/hubspot-objects.ts';
import { HUBSPOT_PROFILE, type ProviderProfile } from '../outbound/profiles.ts';
import type { RateBudget } from '../outbound/rate-limit.ts';
import { type RetryOptions, withRetry } from '../outbound/retry.ts';
import type { HubSpotObjectType } from '../spec/types.ts';
import type { SearchFn, SearchRecord, SearchRequest, SearchResponse } from './hubspot-search.ts';

export interface HubSpotSearchApiOptions {
  objectType: HubSpotObjectType;
  /**
   * The object type's generated API (e.g. `hubspotContactsApi`); default: `hubspotObjectApi(objectType)`,
   * which bundles all three object types — what a Lambda handler bundles calls `hubspotSearchApiOn`.
   */
  objectApi?: HubSpotObjectApiModule;
  accessToken: string;
  basePath: string;
  /** The account budget the worker uses (shared: a search spends from it too). */
  budget: RateBudget;
  /** Search requests per second (HubSpot: 5). */
  perSecond?: number;
  profile?: ProviderProfile;
  fetch?: FetchLike;
  retry?: Omit<RetryOptions, 'profile'>;
}

export interface HubSpotSearchApi {
  search: SearchFn;
  /** HTTP calls made (every attempt). */
  readonly calls: number;
  stop(): Promise<void>;
}

export function createHubSpotSearchApi(options: HubSpotSearchApiOptions): HubSpotSearchApi {
  return hubspotSearchApiOn(options.objectApi ?? hubspotObjectApi(options.objectType), options);
}

/** The search API on one object type's API (what the integration runtime calls; see createHubSpotSearchApi). */
export function hubspotSearchApiOn(
  objectApi: HubSpotObjectApiModule,
  options: Omit<HubSpotSearchApiOptions, 'objectType' | 'objectApi'>,
): HubSpotSearchApi {
  const profile = options.profile ?? HUBSPOT_PROFILE;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const perSecond = options.perSecond ?? 5;
  // Spaced starts (not a fixed one-second reservoir): HubSpot counts search in a rolling second.
  const limiter = new Bottleneck({ maxConcurrent: 1, minTime: Math.ceil(1000 / perSecond) + 5 });
  let calls = 0;
  let api: Promise<ObjectSearchApi> | undefined;
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
  const searchApi = () => {
    api ??= objectApi.load().then((loaded) =>
      loaded.search({
        basePath: options.basePath.replace(/\/+$/, ''),
        accessToken: options.accessToken,
        send,
      }),
    );
    return api;
  };
  return {
    get calls() {
      return calls;
    },
    async search(request: SearchRequest): Promise<SearchResponse> {
      const raw = await searchApi();
      const response = await withRetry(
        () =>
          limiter.schedule(() =>
            options.budget.schedule(() =>
              raw.doSearch({
                // The generated enum's values are exactly HubSpot's operator strings.
                filterGroups: request.filterGroups as unknown as Parameters<
                  ObjectSearchApi['doSearch']
                >[0]['filterGroups'],
                sorts: [request.sort],
                properties: request.properties,
                limit: request.limit,
              }),
            ),
          ),
        { profile, ...options.retry },
      );
      const results: SearchRecord[] = response.results.map((r) => {
        const record: SearchRecord = { id: String(r.id), properties: { ...r.properties } };
        if (r.updatedAt !== undefined)
          record.updatedAt = r.updatedAt instanceof Date ? r.updatedAt.toISOString() : String(r.updatedAt);
        return record;
      });
      return { total: response.total, results };
    },
    async stop() {
      await limiter.stop({ dropWaitingJobs: false });
    },
  };
}
