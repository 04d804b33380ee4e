/** The worker's dependencies (all injected) and what it reports. */
import type { ConnectorDocument } from '../connector/types.ts';
import type { FieldError } from '../formulas/index.ts';
import type { MappingStore, SyncEntity, System } from '../mapping-store/types.ts';
import type { IntegrationLogger } from '../monitor/logger.ts';
import type { DestinationClient } from '../outbound/destination.ts';
import type { HubSpotClient } from '../outbound/hubspot-client.ts';
import type { Clock, DeadLetterQueue, WorkQueue } from '../queue/types.ts';
import type { Flow, IntegrationSpec, Mapping } from '../spec/types.ts';
import type { CrashHook } from './crash.ts';

export type WriteValues = Record<string, string | number | boolean | null>;

export interface HookContext {
  spec: IntegrationSpec;
  kongoId: string;
  /** The source record (hydrated) the values were computed from. */
  source: Record<string, unknown>;
  operation: 'create' | 'update';
}

/**
 * Hand-written extension points the generator wires (default: pass through). Return the values to
 * write — changed or not — or null to skip this write (reported as `skipped-by-hook`).
 */
export interface RuntimeHooks {
  beforeWriteToDestination?(
    values: WriteValues,
    context: HookContext,
  ): WriteValues | null | Promise<WriteValues | null>;
  beforeWriteToHubSpot?(
    values: WriteValues,
    context: HookContext,
  ): WriteValues | null | Promise<WriteValues | null>;
}

/** Generated code may pass the mappings as builder-made data instead of reading them from the spec. */
export type MappingsOverride = Partial<Record<Flow['direction'], Mapping[]>>;

export interface WorkerOptions {
  /** Everything runs, nothing is written; would-be writes are reported. Read per message. */
  dryRun?: boolean | (() => Promise<boolean>);
  /** Echo window, ms: overrides the spec's `policies.echoWindowSeconds` (convergence/rules.ts). */
  echoWindowMs?: number;
  /** How long a record's lease lasts if its holder dies, ms (released at once otherwise). */
  leaseMs?: number;
  /** Delay before a record another worker is busy with is looked at again, ms. */
  busyDelayMs?: number;
  /** Deliveries of one queue message before its failed records go to the dead-letter queue. */
  maxReceives?: number;
  /** Delay before a message with retryable failures is received again, ms. */
  retryDelayMs?: number;
  /** Delay before a paused integration's message is looked at again, ms. */
  pausedDelayMs?: number;
  /** Destination writes in flight at once within one batch (the port has no batch write). Default 8. */
  destinationConcurrency?: number;
  newKongoId?: () => string;
  crash?: CrashHook;
}

export interface WorkerDeps {
  spec: IntegrationSpec;
  /** The destination's connector (webhook bodies, poll records); default: the spec's legacy entry. */
  connector?: ConnectorDocument;
  mappings?: MappingsOverride;
  store: MappingStore;
  queue: WorkQueue;
  deadLetters: DeadLetterQueue;
  hubspot: HubSpotClient;
  destination: DestinationClient;
  hooks?: RuntimeHooks;
  logger: IntegrationLogger;
  clock: Clock;
  /** True while the integration is paused (ops/pause.ts). */
  isPaused?: () => Promise<boolean>;
  options?: WorkerOptions;
}

export type RecordOutcome =
  | 'delivered'
  | 'echo-dropped'
  | 'duplicate-ignored'
  | 'skipped-unchanged'
  | 'stale'
  | 'dry-run'
  | 'gone'
  | 'no-flow'
  | 'skipped-by-hook'
  | 'retry'
  | 'dead-lettered'
  | 'flagged'
  | 'deleted'
  | 'ignored'
  | 'merged'
  | 'restored'
  | 'purged'
  | 'conflict';

export type { FieldVerdict } from '../convergence/rules.ts';

export interface RecordReport {
  source: System;
  objectId: string;
  kongoId?: string;
  outcome: RecordOutcome;
  /** Mappings that could not be computed (e.g. ENUM_UNMAPPED): those fields were left unwritten. */
  fieldErrors: FieldError[];
  /** Dry run: what would have been written. */
  wouldWrite?: { side: System; operation: 'create' | 'update'; values: WriteValues };
  reason?: string;
  traceId: string;
}

export interface BatchOutcome {
  /**
   * Messages left on the queue (retried later or paused): the SQS Lambda adapter reports them as
   * batch item failures so Lambda does not delete them.
   */
  failedMessageIds: string[];
  messages: number;
  acked: number;
  retried: number;
  paused: number;
  quarantined: number;
  events: number;
  duplicates: number;
  records: RecordReport[];
}

export type { SyncEntity };
