// Every write a simulator applied, field by field: who made it, and each field's value before and after — so a
// test or benchmark can tell from the outside world's own log which writes changed nothing or set a value no one made.

/** One applied write (an API request's effect on one record, or a person's edit in the UI). */
export interface WriteLogEntry {
  /** 1, 2, … in the order the writes were applied. */
  seq: number;
  /** The simulator's clock (its clock offset included), ISO. */
  at: string;
  /** `api` (an integration, with `appId` on HubSpot) or `ui` (a person, i.e. the admin API). */
  by: 'api' | 'ui';
  appId?: number;
  operation: 'create' | 'update' | 'delete';
  /** Object type where the simulator has several (HubSpot: contacts, companies, deals). */
  objectType?: string;
  recordId: string;
  /** The record's natural key when it has one (email, job reference), after the write. */
  key?: string;
  /** Fields whose stored value the write changed: before → after (null = empty). Empty for a no-op write. */
  changed: Record<string, { before: string | null; after: string | null }>;
  /** Field names the write carried, changed or not. */
  written: string[];
}

/** A bounded, ordered log of applied writes (oldest dropped past `limit`). */
export class WriteLog {
  #entries: WriteLogEntry[] = [];
  #seq = 0;

  constructor(readonly limit = 200_000) {}

  record(entry: Omit<WriteLogEntry, 'seq'>): void {
    this.#entries.push({ seq: ++this.#seq, ...entry });
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
  }

  /** Entries after `sinceSeq` (default all kept), oldest first. */
  list(sinceSeq = 0): WriteLogEntry[] {
    return this.#entries.filter((e) => e.seq > sinceSeq);
  }

  clear(): void {
    this.#entries = [];
  }
}

/** Field-by-field difference of two flat records (values compared as strings; null/undefined/"" = empty). */
export function changedFields(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown> | undefined,
  fields: readonly string[],
): WriteLogEntry['changed'] {
  const out: WriteLogEntry['changed'] = {};
  const text = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));
  for (const field of fields) {
    const b = text(before?.[field]);
    const a = text(after?.[field]);
    if (b !== a) out[field] = { before: b, after: a };
  }
  return out;
}

/** A simulator clock: `base` (default Date.now) shifted by `offsetMs`, as a system whose clock runs ahead or behind. */
export function offsetClock(base: (() => number) | undefined, offsetMs: number | undefined): () => number {
  const clock = base ?? Date.now;
  if (offsetMs === undefined || offsetMs === 0) return clock;
  if (!Number.isFinite(offsetMs))
    throw new Error(`clockOffsetMs must be a finite number of ms, got ${offsetMs}`);
  return () => clock() + offsetMs;
}
