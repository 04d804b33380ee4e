// Request-count limits over sliding windows (per second, per minute, per 5 minutes, per day), keyed by caller.

export interface WindowRule {
  /** Requests allowed within any window of `windowMs`. */
  limit: number;
  windowMs: number;
  /** Name of the rule for messages and counters: "per-second", "daily". */
  name: string;
}

export type WindowVerdict =
  | { allowed: true; remaining: number }
  | { allowed: false; rule: WindowRule; retryAfterMs: number };

/**
 * Counts requests per key against every rule; a request refused by any rule is not counted at all.
 * @example new WindowLimiter([{ name: 'minute', limit: 180, windowMs: 60_000 }], Date.now).take('key')
 */
export class WindowLimiter {
  rules: WindowRule[];
  #now: () => number;
  #hits = new Map<string, number[]>();

  constructor(rules: WindowRule[], now: () => number) {
    this.rules = rules;
    this.#now = now;
  }

  take(key: string): WindowVerdict {
    const now = this.#now();
    const longest = Math.max(0, ...this.rules.map((r) => r.windowMs));
    const hits = (this.#hits.get(key) ?? []).filter((at) => at > now - longest);
    this.#hits.set(key, hits);
    let remaining = Number.POSITIVE_INFINITY;
    for (const rule of this.rules) {
      const inWindow = hits.filter((at) => at > now - rule.windowMs);
      if (inWindow.length >= rule.limit) {
        const oldest = inWindow[inWindow.length - rule.limit] ?? now;
        return { allowed: false, rule, retryAfterMs: Math.max(1, oldest + rule.windowMs - now) };
      }
      remaining = Math.min(remaining, rule.limit - inWindow.length - 1);
    }
    hits.push(now);
    return { allowed: true, remaining: Number.isFinite(remaining) ? remaining : 0 };
  }

  reset(): void {
    this.#hits.clear();
  }
}
