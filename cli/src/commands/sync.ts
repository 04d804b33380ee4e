/**
 * `kongo sync SPEC --backfill`: the initial sync, destination → HubSpot — every record matched by
 * natural key before anything is created, 100 per HubSpot batch call, within the 10-second window
 * and the daily cap minus the spec's reserve, with a progress bar (rate, ETA). Ctrl-C stops after
 * the calls in flight and checkpoints; running the same command again resumes with no duplicate.
 * `kongo sync SPEC --poll [destination|hubspot]`: one poll of that side into the work queue.
 *
 * Locally it uses the sandbox's dynalite (KONGO_DYNAMO_PORT, default 4360; table `kongo`) and
 * `.kongo/secrets.json`; with `--aws`, DynamoDB (KONGO_TABLE_NAME) and SSM Parameter Store.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';

export interface SyncOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: SyncOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export interface ConnectionOptions {
  aws?: boolean;
  dynamo?: string;
  table?: string;
  secrets?: string;
  hubspotBaseUrl?: string;
  destinationBaseUrl?: string;
}

/** Everything a sync or reconciliation run talks to, built from the spec and the environment. */
export async function connect(specFile: string, options: ConnectionOptions, env = process.env) {
  const { parseSpecText, formatProblem } = await import('@kongo/runtime/spec');
  const parsed = parseSpecText(await readFile(specFile, 'utf8'), specFile);
  if (!parsed.ok) {
    throw new Error(
      `${specFile} is not a valid spec:\n${parsed.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
  }
  const spec = parsed.spec;
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const queue = await import('@kongo/runtime/queue');
  const { DynamoMappingStore } = await import('@kongo/runtime/mapping-store');
  const secretsModule = await import('@kongo/runtime/secrets');
  const dynamo = options.aws
    ? new DynamoDBClient({})
    : queue.localDynamoClient(options.dynamo ?? `http://127.0.0.1:${env.KONGO_DYNAMO_PORT ?? '4360'}`);
  const tableName =
    options.table ?? (options.aws ? env.KONGO_TABLE_NAME : undefined) ?? queue.DEFAULT_KONGO_TABLE;
  const secrets = options.aws
    ? new secretsModule.SsmSecretSource({ clientConfig: {} })
    : new secretsModule.LocalFileSecretSource(options.secrets ? { path: options.secrets } : {});
  const secret = async (name: string): Promise<string> => {
    const value = await secrets.get(name);
    if (!value)
      throw new Error(
        `secret ${name} is not set (SSM with --aws, else ${options.secrets ?? '.kongo/secrets.json'})`,
      );
    return value;
  };
  const store = new DynamoMappingStore({ client: dynamo, tableName });
  const hubspotBaseUrl = options.hubspotBaseUrl ?? env.HUBSPOT_BASE_URL ?? 'https://api.hubapi.com';
  const destinationBaseUrl = options.destinationBaseUrl ?? spec.destination.baseUrl;
  const outbound = await import('@kongo/runtime/outbound');
  const { effectiveFlows, fieldSets } = await import('@kongo/runtime/worker');
  // The connector client the deployed functions run: the spec's connector (beside the spec, else the
  // catalog's), its auth from the spec's credentials, a rotated refresh token written back.
  let connector: import('@kongo/runtime/connector').ConnectorDocument | undefined;
  if (spec.destination.connector !== undefined) {
    const { connectorBesideSpec } = await import('@kongo/connectors/files');
    connector = await connectorBesideSpec(specFile, spec.destination.connector);
    if (!connector)
      throw new Error(
        `${specFile}: no connector "${spec.destination.connector}" in the catalog or beside the spec (npx kongo connectors lists them)`,
      );
  }
  const destination = outbound.destinationClientFor({
    spec,
    ...(connector ? { connector } : {}),
    secrets,
    // Only an explicit override (a simulator) replaces the spec's URL and re-roots the token endpoint.
    ...(options.destinationBaseUrl ? { baseUrl: options.destinationBaseUrl } : {}),
    fields: fieldSets(spec, effectiveFlows(spec, undefined)).destinationFields,
    lock: outbound.storeCredentialLock(store, spec.integration.name),
  });
  // Only a legacy GraphQL destination is asked directly (its record count, its enum types).
  const destinationToken =
    spec.destination.connector === undefined ? await secret(spec.destination.auth.tokenParameter) : undefined;
  return {
    spec,
    dynamo,
    tableName,
    store,
    secrets,
    secret,
    destination,
    connector,
    destinationToken,
    destinationBaseUrl,
    hubspotBaseUrl,
    close: () => dynamo.destroy(),
  };
}

/** The destination's record count when its API says (GraphQL `totalCount`), for the ETA. */
async function destinationTotal(
  spec: import('@kongo/runtime/spec').IntegrationSpec,
  baseUrl: string,
  token: string | undefined,
): Promise<number | undefined> {
  if (spec.destination.api !== 'graphql' || token === undefined) return undefined;
  const listField =
    spec.destination.graphql?.listField ??
    `${spec.destination.objectType.charAt(0).toLowerCase()}${spec.destination.objectType.slice(1)}s`;
  try {
    const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ ${listField}(first: 1) { totalCount } }` }),
    });
    const body = (await response.json()) as { data?: Record<string, { totalCount?: number }> };
    return body.data?.[listField]?.totalCount;
  } catch {
    return undefined;
  }
}

export interface BackfillCommandOptions extends ConnectionOptions {
  restart?: boolean;
  pause?: boolean;
  share?: string;
  json?: boolean;
  progress?: boolean;
}

export async function runBackfillCommand(
  specFile: string,
  options: BackfillCommandOptions,
  output: SyncOutput = processOutput,
  signal?: AbortSignal,
): Promise<number> {
  const c = await connect(specFile, options);
  const backfill = await import('@kongo/runtime/backfill');
  const { createHubSpotClient } = await import('@kongo/runtime/outbound');
  const { controlPanel } = await import('@kongo/runtime/ops');
  const share = options.share === undefined ? 1 : Number(options.share);
  if (!(share > 0 && share <= 1)) throw new Error('--share must be a fraction in (0, 1]');
  const budget = backfill.createPacedBudget({ limit: c.spec.hubspot.rateLimit, share });
  const hubspot = createHubSpotClient({
    objectType: c.spec.hubspot.objectType,
    accessToken: await c.secret(c.spec.hubspot.accessTokenParameter),
    basePath: c.hubspotBaseUrl,
    syncIdProperty: c.spec.hubspot.syncIdProperty,
    budget,
  });
  const controller = new AbortController();
  signal?.addEventListener('abort', () => controller.abort());
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    output.err(
      '\nStopping after the calls in flight (Ctrl-C again to quit now; the run resumes either way)…\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const total = await destinationTotal(c.spec, c.destinationBaseUrl, c.destinationToken);
  const showBar = options.progress !== false && !options.json;
  const { default: progress } = await import('cli-progress');
  const bar = new progress.SingleBar(
    {
      format: `backfill {bar} {percentage}% | {value}/{total} records | {rate} rec/s | ETA {eta_formatted} | {calls} HubSpot calls`,
      etaBuffer: 50,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      stream: process.stderr,
    },
    progress.Presets.shades_classic,
  );
  let started = false;
  const startedAt = Date.now();
  // The written count when this run started (a resumed run): the rate counts this run only.
  let writtenBefore: number | undefined;
  try {
    const report = await backfill.runBackfill({
      spec: c.spec,
      store: c.store,
      ledger: new backfill.BackfillLedger({ client: c.dynamo, tableName: c.tableName }),
      hubspot,
      destination: c.destination,
      ...(options.pause === false ? {} : { controls: controlPanel(c.store, c.spec.integration.name) }),
      signal: controller.signal,
      ...(options.restart ? { restart: true } : {}),
      onProgress: (p) => {
        if (!showBar) return;
        writtenBefore ??= p.written;
        const rate = ((p.written - writtenBefore) / Math.max(1, (Date.now() - startedAt) / 1000)).toFixed(0);
        if (!started) {
          bar.start(total ?? Math.max(p.read, 1), p.written, { rate, calls: p.hubspotCalls });
          started = true;
        }
        if (total === undefined) bar.setTotal(Math.max(p.read, p.written, 1));
        bar.update(p.written, { rate, calls: p.hubspotCalls });
      },
    });
    if (started) bar.stop();
    if (options.json) output.out(`${JSON.stringify(report, null, 2)}\n`);
    else {
      output.out(
        `${report.interrupted ? 'Interrupted' : 'Done'}: ${report.written} written (${report.matched} matched and updated, ${report.created} created), ${report.failed} failed; ${report.hubspotCalls} HubSpot calls (${report.calls.read} reads, ${report.calls.update} batch updates, ${report.calls.upsert} batch upserts) in ${(report.elapsedMs / 1000).toFixed(1)} s.\n`,
      );
      for (const [code, n] of Object.entries(report.fieldErrors))
        output.out(`  ${n} field(s) left unwritten: ${code} (the rest of each record was written)\n`);
      for (const f of report.failures.slice(0, 20))
        output.out(`  ${c.spec.destination.objectType} ${f.destinationId}: ${f.reason}\n`);
      if (report.interrupted)
        output.out(`Run the same command again to resume from ${report.read} records.\n`);
    }
    return report.failed > 0 ? 2 : 0;
  } finally {
    if (started) bar.stop();
    process.off('SIGINT', onSigint);
    await budget.stop();
    c.close();
  }
}

export async function runPollCommand(
  specFile: string,
  source: 'destination' | 'hubspot',
  options: ConnectionOptions & { json?: boolean },
  output: SyncOutput = processOutput,
): Promise<number> {
  const c = await connect(specFile, options);
  const queueModule = await import('@kongo/runtime/queue');
  const poll = await import('@kongo/runtime/poll');
  const { createRateBudget } = await import('@kongo/runtime/outbound');
  const budget = createRateBudget({ limit: c.spec.hubspot.rateLimit });
  let api: import('@kongo/runtime/poll').HubSpotSearchApi | undefined;
  try {
    const queue = options.aws
      ? new queueModule.SqsWorkQueue({
          client: new (await import('@aws-sdk/client-sqs')).SQSClient({}),
          queueUrl: process.env.KONGO_WORK_QUEUE_URL ?? '',
        })
      : new queueModule.DynamoWorkQueue({
          client: c.dynamo,
          tableName: c.tableName,
          queueName: c.spec.integration.name,
        });
    const outcome = await poll.pollIntegration({
      spec: c.spec,
      source,
      store: c.store,
      queue,
      clock: { now: () => Date.now() },
      destination: c.destination,
      hubspotSearch: async () => {
        api = poll.createHubSpotSearchApi({
          objectType: c.spec.hubspot.objectType,
          accessToken: await c.secret(c.spec.hubspot.accessTokenParameter),
          basePath: c.hubspotBaseUrl,
          budget,
        });
        return api.search;
      },
    });
    output.out(
      options.json
        ? `${JSON.stringify(outcome)}\n`
        : `Polled ${source}: ${outcome.records} change(s) in ${outcome.messages} queue message(s), ${outcome.calls} call(s)${outcome.more ? '; more waiting, poll again' : ''}.\n`,
    );
    return 0;
  } finally {
    await api?.stop();
    await budget.stop();
    c.close();
  }
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option('--aws', 'use DynamoDB (KONGO_TABLE_NAME) and SSM Parameter Store instead of the local sandbox')
    .option(
      '--dynamo <url>',
      'local DynamoDB endpoint (default http://127.0.0.1:$KONGO_DYNAMO_PORT or :4360)',
    )
    .option('--table <name>', 'table name (default kongo, or KONGO_TABLE_NAME with --aws)')
    .option('--secrets <file>', 'local secrets file (default .kongo/secrets.json)')
    .option(
      '--hubspot-base-url <url>',
      'HubSpot API base URL (default $HUBSPOT_BASE_URL or https://api.hubapi.com)',
    )
    .option('--destination-base-url <url>', "the destination's base URL (default: the spec's)");
}

export function register(program: Command): void {
  addConnectionOptions(
    program
      .command('sync')
      .description('initial sync and backfill (destination → HubSpot), or one poll of a side')
      .argument('<spec>', 'integration-spec.json')
      .option(
        '--backfill',
        'match every destination record by natural key, then write in batches of 100; resumable',
      )
      .option('--poll [side]', 'poll one side into the work queue: destination (default) or hubspot')
      .option('--restart', 'backfill from the beginning instead of resuming')
      .option(
        '--no-pause',
        "don't pause the live worker during the backfill (claims become conditional, slower)",
      )
      .option('--share <fraction>', "fraction of the spec's HubSpot budget the backfill may use (default 1)")
      .option('--json', 'print the report as JSON')
      .option('--no-progress', 'no progress bar'),
  ).action(
    async (
      specFile: string,
      options: BackfillCommandOptions & { backfill?: boolean; poll?: string | boolean },
    ) => {
      if (options.backfill) {
        process.exitCode = await runBackfillCommand(specFile, options);
        return;
      }
      if (options.poll !== undefined) {
        const side = options.poll === true ? 'destination' : options.poll;
        if (side !== 'destination' && side !== 'hubspot')
          throw new Error('--poll takes destination or hubspot');
        process.exitCode = await runPollCommand(specFile, side, options);
        return;
      }
      throw new Error('say what to do: --backfill, or --poll [destination|hubspot]');
    },
  );
}
