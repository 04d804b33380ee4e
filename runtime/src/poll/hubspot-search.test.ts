import { describe, expect, it } from 'vitest';
import {
  type HubSpotSearchCursor,
  pollHubSpotSearch,
  type SearchRecord,
  type SearchRequest,
  type SearchResponse,
} from './hubspot-search.ts';

/** An in-memory search with HubSpot's rules: one sort, ≤ 200 a page, no `after` used, index lag. */
function fakeIndex() {
  const rows: Array<{ id: number; modified: number; visibleAt: number }> = [];
  let calls = 0;
  const search = async (request: SearchRequest, now: number): Promise<SearchResponse> => {
    calls++;
    expect(request.limit).toBeLessThanOrEqual(200);
    const filters = request.filterGroups[0]?.filters ?? [];
    const hits = rows.filter((row) => {
      if (row.visibleAt > now) return false;
      return filters.every((f) => {
        const left = f.propertyName === 'hs_object_id' ? row.id : row.modified;
        const right = Number(f.value);
        return f.operator === 'EQ' ? left === right : f.operator === 'GT' ? left > right : left >= right;
      });
    });
    hits.sort((a, b) =>
      request.sort === 'hs_object_id' ? a.id - b.id : a.modified - b.modified || b.id - a.id,
    );
    const results: SearchRecord[] = hits.slice(0, request.limit).map((row) => ({
      id: String(row.id),
      properties: { lastmodifieddate: new Date(row.modified).toISOString(), hs_object_id: String(row.id) },
    }));
    return { total: hits.length, results };
  };
  return {
    rows,
    get calls() {
      return calls;
    },
    search,
  };
}

const base = { modifiedProperty: 'lastmodifieddate', properties: ['email'] };

describe('pollHubSpotSearch', () => {
  it('reads 25,000 records sharing one millisecond exactly once, in a bounded number of calls', async () => {
    const index = fakeIndex();
    const T = 1_700_000_000_000;
    for (let i = 1; i <= 25_000; i++) index.rows.push({ id: 1000 + i, modified: T, visibleAt: 0 });
    for (let i = 1; i <= 150; i++) index.rows.push({ id: 90_000 + i, modified: T + i, visibleAt: 0 });
    const seen = new Map<string, number>();
    let cursor: HubSpotSearchCursor = { ts: T - 1000, id: '' };
    let polls = 0;
    for (;;) {
      polls++;
      const now = T + 10 * 60_000;
      const result = await pollHubSpotSearch(cursor, {
        ...base,
        search: (r) => index.search(r, now),
        lagMs: 60_000,
        now,
        maxCalls: 40,
      });
      for (const r of result.records) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
      cursor = result.cursor;
      if (!result.more) break;
      expect(polls).toBeLessThan(10);
    }
    expect(seen.size).toBe(25_150);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // 1 advance + 126 drain pages of the instant + the tail (1 page) + the empty end.
    expect(index.calls).toBeLessThanOrEqual(130);
    // Nothing new: the next poll costs one call and reads nothing.
    const now = T + 11 * 60_000;
    const again = await pollHubSpotSearch(cursor, {
      ...base,
      search: (r) => index.search(r, now),
      lagMs: 60_000,
      now,
    });
    expect(again.records).toEqual([]);
    expect(again.calls).toBe(1);
  });

  it('never claims past now − lag, so a record that surfaces late in the index is still read', async () => {
    const index = fakeIndex();
    const T = 1_700_000_000_000;
    index.rows.push({ id: 1, modified: T, visibleAt: T });
    // Written at T + 100 but only visible in search 5 s later.
    index.rows.push({ id: 2, modified: T + 100, visibleAt: T + 5_100 });
    index.rows.push({ id: 3, modified: T + 200, visibleAt: T + 200 });
    const first = await pollHubSpotSearch(
      { ts: T - 1, id: '' },
      { ...base, search: (r) => index.search(r, T + 1_000), lagMs: 10_000, now: T + 1_000 },
    );
    expect(first.records.map((r) => r.id)).toEqual(['1', '3']);
    expect(first.cursor.ts).toBeLessThanOrEqual(T - 9_000 + 1);
    const second = await pollHubSpotSearch(first.cursor, {
      ...base,
      search: (r) => index.search(r, T + 20_000),
      lagMs: 10_000,
      now: T + 20_000,
    });
    expect(second.records.map((r) => r.id).sort()).toEqual(['1', '2', '3']);
    expect(second.cursor).toEqual({ ts: T + 201, id: '' });
  });

  it('stops on its call budget mid-instant and goes on from there', async () => {
    const index = fakeIndex();
    const T = 1_000_000;
    for (let i = 1; i <= 1_000; i++) index.rows.push({ id: i, modified: T, visibleAt: 0 });
    const options = {
      ...base,
      search: (r: SearchRequest) => index.search(r, T + 100_000),
      lagMs: 0,
      now: T + 100_000,
    };
    const first = await pollHubSpotSearch({ ts: 0, id: '' }, { ...options, pageSize: 100, maxCalls: 4 });
    expect(first.more).toBe(true);
    expect(first.cursor).toEqual({ ts: T, id: '300' });
    expect(first.records).toHaveLength(300);
    const rest = await pollHubSpotSearch(first.cursor, { ...options, pageSize: 100 });
    expect(rest.records.map((r) => Number(r.id))).toEqual(Array.from({ length: 700 }, (_, i) => 301 + i));
  });
});
