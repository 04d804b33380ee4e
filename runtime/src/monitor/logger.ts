/**
 * IntegrationLogger: structured JSON log lines, counters per stage and outcome, the last event time, a ring of
 * recent failures and the record changes' stage timings — the raw material for heartbeats and the anatomy view.
 */
import { randomUUID } from 'node:crypto';
import { type LogFields, type LogValue, redactFields, safeId, scrub } from './redact.ts';
import {
  type CounterDelta,
  type CounterStage,
  type Direction,
  ERROR_OUTCOMES,
  type FailureSummary,
  type Outcome,
  type Stage,
  TERMINAL_OUTCOMES,
  type TraceOutcome,
  type TraceStage,
  type TraceSummary,
  type UnsentBeat,
} from './types.ts';

/** Milliseconds since the epoch; injected so tests (and fake timers) decide what time it is. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/** Receives one finished JSON log line (no trailing newline). */
export type LogSink = (line: string) => void;
export const stdoutLogSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};

/** A sink that keeps lines in memory, for tests and for the local sandbox's log panel. */
export function memoryLogSink(): {
  sink: LogSink;
  lines: string[];
  entries(): Array<Record<string, LogValue>>;
} {
  const lines: string[] = [];
  return {
    sink: (line) => {
      lines.push(line);
    },
    lines,
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, LogValue>),
  };
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface IntegrationLoggerOptions {
  integrationId: string;
  clientSlug?: string;
  sink?: LogSink;
  clock?: Clock;
  /** Lines below this level are not written (counters still count). Default `info`. */
  level?: LogLevel;
  /** How many failures and traces wait for the next heartbeat before the oldest are dropped. */
  maxPendingFailures?: number;
  maxPendingTraces?: number;
}

export interface FailureInput {
  stage: CounterStage;
  /** A stable code: `http-429`, `timeout`, `enum-unmapped`, `unauthorised`, `validation` … */
  kind: string;
  /** A short sentence for a person; scrubbed of emails, tokens and phone-like numbers. */
  reason: string;
  recordId?: string;
  traceId?: string;
}

export interface MonitorSnapshot {
  integrationId: string;
  counters: Record<string, number>;
  errorsByKind: Record<string, number>;
  lastEventAt: number | null;
  recentFailures: FailureSummary[];
  recentTraces: TraceSummary[];
}

/** What every logger derived from one root shares: cumulative totals and the delta since the last heartbeat. */
class MonitorState {
  readonly totals: Record<string, number> = {};
  readonly totalErrorsByKind: Record<string, number> = {};
  readonly recentFailures: FailureSummary[] = [];
  readonly recentTraces: TraceSummary[] = [];
  lastEventAt: number | null = null;
  pending: CounterDelta = emptyDelta();
  unsent: UnsentBeat | null = null;
  readonly traceListeners = new Set<(trace: TraceSummary) => void>();

  constructor(
    readonly maxFailures: number,
    readonly maxTraces: number,
  ) {}
}

function emptyDelta(): CounterDelta {
  return { counters: {}, errorsByKind: {}, traces: [], failures: [], lastEventAt: null };
}

function bump(target: Record<string, number>, key: string, n: number): void {
  target[key] = (target[key] ?? 0) + n;
}

function pushCapped<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/**
 * @example
 * const log = new IntegrationLogger({ integrationId: 'velflex-attendees', clientSlug: 'velflex' });
 * const t = log.child({ traceId: envelope.traceId });
 * t.record('verify', 'verified');
 * t.failure({ stage: 'deliver', kind: 'http-429', reason: 'rate limited, retrying in 200 ms' });
 */
export class IntegrationLogger {
  readonly integrationId: string;
  readonly clientSlug: string | undefined;
  private readonly sink: LogSink;
  private readonly clock: Clock;
  private readonly level: LogLevel;
  private readonly bindings: LogFields;
  private readonly state: MonitorState;

  constructor(options: IntegrationLoggerOptions, internal?: { state: MonitorState; bindings: LogFields }) {
    this.integrationId = options.integrationId;
    this.clientSlug = options.clientSlug;
    this.sink = options.sink ?? stdoutLogSink;
    this.clock = options.clock ?? systemClock;
    this.level = options.level ?? 'info';
    this.state =
      internal?.state ?? new MonitorState(options.maxPendingFailures ?? 50, options.maxPendingTraces ?? 100);
    this.bindings = internal?.bindings ?? {};
  }

  /** A logger whose lines carry these fields too (typically `{ traceId }`); counters stay shared. */
  child(bindings: LogFields): IntegrationLogger {
    const options: IntegrationLoggerOptions = {
      integrationId: this.integrationId,
      sink: this.sink,
      clock: this.clock,
      level: this.level,
    };
    if (this.clientSlug !== undefined) options.clientSlug = this.clientSlug;
    return new IntegrationLogger(options, { state: this.state, bindings: { ...this.bindings, ...bindings } });
  }

