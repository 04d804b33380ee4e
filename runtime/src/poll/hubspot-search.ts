/**
 * Polling HubSpot through the CRM search API without looping or skipping.
 *
 * Search allows one sort, at most 200 results a page and 10,000 results per query, and newly
 * written records appear with a lag. A naive "modified after T, page with `after`" loop breaks on
 * all three when many records share one timestamp. The cursor here is a position (ts, id):
 *
 * - `{ ts, id: '' }` means "everything modified before `ts` is read"; the next query is the
 *   advance query: modified ≥ ts, sorted by modified time, one page, never paged with `after`.
 *   A short page is complete (everything is emitted, the cursor moves past its last instant); a
 *   full page emits what lies strictly before its last instant and switches to draining that instant.
 * - `{ ts, id }` means "also every record at exactly `ts` with hs_object_id ≤ id is read"; the next
 *   query is the drain query: modified = ts AND hs_object_id > id, sorted by id. The id bound, not
 *   the `after` token, moves the window, so 25,000 records sharing one millisecond take 125 calls and
 *   the 10,000-result cap never bites.
 * - Index lag: a record modified at t may only show up in search at t + lag. Everything is read
 *   through to now (a change lands within one poll), but the cursor handed back never claims more
 *   than "everything modified at or before now − lag", so what was read beyond that is read again
 *   by the next poll (deliberate overlap; the intake's dedupe key, id + modified time, drops it).
 */

export interface HubSpotSearchCursor {
  /** Modified time, ms (see the module comment for what `id` adds). */
  ts: number;
  /** Highest hs_object_id read at `ts`; '' = none at `ts` yet. */
  id: string;
}

export interface SearchFilter {
  propertyName: string;
  operator: 'EQ' | 'GT' | 'GTE';
  value: string;
}

export interface SearchRequest {
  filterGroups: Array<{ filters: SearchFilter[] }>;
  /** One sort, ascending (HubSpot allows one). */
  sort: string;
  properties: string[];
  limit: number;
}

export interface SearchRecord {
  id: string;
  properties: Record<string, string | null>;
  updatedAt?: string;
}

export interface SearchResponse {
  total: number;
  results: SearchRecord[];
}

/** The port: one search call (hubspot-search-api.ts), rate-limited by its implementation. */
export type SearchFn = (request: SearchRequest) => Promise<SearchResponse>;

export interface HubSpotSearchPollOptions {
  search: SearchFn;
  /** `lastmodifieddate` for contacts, `hs_lastmodifieddate` for other objects. */
  modifiedProperty: string;
  properties: string[];
  /** How long a write may take to show in search, ms: the overlap. */
  lagMs: number;
  /** ms */
  now: number;
  /** ≤ 200 */
  pageSize?: number;
  /** Stop after this many search calls (the caller's budget); the cursor says where to go on. */
  maxCalls?: number;
}

export interface HubSpotSearchPollResult {
  records: SearchRecord[];
  /** The position to store: never beyond now − lag. */
  cursor: HubSpotSearchCursor;
  /** Where the read got to (beyond the stored cursor when it read inside the lag window). */
  reached: HubSpotSearchCursor;
  calls: number;
  /** True when the call budget ran out before the end of the changes. */
  more: boolean;
}

export const SEARCH_PAGE_MAX = 200;

export function modifiedPropertyFor(objectType: string): string {
  return objectType === 'contacts' ? 'lastmodifieddate' : 'hs_lastmodifieddate';
}

export function modifiedAt(record: SearchRecord, property: string): number {
  const raw = record.properties[property] ?? record.updatedAt ?? null;
  if (raw === null) return 0;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isFinite(ms) ? ms : 0;
}

/** The cursor clamped to what the index lag lets us claim as complete. */
export function settledCursor(reached: HubSpotSearchCursor, settledAt: number): HubSpotSearchCursor {
  const safe = reached.id === '' ? reached.ts <= settledAt + 1 : reached.ts <= settledAt;
  return safe ? reached : { ts: settledAt + 1, id: '' };
}

/** Reads every change since `start` (within the call budget) and returns the cursor to store. */
export async function pollHubSpotSearch(
  start: HubSpotSearchCursor,
  options: HubSpotSearchPollOptions,
): Promise<HubSpotSearchPollResult> {
  const pageSize = Math.max(1, Math.min(options.pageSize ?? SEARCH_PAGE_MAX, SEARCH_PAGE_MAX));
  const maxCalls = options.maxCalls ?? Number.POSITIVE_INFINITY;
  const modified = options.modifiedProperty;
  const properties = [...new Set([...options.properties, modified, 'hs_object_id'])];
  let cursor: HubSpotSearchCursor = { ...start };
  const records: SearchRecord[] = [];
  let calls = 0;
  const finish = (more: boolean): HubSpotSearchPollResult => ({
    records,
    cursor: settledCursor(cursor, options.now - options.lagMs),
    reached: cursor,
    calls,
    more,
  });

  while (calls < maxCalls) {
    if (cursor.id !== '') {
      // Drain one instant by id: no `after`, so no 10,000 cap.
      const page = await options.search({
        filterGroups: [
          {
            filters: [
              { propertyName: modified, operator: 'EQ', value: String(cursor.ts) },
              { propertyName: 'hs_object_id', operator: 'GT', value: cursor.id },
            ],
          },
        ],
        sort: 'hs_object_id',
        properties,
        limit: pageSize,
      });
      calls++;
      records.push(...page.results);
      const last = page.results.at(-1);
      cursor =
        page.results.length < pageSize || !last
          ? { ts: cursor.ts + 1, id: '' }
          : { ts: cursor.ts, id: last.id };
      continue;
    }
    const page = await options.search({
      filterGroups: [{ filters: [{ propertyName: modified, operator: 'GTE', value: String(cursor.ts) }] }],
      sort: modified,
      properties,
      limit: pageSize,
    });
    calls++;
    const last = page.results.at(-1);
    if (!last) return finish(false);
    const lastTs = modifiedAt(last, modified);
    if (page.results.length < pageSize) {
      // The whole rest is in this page.
      records.push(...page.results);
      cursor = { ts: lastTs + 1, id: '' };
      return finish(false);
    }
    // Everything strictly before the page's last instant is complete; that instant is drained by id.
    for (const record of page.results) if (modifiedAt(record, modified) < lastTs) records.push(record);
    cursor = { ts: lastTs, id: '0' };
  }
  return finish(true);
}

export function encodeSearchCursor(cursor: HubSpotSearchCursor): string {
  return JSON.stringify(cursor);
}

export function decodeSearchCursor(value: string | null, initialTs: number): HubSpotSearchCursor {
  if (value === null) return { ts: initialTs, id: '' };
  try {
    const parsed = JSON.parse(value) as Partial<HubSpotSearchCursor>;
    if (typeof parsed.ts === 'number' && typeof parsed.id === 'string')
      return { ts: parsed.ts, id: parsed.id };
  } catch {
    // fall through: an unreadable cursor restarts from the initial position (overlap, not a skip)
  }
  return { ts: initialTs, id: '' };
}
