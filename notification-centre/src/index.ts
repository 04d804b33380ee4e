// The Notification Centre: one central service watching every client's integrations (docs/NOTIFICATION-CENTRE.md).

export type { AlertFacts, SlackMessageBody } from './alerts/messages.ts';
export { alertText, formatAgo, formatDuration, slackMessage } from './alerts/messages.ts';
export type { AlertNotifier, DeliveryOutcome, SlackNotifierOptions } from './alerts/notifier.ts';
export { memoryNotifier, slackNotifier } from './alerts/notifier.ts';
export type { AlertRules } from './alerts/rules.ts';
export { DEFAULT_RULES } from './alerts/rules.ts';
export type {
  IntegrationDetail,
  IntegrationOverview,
  NcConfig,
  NotificationCentreOptions,
  Overview,
} from './centre.ts';
export { minuteDeltaOf, NotificationCentre } from './centre.ts';
export {
  ConfigError,
  NotFoundError,
  NotificationCentreError,
  PayloadRejectedError,
  StateConflictError,
} from './errors.ts';
export type { FetchHandler, RequestHandlerOptions } from './http/routes.ts';
export { createRequestHandler } from './http/routes.ts';
export { generateKey, hashKey } from './keys.ts';
export type { EventsPayload } from './schema.ts';
export { parseEvents, parseHeartbeat } from './schema.ts';
export type { RunningNotificationCentre, StartNotificationCentreOptions } from './server.ts';
export { startNotificationCentre } from './server.ts';
export type { DynamoNcStoreOptions } from './store/dynamodb.ts';
export { DynamoNcStore, ensureNcTable } from './store/dynamodb.ts';
export { MemoryNcStore } from './store/memory.ts';
export type { NcStore } from './store/types.ts';
export type {
  AlertKind,
  AlertRecord,
  ClientRecord,
  Clock,
  Command,
  IntegrationRecord,
  IntegrationState,
  IntegrationStatus,
  MinuteBucket,
} from './types.ts';
