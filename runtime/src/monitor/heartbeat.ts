/**
 * The heartbeat: run on a schedule (Lambda can't tick between events), it checks the integration's
 * dependencies, takes the counters since the last beat and POSTs ids, counts and reasons to the
 * Notification Centre through a `HeartbeatSink`. Replay commands ride back on the answer.
 */
import { randomUUID } from 'node:crypto';
import type { Clock, IntegrationLogger } from './logger.ts';
import { systemClock } from './logger.ts';
import { safeId, scrub } from './redact.ts';
import type {
  CheckResult,
  CommandResult,
  CounterDelta,
  DeadLetterReport,
  DeadLetterSummary,
  HeartbeatPayload,
  HeartbeatResponse,
  PendingCommand,
  UnsentBeat,
} from './types.ts';

/** Where heartbeats go. The HTTP adapter posts to the Notification Centre; tests use an in-memory one. */
export interface HeartbeatSink {
  send(payload: HeartbeatPayload): Promise<HeartbeatResponse>;
}

/** What a dependency check answers. Throwing counts as `ok: false` with the error's message as the reason. */
export interface CheckOutcome {
  ok: boolean;
  value?: number;
  reason?: string;
}
/** Named checks, e.g. `{ table: () => store.ping(), queueDepth: queueDepthCheck(queue, 1000) }`. */
export type DependencyChecks = Record<string, () => Promise<CheckOutcome>>;

/**
 * Anything that hands over its counts since the last beat and takes them back if the beat fails: the
 * `IntegrationLogger` itself (one process), or a `DynamoCounterStore` the Lambdas flush into (AWS).
 */
export interface CounterSource {
  drain(): CounterDelta | Promise<CounterDelta>;
  restore(delta: CounterDelta): void | Promise<void>;
  /**
   * Keeps a beat whose send failed, id and counts together. A failed send may still have been filed (the
   * answer was lost), so its counts must go out again under the same id, never merged into a new beat.
   * Returns false when a beat is already held (the caller then restores the counts instead).
   */
  holdUnsent?(beat: UnsentBeat): boolean | Promise<boolean>;
  /** The held beat, if any (left in place until `clearUnsent`). */
  peekUnsent?(): UnsentBeat | null | Promise<UnsentBeat | null>;
  clearUnsent?(beatId: string): void | Promise<void>;
}

export interface RunHeartbeatOptions {
  integrationId: string;
  clientSlug: string;
  intervalSeconds: number;
  checks: DependencyChecks;
  counters: CounterSource;
  sink: HeartbeatSink;
  clock?: Clock;
  /** The dead-letter queue's size, oldest age and newest few (ids and reasons); see `deadLetterReport`. */
  deadLetters?: () => Promise<DeadLetterReport>;
  /** Runs commands from the Notification Centre (replay). Their results go out on a second, immediate beat. */
  onCommands?: (commands: PendingCommand[]) => Promise<CommandResult[]>;
  /** A check slower than this fails with reason `timeout`. Default 5000 ms. */
  checkTimeoutMs?: number;
  log?: IntegrationLogger;
}

export interface HeartbeatRun {
  ok: boolean;
  payload: HeartbeatPayload;
  response: HeartbeatResponse | null;
  commandResults: CommandResult[];
  error?: Error;
}

/** The sink could not deliver a heartbeat (network, non-2xx answer, unreadable answer). */
export class HeartbeatDeliveryError extends Error {
  override readonly name = 'HeartbeatDeliveryError';
  constructor(
    message: string,
    readonly status: number | null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

async function runCheck(
  name: string,
  check: () => Promise<CheckOutcome>,
  clock: Clock,
  timeoutMs: number,
): Promise<CheckResult> {
  const started = clock.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `timeout after ${timeoutMs} ms` }), timeoutMs);
  });
  let outcome: CheckOutcome;
  try {
    outcome = await Promise.race([check(), timeout]);
  } catch (error) {
    outcome = {
      ok: false,
      reason: error instanceof Error ? `${error.name}: ${error.message}` : 'check failed',
    };
  } finally {
    clearTimeout(timer);
  }
  const result: CheckResult = { name: safeId(name), ok: outcome.ok, durationMs: clock.now() - started };
  if (outcome.value !== undefined && Number.isFinite(outcome.value)) result.value = outcome.value;
  if (outcome.reason !== undefined) result.reason = scrub(outcome.reason);
  return result;
}

