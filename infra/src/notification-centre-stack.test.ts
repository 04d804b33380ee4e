import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { NC_INGESTION_ROUTE_ACKNOWLEDGEMENT, NOTIFICATION_CENTRE_ACKNOWLEDGEMENTS } from './nag.ts';
import { NotificationCentreStack } from './notification-centre-stack.ts';
import { NOOP_ENTRY, synthWithNag } from './test-fixtures/synth.ts';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

describe('NotificationCentreStack', () => {
  const { stack, template, ms } = synthWithNag(
    (app) => new NotificationCentreStack(app, 'Nc', { entry: NOOP_ENTRY }),
  );

  it('synthesizes with cdk-nag and no unacknowledged finding', () => {
    // A sanity bound only (synth ran 32 s on the shared 2-core machine under load).
    expect(ms).toBeLessThan(90_000);
    expect(stack.region).toBe('ap-southeast-2');
  });

  it('acknowledges exactly the runtime stack-wide, and the missing authorizer only on ingestion routes', () => {
    expect(NOTIFICATION_CENTRE_ACKNOWLEDGEMENTS.map((a) => a.id)).toEqual(['AwsSolutions-L1']);
    for (const ack of [...NOTIFICATION_CENTRE_ACKNOWLEDGEMENTS, NC_INGESTION_ROUTE_ACKNOWLEDGEMENT])
      expect(ack.reason.length).toBeGreaterThan(80);
  });

  it('puts the dashboard, read, replay and admin API behind IAM; only ingestion is open at the gateway', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route') as Resources).map((r) => [
      r.Properties.RouteKey,
      r.Properties.AuthorizationType,
    ]);
    expect(routes.sort()).toEqual(
      [
        ['$default', 'AWS_IAM'],
        ['GET /healthz', 'NONE'],
        ['POST /api/events', 'NONE'],
        ['POST /api/alarms', 'NONE'],
        ['POST /api/heartbeats', 'NONE'],
      ].sort(),
    );
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

  it('throttles its $default stage and reads exactly its config and admin-token parameters', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 100, ThrottlingBurstLimit: 50 },
    });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':parameter/kongo/notification-centre/config');
    expect(policies).toContain(':parameter/kongo/notification-centre/admin-token');
    expect(policies).not.toContain('*');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          KONGO_NC_TABLE_NAME: { Ref: Match.stringLikeRegexp('^Table') },
          KONGO_NC_PARAMETER_PREFIX: '/kongo/notification-centre/',
        },
      },
    });
  });
});
