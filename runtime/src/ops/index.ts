/** Operations: pause/resume and dry-run controls, dead-letter list/replay, delete/merge/restore/privacy. */
export { type ControlPanel, controlPanel, type IntegrationControls } from './controls.ts';
export {
  type DeadLetterListing,
  listDeadLetters,
  REPLAY_OF_HEADER,
  type ReplayOutcome,
  replayDeadLetters,
  replayEnvelope,
} from './dlq.ts';
export { forgetKeys, handleLifecycle, type LifecycleContext } from './lifecycle.ts';
