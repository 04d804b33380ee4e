/** The worker: the per-record pipeline, crash points and what it reports. */
export { CRASH_POINTS, type CrashHook, type CrashPoint, crashHookFromEnv, noCrash } from './crash.ts';
export { createWorker, effectiveFlows, fieldSets, type Worker } from './pipeline.ts';
export type {
  BatchOutcome,
  HookContext,
  MappingsOverride,
  RecordOutcome,
  RecordReport,
  RuntimeHooks,
  WorkerDeps,
  WorkerOptions,
  WriteValues,
} from './types.ts';
