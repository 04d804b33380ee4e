/**
 * The composition root: one integration's runtime from its spec and an environment. Generated
 * handlers and the local gateway call this; nothing else in the runtime creates clients. The same
 * code runs on AWS (`awsEnvironment`: DynamoDB, SQS, SSM) and locally (`localEnvironment`: dynalite,
 * the table-backed queue, `.kongo/secrets.json`, the simulators).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { ConnectorDocument } from './connector/types.ts';
import { DynamoMappingStore } from './mapping-store/dynamo-store.ts';
import type { MappingStore } from './mapping-store/types.ts';
import {
  deadLetterAgeCheck,
  deadLetterReport,
  type HeartbeatSink,
  queueDepthCheck,
  runHeartbeat,
  tableCheck,
} from './monitor/heartbeat.ts';
import { httpEventSink, httpHeartbeatSink } from './monitor/http-sink.ts';
import { IntegrationLogger, type LogSink } from './monitor/logger.ts';
import { scrub } from './monitor/redact.ts';
import {
  createTraceShipper,
  type TraceShipper,
  TraceShipperNotConfigured,
  type TraceShipperStats,
} from './monitor/trace-shipper.ts';
import type { CommandResult, DeadLetterReport, PendingCommand } from './monitor/types.ts';
import { type ControlPanel, controlPanel } from './ops/controls.ts';
import { type ReplayOutcome, replayDeadLetters } from './ops/dlq.ts';
import type { DestinationClient } from './outbound/destination.ts';
import { connectorFor, destinationClientFor, storeCredentialLock } from './outbound/destination-factory.ts';
import type { FetchLike } from './outbound/http-call.ts';
import { type HubSpotClient, hubspotClientOn } from './outbound/hubspot-client.ts';
import { type HubSpotObjectApiModule, hubspotObjectApi } from './outbound/hubspot-objects.ts';
import { HUBSPOT_PROFILE } from './outbound/profiles.ts';
import { createRateBudget, type RateBudget } from './outbound/rate-limit.ts';
import type { RetryOptions } from './outbound/retry.ts';
import type { PollOutcome, PollSource } from './poll/driver.ts';
import { type HubSpotSearchApi, hubspotSearchApiOn } from './poll/hubspot-search-api.ts';
import { pollIntegration } from './poll/integration-poll.ts';
import { DynamoDeadLetterQueue } from './queue/dynamo-dead-letters.ts';
import { DynamoWorkQueue } from './queue/dynamo-queue.ts';
import { localDynamoClient } from './queue/local-dynamo.ts';
import { SqsDeadLetterQueue } from './queue/sqs-dead-letters.ts';
import { SqsWorkQueue } from './queue/sqs-queue.ts';
import { DEFAULT_KONGO_TABLE } from './queue/table.ts';
import { type Clock, type DeadLetterQueue, systemClock, type WorkQueue } from './queue/types.ts';
import { LocalFileSecretSource } from './secrets/local-file.ts';
import { SsmSecretSource } from './secrets/ssm.ts';
import type { SecretSource } from './secrets/types.ts';
import type { HubSpotObjectType, IntegrationSpec } from './spec/types.ts';
import { createWebhookHandler, type WebhookLogger } from './webhook/handler.ts';
import { type CrashHook, crashHookFromEnv, noCrash } from './worker/crash.ts';
import { createWorker, effectiveFlows, fieldSets, type Worker } from './worker/pipeline.ts';
import type { BatchOutcome, MappingsOverride, RuntimeHooks } from './worker/types.ts';

/** Where an integration runs: its adapters (created lazily, on first use) and endpoints. */
export interface RuntimeEnvironment {
  kind: 'aws' | 'local';
  store(): MappingStore;
  /** The work queue of one integration. */
  queue(integration: string): WorkQueue;
  deadLetters(): DeadLetterQueue;
  secrets(): SecretSource;
  /** https://api.hubapi.com, or the HubSpot simulator. */
  hubspotBaseUrl: string;
  /**
   * The HubSpot object API when the runtime options name none: local runs, tests (every object type;
   * bundle size does not matter there). AWS has none — generated handlers pass their one.
   */
  hubspotObjectApi?: (objectType: HubSpotObjectType) => HubSpotObjectApiModule;
  /** Overrides spec.destination.baseUrl (the destination simulator locally). */
  destinationBaseUrl?: string;
  /** Overrides the Notification Centre URL parameter (locally). */
  notificationCentreUrl?: string;
  /** A cheap read that proves the table answers (heartbeat check). */
  ping(): Promise<void>;
  clock?: Clock;
  fetch?: FetchLike;
  logSink?: LogSink;
  /**
   * A test hook that SIGKILLs the process at a named step. Default none: only `localEnvironment` reads
   * KONGO_CRASH_AT (tests and local runs); `awsEnvironment` never does, so a stray variable on a
   * deployed function changes nothing.
   */
  crash?: CrashHook;
  /** Fraction of the HubSpot budget this process may use (1/N for N concurrent Lambda instances). */
  budgetShare?: number;
  /** Retry timing (tests shorten it). */
  retry?: Omit<RetryOptions, 'profile'>;
  /** Worker tuning. */
  maxReceives?: number;
  retryDelayMs?: number;
  visibilityTimeoutMs?: number;
  /** How long workers reuse a read of the pause/dry-run controls, ms (default 2000). */
  controlsCacheMs?: number;
  /** How long a paused integration's message waits before it is looked at again, ms (default 5000). */
  pausedDelayMs?: number;
  /**
   * Finished traces are posted to the Notification Centre's `POST /api/events` as they finish: `background`
   * (local default) batches them on a timer; `end-of-batch` (AWS default: a frozen Lambda runs no timers)
   * posts them before `processMessages` returns, bounded by `traceTimeoutMs`; `off` leaves them to the
   * heartbeat alone.
   */
  livePosting?: 'background' | 'end-of-batch' | 'off';
  /** How long the first trace of a batch waits for company before the post, ms (default 200). */
  traceBatchMs?: number;
  /** Timeout of one trace post, ms (default 2000). */
  traceTimeoutMs?: number;
}