function buildPayload(
  options: RunHeartbeatOptions,
  clock: Clock,
  delta: CounterDelta,
  checks: CheckResult[],
  deadLetters: DeadLetterReport | null,
  commandResults: CommandResult[],
  beatId: string = randomUUID(),
): HeartbeatPayload {
  return {
    v: 1,
    beatId,
    integrationId: options.integrationId,
    clientSlug: options.clientSlug,
    sentAt: clock.now(),
    intervalSeconds: options.intervalSeconds,
    counters: delta.counters,
    errorsByKind: delta.errorsByKind,
    lastEventAt: delta.lastEventAt,
    checks,
    deadLetters,
    failures: delta.failures,
    traces: delta.traces,
    commandResults,
  };
}

/**
 * One heartbeat: run the checks, drain the counters, send. A failed send keeps the beat (id and counts) to be
 * re-sent first by the next run, so a beat filed whose answer was lost is not counted twice; it is reported in the result rather than thrown, so a scheduler never retries a beat.
 * @example
 * await runHeartbeat({ integrationId: 'velflex-attendees', clientSlug: 'velflex', intervalSeconds: 60,
 *   checks: { table: tableCheck(() => store.ping()) }, counters: logger, sink: httpHeartbeatSink({ url, key }) });
 */
export async function runHeartbeat(options: RunHeartbeatOptions): Promise<HeartbeatRun> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.checkTimeoutMs ?? 5000;
  const checks = await Promise.all(
    Object.entries(options.checks).map(([name, check]) => runCheck(name, check, clock, timeoutMs)),
  );
  let deadLetters: DeadLetterReport | null = null;
  if (options.deadLetters) {
    try {
      deadLetters = await options.deadLetters();
    } catch (error) {
      checks.push({
        name: 'deadLetters',
        ok: false,
        reason: scrub(error instanceof Error ? error.message : 'dead-letter report failed'),
        durationMs: 0,
      });
    }
  }
  for (const check of checks) {
    if (!check.ok) options.log?.warn('dependency check failed', { check: check.name, reason: check.reason });
  }

  // A beat that failed earlier goes first, under its own id: if the centre did file it (only its answer was
  // lost), the centre recognises the id and does not count it again. Until it is confirmed, new counts wait.
  const held = (await options.counters.peekUnsent?.()) ?? null;
  if (held) {
    const resend = buildPayload(options, clock, held.delta, checks, deadLetters, [], held.beatId);
    try {
      await options.sink.send(resend);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      options.log?.warn('heartbeat not delivered', { reason: err.message, errorName: err.name });
      return { ok: false, payload: resend, response: null, commandResults: [], error: err };
    }
    await options.counters.clearUnsent?.(held.beatId);
  }

  const delta = await options.counters.drain();
  const payload = buildPayload(options, clock, delta, checks, deadLetters, []);
  let response: HeartbeatResponse;
  try {
    response = await options.sink.send(payload);
  } catch (error) {
    await keepUnsent(options.counters, payload.beatId, delta);
    const err = error instanceof Error ? error : new Error(String(error));
    options.log?.warn('heartbeat not delivered', { reason: err.message, errorName: err.name });
    return { ok: false, payload, response: null, commandResults: [], error: err };
  }
  options.log?.debug('heartbeat delivered', { status: response.status, count: response.commands.length });

  if (response.commands.length === 0 || !options.onCommands) {
    return { ok: true, payload, response, commandResults: [] };
  }
  let commandResults: CommandResult[];
  try {
    commandResults = await options.onCommands(response.commands);
  } catch (error) {
    const reason = scrub(error instanceof Error ? error.message : 'command failed');
    commandResults = response.commands.map((c) => ({ id: c.id, status: 'failed' as const, reason }));
  }
  // Report results at once: the next scheduled beat may run in another Lambda instance that never saw them.
  // The dead-letter report is taken again, so letters a replay just took off the queue leave the dashboard now.
  let followDeadLetters = deadLetters;
  if (options.deadLetters && deadLetters !== null) {
    followDeadLetters = await options.deadLetters().catch(() => deadLetters);
  }
  const follow = await options.counters.drain();
  const followPayload = buildPayload(options, clock, follow, checks, followDeadLetters, commandResults);
  try {
    await options.sink.send(followPayload);
  } catch (error) {
    await keepUnsent(options.counters, followPayload.beatId, follow);
    options.log?.warn('command results not delivered; the command will be offered again', {
      reason: error instanceof Error ? error.message : 'send failed',
    });
  }
  return { ok: true, payload, response, commandResults };
}

