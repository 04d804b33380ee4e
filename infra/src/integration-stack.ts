/**
 * The AWS stack of one integration in one environment, built from its spec: the HTTP API the
 * webhooks call, direction-specific functions, a work queue per direction sharing one dead-letter
 * queue, the Kongo table, schedules, alarms, and IAM scoped to exactly what each function touches.
 * Secrets stay in SSM Parameter Store: the stack only knows their names.
 */

import {
  type Direction,
  type Environment,
  environmentSchedules,
  type IntegrationSpec,
  resolveEnvironment,
} from '@kongo/runtime/spec';
import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as snsSubscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV } from './environment-variables.ts';
import { type BundlingRoots, KongoFunction } from './kongo-function.ts';
import { acknowledgeIntegrationFindings } from './nag.ts';

/** The stage throttle every integration API gets (HubSpot's own retries stay far below it). */
export const WEBHOOK_THROTTLE = { rateLimit: 100, burstLimit: 50 } as const;
/** Dead letters alarm long before SQS's 14-day retention ends, and are archived before it too. */
export const DEAD_LETTER_AGE_ALARM = Duration.days(3);
export const DEAD_LETTER_ARCHIVE_AFTER_DAYS = 10;
export const DEAD_LETTER_RETENTION = Duration.days(14);
/** Receives before a message moves to the dead-letter queue (the runtime also backs off in between). */
export const MAX_RECEIVE_COUNT = 5;
/** The Kongo table's TTL attribute (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';

const WORKER_TIMEOUT = Duration.seconds(60);
/** The reconciliation reads both systems whole once a day; Lambda's longest run. */
export const RECONCILE_TIMEOUT = Duration.minutes(15);
/** How often reconciliation runs (one schedule for every integration; it spends API budget). */
export const RECONCILE_EVERY = Duration.days(1);

/**
 * The DynamoDB actions each function's code performs on the Kongo table, and nothing more (pinned
 * by infra/src/iam-actions.test.ts against the commands the runtime's DynamoDB adapters send):
 * the mapping store's single-item Get/Put/Update/Delete (runtime/src/mapping-store/dynamo-store.ts);
 * the poller's cursor (read, then a conditional put); the heartbeat's table check (one GetItem);
 * the archiver's PutItem. No Scan, Query, batch or stream action: no code path sends one on AWS.
 */
/** Messages per worker invocation: HubSpot's batch endpoints and BatchGetItem take 100 inputs. */
export const WORKER_BATCH_SIZE = 100;
/** How long Lambda gathers messages before invoking with fewer than WORKER_BATCH_SIZE. */
export const WORKER_BATCHING_WINDOW = Duration.seconds(1);

export const TABLE_ACTIONS = {
  // BatchGetItem: the worker reads a whole batch's identities, per-field state and leases at once.
  worker: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ],
  reconcile: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  poller: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  heartbeat: ['dynamodb:GetItem'],
  deadLetterArchiver: ['dynamodb:PutItem'],
} as const;

/** Absolute paths of the generated entry files, one per function the spec calls for. */
export interface IntegrationEntries {
  hubspotWebhook?: string;
  destinationWebhook?: string;
  hubspotToDestinationWorker?: string;
  destinationToHubspotWorker?: string;
  heartbeat: string;
  poller?: string;
  /** The daily reconciliation (every integration has one). */
  reconcile: string;
  /** Defaults to infra's own archiver. */
  deadLetterArchiver?: string;
  /** Defaults to infra's own alarm forwarder. */
  alarmForwarder?: string;
}

export interface IntegrationStackProps extends StackProps, BundlingRoots {
  /** The spec as written; the stack reads only `environment`'s overlay of it (resolveEnvironment). */
  spec: IntegrationSpec;
  /** Which environment this stack is; the app makes one stack per environment the spec deploys. */
  environment: Environment;
  entries: IntegrationEntries;
  /**
   * An extra SNS topic every alarm also notifies (e.g. the on-call pager). The stack always creates
   * its own alarm topic (output AlarmTopicArn), wired to the Notification Centre and to the spec's
   * `monitoring.alarms` e-mail and Slack webhook.
   */
  alarmTopicArn?: string;
  /**
   * ACM certificate (in the stack's region) for the host of `spec.publicBaseUrl`. With it the API
   * answers on that host — HubSpot's v3 signature covers the full URL, so the URL HubSpot calls
   * must be the spec's. Without it, point publicBaseUrl at the API's own endpoint (output ApiUrl).
   */
  certificateArn?: string;
}

