/**
 * The dead-letter archiver (scheduled daily): moves dead letters older than KONGO_ARCHIVE_AFTER_DAYS
 * out of the SQS dead-letter queue — before SQS's 14-day retention deletes them — into the Kongo
 * table as `pk DLQ` dead letters, the format runtime/src/queue/dynamo-dead-letters.ts reads, so
 * `kongo dlq list|replay` still finds them. Put first, delete second: a crash between the two
 * leaves a duplicate dead letter, never a lost one (the put is conditional on the SQS message id).
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteMessageCommand, type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ENV } from '../environment-variables.ts';

const DAY_MS = 86_400_000;

export interface ArchiveOutcome {
  archived: number;
  keptYoung: number;
}

export interface ArchiverDeps {
  sqs: Pick<SQSClient, 'send'>;
  dynamo: Pick<DynamoDBClient, 'send'>;
  queueUrl: string;
  tableName: string;
  integration: string;
  archiveAfterDays: number;
  now: () => number;
  /** Stop receiving after this many empty or young-only batches. */
  maxBatches?: number;
}

/** Moves every dead letter older than the cut-off; young ones become visible again after 60 s. */
export async function archiveOldDeadLetters(deps: ArchiverDeps): Promise<ArchiveOutcome> {
  const cutoff = deps.now() - deps.archiveAfterDays * DAY_MS;
  const outcome: ArchiveOutcome = { archived: 0, keptYoung: 0 };
  for (let batch = 0; batch < (deps.maxBatches ?? 50); batch++) {
    const received = await deps.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: deps.queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) break;
    for (const message of messages) {
      const sentAt = Number(message.Attributes?.SentTimestamp ?? deps.now());
      if (sentAt > cutoff) {
        outcome.keptYoung++;
        continue;
      }
      try {
        await deps.dynamo.send(new PutItemCommand(archiveItem(deps, message, sentAt)));
      } catch (error) {
        // Archived by an earlier run that crashed before the delete: delete it now.
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
      }
      await deps.sqs.send(
        new DeleteMessageCommand({ QueueUrl: deps.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
      outcome.archived++;
    }
  }
  return outcome;
}

/** The runtime's SQS dead letters carry their reason etc. as `kongo-*` message attributes; redriven work messages don't. */
function archiveItem(deps: ArchiverDeps, message: Message, sentAt: number) {
  const attribute = (name: string) => message.MessageAttributes?.[`kongo-${name}`]?.StringValue;
  const failedAt = attribute('failed-at') ?? String(sentAt);
  const id = `${failedAt.padStart(13, '0')}-sqs-${message.MessageId ?? 'unknown'}`;
  const recordId = attribute('record-id');
  return {
    TableName: deps.tableName,
    Item: {
      pk: { S: 'DLQ' },
      sk: { S: id },
      type: { S: 'dead-letter' },
      integration: { S: attribute('integration') ?? deps.integration },
      reason: {
        S: `${attribute('reason') ?? 'max-receives-exceeded'} (archived from the SQS dead-letter queue after ${deps.archiveAfterDays} days)`,
      },
      kind: { S: attribute('kind') ?? 'redriven' },
      failedAt: { N: failedAt },
      attempts: { N: attribute('attempts') ?? message.Attributes?.ApproximateReceiveCount ?? '0' },
      envelope: { S: message.Body ?? '' },
      ...(recordId === undefined ? {} : { recordId: { S: recordId } }),
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new Error(`The archiver needs the environment variable ${name}.`);
  return value;
}

/** Lambda entry (EventBridge schedule). Clients are created per invocation: none at module load. */
export async function handler(): Promise<ArchiveOutcome> {
  return archiveOldDeadLetters({
    sqs: new SQSClient({}),
    dynamo: new DynamoDBClient({}),
    queueUrl: required(ENV.deadLetterQueueUrl),
    tableName: required(ENV.tableName),
    integration: required(ENV.integration),
    archiveAfterDays: Number(required(ENV.archiveAfterDays)),
    now: Date.now,
  });
}