export interface IntegrationRuntimeOptions {
  spec: IntegrationSpec;
  /** Generated mappings (builder-made data); default: the spec's. */
  mappings?: MappingsOverride;
  hooks?: RuntimeHooks;
  environment: RuntimeEnvironment;
  /**
   * The spec's HubSpot object API (`hubspotContactsApi`, …): generated code passes it so a handler
   * bundles only that object type's generated client; default: the environment's.
   */
  hubspotApi?: HubSpotObjectApiModule;
  /** Injected clients (tests, benchmarks); default: built from the spec and secrets. */
  clients?: { hubspot?: HubSpotClient; destination?: DestinationClient };
  /**
   * The connector document the spec's `destination.connector` names (generated code embeds it; the
   * sandbox reads it from connectors/). A spec without a connector means one of the two legacy entries.
   */
  connector?: ConnectorDocument;
  logger?: IntegrationLogger;
}

export interface DrainOptions {
  /** Keep going until nothing is visible or in flight (waits out retry delays). Default false. */
  untilEmpty?: boolean;
  /**
   * Messages one batch takes (default 100: HubSpot's batch endpoints and BatchGetItem take 100), and
   * how long a receive that got fewer keeps gathering more, ms (default 0) — the local table queue's
   * counterpart of the SQS batch size and batching window (docs/RUNTIME.md "Batches").
   */
  batchSize?: number;
  batchingWindowMs?: number;
  /** Give up after this long, ms. Default 30 s. */
  timeoutMs?: number;
}

/** Which side to poll and how much to do in one call. */
export interface PollRequest {
  source?: PollSource;
  lagMs?: number;
  callsPerRound?: number;
  maxRounds?: number;
  timeBudgetMs?: number;
}

export interface IntegrationRuntime {
  spec: IntegrationSpec;
  hubspotWebhook(req: Request): Promise<Response>;
  destinationWebhook(req: Request): Promise<Response>;
  processMessages(messages: Parameters<Worker['processMessages']>[0]): Promise<BatchOutcome>;
  /** Local: receive and process until the queue is empty; returns every batch's outcome merged. */
  drain(options?: DrainOptions): Promise<BatchOutcome>;
  /** One poll of one side (default: the destination, when its spec has `polling`). */
  poll(options?: PollRequest): Promise<PollOutcome>;
  /**
   * One heartbeat to the Notification Centre; replay commands requested on its dashboard ride back on the
   * answer, are carried out (`replay`) and reported on a second, immediate beat.
   */
  heartbeat(): Promise<void>;
  /** Dead letters back onto the queue (the worker then delivers them within the budget). */
  replay(options?: { ids?: string[] }): Promise<ReplayOutcome>;
  /** The live trace posts to the Notification Centre: send what waits now, and what was posted or dropped. */
  traces: { flush(): Promise<void>; stats(): TraceShipperStats };
  controls: ControlPanel;
  logger: IntegrationLogger;
  store: MappingStore;
  queue: WorkQueue;
  deadLetters: DeadLetterQueue;
  /** Stops timers (rate budget); the environment's clients stay the caller's. */
  close(): Promise<void>;
}

