// Keyset paging ordered by (updatedAt, id): stable under ties, writes and deletes — no skipped or repeated rows.

export interface OrderedRecord {
  id: string;
  /** updatedAt in epoch ms. */
  updatedMs: number;
}

export interface KeysetPosition {
  updatedMs: number;
  id: string;
}

/** Orders ids numerically when they share a prefix (`job_9` < `job_10`), then lexically. */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareKeys(a: KeysetPosition, b: KeysetPosition): number {
  return a.updatedMs - b.updatedMs || compareIds(a.id, b.id);
}

/** Opaque cursor text for a position (base64url JSON). */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([position.updatedMs, position.id])).toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`; undefined when it is not one. */
export function decodeCursor(cursor: string): KeysetPosition | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'number' &&
      typeof value[1] === 'string'
    ) {
      return { updatedMs: value[0], id: value[1] };
    }
  } catch {
    // fall through: not a cursor we issued
  }
  return undefined;
}

/**
 * A sorted view over a record map, rebuilt lazily after writes, so paging 25,000 rows costs one sort
 * per burst of writes instead of one per page.
 */
export class OrderedIndex<T extends OrderedRecord> {
  #source: () => Iterable<T>;
  #sorted: T[] | undefined;

  constructor(source: () => Iterable<T>) {
    this.#source = source;
  }

  /** Call after any create, update or delete. */
  invalidate(): void {
    this.#sorted = undefined;
  }

  sorted(): readonly T[] {
    this.#sorted ??= [...this.#source()].sort(compareKeys);
    return this.#sorted;
  }

  /**
   * Records with updatedMs ≥ `fromMs` (inclusive) and strictly after `after`, at most `limit`.
   * `total` counts every record ≥ `fromMs`, ignoring `after`.
   */
  page(options: { fromMs?: number; after?: KeysetPosition; limit: number }): {
    items: T[];
    hasMore: boolean;
    total: number;
  } {
    const rows = this.sorted();
    const fromIndex =
      options.fromMs === undefined ? 0 : lowerBound(rows, (row) => row.updatedMs >= (options.fromMs ?? 0));
    const after = options.after;
    const afterIndex = after === undefined ? 0 : lowerBound(rows, (row) => compareKeys(row, after) > 0);
    const start = Math.max(fromIndex, afterIndex);
    const items = rows.slice(start, start + options.limit);
    return { items, hasMore: start + options.limit < rows.length, total: rows.length - fromIndex };
  }
}

/** First index where `isAtOrPast` turns true (it must be monotone over `rows`). */
function lowerBound<T>(rows: readonly T[], isAtOrPast: (row: T) => boolean): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (isAtOrPast(rows[mid] as T)) high = mid;
    else low = mid + 1;
  }
  return low;
}
