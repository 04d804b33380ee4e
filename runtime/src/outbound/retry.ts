/**
 * The retry policy we own (HubSpot's client would retry creates on 5xx and ignore Retry-After):
 * exponential backoff with full jitter on retryable failures, never shorter than the server's hint.
 */
import { DeliveryError } from './errors.ts';
import type { ProviderProfile } from './profiles.ts';

export interface RetryOptions {
  profile: Pick<ProviderProfile, 'maxAttempts' | 'baseDelayMs' | 'maxDelayMs'>;
  /** Injected for tests (fake timers) and benchmarks. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (error: DeliveryError, attempt: number, delayMs: number) => void;
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Full jitter (AWS architecture blog): uniform in [0, min(cap, base × 2^attempt)], at least the hint. */
export function backoffDelay(
  attempt: number,
  profile: RetryOptions['profile'],
  random: () => number,
  hintMs?: number,
): number {
  const ceiling = Math.min(profile.maxDelayMs, profile.baseDelayMs * 2 ** attempt);
  const jittered = Math.floor(random() * ceiling);
  return hintMs === undefined ? jittered : Math.max(hintMs, jittered);
}

/**
 * Runs `call` until it succeeds, fails with a non-retryable error, or attempts run out; the last
 * DeliveryError is rethrown with `attempts` set.
 */
export async function withRetry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      error.attempts = attempt;
      if (!error.retryable || attempt >= options.profile.maxAttempts) throw error;
      const delay = backoffDelay(attempt - 1, options.profile, random, error.retryAfterMs);
      options.onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
