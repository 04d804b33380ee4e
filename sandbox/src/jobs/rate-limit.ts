// The job system's request-rate limit: a sliding 1-second window per token, answered with a fractional Retry-After.

export interface JobsLimits {
  /** Requests allowed per token within any rolling second. */
  requestsPerSecond: number;
}

export const DEFAULT_JOBS_LIMITS: JobsLimits = { requestsPerSecond: 25 };

export class RequestRateLimiter {
  limits: JobsLimits;
  #now: () => number;
  #windows = new Map<string, number[]>();

  constructor(limits: JobsLimits, now: () => number) {
    this.limits = limits;
    this.#now = now;
  }

  /** Counts the request when allowed; otherwise says how long to wait, in seconds (one decimal, ≥ 0.1). */
  take(token: string): { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number } {
    const now = this.#now();
    const window = (this.#windows.get(token) ?? []).filter((at) => at > now - 1000);
    this.#windows.set(token, window);
    if (window.length < this.limits.requestsPerSecond) {
      window.push(now);
      return { allowed: true, remaining: this.limits.requestsPerSecond - window.length };
    }
    const oldest = window[window.length - this.limits.requestsPerSecond] ?? now;
    const waitMs = Math.max(1, oldest + 1000 - now);
    return { allowed: false, retryAfterSeconds: Math.max(0.1, Math.ceil(waitMs / 100) / 10) };
  }

  reset(): void {
    this.#windows.clear();
  }
}

/** `0.2`, `1`, `1.5`: the Retry-After value as the job system writes it. */
export function formatSeconds(seconds: number): string {
  return String(Number(seconds.toFixed(3)));
}