  /** The trace id bound to this logger, if any. */
  get traceId(): string | undefined {
    const id = this.bindings.traceId;
    return typeof id === 'string' ? id : undefined;
  }

  debug(msg: string, fields: LogFields = {}): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields: LogFields = {}): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields: LogFields = {}): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields: LogFields = {}): void {
    this.write('error', msg, fields);
  }

  /** Counts an outcome at a stage without writing a line (hot paths). */
  count(stage: CounterStage, outcome: Outcome, n = 1): void {
    const key = `${stage}.${outcome}`;
    bump(this.state.totals, key, n);
    bump(this.state.pending.counters, key, n);
    if (ERROR_OUTCOMES.has(outcome)) {
      bump(this.state.totalErrorsByKind, outcome, n);
      bump(this.state.pending.errorsByKind, outcome, n);
    }
    if (TERMINAL_OUTCOMES.has(outcome)) this.touchEvent();
  }

  /** Counts an outcome and writes a line for it (warn for error outcomes). */
  record(stage: CounterStage, outcome: Outcome, fields: LogFields = {}): void {
    this.count(stage, outcome);
    const level: LogLevel = ERROR_OUTCOMES.has(outcome) ? 'warn' : 'info';
    this.write(level, `${stage} ${outcome}`, { ...fields, stage, outcome });
  }

  /**
   * Records a failure: counted under its kind, kept in the recent-failures ring, logged as a warning.
   * Error outcomes counted with `count()` are already tallied by outcome; use `failure()` for the why.
   */
  failure(input: FailureInput): void {
    const kind = safeId(input.kind);
    const entry: FailureSummary = {
      at: this.clock.now(),
      stage: input.stage,
      kind,
      reason: scrub(input.reason),
    };
    const traceId = input.traceId ?? this.traceId;
    if (traceId !== undefined) entry.traceId = safeId(traceId);
    if (input.recordId !== undefined) entry.recordId = safeId(input.recordId);
    if (!ERROR_OUTCOMES.has(kind as Outcome)) {
      bump(this.state.totalErrorsByKind, kind, 1);
      bump(this.state.pending.errorsByKind, kind, 1);
    }
    pushCapped(this.state.recentFailures, entry, this.state.maxFailures);
    pushCapped(this.state.pending.failures, entry, this.state.maxFailures);
    this.write('warn', `${input.stage} failure`, {
      stage: input.stage,
      kind,
      reason: input.reason,
      recordId: input.recordId,
      traceId,
    });
  }

  /** Starts timing one record change through the stages; `finish()` files it for the anatomy view. */
  startTrace(
    init: { traceId?: string; direction?: Direction; objectType?: string; recordId?: string } = {},
  ): TraceRecorder {
    const traceId = init.traceId ?? this.traceId ?? randomUUID();
    return new TraceRecorder(this.child({ traceId }), this.clock, traceId, init, (summary) =>
      this.fileTrace(summary),
    );
  }

  /**
   * Calls `listener` with every trace finished from now on (by this logger or any child): how a
   * `TraceShipper` posts traces to the Notification Centre as they finish. Returns the unsubscribe.
   * A listener that throws is ignored — observing must never fail the work it observes.
   */
  onTrace(listener: (trace: TraceSummary) => void): () => void {
    this.state.traceListeners.add(listener);
    return () => {
      this.state.traceListeners.delete(listener);
    };
  }

  /** Cumulative totals since this process started, plus the rings. */
  snapshot(): MonitorSnapshot {
    return {
      integrationId: this.integrationId,
      counters: { ...this.state.totals },
      errorsByKind: { ...this.state.totalErrorsByKind },
      lastEventAt: this.state.lastEventAt,
      recentFailures: [...this.state.recentFailures],
      recentTraces: [...this.state.recentTraces],
    };
  }

  /**
   * The finished traces waiting for the next heartbeat, without taking them: post them at once with an
   * `httpEventSink` for a live anatomy view (the centre files a trace once however often it arrives).
   */
  pendingTraces(): TraceSummary[] {
    return [...this.state.pending.traces];
  }

  /** Takes everything counted since the previous drain (the heartbeat calls this). */
  drain(): CounterDelta {
    const delta = this.state.pending;
    delta.lastEventAt = this.state.lastEventAt;
    this.state.pending = emptyDelta();
    return delta;
  }

  /** Puts a drained delta back after a failed send, so its counts go out with the next heartbeat. */
  restore(delta: CounterDelta): void {
    const pending = this.state.pending;
    for (const [key, n] of Object.entries(delta.counters)) bump(pending.counters, key, n);
    for (const [key, n] of Object.entries(delta.errorsByKind)) bump(pending.errorsByKind, key, n);
    pending.failures = [...delta.failures, ...pending.failures].slice(-this.state.maxFailures);
    pending.traces = [...delta.traces, ...pending.traces].slice(-this.state.maxTraces);
  }

  /** Keeps a beat whose send failed, to be re-sent under the same id (one at a time). */
  holdUnsent(beat: UnsentBeat): boolean {
    if (this.state.unsent) return false;
    this.state.unsent = beat;
    return true;
  }
  peekUnsent(): UnsentBeat | null {
    return this.state.unsent;
  }
  clearUnsent(beatId: string): void {
    if (this.state.unsent?.beatId === beatId) this.state.unsent = null;
  }

  private fileTrace(summary: TraceSummary): void {
    pushCapped(this.state.recentTraces, summary, this.state.maxTraces);
    pushCapped(this.state.pending.traces, summary, this.state.maxTraces);
    this.touchEvent();
    for (const listener of this.state.traceListeners) {
      try {
        listener(summary);
      } catch {
        // A broken listener must not break the pipeline it watches.
      }
    }
  }

  private touchEvent(): void {
    this.state.lastEventAt = this.clock.now();
  }

  private write(level: LogLevel, msg: string, fields: LogFields): void {
    if (LEVEL_RANK[level] < LEVEL_RANK[this.level]) return;
    const { kept, dropped } = redactFields({ ...this.bindings, ...fields });
    const line: Record<string, LogValue | string[]> = {
      ts: new Date(this.clock.now()).toISOString(),
      level,
      msg: scrub(msg),
      integrationId: this.integrationId,
    };
    if (this.clientSlug !== undefined) line.clientSlug = this.clientSlug;
    Object.assign(line, kept);
    // Say that fields were withheld, never what they held: the names alone help find the careless call.
    if (dropped.length > 0) line.withheld = dropped;
    this.sink(JSON.stringify(line));
  }
}

