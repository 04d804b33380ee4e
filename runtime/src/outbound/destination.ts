/** The destination port: what the worker needs from any destination API, REST or GraphQL. */

export interface DestinationRecord {
  id: string;
  /** Every field as the API returned it (including the id and natural key). */
  values: Record<string, unknown>;
  /** Last modified, ms, when the API says. */
  updatedAt?: number;
}

export interface WriteOptions {
  /** Sent as Idempotency-Key: the same key replays the first result instead of writing twice. */
  idempotencyKey: string;
}

export interface ChangePage {
  records: DestinationRecord[];
  /** Cursor for the next page while there is one. */
  next: string | null;
  /**
   * Position after the last record of this page even when it is the last page (Relay `endCursor`),
   * so a poller can continue strictly after it; null when the API gives none (REST `nextCursor: null`).
   */
  end: string | null;
}

export interface DestinationClient {
  /** null when the id is unknown (deleted, or it rolled). */
  get(id: string): Promise<DestinationRecord | null>;
  /** The record whose natural key equals `value` (case-insensitive), or null. */
  findByNaturalKey(value: string): Promise<DestinationRecord | null>;
  create(values: Record<string, unknown>, options: WriteOptions): Promise<DestinationRecord>;
  /** null when the id is unknown (deleted, or it rolled). */
  update(
    id: string,
    values: Record<string, unknown>,
    options: WriteOptions,
  ): Promise<DestinationRecord | null>;
  /** false when it was already gone. */
  remove(id: string): Promise<boolean>;
  /** Records changed at or after `updatedAfter` (inclusive), ordered by (updatedAt, id). */
  listChanged(options: { updatedAfter?: string; cursor?: string; limit?: number }): Promise<ChangePage>;
  /** Calls made (every attempt), for reports and benchmarks. */
  readonly calls: number;
}
