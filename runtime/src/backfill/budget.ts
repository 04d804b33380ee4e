/**
 * A HubSpot request budget for long runs (backfill), on bottleneck: starts spaced evenly so that no
 * rolling 10-second window ever holds more than the budget (HubSpot's window rolls; a reservoir
 * refilled at fixed instants lets two full bursts land inside one rolling window), plus a daily
 * reservoir. Both leave the spec's reserve to the client's other apps. Same `RateBudget` port as
 * the worker's, so the worker's HubSpot client runs on it unchanged.
 */
import Bottleneck from 'bottleneck';
import type { RateBudget } from '../outbound/rate-limit.ts';
import type { HubSpotRateLimit } from '../spec/types.ts';

export interface PacedBudgetOptions {
  limit: HubSpotRateLimit;
  /** Fraction of the budget this run may use (e.g. 0.5 to leave half to the live worker). */
  share?: number;
  windowMs?: number;
  maxConcurrent?: number;
  /** Requests already spent today (from X-HubSpot-RateLimit-Daily-Remaining or a stored count). */
  spentToday?: number;
}

export interface PacedBudget extends RateBudget {
  /** Requests per window this budget allows (after reserve and share). */
  readonly perWindow: number;
  /** Requests per day this budget allows (after reserve and share). */
  readonly perDay: number;
  /** Spacing between request starts, ms. */
  readonly spacingMs: number;
}

export function createPacedBudget(options: PacedBudgetOptions): PacedBudget {
  const keep = 1 - options.limit.reservePercent / 100;
  const share = options.share ?? 1;
  const windowMs = options.windowMs ?? 10_000;
  const perWindow = Math.max(1, Math.floor(options.limit.per10Seconds * keep * share));
  const perDay = Math.max(1, Math.floor(options.limit.daily * keep * share));
  // One start per windowMs / perWindow (+1 ms against timer and network jitter).
  const spacingMs = Math.ceil(windowMs / perWindow) + 1;
  const window = new Bottleneck({ minTime: spacingMs, maxConcurrent: options.maxConcurrent ?? 8 });
  const day = new Bottleneck({
    reservoir: Math.max(0, perDay - (options.spentToday ?? 0)),
    reservoirRefreshAmount: perDay,
    reservoirRefreshInterval: 86_400_000,
  });
  window.chain(day);
  const dailyReserve = Math.ceil(options.limit.daily * (1 - keep));
  let used = 0;
  return {
    schedule: <T>(call: () => Promise<T>): Promise<T> =>
      window.schedule(() => {
        used++;
        return call();
      }),
    observe(headers) {
      // The daily count is shared by every app of the account: follow HubSpot's own figure down.
      const raw =
        headers instanceof Headers
          ? headers.get('x-hubspot-ratelimit-daily-remaining')
          : headers['x-hubspot-ratelimit-daily-remaining'];
      const remaining = raw === null || raw === undefined || raw === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(remaining)) return;
      const allowed = Math.max(0, Math.floor((remaining - dailyReserve) * share));
      void day.currentReservoir().then((current) => {
        if (current !== null && current > allowed) void day.updateSettings({ reservoir: allowed });
      });
    },
    get used() {
      return used;
    },
    perWindow,
    perDay,
    spacingMs,
    async stop() {
      await window.stop({ dropWaitingJobs: true });
      await day.stop({ dropWaitingJobs: true });
    },
  };
}
