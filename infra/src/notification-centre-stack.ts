/**
 * Kongo's own central stack: the Notification Centre that every client integration's heartbeat
 * reports to. An HTTP API (heartbeat ingestion + dashboard) on one function, a scheduled down
 * detector on a second, one DynamoDB table, and read access to exactly two SSM parameters: its
 * config (clients with their Slack incoming-webhook URLs, integrations with their keys) and the
 * admin token.
 */
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { TTL_ATTRIBUTE, WEBHOOK_THROTTLE } from './integration-stack.ts';
import { type BundlingRoots, KongoFunction } from './kongo-function.ts';
import { acknowledgeIngestionRoute, acknowledgeNotificationCentreFindings } from './nag.ts';

/** The variables notification-centre/src/lambda.ts reads (LAMBDA_ENV there). */
export const NC_ENV = {
  tableName: 'KONGO_NC_TABLE_NAME',
  parameterPrefix: 'KONGO_NC_PARAMETER_PREFIX',
  publicUrl: 'KONGO_NC_PUBLIC_URL',
} as const;

/** The two SSM parameters under the prefix the Centre reads: its config (clients, keys, Slack URLs) and the admin token. */
export const NC_PARAMETERS = ['config', 'admin-token'] as const;

/** Down detection runs every minute: the shortest heartbeat is 60 s, so "down" (2×) shows within a minute of the deadline. */
export const DOWN_DETECTION_RATE = Duration.minutes(1);

export interface NotificationCentreStackProps extends StackProps, BundlingRoots {
  /** notification-centre/src/lambda.ts (exports `handler` and `detectDown`). */
  entry: string;
  /** @default 'ap-southeast-2' */
  region?: string;
  /** SSM prefix of `{prefix}config` and `{prefix}admin-token`. @default '/kongo/notification-centre/' */
  parameterPrefix?: string;
  /** The dashboard URL Slack alerts link to (e.g. a custom domain). */
  publicUrl?: string;
  /**
   * Guards everything but ingestion: the dashboard, the read API, replay and the admin API. Default IAM
   * (callers sign with SigV4 and need `execute-api:Invoke` on the API); pass an `HttpJwtAuthorizer` for a
   * browser sign-in through the team's identity provider (Cognito, Okta, Entra ID…).
   */
  dashboardAuthorizer?: apigw.IHttpRouteAuthorizer;
}

/** The routes integrations call: each request is authenticated in the handler by that integration's key. */
export const NC_INGESTION_ROUTES = [
  ['POST', '/api/heartbeats'],
  ['POST', '/api/events'],
  ['POST', '/api/alarms'],
  ['GET', '/healthz'],
] as const;

export class NotificationCentreStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly table: dynamodb.Table;
  readonly apiFunction: KongoFunction;
  readonly detector: KongoFunction;

  constructor(scope: Construct, id: string, props: NotificationCentreStackProps) {
    const region = props.region ?? 'ap-southeast-2';
    super(scope, id, {
      ...props,
      env: { region, ...(props.env?.account ? { account: props.env.account } : {}) },
      description: 'Kongo Notification Centre: heartbeats, down detection, Slack alerts',
    });
    const prefix = `/${(props.parameterPrefix ?? '/kongo/notification-centre/').replace(/^\/+|\/+$/g, '')}/`;

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const environment = {
      [NC_ENV.tableName]: this.table.tableName,
      [NC_ENV.parameterPrefix]: prefix,
      ...(props.publicUrl ? { [NC_ENV.publicUrl]: props.publicUrl } : {}),
    };
    const bundling = {
      ...(props.projectRoot === undefined ? {} : { projectRoot: props.projectRoot }),
      ...(props.depsLockFilePath === undefined ? {} : { depsLockFilePath: props.depsLockFilePath }),
    };
    this.apiFunction = new KongoFunction(this, 'Api', {
      ...bundling,
      entry: props.entry,
      handler: 'handler',
      description: 'Notification Centre: heartbeat ingestion and dashboard API',
      timeout: Duration.seconds(10),
      environment,
    });
    this.detector = new KongoFunction(this, 'DownDetector', {
      ...bundling,
      entry: props.entry,
      handler: 'detectDown',
      description: 'Notification Centre: down/recovery detection and Slack alerts',
      timeout: Duration.seconds(60),
      environment,
    });
    this.table.grantReadWriteData(this.apiFunction.role);
    this.table.grantReadWriteData(this.detector.role);
    const parameters = NC_PARAMETERS.map((name) =>
      Stack.of(this).formatArn({
        service: 'ssm',
        resource: 'parameter',
        resourceName: `${prefix.replace(/^\/+/, '')}${name}`,
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
    );
    for (const fn of [this.apiFunction, this.detector]) {
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: parameters }),
      );
    }

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const integration = new HttpLambdaIntegration('ApiIntegration', this.apiFunction.function);
    // The $default route (dashboard, read API, replay, admin) sits behind the authorizer; only ingestion,
    // which integrations authenticate with their own keys, is open at the gateway.
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      apiName: 'kongo-notification-centre',
      createDefaultStage: false,
      defaultIntegration: integration,
      defaultAuthorizer: props.dashboardAuthorizer ?? new HttpIamAuthorizer(),
    });
    for (const [method, path] of NC_INGESTION_ROUTES) {
      const [route] = this.api.addRoutes({
        path,
        methods: [method === 'POST' ? apigw.HttpMethod.POST : apigw.HttpMethod.GET],
        integration,
        authorizer: new apigw.HttpNoneAuthorizer(),
      });
      if (route) acknowledgeIngestionRoute(route);
    }
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { ...WEBHOOK_THROTTLE },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });

    new events.Rule(this, 'DownDetectionSchedule', {
      description:
        'Every minute: mark integrations down after 2x their heartbeat interval, recovered on return',
      schedule: events.Schedule.rate(DOWN_DETECTION_RATE),
      targets: [new targets.LambdaFunction(this.detector.function, { retryAttempts: 0 })],
    });
    for (const [name, fn] of [
      ['Api', this.apiFunction],
      ['DownDetector', this.detector],
    ] as const) {
      new cloudwatch.Alarm(this, `${name}ErrorsAlarm`, {
        alarmDescription: `Notification Centre ${name} raised errors: alerts may not reach Slack.`,
        metric: fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    new CfnOutput(this, 'ApiUrl', {
      value: this.api.apiEndpoint,
      description: 'Notification Centre base URL',
    });
    acknowledgeNotificationCentreFindings(this);
  }
}
