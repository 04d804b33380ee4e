/** Backfill: initial sync destination → HubSpot, batched, paced, resumable. */
export { createPacedBudget, type PacedBudget, type PacedBudgetOptions } from './budget.ts';
export {
  type BackfillIdentity,
  BackfillLedger,
  type BackfillLedgerOptions,
  type NaturalKeyHolder,
} from './ledger.ts';
export {
  BACKFILL_CURSOR,
  BackfillError,
  type BackfillFailure,
  type BackfillOptions,
  type BackfillProgress,
  type BackfillReport,
  runBackfill,
} from './run.ts';
