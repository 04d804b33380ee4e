/**
 * The heartbeat and event schemas, enforced strictly: only ids, counts, outcomes, reasons and timings.
 * An unexpected field anywhere rejects the whole payload (400 with the pointers) rather than being stripped:
 * a runtime that sends more than the contract is a bug to see, not something to hide. Free-text reasons that
 * look like record data (an email address, a phone number, a token) are rejected the same way.
 */

import type {
  CheckResult,
  CommandResult,
  DeadLetterReport,
  DeadLetterSummary,
  EventsPayload,
  FailureSummary,
  HeartbeatPayload as SentHeartbeat,
  TraceStage,
  TraceSummary,
} from '@kongo/runtime/monitor';
import { COUNTER_STAGES, OUTCOMES, STAGES } from '@kongo/runtime/monitor';

/** A heartbeat as received: runtimes vendored before beat ids existed send none (and are counted as before). */
export type HeartbeatPayload = Omit<SentHeartbeat, 'beatId'> & { beatId?: string };
export type { EventsPayload };

const BEAT_ID = /^[A-Za-z0-9_-]{8,64}$/;

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const ID = /^[A-Za-z0-9._:/#-]{1,200}$/;
const KIND = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const MAX_REASON = 300;
// What record data looks like when it leaks into a reason.
const LEAKS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/, 'an email address'],
  [/\+?\d[\d\s().-]{7,}\d/, 'a phone-like number'],
  [/\b(?:whsec|sk_test|sk_live|pat-[a-z0-9]+)[-_][A-Za-z0-9]/, 'a secret'],
];
const TRACE_OUTCOMES = new Set([
  'landed',
  'superseded',
  'echo-dropped',
  'duplicate-ignored',
  'skipped-unchanged',
  'retried',
  'dead-lettered',
  'quarantined',
  'unauthorised',
  'failed',
]);
const STAGE_SET = new Set<string>(STAGES);
const COUNTER_STAGE_SET = new Set<string>(COUNTER_STAGES);
const OUTCOME_SET = new Set<string>(OUTCOMES);
const EPOCH_MIN = Date.UTC(2020, 0, 1);
const EPOCH_MAX = Date.UTC(2100, 0, 1);

type Obj = Record<string, unknown>;

/** Collects problems as JSON pointers; each check returns the value when it is fine. */
class Checker {
  readonly problems: string[] = [];

  fail(pointer: string, message: string): undefined {
    if (this.problems.length < 50) this.problems.push(`${pointer || '/'}: ${message}`);
    return undefined;
  }

  object(value: unknown, pointer: string, required: string[], optional: string[]): Obj | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return this.fail(pointer, 'must be an object');
    const obj = value as Obj;
    const allowed = new Set([...required, ...optional]);
    for (const key of Object.keys(obj)) {
      if (!allowed.has(key))
        this.fail(
          `${pointer}/${key}`,
          'unexpected field (only ids, counts, outcomes, reasons and timings are accepted)',
        );
    }
    for (const key of required) if (!(key in obj)) this.fail(`${pointer}/${key}`, 'is required');
    return obj;
  }

  id(value: unknown, pointer: string): string | undefined {
    if (typeof value !== 'string' || !ID.test(value))
      return this.fail(pointer, 'must be an id (letters, digits, ._:/#-, at most 200)');
    return value;
  }

  kind(value: unknown, pointer: string): string | undefined {
    if (typeof value !== 'string' || !KIND.test(value))
      return this.fail(pointer, 'must be a lowercase code such as http-429');
    return value;
  }

  reason(value: unknown, pointer: string): string | undefined {
    if (typeof value !== 'string' || value.length > MAX_REASON)
      return this.fail(pointer, `must be a string of at most ${MAX_REASON} characters`);
    for (const [pattern, what] of LEAKS)
      if (pattern.test(value)) return this.fail(pointer, `looks like record data (${what})`);
    return value;
  }

  count(value: unknown, pointer: string): number | undefined {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1e9)
      return this.fail(pointer, 'must be a whole number 0..1e9');
    return value;
  }

  number(value: unknown, pointer: string, min = 0, max = 1e13): number | undefined {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
      return this.fail(pointer, `must be a number ${min}..${max}`);
    return value;
  }

  time(value: unknown, pointer: string): number | undefined {
    return this.number(value, pointer, EPOCH_MIN, EPOCH_MAX);
  }

  array(value: unknown, pointer: string, max: number): unknown[] | undefined {
    if (!Array.isArray(value)) return this.fail(pointer, 'must be an array');
    if (value.length > max) return this.fail(pointer, `must hold at most ${max} items`);
    return value;
  }

  oneOf(value: unknown, pointer: string, allowed: ReadonlySet<string>): string | undefined {
    if (typeof value !== 'string' || !allowed.has(value))
      return this.fail(pointer, `must be one of ${[...allowed].join(', ')}`);
    return value;
  }
}