function emptyOutcome(): BatchOutcome {
  return {
    failedMessageIds: [],
    messages: 0,
    acked: 0,
    retried: 0,
    paused: 0,
    quarantined: 0,
    events: 0,
    duplicates: 0,
    records: [],
  };
}

function merge(into: BatchOutcome, from: BatchOutcome): void {
  into.failedMessageIds.push(...from.failedMessageIds);
  into.messages += from.messages;
  into.acked += from.acked;
  into.retried += from.retried;
  into.paused += from.paused;
  into.quarantined += from.quarantined;
  into.events += from.events;
  into.duplicates += from.duplicates;
  into.records.push(...from.records);
}

async function requiredSecret(secrets: SecretSource, name: string): Promise<string> {
  const value = await secrets.get(name);
  if (value === undefined || value === '') {
    throw new Error(
      `Secret ${name} is not set: add it to SSM Parameter Store (or .kongo/secrets.json locally).`,
    );
  }
  return value;
}

/** An SQS dead-letter queue's count and oldest age, from its attributes and a sample that hides nothing. */
function sqsDeadLetterSummary(dlq: SqsDeadLetterQueue, integration: string): () => Promise<DeadLetterReport> {
  return async () => {
    const count = await dlq.approximateCount();
    return { count, oldestAgeMs: count === 0 ? null : await dlq.oldestAgeMs(integration), recent: [] };
  };
}

/**
 * @example
 * const runtime = createIntegrationRuntime({ spec, environment: localEnvironment({ … }) });
 * await runtime.hubspotWebhook(request); await runtime.drain();
 */
