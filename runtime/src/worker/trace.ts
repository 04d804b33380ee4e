/**
 * One trace per record change through the seven stages of the anatomy view — trigger, delivery (`receive`),
 * security (`verify`), transform, idempotency, delivery (`deliver`), observability (`observe`) — with real
 * timings: wall-clock start times from the worker's clock, durations from the high-resolution timer.
 * Only ids, timings, outcomes and short codes are recorded; never a value of the record.
 */
import type { Clock, IntegrationLogger, TraceRecorder } from '../monitor/logger.ts';
import { safeId } from '../monitor/redact.ts';
import type { Stage, TraceOutcome, TraceStage } from '../monitor/types.ts';
import type { ReceivedMessage } from '../queue/types.ts';
import { VERIFY_MS_HEADER } from '../webhook/handler.ts';
import type { RecordOutcome } from './types.ts';

/** A measured stretch of time: when it started (clock ms) and how long it took (hi-res ms). */
export interface Span {
  startedAt: number;
  durationMs: number;
}

/** Starts timing now; call the result to get the span. */
export function startSpan(clock: Clock): () => Span {
  const startedAt = clock.now();
  const t0 = performance.now();
  return () => ({ startedAt, durationMs: round(performance.now() - t0) });
}

function round(ms: number): number {
  return Math.max(0, Math.round(ms * 100) / 100);
}

/** How a worker outcome reads on the anatomy view (the centre's fixed outcome vocabulary), and why. */
export function traceOutcomeOf(outcome: RecordOutcome): { outcome: TraceOutcome; note?: string } {
  switch (outcome) {
    case 'delivered':
    case 'deleted':
    case 'merged':
    case 'restored':
    case 'purged':
      return { outcome: 'landed', ...(outcome === 'delivered' ? {} : { note: outcome }) };
    case 'echo-dropped':
      return { outcome: 'echo-dropped' };
    case 'duplicate-ignored':
      return { outcome: 'duplicate-ignored' };
    case 'skipped-unchanged':
      return { outcome: 'skipped-unchanged', note: 'unchanged-since-last-write' };
    case 'stale':
      // The rule found a newer value for every field this change carried: it was overwritten.
      return { outcome: 'superseded', note: 'older-than-applied' };
    case 'dry-run':
    case 'gone':
    case 'no-flow':
    case 'skipped-by-hook':
    case 'ignored':
      return { outcome: 'skipped-unchanged', note: outcome };
    case 'retry':
      return { outcome: 'retried' };
    case 'dead-lettered':
      return { outcome: 'dead-lettered' };
    case 'flagged':
    case 'conflict':
      return { outcome: 'failed', note: outcome === 'conflict' ? 'identity-conflict' : 'entity-flagged' };
  }
}

/** Outcomes where the pipeline stopped early on purpose: the stages it never needed read as skipped. */
const CLEAN_EARLY: ReadonlySet<TraceOutcome> = new Set([
  'echo-dropped',
  'duplicate-ignored',
  'skipped-unchanged',
]);

/** How the message reached the worker: the edge's receive time and verify duration, when it has them. */
export interface Arrival {
  kind: ReceivedMessage['envelope']['kind'];
  receivedAt: number;
  /** The edge's security time (webhooks); undefined for polls and envelopes from before the header. */
  verifyMs: number | undefined;
  /** When this worker picked the message up. */
  pickedAt: number;
  receiveCount: number;
  traceId: string;
}

export function arrivalOf(message: ReceivedMessage, pickedAt: number): Arrival {
  const { envelope } = message;
  const header = Number(envelope.headers[VERIFY_MS_HEADER]);
  return {
    kind: envelope.kind,
    receivedAt: envelope.receivedAt,
    verifyMs: Number.isFinite(header) && header >= 0 ? header : undefined,
    pickedAt,
    receiveCount: message.receiveCount,
    traceId: envelope.traceId,
  };
}

/** A trace id per record and delivery attempt: the envelope's trace id (which every log line carries) first. */
export function recordTraceId(arrival: Arrival, objectId: string): string {
  const suffix =
    arrival.kind === 'replay'
      ? `:replay-${arrival.receivedAt}`
      : arrival.receiveCount > 1
        ? `:attempt-${arrival.receiveCount}`
        : '';
  return safeId(`${arrival.traceId}:${objectId}${suffix}`);
}

/** The record trace the worker carries from intake to ack. Finishing twice is harmless. */
export class RecordTrace {
  private readonly marked = new Set<Stage>();
  private claimMs = 0;
  private idempotency: (() => Span) | null = null;
  private done = false;

  constructor(
    private readonly recorder: TraceRecorder,
    private readonly clock: Clock,
  ) {}

