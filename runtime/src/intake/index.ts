/** Intake: queued envelopes → deduped, ordered, hydrated units of work per record. */
export { type HydrateDeps, type Hydrated, type HydrateOutcome, hydrate } from './hydrate.ts';
export { planRecords, type RecordWork } from './plan.ts';
export {
  type EventAction,
  type InboundEvent,
  type SplitResult,
  splitEnvelope,
  TIMESTAMPED_DEDUPE_MS,
  UNTIMESTAMPED_DEDUPE_MS,
} from './split.ts';
