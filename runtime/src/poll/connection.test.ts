import { describe, expect, it } from 'vitest';
import type { ChangePage, DestinationRecord } from '../outbound/destination.ts';
import { type ConnectionCursor, emptyConnectionCursor, pollConnection } from './connection.ts';

/** A keyset-paged list ordered by (updatedAt, id); `withEnd` says whether the API returns a position at the end. */
function fakeList(rows: DestinationRecord[], withEnd: boolean) {
  let calls = 0;
  const key = (r: DestinationRecord) => `${String(r.updatedAt).padStart(15, '0')}|${r.id}`;
  const list = async (options: {
    updatedAfter?: string;
    cursor?: string;
    limit?: number;
  }): Promise<ChangePage> => {
    calls++;
    const from = options.updatedAfter ? Date.parse(options.updatedAfter) : 0;
    const sorted = rows.filter((r) => (r.updatedAt ?? 0) >= from).sort((a, b) => (key(a) < key(b) ? -1 : 1));
    const after = options.cursor;
    const rest = after ? sorted.filter((r) => key(r) > after) : sorted;
    const page = rest.slice(0, options.limit ?? 100);
    const last = page.at(-1);
    const hasMore = rest.length > page.length;
    const end = last ? key(last) : null;
    return {
      records: page,
      next: hasMore ? end : null,
      end: withEnd ? (end ?? options.cursor ?? null) : hasMore ? end : null,
    };
  };
  return {
    list,
    get calls() {
      return calls;
    },
  };
}

const rec = (id: string, updatedAt: number): DestinationRecord => ({
  id,
  values: { id, updatedAt: new Date(updatedAt).toISOString() },
  updatedAt,
});

describe('pollConnection', () => {
  it('continues strictly after the last record when the API gives an end position (Relay)', async () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => rec(`a${String(i).padStart(5, '0')}`, 5_000));
    const api = fakeList(rows, true);
    const first = await pollConnection(emptyConnectionCursor(), { list: api.list });
    expect(first.records).toHaveLength(2_500);
    expect(first.calls).toBe(25);
    const second = await pollConnection(first.cursor, { list: api.list });
    expect(second.records).toHaveLength(0);
    expect(second.calls).toBe(1);
    rows.push(rec('b1', 5_000), rec('a00001', 6_000));
    const third = await pollConnection(second.cursor, { list: api.list });
    expect(third.records.map((r) => r.id)).toEqual(['b1', 'a00001']);
  });

  it('re-reads at most one page when the API gives no position at the end (REST)', async () => {
    const rows = Array.from({ length: 2_550 }, (_, i) => rec(`a${String(i).padStart(5, '0')}`, 5_000));
    const api = fakeList(rows, false);
    let cursor: ConnectionCursor = emptyConnectionCursor();
    const seen = new Set<string>();
    const first = await pollConnection(cursor, { list: api.list, maxCalls: 10 });
    expect(first.more).toBe(true);
    for (const r of first.records) seen.add(r.id);
    cursor = first.cursor;
    const second = await pollConnection(cursor, { list: api.list });
    for (const r of second.records) seen.add(r.id);
    expect(seen.size).toBe(2_550);
    const third = await pollConnection(second.cursor, { list: api.list });
    expect(third.records.length).toBeLessThanOrEqual(100);
    expect(third.calls).toBe(1);
  });

  it('restarts from the newest time seen when the API refuses a stored cursor', async () => {
    const { DeliveryError } = await import('../outbound/errors.ts');
    let refused = 0;
    const list = async (options: { cursor?: string; updatedAfter?: string }): Promise<ChangePage> => {
      if (options.cursor) {
        refused++;
        throw new DeliveryError('destination', 'bad cursor', { status: 422, retryable: false });
      }
      expect(options.updatedAfter).toBe(new Date(9_000).toISOString());
      return { records: [rec('x', 9_000)], next: null, end: 'pos-x' };
    };
    const result = await pollConnection(
      { since: null, after: 'stale', lastSeen: new Date(9_000).toISOString() },
      { list },
    );
    expect(refused).toBe(1);
    expect(result.records.map((r) => r.id)).toEqual(['x']);
    expect(result.cursor.after).toBe('pos-x');
  });
});
