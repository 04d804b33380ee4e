/**
 * @kongo/runtime: the library generated handlers call. The composition root first, then each
 * capability's public pieces by name. Browser-safe parts live at @kongo/runtime/spec and /formulas.
 */

// Worker side
export { isOurSource, valuesHash } from './echo/index.ts';

// Edge (webhook handler, Lambda adapters, verification, secrets, queue)
export {
  type ApiGatewayV2Handler,
  apiGatewayV2Handler,
  type FetchHandler,
  readBodyCapped,
  receivedMessageFromSqsRecord,
  requestFromApiGatewayV2Event,
  type SqsBatchHandler,
  type SqsBatchOutcome,
  sqsBatchHandler,
  toApiGatewayV2Result,
} from './http/index.ts';
export { hydrate, type InboundEvent, planRecords, type RecordWork, splitEnvelope } from './intake/index.ts';
export {
  awsEnvironment,
  createIntegrationRuntime,
  type DrainOptions,
  type IntegrationRuntime,
  type IntegrationRuntimeOptions,
  type LocalEnvironmentOptions,
  localEnvironment,
  type RuntimeEnvironment,
} from './integration.ts';
export {
  DynamoMappingStore,
  type Intent,
  type MappingStore,
  MappingStoreError,
  normaliseNaturalKey,
  type SyncEntity,
  type System,
} from './mapping-store/index.ts';
// Monitor
export {
  type HeartbeatSink,
  httpHeartbeatSink,
  IntegrationLogger,
  memoryLogSink,
  runHeartbeat,
} from './monitor/index.ts';
export {
  type ControlPanel,
  controlPanel,
  listDeadLetters,
  type ReplayOutcome,
  replayDeadLetters,
} from './ops/index.ts';
export {
  createGraphQLDestination,
  createHubSpotClient,
  createRateBudget,
  createRestDestination,
  DeliveryError,
  type DestinationClient,
  type HubSpotClient,
  type HubSpotObjectApiModule,
  hubspotCompaniesApi,
  hubspotContactsApi,
  hubspotDealsApi,
  hubspotObjectApi,
  type ProviderProfile,
  type RateBudget,
  withRateLimit,
  withRetry,
} from './outbound/index.ts';
export { type PollOutcome, runPoll } from './poll/driver.ts';
export {
  createKongoTable,
  DEFAULT_KONGO_TABLE,
  type DeadLetter,
  type DeadLetterQueue,
  DynamoDeadLetterQueue,
  DynamoWorkQueue,
  type LocalDynamo,
  localDynamoClient,
  type QueueEnvelope,
  QueueError,
  type ReceivedMessage,
  SqsDeadLetterQueue,
  SqsWorkQueue,
  startLocalDynamo,
  type WorkQueue,
} from './queue/index.ts';
export {
  LocalFileSecretSource,
  rotatingSecrets,
  type SecretSource,
  SecretsError,
  SsmSecretSource,
} from './secrets/index.ts';
export { createVerifier, type VerifyResult, verificationFor } from './verify/index.ts';
export { createWebhookHandler, type WebhookHandlerOptions } from './webhook/index.ts';
export {
  type BatchOutcome,
  CRASH_POINTS,
  type CrashPoint,
  createWorker,
  type RecordReport,
  type RuntimeHooks,
} from './worker/index.ts';
