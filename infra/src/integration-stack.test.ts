import { readFileSync } from 'node:fs';
import type { IntegrationSpec } from '@kongo/runtime/spec';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { type IntegrationEntries, IntegrationStack, TABLE_ACTIONS } from './integration-stack.ts';
import { INTEGRATION_ACKNOWLEDGEMENTS } from './nag.ts';
import { testSpec } from './test-fixtures/spec.ts';
import { NOOP_ENTRY, synthWithNag } from './test-fixtures/synth.ts';

const ALL_ENTRIES: IntegrationEntries = {
  hubspotWebhook: NOOP_ENTRY,
  destinationWebhook: NOOP_ENTRY,
  hubspotToDestinationWorker: NOOP_ENTRY,
  destinationToHubspotWorker: NOOP_ENTRY,
  heartbeat: NOOP_ENTRY,
  poller: NOOP_ENTRY,
  reconcile: NOOP_ENTRY,
  deadLetterArchiver: NOOP_ENTRY,
  alarmForwarder: NOOP_ENTRY,
};

function synth(spec: IntegrationSpec, environment: 'sandbox' | 'production' = 'sandbox') {
  return synthWithNag(
    (app) => new IntegrationStack(app, 'Velflex', { spec, environment, entries: ALL_ENTRIES }),
  );
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
function resources(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}
function logicalIdStartingWith(template: Template, type: string, prefix: string): string {
  const id = Object.keys(resources(template, type)).find((key) => key.startsWith(prefix));
  if (!id) throw new Error(`no ${type} starting with ${prefix}`);
  return id;
}

type Statement = { Action: unknown; Resource: unknown };
function roleStatements(template: Template, rolePrefix: string): Statement[] {
  const roleId = logicalIdStartingWith(template, 'AWS::IAM::Role', rolePrefix);
  const policy = Object.values(resources(template, 'AWS::IAM::Policy')).find((p) =>
    JSON.stringify(p.Properties.Roles).includes(roleId),
  );
  if (!policy) throw new Error(`role ${rolePrefix} has no policy`);
  return (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement;
}
/** The SSM parameter names in a statement's resources (ARNs are Fn::Join of tokens and the name). */
function parameterNames(resource: unknown): string[] {
  return [...JSON.stringify(resource).matchAll(/:parameter\/([^"]+)"/g)].map((m) => m[1] ?? '').sort();
}
/** Target function (logical id prefix before "Function") → schedule expression. */
function schedules(template: Template): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rule of Object.values(resources(template, 'AWS::Events::Rule'))) {
    const targets = rule.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] } }[];
    for (const target of targets) {
      const name = target.Arn['Fn::GetAtt'][0].replace(/Function[0-9A-F]{8}$/, '');
      out[name] = String(rule.Properties.ScheduleExpression);
    }
  }
  return out;
}