/** Holds a failed beat for a re-send under its id; a source that can't hold one takes the counts back. */
async function keepUnsent(counters: CounterSource, beatId: string, delta: CounterDelta): Promise<void> {
  if (counters.holdUnsent && (await counters.holdUnsent({ beatId, delta }))) return;
  await counters.restore(delta);
}

export interface HeartbeatLoop {
  /** Resolves when the beat in flight (if any) has finished. */
  stop(): Promise<void>;
  /** Beats now (outside the schedule), e.g. right after start-up. */
  beatNow(): Promise<HeartbeatRun>;
}

/**
 * For long-running local processes: a beat every `intervalSeconds` (first one immediately). On AWS an
 * EventBridge schedule calls `runHeartbeat` instead.
 */
export function startHeartbeatLoop(
  options: RunHeartbeatOptions & { onBeat?: (run: HeartbeatRun) => void },
): HeartbeatLoop {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<HeartbeatRun> | null = null;

  const beat = async (): Promise<HeartbeatRun> => {
    const run = runHeartbeat(options);
    inFlight = run;
    try {
      const result = await run;
      options.onBeat?.(result);
      return result;
    } finally {
      inFlight = null;
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void beat().finally(schedule);
    }, options.intervalSeconds * 1000);
  };
  void beat().finally(schedule);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (inFlight) await inFlight.catch(() => undefined);
    },
    beatNow: beat,
  };
}

/** Check: a function that touches the table (e.g. a GetItem on a known key) answers. */
export function tableCheck(ping: () => Promise<unknown>): () => Promise<CheckOutcome> {
  return async () => {
    await ping();
    return { ok: true };
  };
}

/** Check: the work queue's visible depth, failing above `maxDepth`. */
export function queueDepthCheck(
  queue: { depth(): Promise<{ visible: number; inFlight: number; oldestAgeMs: number | null }> },
  maxDepth = 1000,
): () => Promise<CheckOutcome> {
  return async () => {
    const depth = await queue.depth();
    const outcome: CheckOutcome = { ok: depth.visible <= maxDepth, value: depth.visible };
    if (!outcome.ok) outcome.reason = `${depth.visible} messages waiting (limit ${maxDepth})`;
    return outcome;
  };
}

/** Check: the oldest dead letter's age in ms, failing above `maxAgeMs` (default one hour). */
export function deadLetterAgeCheck(
  dlq: { oldestAgeMs(integration?: string): Promise<number | null> },
  integration: string,
  maxAgeMs = 3_600_000,
): () => Promise<CheckOutcome> {
  return async () => {
    const age = await dlq.oldestAgeMs(integration);
    if (age === null) return { ok: true, value: 0 };
    const outcome: CheckOutcome = { ok: age <= maxAgeMs, value: age };
    if (!outcome.ok) outcome.reason = `oldest dead letter is ${Math.round(age / 60_000)} min old`;
    return outcome;
  };
}

/** The part of the dead-letter queue port the heartbeat reads. */
export interface DeadLetterListing {
  list(options?: { integration?: string; limit?: number }): Promise<DeadLetterSummary[]>;
}

/** Summarises a dead-letter queue for the heartbeat: count, oldest age and the newest 20, without envelopes. */
export function deadLetterReport(
  dlq: DeadLetterListing,
  integration: string,
  clock: Clock = systemClock,
  limit = 1000,
): () => Promise<DeadLetterReport> {
  return async () => {
    const letters = await dlq.list({ integration, limit });
    const sorted = [...letters].sort((a, b) => a.failedAt - b.failedAt);
    const oldest = sorted[0];
    const recent: DeadLetterSummary[] = sorted
      .slice(-20)
      .reverse()
      .map((letter) => {
        const summary: DeadLetterSummary = {
          id: safeId(letter.id),
          kind: safeId(letter.kind),
          reason: scrub(letter.reason),
          failedAt: letter.failedAt,
          attempts: letter.attempts,
        };
        if (letter.recordId !== undefined) summary.recordId = safeId(letter.recordId);
        return summary;
      });
    return {
      count: letters.length,
      oldestAgeMs: oldest ? Math.max(0, clock.now() - oldest.failedAt) : null,
      recent,
    };
  };
}
