// The ServiceM8 jobs simulator (REST api_1.0, X-API-Key, x-next-cursor, challenge-verified webhooks): in-process or `kongo sim servicem8`.
export {
  DEFAULT_SERVICEM8_LIMITS,
  JOB_FIELD_NAMES,
  type ServiceM8Limits,
  type ServiceM8Simulator,
  type ServiceM8SimulatorOptions,
  type ServiceM8Subscription,
  startServiceM8Simulator,
} from './simulator.ts';
export { JOB_STATUSES, type Job, type JobChange, JobStore, parseFilter, servicem8Time } from './store.ts';