function counters(c: Checker, value: unknown, pointer: string): Record<string, number> {
  const out: Record<string, number> = {};
  const obj = c.object(value, pointer, [], Object.keys(value ?? {}));
  if (!obj) return out;
  if (Object.keys(obj).length > 200) c.fail(pointer, 'must hold at most 200 counters');
  for (const [key, n] of Object.entries(obj)) {
    const [stage, outcome, extra] = key.split('.');
    if (
      extra !== undefined ||
      !stage ||
      !outcome ||
      !COUNTER_STAGE_SET.has(stage) ||
      !OUTCOME_SET.has(outcome)
    ) {
      c.fail(`${pointer}/${key}`, 'must be named {stage}.{outcome} from the monitor vocabulary');
      continue;
    }
    const count = c.count(n, `${pointer}/${key}`);
    if (count !== undefined) out[key] = count;
  }
  return out;
}

function kindCounts(c: Checker, value: unknown, pointer: string): Record<string, number> {
  const out: Record<string, number> = {};
  const obj = c.object(value, pointer, [], Object.keys(value ?? {}));
  if (!obj) return out;
  if (Object.keys(obj).length > 100) c.fail(pointer, 'must hold at most 100 kinds');
  for (const [key, n] of Object.entries(obj)) {
    if (c.kind(key, `${pointer}/${key}`) === undefined) continue;
    const count = c.count(n, `${pointer}/${key}`);
    if (count !== undefined) out[key] = count;
  }
  return out;
}

function check(c: Checker, value: unknown, p: string): CheckResult | undefined {
  const o = c.object(value, p, ['name', 'ok', 'durationMs'], ['value', 'reason']);
  if (!o) return undefined;
  const name = c.id(o.name, `${p}/name`);
  if (typeof o.ok !== 'boolean') c.fail(`${p}/ok`, 'must be true or false');
  const durationMs = c.number(o.durationMs, `${p}/durationMs`, 0, 3_600_000);
  if (name === undefined || typeof o.ok !== 'boolean' || durationMs === undefined) return undefined;
  const result: CheckResult = { name, ok: o.ok, durationMs };
  if (o.value !== undefined) {
    const v = c.number(o.value, `${p}/value`, -1e13, 1e13);
    if (v !== undefined) result.value = v;
  }
  if (o.reason !== undefined) {
    const r = c.reason(o.reason, `${p}/reason`);
    if (r !== undefined) result.reason = r;
  }
  return result;
}

function failure(c: Checker, value: unknown, p: string): FailureSummary | undefined {
  const o = c.object(value, p, ['at', 'stage', 'kind', 'reason'], ['traceId', 'recordId']);
  if (!o) return undefined;
  const at = c.time(o.at, `${p}/at`);
  const stage = c.oneOf(o.stage, `${p}/stage`, COUNTER_STAGE_SET);
  const kind = c.kind(o.kind, `${p}/kind`);
  const reason = c.reason(o.reason, `${p}/reason`);
  if (at === undefined || stage === undefined || kind === undefined || reason === undefined) return undefined;
  const out: FailureSummary = { at, stage: stage as FailureSummary['stage'], kind, reason };
  if (o.traceId !== undefined) {
    const t = c.id(o.traceId, `${p}/traceId`);
    if (t !== undefined) out.traceId = t;
  }
  if (o.recordId !== undefined) {
    const r = c.id(o.recordId, `${p}/recordId`);
    if (r !== undefined) out.recordId = r;
  }
  return out;
}

