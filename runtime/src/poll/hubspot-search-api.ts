/**
 * One HubSpot CRM search call through @hubspot/api-client's generated per-object SearchApi (the
 * same per-object import and our own HTTP layer as outbound/hubspot-client.ts). Search has its own
 * limit — 5 requests a second, no rate-limit headers — so each call waits on a bottleneck limiter
 * for that AND on the account's shared budget (the worker's RateBudget), which counts it too.
 */
import Bottleneck from 'bottleneck';
import { type FetchLike, failureFrom, httpCall } from '../outbound/http-call.ts';
import { HUBSPOT_PROFILE, type ProviderProfile } from '../outbound/profiles.ts';
import type { RateBudget } from '../outbound/rate-limit.ts';
import { type RetryOptions, withRetry } from '../outbound/retry.ts';
import type { HubSpotObjectType } from '../spec/types.ts';
import type { SearchFn, SearchRecord, SearchRequest, SearchResponse } from './hubspot-search.ts';

export interface HubSpotSearchApiOptions {
  objectType: HubSpotObjectType;
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

interface GeneratedRequest {
  getHttpMethod(): { toString(): string };
  getUrl(): string;
  getBody(): unknown;
  getHeaders(): Record<string, string>;
}
type Send = (
  request: GeneratedRequest,
) => Promise<{ status: number; headers: Record<string, string>; text: string }>;
/** The generated request shape, with the operator as the generated enum's string values. */
interface RawSearchApi {
  doSearch(request: {
    filterGroups: Array<{ filters: Array<{ propertyName: string; operator: never; value: string }> }>;
    sorts: string[];
    properties: string[];
    limit: number;
  }): Promise<{
    total: number;
    results: Array<{ id: string; properties: Record<string, string | null>; updatedAt?: Date | string }>;
  }>;
}

async function loadSearchApi(
  objectType: HubSpotObjectType,
  basePath: string,
  accessToken: string,
  send: Send,
): Promise<RawSearchApi> {
  const body = (text: string) => ({
    text: () => Promise.resolve(text),
    binary: () => Promise.resolve(Buffer.from(text)),
  });
  const authMethods = { oauth2: { accessToken } };
  // Same text three times: each generated module declares its own nominal classes.
  switch (objectType) {
    case 'contacts': {
      const m = await import('@hubspot/api-client/lib/codegen/crm/contacts/index.js');
      const httpApi = m.wrapHttpLibrary({
        send: async (request) => {
          const r = await send(request);
          return new m.ResponseContext(r.status, r.headers, body(r.text));
        },
      });
      return new m.SearchApi(
        m.createConfiguration({ baseServer: new m.ServerConfiguration(basePath, {}), authMethods, httpApi }),
      );
    }
    case 'companies': {
      const m = await import('@hubspot/api-client/lib/codegen/crm/companies/index.js');
      const httpApi = m.wrapHttpLibrary({
        send: async (request) => {
          const r = await send(request);
          return new m.ResponseContext(r.status, r.headers, body(r.text));
        },
      });
      return new m.SearchApi(
        m.createConfiguration({ baseServer: new m.ServerConfiguration(basePath, {}), authMethods, httpApi }),
      );
    }
    case 'deals': {
      const m = await import('@hubspot/api-client/lib/codegen/crm/deals/index.js');
      const httpApi = m.wrapHttpLibrary({
        send: async (request) => {
          const r = await send(request);
          return new m.ResponseContext(r.status, r.headers, body(r.text));
        },
      });
      return new m.SearchApi(
        m.createConfiguration({ baseServer: new m.ServerConfiguration(basePath, {}), authMethods, httpApi }),
      );
    }
  }
}

export function createHubSpotSearchApi(options: HubSpotSearchApiOptions): HubSpotSearchApi {
  const profile = options.profile ?? HUBSPOT_PROFILE;
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const perSecond = options.perSecond ?? 5;
  // Spaced starts (not a fixed one-second reservoir): HubSpot counts search in a rolling second.
  const limiter = new Bottleneck({ maxConcurrent: 1, minTime: Math.ceil(1000 / perSecond) + 5 });
  let calls = 0;
  let api: Promise<RawSearchApi> | undefined;
  const send: Send = async (request) => {
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
    api ??= loadSearchApi(
      options.objectType,
      options.basePath.replace(/\/+$/, ''),
      options.accessToken,
      send,
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
                  RawSearchApi['doSearch']
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
