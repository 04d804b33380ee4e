/**
 * Alert rules as pure functions of an integration's state, its minute buckets and the time: what opens an
 * episode, what closes it. One alert per episode — a down integration alerts once, not every check.
 */
import type { EpisodeKind, IntegrationState, MinuteBucket } from '../types.ts';
import { MINUTE } from '../types.ts';

export interface AlertRules {
  /** Down when no heartbeat for this many intervals. */
  downAfterIntervals: number;
  /** Heartbeat intervals shorter than this are treated as this (the architecture's 60 s minimum). */
  minIntervalSeconds: number;
  errorSpike: { windowMinutes: number; threshold: number };
  unauthorisedSpike: { windowMinutes: number; threshold: number };
  /** Alert when the oldest dead letter is older than this. */
  deadLetterMaxAgeMs: number;
}

export const DEFAULT_RULES: AlertRules = {
  downAfterIntervals: 2,
  minIntervalSeconds: 60,
  errorSpike: { windowMinutes: 5, threshold: 10 },
  unauthorisedSpike: { windowMinutes: 5, threshold: 20 },
  deadLetterMaxAgeMs: 60 * 60 * 1000,
};

export function effectiveIntervalSeconds(
  state: Pick<IntegrationState, 'intervalSeconds'>,
  rules: AlertRules,
): number {
  return Math.max(state.intervalSeconds, rules.minIntervalSeconds);
}

/** When the integration counts as down if no heartbeat arrives first (ms epoch), or null if never seen. */
export function downDeadline(state: IntegrationState, rules: AlertRules): number | null {
  if (state.lastHeartbeatAt === null) return null;
  return state.lastHeartbeatAt + rules.downAfterIntervals * effectiveIntervalSeconds(state, rules) * 1000;
}

export function isOverdue(state: IntegrationState, now: number, rules: AlertRules): boolean {
  const deadline = downDeadline(state, rules);
  return deadline !== null && now > deadline;
}

/** Sums over the buckets inside the last `windowMinutes` (the current minute included). */
export function windowSum(
  buckets: MinuteBucket[],
  now: number,
  windowMinutes: number,
  pick: (b: MinuteBucket) => number,
): number {
  const from = Math.floor(now / MINUTE) * MINUTE - (windowMinutes - 1) * MINUTE;
  return buckets.filter((b) => b.minute >= from).reduce((sum, b) => sum + pick(b), 0);
}

export interface ConditionReading {
  kind: Exclude<EpisodeKind, 'down'>;
  /** The condition holds now: open an episode if none is open. */
  active: boolean;
  /** The condition has eased enough to close an open episode (hysteresis avoids flapping alerts). */
  cleared: boolean;
  value: number;
  threshold: number;
}

/** Reads the spike and dead-letter conditions. */
export function readConditions(
  state: IntegrationState,
  buckets: MinuteBucket[],
  now: number,
  rules: AlertRules,
): ConditionReading[] {
  const errors = windowSum(buckets, now, rules.errorSpike.windowMinutes, (b) => b.errors);
  const unauthorised = windowSum(buckets, now, rules.unauthorisedSpike.windowMinutes, (b) => b.unauthorised);
  // The reported age grows while we wait for the next report.
  const age =
    state.deadLetters?.oldestAgeMs != null && state.deadLetters.count > 0
      ? state.deadLetters.oldestAgeMs + Math.max(0, now - (state.deadLettersReportedAt ?? now))
      : 0;
  return [
    {
      kind: 'error-spike',
      active: errors >= rules.errorSpike.threshold,
      cleared: errors < rules.errorSpike.threshold / 2,
      value: errors,
      threshold: rules.errorSpike.threshold,
    },
    {
      kind: 'unauthorised-spike',
      active: unauthorised >= rules.unauthorisedSpike.threshold,
      cleared: unauthorised < rules.unauthorisedSpike.threshold / 2,
      value: unauthorised,
      threshold: rules.unauthorisedSpike.threshold,
    },
    {
      kind: 'dead-letters-old',
      active: age > rules.deadLetterMaxAgeMs,
      cleared: age <= rules.deadLetterMaxAgeMs,
      value: age,
      threshold: rules.deadLetterMaxAgeMs,
    },
  ];
}
