/** The studio's local server: `startStudio` for in-process use (npm start, tests). */
export { type DestinationEndpoint, JOB_FIELDS } from './destinations.ts';
export {
  type FailureView,
  type LocalRuns,
  type PreflightCheck,
  type RunLocallyAnswer,
  RunLocallyRefusal,
  type RunningIntegration,
  type TraceView,
} from './local-runs.ts';
export { SESSION_COOKIE, SESSION_HEADER } from './security.ts';
export { type GeneratorModule, type StudioOptions, type StudioServer, startStudio } from './studio-server.ts';
