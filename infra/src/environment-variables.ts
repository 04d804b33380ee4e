/**
 * The environment variables infra sets on every function: the one contract between the CDK stack
 * and the generated handler code (which reads them and passes them to the runtime).
 */
export const ENV = {
  /** `sandbox` | `production`. */
  environment: 'KONGO_ENVIRONMENT',
  /** The integration's name (spec.integration.name). */
  integration: 'KONGO_INTEGRATION',
  /** DynamoDB table holding mappings, intents, cursors and archived dead letters. */
  tableName: 'KONGO_TABLE_NAME',
  /** The work queue of the function's direction (webhook, poller and worker of one direction share it). */
  workQueueUrl: 'KONGO_WORK_QUEUE_URL',
  /** JSON object direction → work-queue URL; only on the heartbeat, which reports every queue's depth. */
  workQueueUrls: 'KONGO_WORK_QUEUE_URLS',
  /** The dead-letter queue shared by both directions. */
  deadLetterQueueUrl: 'KONGO_DEAD_LETTER_QUEUE_URL',
  /** `hubspot-to-destination` | `destination-to-hubspot` on direction-specific functions. */
  direction: 'KONGO_DIRECTION',
  /** Dead letters older than this many days are moved from SQS into the table (archiver only). */
  archiveAfterDays: 'KONGO_ARCHIVE_AFTER_DAYS',
  /** SSM names the alarm forwarder reads: the Notification Centre's URL and the integration's key. */
  ncUrlParameter: 'KONGO_NC_URL_PARAMETER',
  ncKeyParameter: 'KONGO_NC_KEY_PARAMETER',
  /** SSM name of a Slack incoming-webhook URL for alarms (spec monitoring.alarms.slackWebhookParameter). */
  alarmSlackParameter: 'KONGO_ALARM_SLACK_PARAMETER',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];
