/**
 * Destination client for a plain REST API: GET/POST {collection}, GET/PATCH/DELETE {collection}/{id},
 * `?{naturalKey}=` lookups and `{ data, nextCursor }` pages (the job system's conventions).
 */
import type { DestinationSide } from '../spec/types.ts';
import type { ChangePage, DestinationClient, DestinationRecord } from './destination.ts';
import { DeliveryError } from './errors.ts';
import { type FetchLike, failureFrom, httpCall, parseTime } from './http-call.ts';
import { type ProviderProfile, REST_PROFILE } from './profiles.ts';
import { type RateBudget, unlimitedBudget } from './rate-limit.ts';
import { type RetryOptions, withRetry } from './retry.ts';

export interface RestDestinationOptions {
  destination: Pick<DestinationSide, 'baseUrl' | 'idField' | 'naturalKey' | 'rest' | 'objectType'>;
  token: string;
  profile?: ProviderProfile;
  budget?: RateBudget;
  fetch?: FetchLike;
  retry?: Omit<RetryOptions, 'profile'>;
}

export function createRestDestination(options: RestDestinationOptions): DestinationClient {
  const profile = options.profile ?? REST_PROFILE;
  const budget = options.budget ?? unlimitedBudget();
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const base =
    options.destination.baseUrl.replace(/\/+$/, '') +
    (options.destination.rest?.collectionPath ?? `/${options.destination.objectType.toLowerCase()}s`);
  const idField = options.destination.idField;
  const keyField = options.destination.naturalKey.destinationField;
  let calls = 0;

  const toRecord = (body: unknown): DestinationRecord | null => {
    if (body === null || typeof body !== 'object') return null;
    const values = body as Record<string, unknown>;
    const record: DestinationRecord = { id: String(values[idField]), values };
    const updatedAt = profile.updatedAtField ? parseTime(values[profile.updatedAtField]) : undefined;
    if (updatedAt !== undefined) record.updatedAt = updatedAt;
    return record;
  };

  /** One request; 404 → null; other failures → DeliveryError (retried when retryable). */
  const request = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    withRetry(
      () =>
        budget.schedule(async () => {
          calls++;
          const result = await httpCall('destination', profile, fetchImpl, url, {
            method,
            headers: {
              authorization: `Bearer ${options.token}`,
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
              ...headers,
            },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          budget.observe(result.headers);
          if (result.status === 404) return null;
          if (result.status < 200 || result.status >= 300)
            throw failureFrom('destination', profile, method, url, result);
          return result.text === '' ? {} : (JSON.parse(result.text) as unknown);
        }),
      { profile, ...options.retry },
    );

  const page = (body: unknown): ChangePage => {
    const shape = (body ?? {}) as { data?: unknown[]; nextCursor?: string | null };
    const records = (shape.data ?? []).flatMap((item) => {
      const record = toRecord(item);
      return record ? [record] : [];
    });
    const next = shape.nextCursor ?? null;
    return { records, next, end: next };
  };

  return {
    get calls() {
      return calls;
    },
    async get(id) {
      return toRecord(await request('GET', `${base}/${encodeURIComponent(id)}`));
    },
    async findByNaturalKey(value) {
      const found = page(
        await request('GET', `${base}?${encodeURIComponent(keyField)}=${encodeURIComponent(value)}`),
      );
      const wanted = value.toLowerCase();
      return found.records.find((r) => String(r.values[keyField] ?? '').toLowerCase() === wanted) ?? null;
    },
    async create(values, write) {
      const record = toRecord(
        await request('POST', base, values, { 'idempotency-key': write.idempotencyKey }),
      );
      if (!record)
        throw new DeliveryError('destination', 'Create answered 404', { status: 404, retryable: false });
      return record;
    },
    async update(id, values, write) {
      return toRecord(
        await request('PATCH', `${base}/${encodeURIComponent(id)}`, values, {
          'idempotency-key': write.idempotencyKey,
        }),
      );
    },
    async remove(id) {
      return (await request('DELETE', `${base}/${encodeURIComponent(id)}`)) !== null;
    },
    async listChanged(options) {
      const query = new URLSearchParams();
      if (options.updatedAfter) query.set('updatedAfter', options.updatedAfter);
      if (options.cursor) query.set('cursor', options.cursor);
      query.set('limit', String(options.limit ?? 100));
      return page(await request('GET', `${base}?${query.toString()}`));
    },
  };
}
