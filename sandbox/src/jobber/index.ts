// The Jobber clients simulator (GraphQL, rotating OAuth refresh tokens, base64-HMAC webhooks): in-process or `kongo sim jobber`.
export { decodeId, encodeId, JOBBER_SDL, jobberSchema } from './schema.ts';
export {
  DEFAULT_JOBBER_LIMITS,
  DEMO_JOBBER_APP,
  type JobberApp,
  type JobberLimits,
  type JobberSimulator,
  type JobberSimulatorOptions,
  jobberQueryCost,
  startJobberSimulator,
} from './simulator.ts';
export { type ClientChange, ClientStore, clientView, jobberTime } from './store.ts';
