/**
 * The work queue and dead-letter ports with their DynamoDB (local/dynalite) and SQS adapters.
 * `startLocalDynamo` loads dynalite only when called, so Lambda bundles never need it.
 */
export { DynamoDeadLetterQueue, type DynamoDeadLetterQueueOptions } from './dynamo-dead-letters.ts';
export { DynamoWorkQueue, type DynamoWorkQueueOptions } from './dynamo-queue.ts';
export { QueueError } from './errors.ts';
export { type LocalDynamo, localDynamoClient, startLocalDynamo } from './local-dynamo.ts';
export { SqsDeadLetterQueue, type SqsDeadLetterQueueOptions } from './sqs-dead-letters.ts';
export {
  isEnvelope,
  type SqsClientInput,
  type SqsSender,
  SqsWorkQueue,
  type SqsWorkQueueOptions,
  toReceivedMessage,
} from './sqs-queue.ts';
export {
  createKongoTable,
  DEAD_LETTER_PK,
  DEFAULT_KONGO_TABLE,
  type DynamoClientInput,
  documentClient,
  KONGO_PARTITION_KEY,
  KONGO_SORT_KEY,
  nowSeconds,
  QUEUE_PK_PREFIX,
  QUEUE_SK_PREFIX,
  TTL_ATTRIBUTE,
  ttlSeconds,
} from './table.ts';
export {
  type Clock,
  type DeadLetter,
  type DeadLetterQueue,
  type QueueDepth,
  type QueueEnvelope,
  type ReceivedMessage,
  systemClock,
  type WorkQueue,
} from './types.ts';
