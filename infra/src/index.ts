/** @kongo/infra: the CDK constructs generated integration apps instantiate, and the Notification Centre stack. */
export { type AlarmPayload, alarmFrom, forwardAlarms } from './alarm-forwarder/handler.ts';
export { type ArchiveOutcome, archiveOldDeadLetters } from './dlq-archiver/handler.ts';
export { ENV, type EnvName } from './environment-variables.ts';
export {
  DEAD_LETTER_AGE_ALARM,
  DEAD_LETTER_ARCHIVE_AFTER_DAYS,
  DEAD_LETTER_RETENTION,
  type IntegrationEntries,
  IntegrationStack,
  type IntegrationStackProps,
  MAX_RECEIVE_COUNT,
  TTL_ATTRIBUTE,
  WEBHOOK_THROTTLE,
} from './integration-stack.ts';
export {
  type BundlingRoots,
  FORM_DATA_STUB,
  KONGO_LAMBDA_ARCHITECTURE,
  KONGO_LAMBDA_RUNTIME,
  KongoFunction,
  type KongoFunctionProps,
} from './kongo-function.ts';
export {
  type Acknowledgement,
  acknowledgeIntegrationFindings,
  acknowledgeNotificationCentreFindings,
  addNagChecks,
  INTEGRATION_ACKNOWLEDGEMENTS,
  NOTIFICATION_CENTRE_ACKNOWLEDGEMENTS,
} from './nag.ts';
export {
  NC_ENV,
  NotificationCentreStack,
  type NotificationCentreStackProps,
} from './notification-centre-stack.ts';
export {
  GITHUB_OIDC_HOST,
  PipelineRolesStack,
  type PipelineRolesStackProps,
} from './pipeline-roles-stack.ts';
