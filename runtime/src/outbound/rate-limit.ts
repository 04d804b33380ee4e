/**
 * The HubSpot request budget of one account, on bottleneck, as a true rolling window: the
 * reservoir starts at the window's budget, every request takes one token, and each token comes back
 * one window (plus a margin for network jitter) after its request started. No rolling 10-second
 * window can then hold more than the budget — HubSpot's window rolls, and a reservoir refilled at
 * fixed instants lets a burst before a refill and another after it land inside one rolling window
 * (429s) — while a late timer only delays one token instead of stretching every gap. A daily
 * reservoir is chained. Both leave the spec's reserve to the client's other apps, and both are
 * lowered when X-HubSpot-RateLimit-* headers say less is left. One implementation for the worker,
 * the pollers, reconciliation and the backfill (../backfill/budget.ts re-exports it). Budgets live
 * in process memory: on Lambda each concurrent instance gets `share` of the budget (docs/RUNTIME.md).
 */
import Bottleneck from 'bottleneck';
import type { HubSpotRateLimit } from '../spec/types.ts';
import type { ProviderProfile } from './profiles.ts';

export interface RateBudget {
  /** Runs `call` when the budget allows one more request. */
  schedule<T>(call: () => Promise<T>): Promise<T>;
  /** Reads rate-limit headers from a response and lowers the remaining budget to match. */
  observe(headers: Record<string, string> | Headers): void;
  /** Requests made through the budget so far. */
  readonly used: number;
  /** Requests allowed per window after the reserve (what the budget enforces). */
  readonly perWindow: number;
  stop(): Promise<void>;
}

/** The budget `createRateBudget` returns: the port plus its figures. */
export interface RollingRateBudget extends RateBudget {
  /** Requests per day this budget allows (after reserve and share). */
  readonly perDay: number;
  /** How long a token is out, ms (window + margin). */
  readonly tokenMs: number;
}

export interface RateBudgetOptions {
  limit: HubSpotRateLimit;
  /** Header names to read (default: HubSpot's X-HubSpot-RateLimit-*). */
  profile?: Pick<ProviderProfile, 'rateLimitHeaders'>;
  /** Fraction of the budget this process may use (1 locally; 1/N for N concurrent Lambda instances). */
  share?: number;
  /** Window length, ms (HubSpot: 10 s, rolling). */
  windowMs?: number;
  /** Most requests in flight at once. Default 10. */
  maxConcurrent?: number;
  /** Requests already spent today (from X-HubSpot-RateLimit-Daily-Remaining or a stored count). */
  spentToday?: number;
  /** Extra time before a token returns, ms (request send → HubSpot's clock). Default 250. */
  marginMs?: number;
  /** Smallest gap between two starts, ms. Default 0. */
  minTimeMs?: number;
}

const HUBSPOT_RATE_LIMIT_HEADERS: NonNullable<ProviderProfile['rateLimitHeaders']> = {
  remaining: 'x-hubspot-ratelimit-remaining',
  max: 'x-hubspot-ratelimit-max',
  dailyRemaining: 'x-hubspot-ratelimit-daily-remaining',
};

function header(headers: Record<string, string> | Headers, name: string): number | undefined {
  const raw =
    headers instanceof Headers
      ? headers.get(name)
      : (headers[name] ??
        Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1]);
  if (raw === null || raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * @example
 * const budget = createRateBudget({ limit: spec.hubspot.rateLimit, profile: HUBSPOT_PROFILE });
 * await withRateLimit(budget, () => client.batchRead(ids));
 */
export function createRateBudget(options: RateBudgetOptions): RollingRateBudget {
  const keep = 1 - options.limit.reservePercent / 100;
  const share = options.share ?? 1;
  const windowMs = options.windowMs ?? 10_000;
  const perWindow = Math.max(1, Math.floor(options.limit.per10Seconds * keep * share));
  const perDay = Math.max(1, Math.floor(options.limit.daily * keep * share));
  const tokenMs = windowMs + (options.marginMs ?? 250);
  const window = new Bottleneck({
    reservoir: perWindow,
    minTime: options.minTimeMs ?? 0,
    maxConcurrent: options.maxConcurrent ?? 10,
  });
  const returns = new Set<ReturnType<typeof setTimeout>>();
  const giveBack = (): void => {
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
  const names = options.profile?.rateLimitHeaders ?? HUBSPOT_RATE_LIMIT_HEADERS;
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
      // HubSpot's count for the window also holds calls we didn't make (the client's other apps,
      // another instance): take those tokens out now and give them back one window later.
      const remaining = header(headers, names.remaining);
      if (remaining !== undefined) {
        const max = names.max ? header(headers, names.max) : undefined;
        const reserve = Math.ceil((max ?? options.limit.per10Seconds) * (1 - keep));
        const allowed = Math.max(0, Math.floor((remaining - reserve) * share));
        void window.currentReservoir().then((current) => {
          // One token of slack: a response's count can lag a call we already started.
          if (current === null || current <= allowed + 1) return;
          const deficit = current - allowed;
          void window.incrementReservoir(-deficit);
          for (let i = 0; i < deficit; i++) giveBack();
        });
      }
      // The daily count is shared by every app of the account: follow HubSpot's own figure down.
      const dailyRemaining = names.dailyRemaining ? header(headers, names.dailyRemaining) : undefined;
      if (dailyRemaining !== undefined) {
        const allowedToday = Math.max(0, Math.floor((dailyRemaining - dailyReserve) * share));
        void day.currentReservoir().then((current) => {
          // Not updateSettings({ reservoir }): in bottleneck 2.19.5 that stops the refresh timer for
          // good (_startHeartbeat clears a running one), so the day would never refill.
          if (current !== null && current > allowedToday) void day.incrementReservoir(allowedToday - current);
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

/** Runs `call` inside the budget. */
export function withRateLimit<T>(budget: RateBudget, call: () => Promise<T>): Promise<T> {
  return budget.schedule(call);
}

/** A budget that never waits: for destinations whose limits are enforced by their 429s. */
export function unlimitedBudget(): RateBudget {
  let used = 0;
  return {
    schedule: (call) => {
      used++;
      return call();
    },
    observe: () => {},
    get used() {
      return used;
    },
    perWindow: Number.POSITIVE_INFINITY,
    stop: async () => {},
  };
}