export function createIntegrationRuntime(options: IntegrationRuntimeOptions): IntegrationRuntime {
  const { spec, environment } = options;
  const integration = spec.integration.name;
  const clock = environment.clock ?? systemClock;
  const store = environment.store();
  const queue = environment.queue(integration);
  const deadLetters = environment.deadLetters();
  const secrets = environment.secrets();
  const logger =
    options.logger ??
    new IntegrationLogger({
      integrationId: integration,
      clientSlug: spec.client.slug,
      clock,
      ...(environment.logSink ? { sink: environment.logSink } : {}),
    });
  const crash = environment.crash ?? noCrash;
  const controls = controlPanel(store, integration, {
    now: () => clock.now(),
    ...(environment.controlsCacheMs === undefined ? {} : { cacheMs: environment.controlsCacheMs }),
  });
  const budget: RateBudget = createRateBudget({
    limit: spec.hubspot.rateLimit,
    profile: HUBSPOT_PROFILE,
    share: environment.budgetShare ?? 1,
  });

  const hubspotApi = (): HubSpotObjectApiModule => {
    const { objectType } = spec.hubspot;
    const api = options.hubspotApi ?? environment.hubspotObjectApi?.(objectType);
    if (!api)
      throw new Error(`No HubSpot API for ${objectType}: pass hubspotApi (generated runtime.gen.ts does).`);
    if (api.objectType !== objectType)
      throw new Error(`hubspotApi is for ${api.objectType} but the spec syncs ${objectType}: regenerate.`);
    return api;
  };
  let destinationClient: Promise<DestinationClient> | undefined;
  let resolvedConnector: ConnectorDocument | undefined;
  /** The spec's connector, checked against the spec once (a misfit is an error naming each problem). */
  const connector = (): ConnectorDocument => {
    resolvedConnector ??= connectorFor(spec, options.connector);
    return resolvedConnector;
  };
  let clients: Promise<{ hubspot: HubSpotClient; destination: DestinationClient }> | undefined;
  let searchApi: HubSpotSearchApi | undefined;
  let worker: Promise<Worker> | undefined;
  const { hubspotProperties, destinationFields } = fieldSets(spec, effectiveFlows(spec, options.mappings));

  // The destination client alone: a destination poll needs nothing else (no HubSpot token, no worker).
  const getDestination = (): Promise<DestinationClient> => {
    destinationClient ??= (async () => {
      if (options.clients?.destination) return options.clients.destination;
      return destinationClientFor({
        spec,
        ...(options.connector ? { connector: options.connector } : {}),
        secrets,
        ...(environment.destinationBaseUrl ? { baseUrl: environment.destinationBaseUrl } : {}),
        fields: destinationFields,
        lock: storeCredentialLock(store, integration),
        ...(environment.fetch ? { fetch: environment.fetch } : {}),
        ...(environment.retry ? { retry: environment.retry } : {}),
      });
    })();
    return destinationClient;
  };

  const getWorker = (): Promise<Worker> => {
    worker ??= (async () => {
      clients ??= (async () => {
        const hubspot =
          options.clients?.hubspot ??
          hubspotClientOn(hubspotApi(), {
            accessToken: await requiredSecret(secrets, spec.hubspot.accessTokenParameter),
            basePath: environment.hubspotBaseUrl,
            syncIdProperty: spec.hubspot.syncIdProperty,
            budget,
            ...(environment.fetch ? { fetch: environment.fetch } : {}),
            ...(environment.retry ? { retry: environment.retry } : {}),
          });
        return { hubspot, destination: await getDestination() };
      })();
      const built = await clients;
      return createWorker({
        spec,
        connector: connector(),
        ...(options.mappings ? { mappings: options.mappings } : {}),
        store,
        queue,
        deadLetters,
        hubspot: built.hubspot,
        destination: built.destination,
        ...(options.hooks ? { hooks: options.hooks } : {}),
        logger,
        clock,
        isPaused: () => controls.isPaused(),
        options: {
          crash,
          dryRun: async () => (await controls.read()).dryRun,
          ...(environment.maxReceives === undefined ? {} : { maxReceives: environment.maxReceives }),
          ...(environment.retryDelayMs === undefined ? {} : { retryDelayMs: environment.retryDelayMs }),
          ...(environment.pausedDelayMs === undefined ? {} : { pausedDelayMs: environment.pausedDelayMs }),
        },
      });
    })();
    return worker;
  };

  // The logger itself, so a webhook line keeps its structured fields (reason, source…); the logger's
  // allow-list and scrubbing decide what of them is written.
  const webhookLogger: WebhookLogger = logger;
  const edge = (source: 'hubspot' | 'destination') => {
    const handler = createWebhookHandler({
      spec,
      source,
      ...(source === 'destination' && spec.destination.webhooks ? { connector: connector() } : {}),
      secrets,
      queue,
      deadLetters,
      logger: webhookLogger,
      clock,
    });
    return async (req: Request): Promise<Response> => {
      const response = await handler(req);
      // Between the durable enqueue and the answer: the sender retries, the worker dedupes.
      if (response.status === 200) crash('after-enqueue');
      return response;
    };
  };

  // The Notification Centre's URL and this integration's key, shared by the heartbeat and the trace posts.
  const centre = async (): Promise<{ url: string; key: string } | null> => {
    const url =
      environment.notificationCentreUrl ??
      (await secrets.get(spec.monitoring.notificationCentre.urlParameter));
    const key = await secrets.get(spec.monitoring.notificationCentre.keyParameter);
    return url && key ? { url, key } : null;
  };

  // Live anatomy: every finished trace is posted to the centre, batched, best-effort (see trace-shipper.ts).
  // The same traces also ride on the next heartbeat, so a dropped post loses nothing the centre would show.
  const livePosting = environment.livePosting ?? (environment.kind === 'aws' ? 'end-of-batch' : 'background');
  let shipper: TraceShipper | null = null;
  let centreUnresolvedUntil = 0;
  let stopListening = (): void => {};
  if (livePosting !== 'off') {
    const traceShipper = createTraceShipper({
      batchMs: environment.traceBatchMs ?? 200,
      log: logger,
      send: async (traces) => {
        // A centre we can't resolve (parameter missing, or not readable by this function) is not asked
        // again for a minute: the pipeline must not pay a failing SSM call per batch.
        if (clock.now() < centreUnresolvedUntil)
          throw new TraceShipperNotConfigured('Notification Centre not resolved recently');
        let target: { url: string; key: string } | null;
        try {
          target = await centre();
        } catch (error) {
          centreUnresolvedUntil = clock.now() + 60_000;
          throw error;
        }
        if (!target) {
          centreUnresolvedUntil = clock.now() + 60_000;
          throw new TraceShipperNotConfigured('Notification Centre URL or key parameter not set');
        }
        await httpEventSink({ ...target, timeoutMs: environment.traceTimeoutMs ?? 2_000 }).send(
          integration,
          traces,
        );
      },
    });
    shipper = traceShipper;
    stopListening = logger.onTrace((trace) => traceShipper.add(trace));
  }

  const processMessages = async (messages: Parameters<Worker['processMessages']>[0]) => {
    const outcome = await (await getWorker()).processMessages(messages);
    // A frozen Lambda runs no timers: post this batch's traces before handing the batch back.
    if (livePosting === 'end-of-batch') await shipper?.flush();
    return outcome;
  };

  const replay = async (replayOptions: { ids?: string[] } = {}): Promise<ReplayOutcome> => {
    const outcome = await replayDeadLetters({
      deadLetters,
      queue,
      integration,
      ...(replayOptions.ids ? { ids: replayOptions.ids } : {}),
      now: () => clock.now(),
    });
    if (outcome.replayed.length > 0) logger.count('replay', 'replayed', outcome.replayed.length);
    return outcome;
  };

  /** Commands from the centre's heartbeat answer (replay): carried out here, reported on the next beat. */
  const runCommands = async (commands: PendingCommand[]): Promise<CommandResult[]> => {
    const results: CommandResult[] = [];
    for (const command of commands) {
      try {
        const outcome = await replay(command.deadLetterIds ? { ids: command.deadLetterIds } : {});
        logger.info('replay requested by the Notification Centre carried out', {
          commandId: command.id,
          count: outcome.replayed.length,
        });
        const result: CommandResult = { id: command.id, status: 'done', count: outcome.replayed.length };
        const firstSkip = outcome.skipped[0];
        if (firstSkip) result.reason = scrub(`${outcome.skipped.length} skipped: ${firstSkip.reason}`);
        else if (outcome.replayed.length === 0)
          result.reason = 'nothing to replay (already replayed or removed)';
        results.push(result);
      } catch (error) {
        logger.warn('replay requested by the Notification Centre failed', {
          commandId: command.id,
          errorName: error instanceof Error ? error.name : 'unknown',
        });
        results.push({
          id: command.id,
          status: 'failed',
          reason: scrub(error instanceof Error ? `${error.name}: ${error.message}` : 'replay failed'),
        });
      }
    }
    return results;
  };

  return {
    spec,
    hubspotWebhook: edge('hubspot'),
    destinationWebhook: edge('destination'),
    processMessages,
    async drain(drainOptions = {}) {
      const total = emptyOutcome();
      const deadline = Date.now() + (drainOptions.timeoutMs ?? 30_000);
      for (;;) {
        const batchSize = drainOptions.batchSize ?? 100;
        const visibilityTimeoutMs = environment.visibilityTimeoutMs ?? 30_000;
        const messages = await queue.receive({ max: batchSize, visibilityTimeoutMs });
        // A batching window: a batch that is not full waits a little for more (fewer, fuller API calls).
        const windowEnds = Date.now() + (drainOptions.batchingWindowMs ?? 0);
        while (messages.length > 0 && messages.length < batchSize && Date.now() < windowEnds) {
          await new Promise((resolve) => setTimeout(resolve, Math.min(50, windowEnds - Date.now())));
          messages.push(...(await queue.receive({ max: batchSize - messages.length, visibilityTimeoutMs })));
        }
        if (messages.length > 0) {
          const outcome = await processMessages(messages);
          merge(total, outcome);
          if (outcome.paused === messages.length && !drainOptions.untilEmpty) return total;
          // A steady stream must not hold the caller past its deadline (stop, shutdown, heartbeats).
          if (Date.now() > deadline) return total;
          continue;
        }
        if (!drainOptions.untilEmpty) return total;
        const depth = await queue.depth();
        if ((depth.visible === 0 && depth.inFlight === 0) || Date.now() > deadline) return total;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async poll(pollOptions = {}): Promise<PollOutcome> {
      // Polling lives in poll/ (cursor rules, HubSpot search limits); this only wires it. Neither side
      // builds the worker: a destination poll reads the destination token only (the poller's role has
      // no HubSpot token), a HubSpot poll the HubSpot token only.
      return pollIntegration({
        spec,
        source: pollOptions.source ?? 'destination',
        store,
        queue,
        clock,
        destination: { listChanged: async (page) => (await getDestination()).listChanged(page) },
        hubspotProperties,
        hubspotSearch: async () => {
          searchApi ??= hubspotSearchApiOn(hubspotApi(), {
            accessToken: await requiredSecret(secrets, spec.hubspot.accessTokenParameter),
            basePath: environment.hubspotBaseUrl,
            budget,
            ...(environment.fetch ? { fetch: environment.fetch } : {}),
            ...(environment.retry ? { retry: environment.retry } : {}),
          });
          return searchApi.search;
        },
        ...pollOptions,
      });
    },
    async heartbeat() {
      const target = await centre();
      if (!target) {
        logger.warn('heartbeat skipped: Notification Centre URL or key parameter not set');
        return;
      }
      const sink: HeartbeatSink = httpHeartbeatSink(target);
      await runHeartbeat({
        integrationId: integration,
        clientSlug: spec.client.slug,
        intervalSeconds: spec.monitoring.heartbeatSeconds,
        checks: {
          table: tableCheck(() => environment.ping()),
          queueDepth: queueDepthCheck(queue),
          oldestDeadLetter: deadLetterAgeCheck(deadLetters, integration),
        },
        // Ids, kinds, reasons and ages only (never the envelopes): the dashboard's dead-letter list and its
        // replay buttons. Not listed on SQS: listing a queue there hides its messages for the peek window,
        // which would hide them from `kongo dlq` and the archiver on every beat (see docs/RUNTIME.md); an SQS
        // queue reports its count and oldest age only (no per-letter list), so the dashboard still offers
        // "Replay all", which the replay command carries out below.
        ...(environment.kind === 'local'
          ? { deadLetters: deadLetterReport(deadLetters, integration, clock) }
          : deadLetters instanceof SqsDeadLetterQueue
            ? { deadLetters: sqsDeadLetterSummary(deadLetters, integration) }
            : {}),
        counters: logger,
        sink,
        clock,
        log: logger,
        onCommands: runCommands,
      });
    },
    replay,
    traces: {
      flush: async () => {
        await shipper?.flush();
      },
      stats: () =>
        shipper?.stats() ?? { posted: 0, posts: 0, dropped: 0, unconfigured: 0, overflowed: 0, queued: 0 },
    },
    controls,
    logger,
    store,
    queue,
    deadLetters,
    close: async () => {
      stopListening();
      await shipper?.close();
      await searchApi?.stop();
      await budget.stop();
    },
  };
}

export interface LocalEnvironmentOptions {
  /** dynalite's endpoint, e.g. http://127.0.0.1:4567 */
  dynamoEndpoint: string;
  tableName?: string;
  /** Default .kongo/secrets.json */
  secretsFile?: string;
  hubspotBaseUrl: string;
  destinationBaseUrl?: string;
  notificationCentreUrl?: string;
  clock?: Clock;
  fetch?: FetchLike;
  logSink?: LogSink;
  crash?: CrashHook;
  retry?: Omit<RetryOptions, 'profile'>;
  maxReceives?: number;
  retryDelayMs?: number;
  visibilityTimeoutMs?: number;
  controlsCacheMs?: number;
  pausedDelayMs?: number;
  livePosting?: RuntimeEnvironment['livePosting'];
  traceBatchMs?: number;
  traceTimeoutMs?: number;
  /** Share one DynamoDB client (the caller's); default: one made here for the endpoint. */
  dynamoClient?: DynamoDBClient;
}

/** The worker-tuning options that were given (exactOptionalPropertyTypes: absent stays absent). */
function tuning(
  options: Pick<
    LocalEnvironmentOptions,
    | 'maxReceives'
    | 'retryDelayMs'
    | 'visibilityTimeoutMs'
    | 'controlsCacheMs'
    | 'pausedDelayMs'
    | 'livePosting'
    | 'traceBatchMs'
    | 'traceTimeoutMs'
  >,
): Partial<RuntimeEnvironment> {
  const out: Partial<RuntimeEnvironment> = {};
  if (options.maxReceives !== undefined) out.maxReceives = options.maxReceives;
  if (options.retryDelayMs !== undefined) out.retryDelayMs = options.retryDelayMs;
  if (options.visibilityTimeoutMs !== undefined) out.visibilityTimeoutMs = options.visibilityTimeoutMs;
  if (options.controlsCacheMs !== undefined) out.controlsCacheMs = options.controlsCacheMs;
  if (options.pausedDelayMs !== undefined) out.pausedDelayMs = options.pausedDelayMs;
  if (options.livePosting !== undefined) out.livePosting = options.livePosting;
  if (options.traceBatchMs !== undefined) out.traceBatchMs = options.traceBatchMs;
  if (options.traceTimeoutMs !== undefined) out.traceTimeoutMs = options.traceTimeoutMs;
  return out;
}

/** Local: dynalite for the table, queue and dead letters; a secrets file; simulators' URLs. */
export function localEnvironment(options: LocalEnvironmentOptions): RuntimeEnvironment {
  const tableName = options.tableName ?? DEFAULT_KONGO_TABLE;
  let client: DynamoDBClient | undefined = options.dynamoClient;
  const dynamo = () => {
    client ??= localDynamoClient(options.dynamoEndpoint);
    return client;
  };
  let store: MappingStore | undefined;
  let deadLetters: DeadLetterQueue | undefined;
  let secrets: SecretSource | undefined;
  const queues = new Map<string, WorkQueue>();
  const clock = options.clock ?? systemClock;
  return {
    kind: 'local',
    store: () => {
      store ??= new DynamoMappingStore({ client: dynamo(), tableName, clock });
      return store;
    },
    queue: (integration) => {
      let queue = queues.get(integration);
      if (!queue) {
        queue = new DynamoWorkQueue({ client: dynamo(), tableName, queueName: integration, clock });
        queues.set(integration, queue);
      }
      return queue;
    },
    deadLetters: () => {
      deadLetters ??= new DynamoDeadLetterQueue({ client: dynamo(), tableName, clock });
      return deadLetters;
    },
    secrets: () => {
      secrets ??= new LocalFileSecretSource(options.secretsFile ? { path: options.secretsFile } : {});
      return secrets;
    },
    ping: async () => {
      await store?.getCursor('kongo', 'ping');
    },
    hubspotBaseUrl: options.hubspotBaseUrl,
    hubspotObjectApi,
    clock,
    ...(options.destinationBaseUrl ? { destinationBaseUrl: options.destinationBaseUrl } : {}),
    ...(options.notificationCentreUrl ? { notificationCentreUrl: options.notificationCentreUrl } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.logSink ? { logSink: options.logSink } : {}),
    crash: options.crash ?? crashHookFromEnv(),
    ...(options.retry ? { retry: options.retry } : {}),
    ...tuning(options),
  };
}

/**
 * AWS: DynamoDB (KONGO_TABLE_NAME), SQS (KONGO_WORK_QUEUE_URL, KONGO_DEAD_LETTER_QUEUE_URL) and SSM,
 * as infra sets them. Clients are created on first use, inside the handler's container.
 */
export function awsEnvironment(env: Record<string, string | undefined> = process.env): RuntimeEnvironment {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set; the integration stack sets it on every function.`);
    return value;
  };
  let dynamo: DynamoDBClient | undefined;
  let sqs: SQSClient | undefined;
  let store: MappingStore | undefined;
  let deadLetters: DeadLetterQueue | undefined;
  let secrets: SecretSource | undefined;
  let queue: WorkQueue | undefined;
  const dynamoClient = () => {
    dynamo ??= new DynamoDBClient({});
    return dynamo;
  };
  const sqsClient = () => {
    sqs ??= new SQSClient({});
    return sqs;
  };
  const concurrency = Number(env.KONGO_WORKER_CONCURRENCY ?? '1');
  return {
    kind: 'aws',
    store: () => {
      store ??= new DynamoMappingStore({ client: dynamoClient(), tableName: need('KONGO_TABLE_NAME') });
      return store;
    },
    queue: () => {
      queue ??= new SqsWorkQueue({ client: sqsClient(), queueUrl: need('KONGO_WORK_QUEUE_URL') });
      return queue;
    },
    deadLetters: () => {
      deadLetters ??= new SqsDeadLetterQueue({
        client: sqsClient(),
        queueUrl: need('KONGO_DEAD_LETTER_QUEUE_URL'),
      });
      return deadLetters;
    },
    secrets: () => {
      secrets ??= new SsmSecretSource({ client: new SSMClient({}) });
      return secrets;
    },
    ping: async () => {
      await store?.getCursor('kongo', 'ping');
    },
    hubspotBaseUrl: env.KONGO_HUBSPOT_BASE_URL ?? 'https://api.hubapi.com',
    budgetShare: concurrency > 1 ? 1 / concurrency : 1,
  };
}