  /**
   * Opens a record's trace with what happened before the worker: the change (trigger), its trip to the
   * worker (delivery: occurredAt → picked up, less the edge's security time) and the security check.
   */
  static open(
    logger: IntegrationLogger,
    clock: Clock,
    arrival: Arrival,
    record: {
      objectId: string;
      direction: 'hubspot-to-destination' | 'destination-to-hubspot';
      objectType?: string;
      occurredAt: number;
      eventType: string;
      /** Omit the record id (a privacy deletion's trace keeps only the trace id). */
      anonymous?: boolean;
    },
  ): RecordTrace {
    const recorder = logger.startTrace({
      traceId: recordTraceId(arrival, record.objectId),
      direction: record.direction,
      ...(record.objectType === undefined ? {} : { objectType: record.objectType }),
      ...(record.anonymous ? {} : { recordId: record.objectId }),
    });
    const trace = new RecordTrace(recorder, clock);
    // Clocks differ between the sender and us: never let the trigger sit after our own receive time.
    const occurredAt = Math.min(record.occurredAt, arrival.receivedAt);
    trace.mark('trigger', { startedAt: occurredAt, durationMs: 0 }, 'ok', record.eventType);
    const verifyMs = arrival.verifyMs ?? 0;
    const queueWait = Math.max(0, arrival.pickedAt - arrival.receivedAt);
    const receiveNote =
      arrival.kind === 'replay'
        ? 'replayed-dead-letter'
        : arrival.kind === 'poll'
          ? `polled:queued-${queueWait}ms`
          : `queued-${queueWait}ms`;
    trace.mark(
      'receive',
      { startedAt: occurredAt, durationMs: Math.max(0, arrival.pickedAt - occurredAt - verifyMs) },
      'ok',
      receiveNote,
    );
    if (arrival.kind === 'poll') {
      trace.mark(
        'verify',
        { startedAt: arrival.receivedAt, durationMs: 0 },
        'skipped',
        'polled-with-own-token',
      );
    } else if (arrival.verifyMs === undefined) {
      trace.mark('verify', { startedAt: arrival.receivedAt, durationMs: 0 }, 'ok', 'verified-at-edge');
    } else {
      trace.mark(
        'verify',
        { startedAt: arrival.receivedAt - verifyMs, durationMs: verifyMs },
        'ok',
        arrival.kind === 'replay' ? 'verified-at-first-delivery' : 'signature-valid',
      );
    }
    return trace;
  }

  get traceId(): string {
    return this.recorder.traceId;
  }

  mark(stage: Stage, span: Span, status: TraceStage['status'] = 'ok', note?: string): void {
    if (this.done) return;
    this.marked.add(stage);
    this.recorder.mark(stage, {
      startedAt: span.startedAt,
      durationMs: round(span.durationMs),
      status,
      ...(note === undefined ? {} : { note }),
    });
  }

  /** Time spent claiming this record's events (the dedupe half of idempotency). */
  addClaim(ms: number): void {
    this.claimMs += ms;
  }

  /** Starts the record-level half of idempotency: identity, echo guard, natural-key lookups, the intent. */
  beginIdempotency(): void {
    this.idempotency = startSpan(this.clock);
  }

  /** Ends it (if begun) with a short code: `create`, `update`, `echo:intent-hash` … */
  endIdempotency(status: TraceStage['status'], note: string): void {
    if (!this.idempotency) return;
    const span = this.idempotency();
    this.idempotency = null;
    this.mark(
      'idempotency',
      { startedAt: span.startedAt, durationMs: span.durationMs + this.claimMs },
      status,
      note,
    );
  }

  /**
   * A call to an API failed before the write (a lookup by natural key): the identity checks did
   * their part; the failure is delivery's, where the API and its credentials are configured.
   */
  failedCall(note: string): void {
    if (this.done) return;
    const at = { startedAt: this.clock.now(), durationMs: 0 };
    if (this.idempotency) this.endIdempotency('ok', 'lookup-sent');
    if (!this.marked.has('deliver')) this.mark('deliver', at, 'failed', note);
  }

  /**
   * Closes the trace: `observe` is the commit and counting just done (`observed`, or measured here), stages
   * an early, clean outcome never needed read as skipped; after a failure they read as not reached.
   */
  finish(outcome: TraceOutcome, observed?: Span, note?: string): void {
    if (this.done) return;
    // Stages are stamped in the order they happen: the idempotency check ends, the stages an early
    // outcome never needed are passed over, and only then does `observe` start (never before them).
    if (this.idempotency) this.endIdempotency(CLEAN_EARLY.has(outcome) ? 'ok' : 'failed', note ?? outcome);
    const passedAt = Math.min(this.clock.now(), observed?.startedAt ?? Number.POSITIVE_INFINITY);
    if (CLEAN_EARLY.has(outcome)) {
      const at = { startedAt: passedAt, durationMs: 0 };
      for (const stage of ['transform', 'idempotency', 'deliver'] as const) {
        if (!this.marked.has(stage)) this.mark(stage, at, 'skipped', note ?? outcome);
      }
    }
    const endObserve = startSpan(this.clock);
    const failed = outcome === 'dead-lettered' || outcome === 'failed' || outcome === 'quarantined';
    this.mark('observe', observed ?? endObserve(), failed ? 'failed' : 'ok', observeNote(outcome));
    this.done = true;
    this.recorder.finish(outcome);
  }
}

function observeNote(outcome: TraceOutcome): string {
  switch (outcome) {
    case 'landed':
      return 'committed';
    case 'retried':
      return 'retry-later';
    case 'dead-lettered':
      return 'dead-lettered';
    default:
      return 'counted';
  }
}
