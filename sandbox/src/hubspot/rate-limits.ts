/**
 * HubSpot's API limits per app (REFERENCE.md §3): a rolling 10-second window, a daily cap, and search's
 * own 5 requests per second — with the 429 bodies and X-HubSpot-RateLimit-* headers HubSpot sends.
 */
import { correlationId, HubSpotApiError } from './errors.ts';

export const TEN_SECONDS_MS = 10_000;
const DAY_MS = 86_400_000;

export interface LimitSettings {
  /** Requests per rolling 10 s per app (HubSpot: 100 Free/Starter, 190 Pro/Enterprise). */
  per10Seconds: number;
  /** Requests per day (HubSpot: 250,000 and up). Resets at midnight UTC here (the account's time zone in HubSpot). */
  daily: number;
  /** Search requests per second. */
  searchPerSecond: number;
}

export const DEFAULT_LIMITS: LimitSettings = { per10Seconds: 190, daily: 1_000_000, searchPerSecond: 5 };

/** A sliding window of request times; O(1) amortised. */
class Window {
  #times: number[] = [];
  #head = 0;
  count(now: number, spanMs: number): number {
    while (this.#head < this.#times.length && (this.#times[this.#head] ?? 0) <= now - spanMs) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
    return this.#times.length - this.#head;
  }
  add(now: number): void {
    this.#times.push(now);
  }
  oldest(): number | undefined {
    return this.#times[this.#head];
  }
}

interface AppUsage {
  window: Window;
  search: Window;
}

/** Ten-second and search windows per app; the daily count per account, shared by all its apps (as HubSpot). */
export class RateLimiter {
  #usage = new Map<number, AppUsage>();
  #day = -1;
  #dailyCount = 0;

  #get(appId: number, now: number): AppUsage {
    let usage = this.#usage.get(appId);
    if (!usage) {
      usage = { window: new Window(), search: new Window() };
      this.#usage.set(appId, usage);
    }
    const day = Math.floor(now / DAY_MS);
    if (this.#day !== day) {
      this.#day = day;
      this.#dailyCount = 0;
    }
    return usage;
  }

  reset(): void {
    this.#usage.clear();
    this.#day = -1;
    this.#dailyCount = 0;
  }

  /**
   * Admits one request or throws the 429 HubSpot would send. Returns the headers for a normal response
   * (none for search: HubSpot sends no rate-limit headers there).
   */
  admit(appId: number, limits: LimitSettings, now: number, isSearch: boolean): Record<string, string> {
    const usage = this.#get(appId, now);
    if (this.#dailyCount >= limits.daily) {
      throw new HubSpotApiError(
        429,
        rateLimitBody('DAILY', `You have reached your daily limit.`),
        isSearch ? {} : this.#headers(usage, limits, now),
      );
    }
    if (isSearch) {
      if (usage.search.count(now, 1000) >= limits.searchPerSecond) {
        this.#dailyCount++;
        throw new HubSpotApiError(429, rateLimitBody('SECONDLY', 'You have reached your secondly limit.'));
      }
      usage.search.add(now);
      this.#dailyCount++;
      return {};
    }
    if (usage.window.count(now, TEN_SECONDS_MS) >= limits.per10Seconds) {
      this.#dailyCount++;
      throw new HubSpotApiError(
        429,
        rateLimitBody('TEN_SECONDLY_ROLLING', 'You have reached your ten_secondly_rolling limit.'),
        this.#headers(usage, limits, now),
      );
    }
    usage.window.add(now);
    this.#dailyCount++;
    return this.#headers(usage, limits, now);
  }

  #headers(usage: AppUsage, limits: LimitSettings, now: number): Record<string, string> {
    return {
      'X-HubSpot-RateLimit-Interval-Milliseconds': String(TEN_SECONDS_MS),
      'X-HubSpot-RateLimit-Max': String(limits.per10Seconds),
      'X-HubSpot-RateLimit-Remaining': String(
        Math.max(0, limits.per10Seconds - usage.window.count(now, TEN_SECONDS_MS)),
      ),
      'X-HubSpot-RateLimit-Daily': String(limits.daily),
      'X-HubSpot-RateLimit-Daily-Remaining': String(Math.max(0, limits.daily - this.#dailyCount)),
    };
  }

  /** Requests counted today for the account. */
  dailyCount(now: number): number {
    this.#get(0, now);
    return this.#dailyCount;
  }
}

export function rateLimitBody(policyName: string, message: string): Record<string, unknown> {
  return {
    status: 'error',
    message,
    errorType: 'RATE_LIMIT',
    correlationId: correlationId(),
    policyName,
    requestId: correlationId(),
  };
}
