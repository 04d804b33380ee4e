/**
 * Polling a destination list API ordered by (updatedAt, id) with an inclusive `updatedAfter`
 * filter and opaque keyset page cursors (Relay `endCursor`, REST `nextCursor`).
 *
 * The stored cursor keeps the position after the last record read. The list is ordered by
 * (updatedAt, id), so a later change always sorts after that position and the next poll reads
 * just it — 25,000 records sharing one timestamp are read once, never looped, never skipped.
 * Where the API gives no position at the end of the list (REST `nextCursor: null`), the cursor
 * keeps the position the last page was read from: the next poll re-reads at most that one page
 * (a bounded overlap the intake's dedupe drops) instead of the whole instant.
 */
import type { ChangePage, DestinationClient, DestinationRecord } from '../outbound/destination.ts';
import { DeliveryError } from '../outbound/errors.ts';

export interface ConnectionCursor {
  /** Inclusive lower bound on updatedAt (ISO), or null for "from the beginning". */
  since: string | null;
  /** Opaque position to continue from, when the API gave one. */
  after: string | null;
  /** updatedAt (ISO) of the newest record read: the restart point if a cursor is refused. */
  lastSeen: string | null;
}

export interface ConnectionPollOptions {
  list: DestinationClient['listChanged'];
  pageSize?: number;
  maxCalls?: number;
}

export interface ConnectionPollResult {
  records: DestinationRecord[];
  cursor: ConnectionCursor;
  calls: number;
  more: boolean;
}

export function emptyConnectionCursor(since: string | null = null): ConnectionCursor {
  return { since, after: null, lastSeen: null };
}

function iso(record: DestinationRecord): string | null {
  return record.updatedAt === undefined ? null : new Date(record.updatedAt).toISOString();
}

export async function pollConnection(
  start: ConnectionCursor,
  options: ConnectionPollOptions,
): Promise<ConnectionPollResult> {
  const limit = Math.min(options.pageSize ?? 100, 100);
  const maxCalls = options.maxCalls ?? Number.POSITIVE_INFINITY;
  let cursor: ConnectionCursor = { ...start };
  const records: DestinationRecord[] = [];
  let calls = 0;
  let refused = false;
  while (calls < maxCalls) {
    let page: ChangePage;
    try {
      page = await options.list({
        ...(cursor.since ? { updatedAfter: cursor.since } : {}),
        ...(cursor.after ? { cursor: cursor.after } : {}),
        limit,
      });
    } catch (error) {
      calls++;
      // An expired or foreign cursor: restart from the newest time seen (overlap, never a skip).
      const badCursor =
        error instanceof DeliveryError && !error.retryable && error.status >= 400 && error.status < 500;
      if (!badCursor || cursor.after === null || refused) throw error;
      refused = true;
      cursor = { since: cursor.lastSeen ?? cursor.since, after: null, lastSeen: cursor.lastSeen };
      continue;
    }
    calls++;
    records.push(...page.records);
    const last = page.records.at(-1);
    const lastSeen = last ? (iso(last) ?? cursor.lastSeen) : cursor.lastSeen;
    if (page.next) {
      cursor = { since: cursor.since, after: page.next, lastSeen };
      continue;
    }
    // End of the list: continue after its last record when the API says where that is; otherwise
    // keep the position this page was read from (re-read one page, not the whole instant).
    if (page.end) cursor = { since: cursor.since, after: page.end, lastSeen };
    else if (cursor.after === null && last) cursor = { since: cursor.since, after: null, lastSeen };
    else cursor = { ...cursor, lastSeen };
    return { records, cursor, calls, more: false };
  }
  return { records, cursor, calls, more: true };
}

export function encodeConnectionCursor(cursor: ConnectionCursor): string {
  return JSON.stringify(cursor);
}

export function decodeConnectionCursor(value: string | null, since: string | null = null): ConnectionCursor {
  if (value === null) return emptyConnectionCursor(since);
  try {
    const parsed = JSON.parse(value) as Partial<ConnectionCursor> & { updatedAfter?: string };
    return {
      since: typeof parsed.since === 'string' ? parsed.since : (parsed.updatedAfter ?? since),
      after: typeof parsed.after === 'string' ? parsed.after : null,
      lastSeen: typeof parsed.lastSeen === 'string' ? parsed.lastSeen : null,
    };
  } catch {
    return emptyConnectionCursor(since);
  }
}
