// The job system simulator (REST JSON, HMAC-signed webhooks): start it in-process or from `kongo sim jobs`.
export { DEFAULT_JOBS_LIMITS, formatSeconds, type JobsLimits, RequestRateLimiter } from './rate-limit.ts';
export { type JobsSimulator, type JobsSimulatorOptions, startJobsSimulator } from './simulator.ts';
export {
  type Actor,
  JOB_STATUSES,
  type Job,
  type JobChange,
  type JobInput,
  type JobStatus,
  JobStore,
  parseJobInput,
} from './store.ts';