interface DirectionResources {
  queue: sqs.Queue;
  worker: KongoFunction;
}

export class IntegrationStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly table: dynamodb.Table;
  readonly deadLetterQueue: sqs.Queue;
  readonly workQueues: Partial<Record<Direction, sqs.Queue>> = {};
  readonly functions: Record<string, KongoFunction> = {};
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly #props: IntegrationStackProps;
  /** This environment's spec: its overlay merged over the top level, nothing of another environment. */
  readonly #spec: IntegrationSpec;
  /** The stack's own alarm topic: every alarm's ALARM and OK actions. */
  readonly alarmTopic: sns.Topic;
  readonly #extraAlarmTopic: sns.ITopic | undefined;
  readonly #scheduled = new Set<KongoFunction>();

  constructor(scope: Construct, id: string, props: IntegrationStackProps) {
    const spec = resolveEnvironment(props.spec, props.environment);
    const schedules = environmentSchedules(props.spec, props.environment);
    super(scope, id, {
      ...props,
      env: { region: spec.integration.region, ...(props.env?.account ? { account: props.env.account } : {}) },
      description: `Kongo integration ${spec.integration.name} (${props.environment}), generated from its spec`,
    });
    this.#props = props;
    this.#spec = spec;
    this.#extraAlarmTopic = props.alarmTopicArn
      ? sns.Topic.fromTopicArn(this, 'ExtraAlarmTopic', props.alarmTopicArn)
      : undefined;
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `Kongo ${spec.integration.name} (${props.environment}) alarms`,
      enforceSSL: true,
    });
    // CloudWatch publishes alarms to the topic: only this account's alarms may.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        actions: ['sns:Publish'],
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    Validations.of(this.alarmTopic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'CloudWatch alarms cannot publish to a topic encrypted with the AWS-managed aws/sns key, and a customer-managed key per stack costs more than the data is worth: the messages carry only alarm names, states and CloudWatch threshold text, never record data. In transit TLS is enforced (SNS3).',
    });
    const alarmTargets = spec.monitoring.alarms;
    if (alarmTargets?.email)
      this.alarmTopic.addSubscription(new snsSubscriptions.EmailSubscription(alarmTargets.email));
    const production = props.environment === 'production';

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: production,
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: DEAD_LETTER_RETENTION,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `kongo-${spec.integration.name}-${props.environment}`,
      description: `Webhooks of ${spec.integration.name}`,
      createDefaultStage: false,
    });
    const publicUrl = new URL(spec.publicBaseUrl);
    const domain = props.certificateArn
      ? new apigw.DomainName(this, 'PublicDomain', {
          domainName: publicUrl.hostname,
          certificate: acm.Certificate.fromCertificateArn(this, 'PublicCertificate', props.certificateArn),
          securityPolicy: apigw.SecurityPolicy.TLS_1_2,
        })
      : undefined;
    const mappingKey = publicUrl.pathname.replace(/^\/+|\/+$/g, '');
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { ...WEBHOOK_THROTTLE },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
      ...(domain ? { domainMapping: { domainName: domain, ...(mappingKey ? { mappingKey } : {}) } } : {}),
    });
    if (domain) {
      new CfnOutput(this, 'PublicDomainTarget', {
        value: domain.regionalDomainName,
        description: `DNS: CNAME ${publicUrl.hostname} to this`,
      });
    }

    const directions = new Set(spec.flows.map((flow) => flow.direction));
    const byDirection: Partial<Record<Direction, DirectionResources>> = {};
    for (const direction of [...directions].sort()) byDirection[direction] = this.#direction(direction);

    const h2d = byDirection['hubspot-to-destination'];
    if (h2d) {
      const webhook = this.#webhook(
        'HubSpotWebhook',
        'hubspot',
        h2d.queue,
        required(props.entries.hubspotWebhook, 'hubspotWebhook'),
        [spec.hubspot.secretParameter],
      );
      this.functions.hubspotWebhook = webhook;
    }
    const d2h = byDirection['destination-to-hubspot'];
    if (d2h && spec.destination.webhooks) {
      this.functions.destinationWebhook = this.#webhook(
        'DestinationWebhook',
        'destination',
        d2h.queue,
        required(props.entries.destinationWebhook, 'destinationWebhook'),
        [spec.destination.webhooks.secretParameter],
      );
    }
    if (d2h && spec.destination.polling) {
      const poller = this.#function('Poller', {
        entry: required(props.entries.poller, 'poller'),
        description: `${spec.integration.name} destination poller`,
        timeout: Duration.seconds(60),
        environment: {
          ...this.#baseEnvironment(),
          [ENV.workQueueUrl]: d2h.queue.queueUrl,
          [ENV.direction]: 'destination-to-hubspot',
        },
      });
      this.#allowSqs(poller.role, d2h.queue, ['sqs:SendMessage']);
      // The cursor item only: read, then a conditional put on the version read (never moves backwards).
      this.#grantItems(poller.role, [...TABLE_ACTIONS.poller]);
      // A destination poll builds the destination client alone (runtime.poll): its token, no HubSpot token.
      this.#grantParameters(poller.role, [spec.destination.auth.tokenParameter]);
      // environments.{env}.schedules.polling: false keeps the function (for `kongo sync`) without a schedule.
      if (schedules.polling) this.#schedule('PollSchedule', poller, spec.destination.polling.intervalSeconds);
      this.functions.poller = poller;
    }

    const firstQueue = Object.values(this.workQueues)[0];
    const heartbeat = this.#function('Heartbeat', {
      entry: props.entries.heartbeat,
      description: `${spec.integration.name} heartbeat to the Notification Centre`,
      timeout: Duration.seconds(30),
      environment: {
        ...this.#baseEnvironment(),
        // The runtime's heartbeat reports the depth of one queue (the first direction's); all are listed too.
        ...(firstQueue ? { [ENV.workQueueUrl]: firstQueue.queueUrl } : {}),
        [ENV.workQueueUrls]: this.#queueUrlsJson(),
      },
    });
    for (const queue of Object.values(this.workQueues)) {
      heartbeat.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: [queue.queueArn] }),
      );
    }
    // Replay commands from the centre (runtime.replay): each letter is sent to the heartbeat's work queue
    // (KONGO_WORK_QUEUE_URL, the first direction's) — every worker runs the same pipeline for both
    // directions, so a letter of either direction is delivered from there — then deleted from the DLQ.
    if (firstQueue) {
      heartbeat.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [firstQueue.queueArn] }),
      );
    }
    // The oldest dead letter's age is read from a sample received with visibility 0 (hides nothing); a
    // replay lists the letters (a receive that hides them for the peek) and deletes each one it re-sent.
    heartbeat.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );
    // The table check reads one cursor item (runtime `ping`); nothing else of the table.
    this.#grantItems(heartbeat.role, [...TABLE_ACTIONS.heartbeat]);
    this.#grantParameters(heartbeat.role, [
      spec.monitoring.notificationCentre.urlParameter,
      spec.monitoring.notificationCentre.keyParameter,
    ]);
    this.#schedule('HeartbeatSchedule', heartbeat, spec.monitoring.heartbeatSeconds);
    this.functions.heartbeat = heartbeat;

    const reconcile = this.#function('Reconcile', {
      entry: props.entries.reconcile,
      description: `${spec.integration.name} daily reconciliation: repair drifted mappings, report`,
      timeout: RECONCILE_TIMEOUT,
      memorySize: 1024,
      environment: this.#baseEnvironment(),
    });
    // Reads both systems (search and list calls only) and repairs mappings in the table, item by item
    // (the mapping store's conditional Get/Put/Update/Delete); no queue, no scan.
    this.#grantItems(reconcile.role, [...TABLE_ACTIONS.reconcile]);
    this.#grantParameters(reconcile.role, [
      spec.hubspot.accessTokenParameter,
      spec.destination.auth.tokenParameter,
      spec.monitoring.notificationCentre.urlParameter,
      spec.monitoring.notificationCentre.keyParameter,
    ]);
    if (schedules.reconcile) {
      new events.Rule(this, 'ReconcileSchedule', {
        description:
          'Daily: reconcile both systems with the identity table and report to the Notification Centre',
        schedule: events.Schedule.rate(RECONCILE_EVERY),
        // A failed run is not retried: the next day's run repeats it, and repairs are idempotent.
        targets: [new targets.LambdaFunction(reconcile.function, { retryAttempts: 0 })],
      });
    }
    this.#runAlone(reconcile);
    this.functions.reconcile = reconcile;

    const archiver = this.#function('DeadLetterArchiver', {
      entry:
        props.entries.deadLetterArchiver ?? new URL('./dlq-archiver/handler.ts', import.meta.url).pathname,
      description: `${spec.integration.name} dead-letter archiver`,
      timeout: Duration.minutes(5),
      environment: {
        ...this.#baseEnvironment(),
        [ENV.archiveAfterDays]: String(DEAD_LETTER_ARCHIVE_AFTER_DAYS),
      },
    });
    // Receives letters (hiding the young ones for a minute) and deletes each one it archived.
    this.#allowSqs(archiver.role, this.deadLetterQueue, ['sqs:ReceiveMessage', 'sqs:DeleteMessage']);
    this.#grantItems(archiver.role, [...TABLE_ACTIONS.deadLetterArchiver]);
    new events.Rule(this, 'ArchiveSchedule', {
      description: 'Daily: move dead letters older than 10 days into the table before SQS deletes them',
      schedule: events.Schedule.rate(Duration.days(1)),
      targets: [new targets.LambdaFunction(archiver.function, { retryAttempts: 0 })],
    });
    this.#runAlone(archiver);
    this.functions.deadLetterArchiver = archiver;

    const forwarder = this.#function('AlarmForwarder', {
      entry:
        props.entries.alarmForwarder ?? new URL('./alarm-forwarder/handler.ts', import.meta.url).pathname,
      description: `${spec.integration.name} alarms to the Notification Centre${alarmTargets?.slackWebhookParameter ? ' and Slack' : ''}`,
      timeout: Duration.seconds(30),
      environment: {
        [ENV.environment]: props.environment,
        [ENV.integration]: spec.integration.name,
        [ENV.ncUrlParameter]: spec.monitoring.notificationCentre.urlParameter,
        [ENV.ncKeyParameter]: spec.monitoring.notificationCentre.keyParameter,
        ...(alarmTargets?.slackWebhookParameter
          ? { [ENV.alarmSlackParameter]: alarmTargets.slackWebhookParameter }
          : {}),
      },
    });
    this.#grantParameters(forwarder.role, [
      spec.monitoring.notificationCentre.urlParameter,
      spec.monitoring.notificationCentre.keyParameter,
      ...(alarmTargets?.slackWebhookParameter ? [alarmTargets.slackWebhookParameter] : []),
    ]);
    this.alarmTopic.addSubscription(new snsSubscriptions.LambdaSubscription(forwarder.function));
    this.functions.alarmForwarder = forwarder;

    this.#queueAlarms();
    for (const [name, fn] of Object.entries(this.functions).sort(([a], [b]) => a.localeCompare(b))) {
      this.#functionAlarms(name, fn);
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint, description: 'Base URL of the webhooks' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: 'Every alarm notifies this topic; subscribe more endpoints to it',
    });
    acknowledgeIntegrationFindings(this);
  }

  #baseEnvironment(): Record<string, string> {
    return {
      [ENV.environment]: this.#props.environment,
      [ENV.integration]: this.#spec.integration.name,
      [ENV.tableName]: this.table.tableName,
      [ENV.deadLetterQueueUrl]: this.deadLetterQueue.queueUrl,
    };
  }

  #queueUrlsJson(): string {
    const entries = Object.entries(this.workQueues).sort(([a], [b]) => a.localeCompare(b));
    return Stack.of(this).toJsonString(Object.fromEntries(entries.map(([d, q]) => [d, q.queueUrl])));
  }

  #function(
    id: string,
    options: {
      entry: string;
      description: string;
      timeout: Duration;
      environment: Record<string, string>;
      memorySize?: number;
    },
  ): KongoFunction {
    const production = this.#props.environment === 'production';
    return new KongoFunction(this, id, {
      ...options,
      ...(this.#props.projectRoot === undefined ? {} : { projectRoot: this.#props.projectRoot }),
      ...(this.#props.depsLockFilePath === undefined
        ? {}
        : { depsLockFilePath: this.#props.depsLockFilePath }),
      removalPolicy: production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      // The handlers' only form-data user is the HubSpot client's multipart check (kongo-function.ts).
      stubFormData: true,
    });
  }

  #direction(direction: Direction): DirectionResources {
    const id = direction === 'hubspot-to-destination' ? 'HubSpotToDestination' : 'DestinationToHubSpot';
    const queue = new sqs.Queue(this, `${id}Queue`, {
      // Six times the worker's timeout, as AWS advises for SQS event sources.
      visibilityTimeout: Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    this.workQueues[direction] = queue;
    const entryKey =
      direction === 'hubspot-to-destination' ? 'hubspotToDestinationWorker' : 'destinationToHubspotWorker';
    const worker = this.#function(`${id}Worker`, {
      entry: required(this.#props.entries[entryKey], entryKey),
      description: `${this.#spec.integration.name} worker ${direction}`,
      timeout: WORKER_TIMEOUT,
      memorySize: 512,
      environment: {
        ...this.#baseEnvironment(),
        [ENV.workQueueUrl]: queue.queueUrl,
        [ENV.direction]: direction,
      },
    });
    // A plain event source mapping with explicit grants (SqsEventSource would also grant
    // sqs:GetQueueUrl, which nothing sends): Lambda's poller needs Receive, Delete and
    // GetQueueAttributes on the queue; the worker changes visibility to delay a retry.
    new lambda.EventSourceMapping(this, `${id}WorkerEvents`, {
      target: worker.function,
      eventSourceArn: queue.queueArn,
      // Up to 100 messages gathered for up to 1 s (docs/RUNTIME.md "Batches on AWS"): one HubSpot
      // batch call and one BatchGetItem carry up to 100 records; a batch size above 10 needs a window.
      batchSize: WORKER_BATCH_SIZE,
      maxBatchingWindow: WORKER_BATCHING_WINDOW,
      reportBatchItemFailures: true,
      // Two concurrent batches keep both APIs' rate budgets safe; the queue absorbs bursts.
      maxConcurrency: 2,
    });
    this.#allowSqs(worker.role, queue, [
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ChangeMessageVisibility',
    ]);
    this.#allowSqs(worker.role, this.deadLetterQueue, ['sqs:SendMessage']);
    const spec = this.#spec;
    if (direction === 'hubspot-to-destination' && spec.hubspot.objectType === 'contacts') {
      // A contact.privacyDeletion removes the person's dead letters (runtime/src/ops/lifecycle.ts):
      // SQS can only find them by receiving (a peek that hides them briefly) and then deleting.
      worker.role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
          resources: [this.deadLetterQueue.queueArn],
        }),
      );
    }
    this.#grantItems(worker.role, [...TABLE_ACTIONS.worker]);
    // Both API tokens, and the Notification Centre's URL and key: the worker posts its traces there.
    this.#grantParameters(worker.role, [
      spec.hubspot.accessTokenParameter,
      spec.destination.auth.tokenParameter,
      spec.monitoring.notificationCentre.urlParameter,
      spec.monitoring.notificationCentre.keyParameter,
    ]);
    this.functions[entryKey] = worker;
    return { queue, worker };
  }

  #webhook(
    id: string,
    source: 'hubspot' | 'destination',
    queue: sqs.Queue,
    entry: string,
    secrets: string[],
  ): KongoFunction {
    const spec = this.#spec;
    const fn = this.#function(id, {
      entry,
      description: `${spec.integration.name} ${source} webhook: verify, enqueue, answer 200`,
      timeout: Duration.seconds(10),
      environment: {
        ...this.#baseEnvironment(),
        [ENV.workQueueUrl]: queue.queueUrl,
        [ENV.direction]: source === 'hubspot' ? 'hubspot-to-destination' : 'destination-to-hubspot',
      },
    });
    this.#allowSqs(fn.role, queue, ['sqs:SendMessage']);
    // A correctly signed but malformed body is quarantined in the dead-letter queue, never dropped.
    this.#allowSqs(fn.role, this.deadLetterQueue, ['sqs:SendMessage']);
    this.#grantParameters(fn.role, secrets);
    this.api.addRoutes({
      path: `/webhooks/${spec.integration.name}/${source}`,
      methods: [apigw.HttpMethod.POST],
      integration: new HttpLambdaIntegration(`${id}Integration`, fn.function),
    });
    return fn;
  }

  /** Item-level actions on the Kongo table alone (no stream, no index, no scan). */
  /**
   * Exactly these SQS actions on one queue. (The CDK's grantSendMessages / grantConsumeMessages add
   * sqs:GetQueueAttributes and sqs:GetQueueUrl, which no Kongo code sends; SQS_ACTIONS_SENT in the
   * stack's test pins that every granted action is sent by some code or needed by Lambda's poller.)
   */
  #allowSqs(role: iam.IRole, queue: sqs.IQueue, actions: string[]): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [queue.queueArn] }));
  }

  #grantItems(role: iam.IRole, actions: string[]): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [this.table.tableArn] }));
  }

  /** GetParameter on each named parameter and its `-previous` twin (rotation), nothing else. */
  #grantParameters(role: iam.IRole, names: string[]): void {
    const resources = [...new Set(names.flatMap((name) => [name, `${name}-previous`]))].sort().map((name) =>
      Stack.of(this).formatArn({
        service: 'ssm',
        resource: 'parameter',
        resourceName: name.replace(/^\/+/, ''),
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources }));
  }

  #schedule(id: string, fn: KongoFunction, seconds: number): void {
    // EventBridge rates are whole minutes; rounding down only makes the function run more often.
    const minutes = Math.max(1, Math.floor(seconds / 60));
    new events.Rule(this, id, {
      schedule: events.Schedule.rate(Duration.minutes(minutes)),
      targets: [new targets.LambdaFunction(fn.function, { retryAttempts: 0 })],
    });
    this.#runAlone(fn);
  }

  /**
   * A scheduled function runs once per tick and never twice at once: EventBridge does not retry
   * (`retryAttempts: 0` on the target), Lambda's own asynchronous retries are off (`retryAttempts: 0`
   * on the function's async config — otherwise a failed 15-minute reconciliation runs twice more), and
   * reserved concurrency 1 refuses an overlapping invocation; the refused event is dropped after a
   * minute (`maxEventAge`) instead of queuing behind the running one. The next tick repeats the work.
   */
  #runAlone(fn: KongoFunction): void {
    if (this.#scheduled.has(fn)) return;
    this.#scheduled.add(fn);
    fn.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    (fn.function.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = 1;
  }

  #alarm(id: string, props: cloudwatch.AlarmProps): void {
    const alarm = new cloudwatch.Alarm(this, id, props);
    // ALARM and OK both notify, so the centre and Slack hear the recovery too.
    for (const topic of [this.alarmTopic, this.#extraAlarmTopic]) {
      if (!topic) continue;
      alarm.addAlarmAction(new cwActions.SnsAction(topic));
      alarm.addOkAction(new cwActions.SnsAction(topic));
    }
    this.alarms.push(alarm);
  }

  #queueAlarms(): void {
    this.#alarm('DeadLettersPresentAlarm', {
      alarmDescription:
        'A change could not be delivered and waits in the dead-letter queue: inspect and replay it.',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.#alarm('DeadLetterAgeAlarm', {
      alarmDescription:
        'The oldest dead letter is 3 days old; it is archived at 10 days and SQS deletes at 14.',
      metric: this.deadLetterQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: DEAD_LETTER_AGE_ALARM.toSeconds(),
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const [direction, queue] of Object.entries(this.workQueues).sort(([a], [b]) => a.localeCompare(b))) {
      const id = direction === 'hubspot-to-destination' ? 'HubSpotToDestination' : 'DestinationToHubSpot';
      this.#alarm(`${id}BacklogAlarm`, {
        alarmDescription: `Changes ${direction} have waited over 15 minutes: the worker is failing or throttled.`,
        metric: queue.metricApproximateAgeOfOldestMessage({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 900,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
  }

  #functionAlarms(name: string, fn: KongoFunction): void {
    const id = name.charAt(0).toUpperCase() + name.slice(1);
    this.#alarm(`${id}ErrorsAlarm`, {
      alarmDescription: `${name} raised errors in the last 5 minutes.`,
      metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.#alarm(`${id}ThrottlesAlarm`, {
      alarmDescription: `${name} was throttled by Lambda in the last 5 minutes.`,
      metric: fn.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

function required(entry: string | undefined, name: string): string {
  if (entry === undefined)
    throw new Error(`The spec needs the ${name} function but no entry file was given for it.`);
  return entry;
}
