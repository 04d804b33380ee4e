/** Reconciliation: compare both sides, repair mappings (rolled ids, unlinked pairs), report; enumMap label checks. */
export {
  type EnumLabelProblem,
  enumFieldsOf,
  findEnumLabelProblems,
  judgeOption,
  type LiveOption,
  type LiveOptions,
} from './labels.ts';
export { type LiveOptionSources, readLiveOptions } from './live-options.ts';
export { postReconcileReport, reconcileHeartbeat } from './notify.ts';
export {
  type DriftRepair,
  formatReconcileReport,
  type ReconcileOptions,
  type ReconcileReport,
  reconcile,
  type Unmatched,
  type UnmatchedReason,
} from './run.ts';
export {
  runScheduledReconciliation,
  type ScheduledReconciliationOptions,
  type ScheduledReconciliationResult,
} from './scheduled.ts';
