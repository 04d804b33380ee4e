/**
 * The HubSpot request budget of one account, with bottleneck: a 10-second window and a daily cap,
 * both minus the spec's reserve for the client's other apps, tightened by X-HubSpot-RateLimit-*
 * headers when HubSpot sends them. Budgets live in process memory: on Lambda each concurrent
 * instance gets `share` of the budget (see docs/RUNTIME.md).
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

export interface RateBudgetOptions {
  limit: HubSpotRateLimit;
  profile?: Pick<ProviderProfile, 'rateLimitHeaders'>;
  /** Fraction of the budget this process may use (1 locally; 1/N for N concurrent Lambda instances). */
  share?: number;
  /** Window length, ms (HubSpot: 10 s rolling; bottleneck refreshes it at fixed intervals). */
  windowMs?: number;
  /** Most requests in flight at once. */
  maxConcurrent?: number;
}

function header(headers: Record<string, string> | Headers, name: string): number | undefined {
  const raw = headers instanceof Headers ? headers.get(name) : headers[name];
  if (raw === null || raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * @example
 * const budget = createRateBudget({ limit: spec.hubspot.rateLimit });
 * await withRateLimit(budget, () => client.batchRead(ids));
 */
export function createRateBudget(options: RateBudgetOptions): RateBudget {
  const keep = 1 - options.limit.reservePercent / 100;
  const share = options.share ?? 1;
  const perWindow = Math.max(1, Math.floor(options.limit.per10Seconds * keep * share));
  const perDay = Math.max(1, Math.floor(options.limit.daily * keep * share));
  const windowMs = options.windowMs ?? 10_000;
  const window = new Bottleneck({
    reservoir: perWindow,
    reservoirRefreshAmount: perWindow,
    reservoirRefreshInterval: windowMs,
    maxConcurrent: options.maxConcurrent ?? 10,
  });
  const day = new Bottleneck({
    reservoir: perDay,
    reservoirRefreshAmount: perDay,
    reservoirRefreshInterval: 86_400_000,
  });
  window.chain(day);
  const names = options.profile?.rateLimitHeaders;
  let used = 0;

  const lowerTo = (limiter: Bottleneck, allowed: number): void => {
    void limiter.currentReservoir().then((current) => {
      // Not updateSettings({ reservoir }): in bottleneck 2.19.5 that stops the refresh timer for good
      // (_startHeartbeat clears a running one), so the window never refills and the worker stalls.
      if (current !== null && current > allowed)
        void limiter.incrementReservoir(Math.max(0, allowed) - current);
    });
  };

  return {
    schedule: <T>(call: () => Promise<T>): Promise<T> =>
      window.schedule(() => {
        used++;
        return call();
      }),
    observe(headers) {
      if (!names) return;
      const remaining = header(headers, names.remaining);
      const max = names.max ? header(headers, names.max) : undefined;
      if (remaining !== undefined) {
        // HubSpot's remaining count covers every app of the account; leave the reserve to them.
        const reserve = Math.ceil((max ?? options.limit.per10Seconds) * (1 - keep));
        lowerTo(window, Math.floor((remaining - reserve) * share));
      }
      const dailyRemaining = names.dailyRemaining ? header(headers, names.dailyRemaining) : undefined;
      if (dailyRemaining !== undefined) {
        lowerTo(day, Math.floor((dailyRemaining - Math.ceil(options.limit.daily * (1 - keep))) * share));
      }
    },
    get used() {
      return used;
    },
    perWindow,
    async stop() {
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
