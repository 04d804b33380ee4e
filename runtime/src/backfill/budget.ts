/**
 * The backfill's HubSpot request budget: the shared rolling-window budget of
 * ../outbound/rate-limit.ts (the worker, pollers and reconciliation run on the same one), with the
 * backfill's defaults — evenly started calls (no 100 in one millisecond) and fewer in flight.
 */
import { createRateBudget, type RateBudgetOptions, type RollingRateBudget } from '../outbound/rate-limit.ts';

export type PacedBudgetOptions = Omit<RateBudgetOptions, 'profile'>;

export type PacedBudget = RollingRateBudget;

export function createPacedBudget(options: PacedBudgetOptions): PacedBudget {
  return createRateBudget({ minTimeMs: 10, maxConcurrent: 8, ...options });
}
