/**
 * Provider quirks as data (Nango style): which headers carry rate-limit state and retry hints, in
 * which unit, how big a batch may be and how patient to be. Clients and the retry policy read these;
 * no provider name appears in their code.
 */
import type { DestinationSide } from '../spec/types.ts';

export interface RetryAfterHeader {
  name: string;
  unit: 's' | 'ms';
}

export interface ProviderProfile {
  name: string;
  /** Headers to honour on 429/5xx, first present wins. */
  retryAfterHeaders: RetryAfterHeader[];
  /** Rate-limit state on every response, when the provider sends it. */
  rateLimitHeaders?: {
    remaining: string;
    max?: string;
    intervalMs?: string;
    dailyRemaining?: string;
  };
  /** Largest batch one call may carry. */
  maxBatch: number;
  /** Per-call timeout, ms. */
  timeoutMs: number;
  /** Total attempts per call (1 = no retry). */
  maxAttempts: number;
  /** Backoff: full jitter over min(maxDelayMs, baseDelayMs × 2^attempt). */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The field carrying a record's last-modified time, when the API has one. */
  updatedAtField?: string;
}

export const HUBSPOT_PROFILE: ProviderProfile = {
  name: 'hubspot',
  // Retry-After on 429 is undocumented; honour it when present.
  retryAfterHeaders: [{ name: 'retry-after', unit: 's' }],
  rateLimitHeaders: {
    remaining: 'x-hubspot-ratelimit-remaining',
    max: 'x-hubspot-ratelimit-max',
    intervalMs: 'x-hubspot-ratelimit-interval-milliseconds',
    dailyRemaining: 'x-hubspot-ratelimit-daily-remaining',
  },
  maxBatch: 100,
  timeoutMs: 10_000,
  maxAttempts: 6,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
  updatedAtField: 'updatedAt',
};

/** Webex Events style GraphQL: cost limits with X-Secondly-Retry-After in ms, X-Daily-Retry-After in s. */
export const GRAPHQL_EVENTS_PROFILE: ProviderProfile = {
  name: 'graphql-events',
  retryAfterHeaders: [
    { name: 'x-secondly-retry-after', unit: 'ms' },
    { name: 'x-daily-retry-after', unit: 's' },
    { name: 'retry-after', unit: 's' },
  ],
  maxBatch: 1,
  timeoutMs: 10_000,
  maxAttempts: 6,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  updatedAtField: 'updatedAt',
};

/** A plain REST API: Retry-After in seconds, possibly fractional ("0.2"). */
export const REST_PROFILE: ProviderProfile = {
  name: 'rest',
  retryAfterHeaders: [{ name: 'retry-after', unit: 's' }],
  maxBatch: 1,
  timeoutMs: 10_000,
  maxAttempts: 6,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  updatedAtField: 'updatedAt',
};

export function destinationProfile(destination: Pick<DestinationSide, 'api'>): ProviderProfile {
  return destination.api === 'graphql' ? GRAPHQL_EVENTS_PROFILE : REST_PROFILE;
}

/** The server's wait hint in ms, from the first profile header present. */
export function retryAfterMs(
  profile: ProviderProfile,
  headers: Headers | Record<string, string>,
): number | undefined {
  for (const { name, unit } of profile.retryAfterHeaders) {
    const raw =
      headers instanceof Headers ? headers.get(name) : (headers[name] ?? headers[name.toLowerCase()]);
    if (raw === null || raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (Number.isFinite(value) && value >= 0)
      return unit === 's' ? Math.round(value * 1000) : Math.round(value);
    const date = Date.parse(raw);
    if (!Number.isNaN(date)) return Math.max(0, date - Date.now());
  }
  return undefined;
}
