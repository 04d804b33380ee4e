/**
 * `kongo dlq list|replay`: what failed and why, and putting it back on the work queue. Locally it
 * reads the sandbox's dynalite (KONGO_DYNAMO_PORT, default 4360; table `kongo`); with `--aws` the
 * SQS queues named by KONGO_DEAD_LETTER_QUEUE_URL and KONGO_WORK_QUEUE_URL. Replayed letters are
 * delivered by the running worker within the HubSpot budget; nothing here calls an API.
 */
import type { Command } from 'commander';

export interface DlqOutput {
  out(line: string): void;
  err(line: string): void;
}

const processOutput: DlqOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export interface DlqConnection {
  aws?: boolean;
  dynamo?: string;
  table?: string;
}

interface Queues {
  deadLetters: import('@kongo/runtime/queue').DeadLetterQueue;
  queue(integration: string): import('@kongo/runtime/queue').WorkQueue;
  close(): void;
}

/** The dead-letter and work queues for the chosen environment (clients built here, on demand). */
export async function openQueues(connection: DlqConnection, env = process.env): Promise<Queues> {
  const queueModule = await import('@kongo/runtime/queue');
  if (connection.aws) {
    const { SQSClient } = await import('@aws-sdk/client-sqs');
    const dlqUrl = env.KONGO_DEAD_LETTER_QUEUE_URL;
    const workUrl = env.KONGO_WORK_QUEUE_URL;
    if (!dlqUrl || !workUrl)
      throw new Error('set KONGO_DEAD_LETTER_QUEUE_URL and KONGO_WORK_QUEUE_URL for --aws');
    const client = new SQSClient({});
    return {
      deadLetters: new queueModule.SqsDeadLetterQueue({ client, queueUrl: dlqUrl }),
      queue: () => new queueModule.SqsWorkQueue({ client, queueUrl: workUrl }),
      close: () => client.destroy(),
    };
  }
  const endpoint = connection.dynamo ?? `http://127.0.0.1:${env.KONGO_DYNAMO_PORT ?? '4360'}`;
  const tableName = connection.table ?? queueModule.DEFAULT_KONGO_TABLE;
  const client = queueModule.localDynamoClient(endpoint);
  return {
    deadLetters: new queueModule.DynamoDeadLetterQueue({ client, tableName }),
    queue: (integration) => new queueModule.DynamoWorkQueue({ client, tableName, queueName: integration }),
    close: () => client.destroy(),
  };
}

function age(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

/** Lists dead letters (never their bodies: they hold record contents). Returns the exit code. */
export async function dlqList(
  queues: Pick<Queues, 'deadLetters'>,
  options: { integration?: string; limit?: number; json?: boolean; now?: number },
  output: DlqOutput = processOutput,
): Promise<number> {
  const { listDeadLetters } = await import('@kongo/runtime/ops');
  const letters = await listDeadLetters(queues.deadLetters, {
    ...(options.integration ? { integration: options.integration } : {}),
    limit: options.limit ?? 100,
  });
  if (options.json) {
    output.out(JSON.stringify(letters, null, 2));
    return 0;
  }
  if (letters.length === 0) {
    output.out('No dead letters.');
    return 0;
  }
  const now = options.now ?? Date.now();
  for (const letter of letters) {
    output.out(
      `${letter.id}  ${letter.integration}  ${letter.kind}  ${letter.recordId ?? '-'}  ${age(now - letter.failedAt)} ago  ` +
        `${letter.attempts} attempt${letter.attempts === 1 ? '' : 's'}  ${letter.reason}`,
    );
  }
  output.out(`${letters.length} dead letter${letters.length === 1 ? '' : 's'}.`);
  return 0;
}

/** Replays the given ids (or all of the integration's with `all`). Returns the exit code. */
export async function dlqReplay(
  queues: Pick<Queues, 'deadLetters' | 'queue'>,
  options: { integration: string; ids: string[]; all?: boolean },
  output: DlqOutput = processOutput,
): Promise<number> {
  if (options.ids.length === 0 && !options.all) {
    output.err('Name the dead letters to replay, or pass --all.');
    return 2;
  }
  const { replayDeadLetters } = await import('@kongo/runtime/ops');
  const outcome = await replayDeadLetters({
    deadLetters: queues.deadLetters,
    queue: queues.queue(options.integration),
    integration: options.integration,
    ...(options.all ? {} : { ids: options.ids }),
  });
  for (const id of outcome.replayed) output.out(`replayed ${id}`);
  for (const skipped of outcome.skipped) output.err(`skipped ${skipped.id}: ${skipped.reason}`);
  output.out(
    `${outcome.replayed.length} replayed, ${outcome.skipped.length} skipped. The worker delivers them within the HubSpot budget.`,
  );
  // `--all` replays what can be replayed: quarantined letters (malformed bodies) stay by design and are
  // listed, not a failure. Ids named one by one must each be replayed, or the exit code says which weren't.
  return !options.all && outcome.skipped.length > 0 ? 1 : 0;
}

export function register(program: Command): void {
  const dlq = program.command('dlq').description('dead letters: list what failed and why, replay it');
  const connection = (command: Command) =>
    command
      .option('--aws', 'use the SQS queues from KONGO_DEAD_LETTER_QUEUE_URL / KONGO_WORK_QUEUE_URL')
      .option(
        '--dynamo <url>',
        'local DynamoDB endpoint (default http://127.0.0.1:$KONGO_DYNAMO_PORT or :4360)',
      )
      .option('--table <name>', 'table name (default kongo)');

  connection(dlq.command('list'))
    .description('list dead letters, oldest first')
    .option('--integration <name>', 'only this integration')
    .option('--limit <n>', 'at most this many', (v) => Number(v), 100)
    .option('--json', 'print JSON')
    .action(async (options: DlqConnection & { integration?: string; limit: number; json?: boolean }) => {
      const queues = await openQueues(options);
      try {
        process.exitCode = await dlqList(queues, options);
      } finally {
        queues.close();
      }
    });

  connection(dlq.command('replay'))
    .description('put dead letters back on the work queue')
    .argument('[ids...]', 'dead-letter ids (from kongo dlq list)')
    .requiredOption('--integration <name>', 'the integration whose letters to replay')
    .option('--all', "replay all of the integration's dead letters")
    .action(async (ids: string[], options: DlqConnection & { integration: string; all?: boolean }) => {
      const queues = await openQueues(options);
      try {
        process.exitCode = await dlqReplay(queues, {
          integration: options.integration,
          ids,
          ...(options.all ? { all: true } : {}),
        });
      } finally {
        queues.close();
      }
    });
}