/** Times the stages of one record change. Stages are marked as they finish; `finish()` closes the trace. */
export class TraceRecorder {
  private readonly stages: TraceStage[] = [];
  private readonly startedAt: number;
  private open: { stage: Stage; startedAt: number } | null = null;
  private finished: TraceSummary | null = null;

  constructor(
    readonly log: IntegrationLogger,
    private readonly clock: Clock,
    readonly traceId: string,
    private readonly init: { direction?: Direction; objectType?: string; recordId?: string },
    private readonly file: (summary: TraceSummary) => void,
  ) {
    this.startedAt = clock.now();
  }

  /** Starts a stage now; the previous open stage (if any) ends `ok` at the same instant. */
  begin(stage: Stage): void {
    this.end();
    this.open = { stage, startedAt: this.clock.now() };
  }

  /** Ends the open stage. */
  end(status: TraceStage['status'] = 'ok', note?: string): void {
    if (this.open === null) return;
    this.mark(this.open.stage, { startedAt: this.open.startedAt, status, ...(note ? { note } : {}) });
    this.open = null;
  }

  /** Records a stage that already happened (e.g. `trigger` at the event's occurredAt, `receive` at receivedAt). */
  mark(
    stage: Stage,
    timing: { startedAt: number; durationMs?: number; status?: TraceStage['status']; note?: string },
  ): void {
    const entry: TraceStage = {
      stage,
      startedAt: timing.startedAt,
      durationMs: Math.max(0, timing.durationMs ?? this.clock.now() - timing.startedAt),
      status: timing.status ?? 'ok',
    };
    if (timing.note !== undefined) entry.note = safeId(timing.note);
    this.stages.push(entry);
  }

  /** Closes the trace with its outcome and files it for the next heartbeat. Calling it twice is harmless. */
  finish(outcome: TraceOutcome): TraceSummary {
    if (this.finished !== null) return this.finished;
    // Dropping an echo or a duplicate is the stage doing its job; only real failures mark the stage failed.
    const clean = outcome === 'landed' || outcome === 'echo-dropped' || outcome === 'duplicate-ignored';
    this.end(clean || outcome === 'skipped-unchanged' ? 'ok' : 'failed');
    const firstStart = Math.min(this.startedAt, ...this.stages.map((s) => s.startedAt));
    const summary: TraceSummary = {
      traceId: safeId(this.traceId),
      startedAt: firstStart,
      outcome,
      stages: [...this.stages].sort((a, b) => a.startedAt - b.startedAt),
    };
    if (this.init.direction !== undefined) summary.direction = this.init.direction;
    if (this.init.objectType !== undefined) summary.objectType = safeId(this.init.objectType);
    if (this.init.recordId !== undefined) summary.recordId = safeId(this.init.recordId);
    this.finished = summary;
    this.file(summary);
    // Debug: the outcome already has its own line (`deliver delivered` …) and the trace goes to the centre.
    this.log.debug('trace finished', {
      outcome,
      recordId: this.init.recordId,
      durationMs: this.clock.now() - firstStart,
    });
    return summary;
  }
}
