import { describe, expect, it } from 'vitest';
import { notificationCentreAcknowledgements } from './nag.ts';
import { NotificationCentreStack } from './notification-centre-stack.ts';
import { NOOP_ENTRY, synthWithNag } from './test-fixtures/synth.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

describe('NotificationCentreStack', () => {
  const { stack, template, ms } = synthWithNag(
    (app) => new NotificationCentreStack(app, 'Nc', { entry: NOOP_ENTRY }),
  );

  it('synthesizes with cdk-nag and no unacknowledged finding', () => {
    expect(ms).toBeLessThan(20_000);
    expect(stack.region).toBe('ap-southeast-2');
  });

  it('acknowledges exactly the runtime, authorization and its own-prefix wildcard, with reasons', () => {
    const acks = notificationCentreAcknowledgements('ap-southeast-2', '/kongo/notification-centre/');
    expect(acks.map((a) => a.id)).toEqual([
      'AwsSolutions-L1',
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:ap-southeast-2:<AWS::AccountId>:parameter/kongo/notification-centre/*]',
    ]);
    for (const ack of acks) expect(ack.reason.length).toBeGreaterThan(80);
  });

  it('runs the API and the down detector from one entry on Node.js 22 ARM64', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function') as Resources).map(
      (f) => f.Properties,
    );
    expect(functions.map((f) => f.Handler).sort()).toEqual(['index.detectDown', 'index.handler']);
    for (const fn of functions) {
      expect(fn.Runtime).toBe('nodejs22.x');
      expect(fn.Architectures).toEqual(['arm64']);
    }
  });

  it('detects down integrations every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });

  it('keeps its state in a protected, on-demand table with PITR', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        SSESpecification: { SSEEnabled: true },
      },
    });
  });

  it('throttles its $default stage and reads only parameters under its own prefix', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50 },
    });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':parameter/kongo/notification-centre/*');
    expect(policies).not.toMatch(/"Resource":"\*"/);
  });
});
