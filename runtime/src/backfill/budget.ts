/**
 * A HubSpot request budget for long runs (backfill), on bottleneck, as a true sliding window:
 * the reservoir starts at the window's budget, every request takes one token, and each token comes
 * back one window (plus a margin for network jitter) after its request started. No rolling
 * 10-second window can then hold more than the budget — HubSpot's window rolls, and a reservoir
 * refilled at fixed instants lets two full bursts land inside one rolling window — while a late
 * timer only delays one token instead of stretching every gap (even spacing with `minTime` loses
 * each timer's lateness for good: ~14 % on a busy machine). A daily reservoir is chained. Both
 * leave the spec's reserve to the client's other apps. Same `RateBudget` port as the worker's, so
 * the worker's HubSpot client runs on it unchanged.
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
  /** Extra time before a token returns, ms (request send → HubSpot's clock). Default 250. */
  marginMs?: number;
  /** Smallest gap between two starts, ms (no bursts of 100 in one millisecond). Default 10. */
  minTimeMs?: number;
}

export interface PacedBudget extends RateBudget {
  /** Requests per window this budget allows (after reserve and share). */
  readonly perWindow: number;
  /** Requests per day this budget allows (after reserve and share). */
  readonly perDay: number;
  /** How long a token is out, ms. */
  readonly tokenMs: number;
}

export function createPacedBudget(options: PacedBudgetOptions): PacedBudget {
  const keep = 1 - options.limit.reservePercent / 100;
  const share = options.share ?? 1;
  const windowMs = options.windowMs ?? 10_000;
  const perWindow = Math.max(1, Math.floor(options.limit.per10Seconds * keep * share));
  const perDay = Math.max(1, Math.floor(options.limit.daily * keep * share));
  const tokenMs = windowMs + (options.marginMs ?? 250);
  const window = new Bottleneck({
    reservoir: perWindow,
    minTime: options.minTimeMs ?? 10,
    maxConcurrent: options.maxConcurrent ?? 8,
  });
  const returns = new Set<ReturnType<typeof setTimeout>>();
  const giveBack = () => {
    const timer = setTimeout(() => {
      returns.delete(timer);
      void window.incrementReservoir(1);
    }, tokenMs);
    returns.add(timer);
  };
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
        giveBack();
        return call();
      }),
    observe(headers) {
      const read = (name: string): number => {
        const raw = headers instanceof Headers ? headers.get(name) : headers[name];
        return raw === null || raw === undefined || raw === '' ? Number.NaN : Number(raw);
      };
      // HubSpot's own count for the window also holds calls we didn't make (another process, an
      // earlier run): take those tokens out now and give them back one window later.
      const remaining = read('x-hubspot-ratelimit-remaining');
      if (Number.isFinite(remaining)) {
        const max = read('x-hubspot-ratelimit-max');
        const reserve = Math.ceil((Number.isFinite(max) ? max : options.limit.per10Seconds) * (1 - keep));
        const allowed = Math.max(0, Math.floor((remaining - reserve) * share));
        void window.currentReservoir().then((current) => {
          if (current === null || current <= allowed + 1) return;
          const deficit = current - allowed;
          void window.incrementReservoir(-deficit);
          for (let i = 0; i < deficit; i++) giveBack();
        });
      }
      // The daily count is shared by every app of the account: follow HubSpot's own figure down.
      const dailyRemaining = read('x-hubspot-ratelimit-daily-remaining');
      if (Number.isFinite(dailyRemaining)) {
        const allowedToday = Math.max(0, Math.floor((dailyRemaining - dailyReserve) * share));
        void day.currentReservoir().then((current) => {
          if (current !== null && current > allowedToday)
            void day.updateSettings({ reservoir: allowedToday });
        });
      }
    },
    get used() {
      return used;
    },
    perWindow,
    perDay,
    tokenMs,
    async stop() {
      for (const timer of returns) clearTimeout(timer);
      returns.clear();
      await window.stop({ dropWaitingJobs: true });
      await day.stop({ dropWaitingJobs: true });
    },
  };
}