describe('IntegrationStack (two-way spec, sandbox)', () => {
  const { stack, template, json, ms } = synth(testSpec());

  it('synthesizes offline with cdk-nag AwsSolutions and no unacknowledged finding', () => {
    // A sanity bound only: the shared 2-core machine took 32 s under load.
    expect(ms).toBeLessThan(90_000);
  });

  it('acknowledges exactly two findings, each with a real reason', () => {
    expect(INTEGRATION_ACKNOWLEDGEMENTS.map((a) => a.id)).toEqual(['AwsSolutions-L1', 'AwsSolutions-APIG4']);
    for (const ack of INTEGRATION_ACKNOWLEDGEMENTS) expect(ack.reason.length).toBeGreaterThan(80);
  });

  it('lives in the spec region', () => {
    expect(stack.region).toBe('ap-southeast-2');
  });

  it('throttles the $default stage at 100 requests/s steady, 50 burst, with access logs', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.anyValue() },
    });
  });

  it('routes POST at the webhook paths the spec module defines', () => {
    const keys = Object.values(resources(template, 'AWS::ApiGatewayV2::Route')).map(
      (r) => r.Properties.RouteKey,
    );
    expect(keys.sort()).toEqual([
      'POST /webhooks/velflex-attendees/destination',
      'POST /webhooks/velflex-attendees/hubspot',
    ]);
  });

  it('runs every function on Node.js 22, ARM64, bundled as minified ESM', () => {
    const functions = Object.values(resources(template, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(8); // 2 webhooks, 2 workers, heartbeat, reconcile, archiver, alarm forwarder (no poller: webhooks)
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON' });
    }
  });

  it('gives each direction a work queue that redrives to one shared, encrypted dead-letter queue', () => {
    const queues = resources(template, 'AWS::SQS::Queue');
    expect(Object.keys(queues)).toHaveLength(3);
    const dlqId = logicalIdStartingWith(template, 'AWS::SQS::Queue', 'DeadLetterQueue');
    expect(queues[dlqId]?.Properties).toMatchObject({
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    });
    for (const prefix of ['HubSpotToDestinationQueue', 'DestinationToHubSpotQueue']) {
      const queue = queues[logicalIdStartingWith(template, 'AWS::SQS::Queue', prefix)];
      expect(queue?.Properties).toMatchObject({
        VisibilityTimeout: 360,
        MessageRetentionPeriod: 345_600,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
      });
    }
    template.resourceCountIs('AWS::SQS::QueuePolicy', 3); // enforceSSL on each
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('alarms on dead letters present and on the oldest one reaching 3 days, long before 14-day retention', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 259_200,
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DeadLetterQueue'), 'QueueName'] },
        },
      ],
    });
  });

  it('alarms on errors and throttles of every function, and on each work queue backlog', () => {
    const alarms = Object.values(resources(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.filter((a) => a.MetricName === 'Errors')).toHaveLength(8);
    expect(alarms.filter((a) => a.MetricName === 'Throttles')).toHaveLength(8);
    expect(
      alarms.filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage' && a.Threshold === 900),
    ).toHaveLength(2);
    expect(alarms).toHaveLength(20);
    // Every alarm notifies the stack's own topic, into ALARM and back to OK.
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
      expect(alarm.OKActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
    }
  });

  it('sends alarms to the Notification Centre through the forwarder, and to the spec e-mail', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: Match.stringLikeRegexp('^AlarmTopic') },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          KONGO_NC_URL_PARAMETER: testSpec().monitoring.notificationCentre.urlParameter,
          KONGO_NC_KEY_PARAMETER: testSpec().monitoring.notificationCentre.keyParameter,
        }),
      },
    });
    const withTargets = testSpec();
    withTargets.monitoring.alarms = {
      email: 'oncall@velflex.example',
      slackWebhookParameter: '/velflex/alarm-slack',
    };
    const other = synth(withTargets).template;
    other.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@velflex.example',
    });
    other.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ KONGO_ALARM_SLACK_PARAMETER: '/velflex/alarm-slack' }) },
    });
  });

  it('archives old dead letters daily into the table', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 day)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ KONGO_ARCHIVE_AFTER_DAYS: '10' }) },
    });
  });

  it('keeps state in an on-demand table with point-in-time recovery and a TTL attribute', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      DeletionProtectionEnabled: false,
    });
  });

  it('schedules the heartbeat from the spec, the archiver and the reconciliation daily (no poller: webhooks)', () => {
    expect(schedules(template)).toEqual({
      DeadLetterArchiver: 'rate(1 day)',
      Heartbeat: 'rate(1 minute)',
      Reconcile: 'rate(1 day)',
    });
  });

  it('runs the daily reconciliation for 15 minutes, never retried by EventBridge', () => {
    const fnId = logicalIdStartingWith(template, 'AWS::Lambda::Function', 'ReconcileFunction');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'velflex-attendees daily reconciliation: repair drifted mappings, report',
      Timeout: 900,
      MemorySize: 1024,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } }),
      ],
    });
  });

  it('grants the reconciliation the table, both API tokens and the Centre parameters, and no queue', () => {
    const statements = roleStatements(template, 'ReconcileRole');
    const tableId = logicalIdStartingWith(template, 'AWS::DynamoDB::Table', 'Table');
    expect(statements.map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      'ssm:GetParameter',
    ]);
    expect(statements[1]?.Resource).toEqual({ 'Fn::GetAtt': [tableId, 'Arn'] });
    expect(JSON.stringify(statements)).not.toContain('sqs:');
    expect(parameterNames(statements[2]?.Resource)).toEqual([
      'kongo/nc-url',
      'kongo/nc-url-previous',
      'velflex/events-api-token',
      'velflex/events-api-token-previous',
      'velflex/hubspot-access-token',
      'velflex/hubspot-access-token-previous',
      'velflex/nc-key',
      'velflex/nc-key-previous',
    ]);
  });

  it('lets each worker read both API tokens and the Centre URL and key (its trace posts), nothing else in SSM or KMS', () => {
    for (const prefix of ['HubSpotToDestinationWorkerRole', 'DestinationToHubSpotWorkerRole']) {
      const statements = roleStatements(template, prefix);
      const ssm = statements.filter((s) => JSON.stringify(s.Action).includes('ssm:'));
      expect(ssm).toHaveLength(1);
      expect(ssm[0]?.Action).toBe('ssm:GetParameter');
      expect(parameterNames(ssm[0]?.Resource)).toEqual([
        'kongo/nc-url',
        'kongo/nc-url-previous',
        'velflex/events-api-token',
        'velflex/events-api-token-previous',
        'velflex/hubspot-access-token',
        'velflex/hubspot-access-token-previous',
        'velflex/nc-key',
        'velflex/nc-key-previous',
      ]);
      // No customer key is modelled: SecureStrings use aws/ssm, as for the heartbeat.
      expect(JSON.stringify(statements)).not.toContain('kms:');
    }
  });

  it('lets the heartbeat carry out replays: send to its own work queue, receive and delete dead letters', () => {
    const statements = roleStatements(template, 'HeartbeatRole');
    const d2h = logicalIdStartingWith(template, 'AWS::SQS::Queue', 'DestinationToHubSpotQueue');
    const h2d = logicalIdStartingWith(template, 'AWS::SQS::Queue', 'HubSpotToDestinationQueue');
    const dlq = logicalIdStartingWith(template, 'AWS::SQS::Queue', 'DeadLetterQueue');
    const sqsStatements = statements
      .filter((s) => JSON.stringify(s.Action).includes('sqs:'))
      .map((s) => ({ Action: s.Action, Resource: s.Resource }));
    expect(sqsStatements).toEqual([
      { Action: 'sqs:GetQueueAttributes', Resource: { 'Fn::GetAtt': [d2h, 'Arn'] } },
      { Action: 'sqs:GetQueueAttributes', Resource: { 'Fn::GetAtt': [h2d, 'Arn'] } },
      // runtime.replay sends through SqsWorkQueue on KONGO_WORK_QUEUE_URL: the first direction's queue only.
      { Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [d2h, 'Arn'] } },
      {
        Action: ['sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:DeleteMessage'],
        Resource: { 'Fn::GetAtt': [dlq, 'Arn'] },
      },
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'velflex-attendees heartbeat to the Notification Centre',
      Environment: {
        Variables: Match.objectLike({ KONGO_WORK_QUEUE_URL: { Ref: d2h } }),
      },
    });
    const ssm = statements.filter((s) => JSON.stringify(s.Action).includes('ssm:'));
    expect(ssm.map((s) => s.Action)).toEqual(['ssm:GetParameter']);
    expect(parameterNames(ssm[0]?.Resource)).toEqual([
      'kongo/nc-url',
      'kongo/nc-url-previous',
      'velflex/nc-key',
      'velflex/nc-key-previous',
    ]);
    expect(JSON.stringify(statements)).not.toContain('kms:');
  });

  it('references secrets by parameter name only: no SSM parameter resources, no values', () => {
    template.resourceCountIs('AWS::SSM::Parameter', 0);
    expect(json).not.toMatch(/SecureString|whsec_|sk_test_/);
  });

  it('grants the HubSpot webhook only its log stream, its queue, the dead-letter queue and its secret', () => {
    const roleId = logicalIdStartingWith(template, 'AWS::IAM::Role', 'HubSpotWebhookRole');
    const policy = Object.values(resources(template, 'AWS::IAM::Policy')).find((p) =>
      JSON.stringify(p.Properties.Roles).includes(roleId),
    );
    if (!policy) throw new Error('the HubSpot webhook role has no policy');
    const statements = (
      policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
    ).Statement;
    const queueId = logicalIdStartingWith(template, 'AWS::SQS::Queue', 'HubSpotToDestinationQueue');
    const tableId = logicalIdStartingWith(template, 'AWS::DynamoDB::Table', 'Table');
    const dlqId = logicalIdStartingWith(template, 'AWS::SQS::Queue', 'DeadLetterQueue');
    expect(statements.map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      'sqs:SendMessage',
      'sqs:SendMessage',
      'ssm:GetParameter',
    ]);
    expect(JSON.stringify(statements[1]?.Resource)).toContain(queueId);
    expect(JSON.stringify(statements[2]?.Resource)).toContain(dlqId);
    expect(JSON.stringify(statements)).not.toContain(tableId);
    expect(JSON.stringify(statements[3]?.Resource)).toContain(':parameter/velflex/hubspot-client-secret');
    expect(JSON.stringify(statements[3]?.Resource)).toContain(
      ':parameter/velflex/hubspot-client-secret-previous',
    );
    expect(JSON.stringify(statements[3]?.Resource)).not.toContain('destination-client-secret');
  });

  it('grants each role exactly the table actions its code sends, and none it does not', () => {
    const tableId = logicalIdStartingWith(template, 'AWS::DynamoDB::Table', 'Table');
    const byRole: Record<string, string[]> = {
      HubSpotToDestinationWorkerRole: [...TABLE_ACTIONS.worker],
      DestinationToHubSpotWorkerRole: [...TABLE_ACTIONS.worker],
      ReconcileRole: [...TABLE_ACTIONS.reconcile],
      HeartbeatRole: [...TABLE_ACTIONS.heartbeat],
      DeadLetterArchiverRole: [...TABLE_ACTIONS.deadLetterArchiver],
      HubSpotWebhookRole: [],
      DestinationWebhookRole: [],
    };
    for (const [role, expected] of Object.entries(byRole)) {
      const dynamo = roleStatements(template, role)
        .flatMap((s) => [s.Action].flat() as string[])
        .filter((a) => a.startsWith('dynamodb:'));
      expect([role, dynamo.sort()]).toEqual([role, [...expected].sort()]);
    }
    // BatchGetItem only in the worker roles (checked per role above): a batch's identities at once.
    expect(json).not.toMatch(
      /dynamodb:(Scan|BatchWriteItem|GetRecords|GetShardIterator|Query|DescribeStream|ListStreams)"/,
    );
    expect(JSON.stringify(roleStatements(template, 'HeartbeatRole'))).toContain(tableId);
  });

  it('grants the worker exactly what the mapping store sends: a new command, or a grant nobody sends, fails here', () => {
    // lib-dynamodb command → IAM action. The worker's only table client on AWS is the mapping store.
    const actionOf: Record<string, string> = {
      Get: 'GetItem',
      Put: 'PutItem',
      Update: 'UpdateItem',
      Delete: 'DeleteItem',
      Query: 'Query',
      Scan: 'Scan',
      BatchGet: 'BatchGetItem',
      BatchWrite: 'BatchWriteItem',
      TransactWrite: 'TransactWriteItems',
    };
    const source = readFileSync(
      new URL('../../runtime/src/mapping-store/dynamo-store.ts', import.meta.url),
      'utf8',
    );
    const sent = new Set(
      [...source.matchAll(/new (\w+)Command\(/g)].map((m) => `dynamodb:${actionOf[m[1] ?? ''] ?? m[1]}`),
    );
    expect([...sent].sort()).toEqual([...TABLE_ACTIONS.worker].sort());
  });

  it('grants each role exactly the SQS actions its code sends or Lambda needs, and none nobody sends', () => {
    // Every SQS command any deployed code sends (the runtime's SQS adapters, infra's archiver), plus
    // what Lambda's SQS poller needs on the worker's role (AWS Lambda guide, "Using Lambda with
    // Amazon SQS", execution role: ReceiveMessage, DeleteMessage, GetQueueAttributes).
    const sources = [
      '../../runtime/src/queue/sqs-queue.ts',
      '../../runtime/src/queue/sqs-dead-letters.ts',
      './dlq-archiver/handler.ts',
    ].map((path) => readFileSync(new URL(path, import.meta.url), 'utf8'));
    const sent = new Set(
      sources.flatMap((source) => [...source.matchAll(/new (\w+)Command\(/g)].map((m) => `sqs:${m[1]}`)),
    );
    const lambdaPoller = ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'];
    const granted = new Set<string>();
    for (const policy of Object.values(resources(template, 'AWS::IAM::Policy'))) {
      for (const statement of (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
        for (const action of [statement.Action].flat() as string[])
          if (action.startsWith('sqs:')) granted.add(action);
    }
    const unused = [...granted].filter((action) => !sent.has(action) && !lambdaPoller.includes(action));
    expect(unused).toEqual([]);
    // And per role, exactly (sorted): a new grant or a lost one is a visible diff here.
    const sqsOf = (role: string) =>
      roleStatements(template, role)
        .flatMap((s) => [s.Action].flat() as string[])
        .filter((a) => a.startsWith('sqs:'))
        .sort();
    expect(sqsOf('HubSpotWebhookRole')).toEqual(['sqs:SendMessage', 'sqs:SendMessage']);
    expect(sqsOf('DestinationToHubSpotWorkerRole')).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
    // The contacts worker also peeks and deletes dead letters (privacy deletion).
    expect(sqsOf('HubSpotToDestinationWorkerRole')).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:ReceiveMessage',
      'sqs:ReceiveMessage',
      'sqs:SendMessage',
    ]);
    expect(sqsOf('DeadLetterArchiverRole')).toEqual(['sqs:DeleteMessage', 'sqs:ReceiveMessage']);
    expect(JSON.stringify(roleStatements(template, 'AlarmForwarderRole'))).not.toContain('sqs:');
  });

  it('runs every scheduled function alone: no EventBridge or Lambda async retries, reserved concurrency 1', () => {
    const functions = resources(template, 'AWS::Lambda::Function');
    const configs = Object.values(resources(template, 'AWS::Lambda::EventInvokeConfig')).map(
      (c) => c.Properties,
    );
    const scheduledIds = Object.values(resources(template, 'AWS::Events::Rule')).flatMap((rule) =>
      (rule.Properties.Targets as { Arn: { 'Fn::GetAtt': [string, string] }; RetryPolicy?: unknown }[]).map(
        (t) => {
          expect(t.RetryPolicy).toEqual({ MaximumRetryAttempts: 0 });
          return t.Arn['Fn::GetAtt'][0];
        },
      ),
    );
    expect(scheduledIds.length).toBeGreaterThanOrEqual(3);
    for (const id of scheduledIds) {
      expect([id, functions[id]?.Properties.ReservedConcurrentExecutions]).toEqual([id, 1]);
      expect(configs).toContainEqual(
        expect.objectContaining({
          FunctionName: { Ref: id },
          MaximumRetryAttempts: 0,
          MaximumEventAgeInSeconds: 60,
        }),
      );
    }
    // The webhook and worker functions scale freely.
    const reserved = Object.entries(functions).filter(([, f]) => f.Properties.ReservedConcurrentExecutions);
    expect(reserved.map(([id]) => id).sort()).toEqual([...new Set(scheduledIds)].sort());
  });

  it('attaches no managed policy and no wildcard action or resource to any role', () => {
    for (const role of Object.values(resources(template, 'AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
    for (const policy of Object.values(resources(template, 'AWS::IAM::Policy'))) {
      for (const statement of (
        policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
      ).Statement) {
        expect(JSON.stringify(statement.Action)).not.toContain('*');
        expect(statement.Resource).not.toBe('*');
      }
    }
  });
});

describe('IntegrationStack variants', () => {
  it('builds only what a one-way polling spec needs, in its own region, with production safeguards', () => {
    const base = testSpec();
    const spec = testSpec({
      integration: { name: 'acme-jobs', region: 'eu-west-1' },
      destination: {
        ...base.destination,
        webhooks: undefined as never,
        polling: { intervalSeconds: 300, cursorField: 'updatedAt' },
      },
      flows: base.flows.filter((flow) => flow.direction === 'destination-to-hubspot'),
    });
    delete (spec.destination as { webhooks?: unknown }).webhooks;
    const { stack, template } = synth(spec, 'production');
    expect(stack.region).toBe('eu-west-1');
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 0);
    template.resourceCountIs('AWS::SQS::Queue', 2);
    expect(schedules(template)).toEqual({
      DeadLetterArchiver: 'rate(1 day)',
      Heartbeat: 'rate(1 minute)',
      Poller: 'rate(5 minutes)',
      Reconcile: 'rate(1 day)',
    });
    const queueId = logicalIdStartingWith(template, 'AWS::SQS::Queue', 'DestinationToHubSpotQueue');
    const poller = roleStatements(template, 'PollerRole');
    expect(poller.map((s) => s.Action)).toEqual([
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      'sqs:SendMessage',
      ['dynamodb:GetItem', 'dynamodb:PutItem'],
      'ssm:GetParameter',
    ]);
    expect(JSON.stringify(poller[1]?.Resource)).toContain(queueId);
    // A destination poll reads the destination token only: no HubSpot token on the poller.
    expect(parameterNames(poller[3]?.Resource)).toEqual([
      'velflex/events-api-token',
      'velflex/events-api-token-previous',
    ]);
    expect(JSON.stringify(poller)).not.toContain('hubspot-access-token');
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('polls at least once a minute when the spec asks for less than a minute', () => {
    const base = testSpec();
    const spec = testSpec({
      destination: { ...base.destination, polling: { intervalSeconds: 20, cursorField: 'updatedAt' } },
    });
    const { template } = synth(spec);
    expect(schedules(template).Poller).toBe('rate(1 minute)');
  });

  it('answers on the spec publicBaseUrl host when given its certificate', () => {
    const certificateArn = 'arn:aws:acm:ap-southeast-2:111122223333:certificate/abc';
    const { template } = synthWithNag(
      (app) =>
        new IntegrationStack(app, 'Domain', {
          spec: testSpec(),
          environment: 'sandbox',
          entries: ALL_ENTRIES,
          certificateArn,
        }),
    );
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'hooks.example.com',
      DomainNameConfigurations: [
        Match.objectLike({ CertificateArn: certificateArn, SecurityPolicy: 'TLS_1_2' }),
      ],
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
  });

  it('says which entry file is missing', () => {
    expect(() =>
      synthWithNag(
        (app) =>
          new IntegrationStack(app, 'Broken', {
            spec: testSpec(),
            environment: 'sandbox',
            entries: { heartbeat: NOOP_ENTRY, reconcile: NOOP_ENTRY },
          }),
      ),
    ).toThrow(/destinationToHubspotWorker function but no entry file/);
  });
});

describe('IntegrationStack per environment', () => {
  const declared = testSpec({
    environments: {
      sandbox: { schedules: { reconcile: false } },
      production: {
        publicBaseUrl: 'https://hooks.velflex.com',
        hubspot: {
          appId: 654321,
          secretParameter: '/velflex/production/hubspot-client-secret',
          accessTokenParameter: '/velflex/production/hubspot-access-token',
        },
        destination: {
          baseUrl: 'https://events.velflex.com/graphql',
          auth: { tokenParameter: '/velflex/production/events-api-token' },
          webhooks: { secretParameter: '/velflex/production/destination-client-secret' },
        },
      },
    },
  });
  const sandbox = synth(declared, 'sandbox');
  const production = synth(declared, 'production');

  it('reads only its own environment: parameters, KONGO_ENVIRONMENT, schedules', () => {
    expect(sandbox.json).not.toContain('/production/');
    expect(parameterNames(roleStatements(production.template, 'HubSpotWebhook'))).toEqual([
      'velflex/production/hubspot-client-secret',
      'velflex/production/hubspot-client-secret-previous',
    ]);
    expect(production.json).not.toContain('velflex/hubspot-client-secret');
    expect(production.json).not.toContain('velflex/events-api-token');
    for (const [{ template }, environment] of [
      [sandbox, 'sandbox'],
      [production, 'production'],
    ] as const) {
      const variables = Object.values(resources(template, 'AWS::Lambda::Function')).map(
        (f) =>
          (f.Properties.Environment as { Variables: Record<string, unknown> }).Variables.KONGO_ENVIRONMENT,
      );
      expect(new Set(variables)).toEqual(new Set([environment]));
    }
    expect(Object.keys(schedules(sandbox.template))).not.toContain('Reconcile');
    expect(Object.keys(schedules(production.template))).toContain('Reconcile');
  });
});