function deadLetters(c: Checker, value: unknown, p: string): DeadLetterReport | null {
  if (value === null || value === undefined) return null;
  const o = c.object(value, p, ['count', 'oldestAgeMs', 'recent'], []);
  if (!o) return null;
  const count = c.count(o.count, `${p}/count`);
  const oldestAgeMs = o.oldestAgeMs === null ? null : c.number(o.oldestAgeMs, `${p}/oldestAgeMs`);
  const recent: DeadLetterSummary[] = [];
  for (const [i, item] of (c.array(o.recent, `${p}/recent`, 20) ?? []).entries()) {
    const q = `${p}/recent/${i}`;
    const l = c.object(item, q, ['id', 'kind', 'reason', 'failedAt', 'attempts'], ['recordId']);
    if (!l) continue;
    const id = c.id(l.id, `${q}/id`);
    const kind = c.kind(l.kind, `${q}/kind`);
    const reason = c.reason(l.reason, `${q}/reason`);
    const failedAt = c.time(l.failedAt, `${q}/failedAt`);
    const attempts = c.count(l.attempts, `${q}/attempts`);
    if (
      id === undefined ||
      kind === undefined ||
      reason === undefined ||
      failedAt === undefined ||
      attempts === undefined
    )
      continue;
    const letter: DeadLetterSummary = { id, kind, reason, failedAt, attempts };
    if (l.recordId !== undefined) {
      const r = c.id(l.recordId, `${q}/recordId`);
      if (r !== undefined) letter.recordId = r;
    }
    recent.push(letter);
  }
  if (count === undefined || oldestAgeMs === undefined) return null;
  return { count, oldestAgeMs, recent };
}

function trace(c: Checker, value: unknown, p: string): TraceSummary | undefined {
  const o = c.object(
    value,
    p,
    ['traceId', 'startedAt', 'outcome', 'stages'],
    ['direction', 'objectType', 'recordId'],
  );
  if (!o) return undefined;
  const traceId = c.id(o.traceId, `${p}/traceId`);
  const startedAt = c.time(o.startedAt, `${p}/startedAt`);
  const outcome = c.oneOf(o.outcome, `${p}/outcome`, TRACE_OUTCOMES);
  const stages: TraceStage[] = [];
  for (const [i, item] of (c.array(o.stages, `${p}/stages`, 16) ?? []).entries()) {
    const q = `${p}/stages/${i}`;
    const s = c.object(item, q, ['stage', 'startedAt', 'durationMs', 'status'], ['note']);
    if (!s) continue;
    const stage = c.oneOf(s.stage, `${q}/stage`, STAGE_SET);
    const st = c.time(s.startedAt, `${q}/startedAt`);
    const durationMs = c.number(s.durationMs, `${q}/durationMs`, 0, 86_400_000);
    const status = c.oneOf(s.status, `${q}/status`, new Set(['ok', 'skipped', 'failed']));
    if (stage === undefined || st === undefined || durationMs === undefined || status === undefined) continue;
    const entry: TraceStage = {
      stage: stage as TraceStage['stage'],
      startedAt: st,
      durationMs,
      status: status as TraceStage['status'],
    };
    if (s.note !== undefined) {
      const note = c.id(s.note, `${q}/note`);
      if (note !== undefined) entry.note = note;
    }
    stages.push(entry);
  }
  if (traceId === undefined || startedAt === undefined || outcome === undefined) return undefined;
  const out: TraceSummary = { traceId, startedAt, outcome: outcome as TraceSummary['outcome'], stages };
  if (o.direction !== undefined) {
    const d = c.oneOf(
      o.direction,
      `${p}/direction`,
      new Set(['hubspot-to-destination', 'destination-to-hubspot']),
    );
    if (d !== undefined) out.direction = d as NonNullable<TraceSummary['direction']>;
  }
  if (o.objectType !== undefined) {
    const t = c.id(o.objectType, `${p}/objectType`);
    if (t !== undefined) out.objectType = t;
  }
  if (o.recordId !== undefined) {
    const r = c.id(o.recordId, `${p}/recordId`);
    if (r !== undefined) out.recordId = r;
  }
  return out;
}

function commandResult(c: Checker, value: unknown, p: string): CommandResult | undefined {
  const o = c.object(value, p, ['id', 'status'], ['count', 'reason']);
  if (!o) return undefined;
  const id = c.id(o.id, `${p}/id`);
  const status = c.oneOf(o.status, `${p}/status`, new Set(['done', 'failed']));
  if (id === undefined || status === undefined) return undefined;
  const out: CommandResult = { id, status: status as CommandResult['status'] };
  if (o.count !== undefined) {
    const n = c.count(o.count, `${p}/count`);
    if (n !== undefined) out.count = n;
  }
  if (o.reason !== undefined) {
    const r = c.reason(o.reason, `${p}/reason`);
    if (r !== undefined) out.reason = r;
  }
  return out;
}

function list<T>(
  c: Checker,
  value: unknown,
  p: string,
  max: number,
  each: (c: Checker, v: unknown, p: string) => T | undefined,
): T[] {
  if (value === undefined) return [];
  const out: T[] = [];
  for (const [i, item] of (c.array(value, p, max) ?? []).entries()) {
    const parsed = each(c, item, `${p}/${i}`);
    if (parsed !== undefined) out.push(parsed);
  }
  return out;
}

