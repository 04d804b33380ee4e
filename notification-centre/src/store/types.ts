/** The Notification Centre's storage port. Adapters: in-memory (tests, quick local runs) and DynamoDB. */
import type {
  ClientRecord,
  IntegrationRecord,
  IntegrationState,
  MinuteBucket,
  MinuteDelta,
  TraceSummary,
} from '../types.ts';

export interface NcStore {
  putClient(client: ClientRecord): Promise<void>;
  getClient(slug: string): Promise<ClientRecord | null>;
  listClients(): Promise<ClientRecord[]>;

  putIntegration(integration: IntegrationRecord): Promise<void>;
  getIntegration(id: string): Promise<IntegrationRecord | null>;
  listIntegrations(): Promise<IntegrationRecord[]>;

  getState(id: string): Promise<IntegrationState | null>;
  /**
   * Writes the state if its stored version is still `expectedVersion` (null: it must not exist yet), storing
   * `state.version` = expectedVersion + 1. Throws `StateConflictError` otherwise.
   */
  putState(state: IntegrationState, expectedVersion: number | null): Promise<void>;

  /**
   * Adds counts to one minute's bucket (atomic increments: concurrent heartbeats don't lose counts). With a
   * `beatId` the add happens once per id and bucket, however often it is repeated.
   */
  addToMinute(id: string, minute: number, delta: MinuteDelta, beatId?: string): Promise<void>;
  /** Buckets with `minute >= fromMinute`, oldest first. */
  listMinutes(id: string, fromMinute: number): Promise<MinuteBucket[]>;

  /** Files finished record changes for the anatomy view (kept 24 hours). */
  putTraces(id: string, traces: TraceSummary[], now: number): Promise<void>;
  /** The newest `limit` traces, newest first. */
  listTraces(id: string, limit: number, now: number): Promise<TraceSummary[]>;
}

/** How long minute buckets and traces are kept (DynamoDB TTL on AWS; filtered on read everywhere). */
export const MINUTES_KEPT_MS = 2 * 60 * 60 * 1000;
export const TRACES_KEPT_MS = 24 * 60 * 60 * 1000;
