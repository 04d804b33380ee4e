import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareIds, decodeCursor, encodeCursor, OrderedIndex, type OrderedRecord } from './ordered-index.ts';

/** Walks the whole index page by page, as a syncing client would. */
function walk(index: OrderedIndex<OrderedRecord>, limit: number, fromMs?: number): string[] {
  const ids: string[] = [];
  let after: { updatedMs: number; id: string } | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const options: Parameters<typeof index.page>[0] = { limit };
    if (fromMs !== undefined) options.fromMs = fromMs;
    if (after !== undefined) options.after = after;
    const page = index.page(options);
    ids.push(...page.items.map((item) => item.id));
    const last = page.items.at(-1);
    if (!page.hasMore || !last) break;
    after = decodeCursor(encodeCursor(last));
  }
  return ids;
}

describe('OrderedIndex keyset paging', () => {
  it('visits every record exactly once, in (updatedAt, id) order, whatever the ties and page size', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 5_000 }), { maxLength: 300 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 300, maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        (numbers, times, limit) => {
          const records = numbers.map((n, i) => ({ id: `r_${n}`, updatedMs: 1_000 + (times[i] ?? 0) }));
          const index = new OrderedIndex(() => records);
          const expected = [...records]
            .sort((a, b) => a.updatedMs - b.updatedMs || compareIds(a.id, b.id))
            .map((r) => r.id);
          expect(walk(index, limit)).toEqual(expected);
          expect(walk(index, limit, 1_002)).toEqual(
            expected.filter((id) => (records.find((r) => r.id === id)?.updatedMs ?? 0) >= 1_002),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('orders ids of one prefix numerically', () => {
    expect(['job_10', 'job_9', 'job_100'].sort(compareIds)).toEqual(['job_9', 'job_10', 'job_100']);
  });

  it('rejects cursors it did not issue', () => {
    expect(decodeCursor('not-a-cursor')).toBeUndefined();
    expect(decodeCursor(Buffer.from('[1,2]').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(encodeCursor({ updatedMs: 5, id: 'a' }))).toEqual({ updatedMs: 5, id: 'a' });
  });
});
