/**
 * The monitor's vocabulary and the heartbeat wire format: what an integration tells the Notification Centre.
 * Only ids, counts, outcomes, reasons and timings ever appear here — never record contents or secrets.
 * The Notification Centre validates the same shape independently (it must not trust, or import, the runtime).
 */

/** The seven stages of the product's anatomy view, in order. */
export const STAGES = [
  'trigger',
  'receive',
  'verify',
  'transform',
  'idempotency',
  'deliver',
  'observe',
] as const;
export type Stage = (typeof STAGES)[number];

/** Counters may also name the plumbing between stages. */
export const COUNTER_STAGES = [...STAGES, 'queue', 'hydrate', 'poll', 'replay', 'ops'] as const;
export type CounterStage = (typeof COUNTER_STAGES)[number];

/** What happened to a request or record change at a stage. */
export const OUTCOMES = [
  'received',
  'verified',
  'delivered',
  'echo-dropped',
  'duplicate-ignored',
  'skipped-unchanged',
  'retried',
  'dead-lettered',
  'quarantined',
  'unauthorised',
  'rejected',
  'failed',
  'replayed',
  'dry-run',
  'paused',
  /** Edits on both sides inside the conflict window, per field (policies.conflicts). */
  'conflict',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Outcomes that end a record change's journey: they count as an "event" and set the last event time. */
export const TERMINAL_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>([
  'delivered',
  'echo-dropped',
  'duplicate-ignored',
  'skipped-unchanged',
  'dead-lettered',
  'quarantined',
  'dry-run',
]);

/** Outcomes that count as errors on the dashboard's errors-per-minute plot. */
export const ERROR_OUTCOMES: ReadonlySet<Outcome> = new Set<Outcome>([
  'dead-lettered',
  'quarantined',
  'unauthorised',
  'rejected',
  'failed',
]);

/** How a record change ended, as the anatomy view shows it. */
export type TraceOutcome =
  | 'landed'
  /**
   * Landed, then overwritten by a newer change (by source time) before anyone could rely on it: the worker
   * re-sends the change's summary (same traceId and startedAt) with this outcome, and the centre replaces the
   * `landed` it showed (issue #11: never show "landed" for a change that was later overwritten).
   */
  | 'superseded'
  | 'echo-dropped'
  | 'duplicate-ignored'
  | 'skipped-unchanged'
  | 'retried'
  | 'dead-lettered'
  | 'quarantined'
  | 'unauthorised'
  | 'failed';

export type Direction = 'hubspot-to-destination' | 'destination-to-hubspot';

/** One stage of one record change: when it started (ms epoch), how long it took, how it went. */
export interface TraceStage {
  stage: Stage;
  startedAt: number;
  durationMs: number;
  status: 'ok' | 'skipped' | 'failed';
  /** A short machine-readable note such as `echo-hash-match` or `http-429`; never record contents. */
  note?: string;
}

/** A record change's path through the seven stages (ids and timings only). */
export interface TraceSummary {
  traceId: string;
  direction?: Direction;
  objectType?: string;
  recordId?: string;
  startedAt: number;
  outcome: TraceOutcome;
  stages: TraceStage[];
}

/** A failure, as the recent-failures ring keeps it. `kind` is a stable code, `reason` a short sentence. */
export interface FailureSummary {
  at: number;
  traceId?: string;
  recordId?: string;
  stage: CounterStage;
  kind: string;
  reason: string;
}

/** Counts since the previous heartbeat (deltas, so a lost heartbeat's counts are re-sent with the next). */
export interface CounterDelta {
  /** `"{stage}.{outcome}"` → count, e.g. `"deliver.delivered": 12`. */
  counters: Record<string, number>;
  /** Error kind → count, e.g. `"http-429": 3`, `"unauthorised": 40`. */
  errorsByKind: Record<string, number>;
  traces: TraceSummary[];
  failures: FailureSummary[];
  lastEventAt: number | null;
}

/** A dependency check's result: table reachable, queue depth, oldest dead letter age… */
export interface CheckResult {
  name: string;
  ok: boolean;
  /** A number the check measured (queue depth, age in ms); absent when the check only answers ok/not ok. */
  value?: number;
  reason?: string;
  durationMs: number;
}

export interface DeadLetterSummary {
  id: string;
  kind: string;
  reason: string;
  failedAt: number;
  attempts: number;
  recordId?: string;
}

export interface DeadLetterReport {
  count: number;
  oldestAgeMs: number | null;
  /** The newest few (at most 20), ids and reasons only — never the envelope. */
  recent: DeadLetterSummary[];
}

export interface CommandResult {
  id: string;
  status: 'done' | 'failed';
  /** e.g. how many dead letters were replayed. */
  count?: number;
  reason?: string;
}

/** The JSON body of `POST {notificationCentre}/api/heartbeats`. */
export interface HeartbeatPayload {
  v: 1;
  /**
   * Names this beat's counts. A beat whose answer was lost is re-sent with the same id, and the centre files
   * an id once, so its counts are never added twice.
   */
  beatId: string;
  integrationId: string;
  clientSlug: string;
  sentAt: number;
  intervalSeconds: number;
  counters: Record<string, number>;
  errorsByKind: Record<string, number>;
  lastEventAt: number | null;
  checks: CheckResult[];
  deadLetters: DeadLetterReport | null;
  failures: FailureSummary[];
  traces: TraceSummary[];
  commandResults: CommandResult[];
}

/** A beat that was drained but not confirmed, kept to be re-sent with its own id (see `CounterSource`). */
export interface UnsentBeat {
  beatId: string;
  delta: CounterDelta;
}

/** The JSON body of `POST {notificationCentre}/api/events`: finished record changes, sent as they finish. */
export interface EventsPayload {
  v: 1;
  integrationId: string;
  traces: TraceSummary[];
}

/** A command the Notification Centre asks the integration to run, carried on the heartbeat response. */
export interface PendingCommand {
  id: string;
  type: 'replay';
  /** Dead-letter ids to replay; absent means all of them. */
  deadLetterIds?: string[];
  requestedAt: number;
}

/** The JSON answer to a heartbeat. Commands repeat on every answer until their results are reported. */
export interface HeartbeatResponse {
  ok: true;
  status: string;
  commands: PendingCommand[];
}