/** Reads just the integration id, to find the key to check before anything else is looked at. */
export function claimedIntegrationId(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const id = (body as Obj).integrationId;
  return typeof id === 'string' && ID.test(id) ? id : null;
}

/** Validates a heartbeat strictly. */
export function parseHeartbeat(body: unknown): Validated<HeartbeatPayload> {
  const c = new Checker();
  const o = c.object(
    body,
    '',
    ['v', 'integrationId', 'clientSlug', 'sentAt', 'intervalSeconds', 'counters'],
    [
      'beatId',
      'errorsByKind',
      'lastEventAt',
      'checks',
      'deadLetters',
      'failures',
      'traces',
      'commandResults',
    ],
  );
  if (!o) return { ok: false, problems: c.problems };
  if (o.v !== 1) c.fail('/v', 'must be 1');
  if (o.beatId !== undefined && (typeof o.beatId !== 'string' || !BEAT_ID.test(o.beatId)))
    c.fail('/beatId', 'must be 8-64 letters, digits, _ or -');
  const integrationId = c.id(o.integrationId, '/integrationId');
  const clientSlug = c.id(o.clientSlug, '/clientSlug');
  const sentAt = c.time(o.sentAt, '/sentAt');
  const intervalSeconds = c.number(o.intervalSeconds, '/intervalSeconds', 1, 86_400);
  const payload: HeartbeatPayload = {
    v: 1 as const,
    ...(typeof o.beatId === 'string' ? { beatId: o.beatId } : {}),
    integrationId: integrationId ?? '',
    clientSlug: clientSlug ?? '',
    sentAt: sentAt ?? 0,
    intervalSeconds: intervalSeconds ?? 0,
    counters: counters(c, o.counters, '/counters'),
    errorsByKind: o.errorsByKind === undefined ? {} : kindCounts(c, o.errorsByKind, '/errorsByKind'),
    lastEventAt:
      o.lastEventAt === undefined || o.lastEventAt === null
        ? null
        : (c.time(o.lastEventAt, '/lastEventAt') ?? null),
    checks: list(c, o.checks, '/checks', 20, check),
    deadLetters: deadLetters(c, o.deadLetters, '/deadLetters'),
    failures: list(c, o.failures, '/failures', 50, failure),
    traces: list(c, o.traces, '/traces', 100, trace),
    commandResults: list(c, o.commandResults, '/commandResults', 20, commandResult),
  };
  return c.problems.length > 0 ? { ok: false, problems: c.problems } : { ok: true, value: payload };
}

/** Validates `POST /api/events` strictly. */
export function parseEvents(body: unknown): Validated<EventsPayload> {
  const c = new Checker();
  const o = c.object(body, '', ['v', 'integrationId', 'traces'], []);
  if (!o) return { ok: false, problems: c.problems };
  if (o.v !== 1) c.fail('/v', 'must be 1');
  const integrationId = c.id(o.integrationId, '/integrationId') ?? '';
  const traces = list(c, o.traces, '/traces', 100, trace);
  return c.problems.length > 0
    ? { ok: false, problems: c.problems }
    : { ok: true, value: { v: 1, integrationId, traces } };
}

/** A CloudWatch alarm state change, forwarded by an integration stack's alarm forwarder. */
export interface AlarmPayload {
  v: 1;
  integrationId: string;
  alarm: { name: string; state: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA'; at: number };
}

const ALARM_STATES: ReadonlySet<string> = new Set(['ALARM', 'OK', 'INSUFFICIENT_DATA']);

/** Validates `POST /api/alarms` strictly: the alarm's name (an id), state and time — nothing else. */
export function parseAlarm(body: unknown): Validated<AlarmPayload> {
  const c = new Checker();
  const o = c.object(body, '', ['v', 'integrationId', 'alarm'], []);
  if (!o) return { ok: false, problems: c.problems };
  if (o.v !== 1) c.fail('/v', 'must be 1');
  const integrationId = c.id(o.integrationId, '/integrationId') ?? '';
  const a = c.object(o.alarm, '/alarm', ['name', 'state', 'at'], []);
  const name = a ? (c.id(a.name, '/alarm/name') ?? '') : '';
  const state = a ? c.oneOf(a.state, '/alarm/state', ALARM_STATES) : undefined;
  const at = a ? (c.time(a.at, '/alarm/at') ?? 0) : 0;
  return c.problems.length > 0
    ? { ok: false, problems: c.problems }
    : {
        ok: true,
        value: { v: 1, integrationId, alarm: { name, state: state as AlarmPayload['alarm']['state'], at } },
      };
}
