import { describe, expect, it } from 'vitest';
import { PipelineRolesStack } from './pipeline-roles-stack.ts';
import { synthWithNag } from './test-fixtures/synth.ts';

type Resources = Record<string, { Properties: Record<string, unknown> }>;

describe('PipelineRolesStack', () => {
  const { template } = synthWithNag(
    (app) =>
      new PipelineRolesStack(app, 'Pipeline', {
        repository: 'velflex/integrations',
        environments: ['sandbox', 'production'],
        env: { account: '111122223333', region: 'ap-southeast-2' },
      }),
  );
  const roles = template.findResources('AWS::IAM::Role') as Resources;
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Resources);
  const trustOf = (prefix: string) => {
    const [, role] = Object.entries(roles).find(([id]) => id.startsWith(prefix)) ?? [];
    const document = role?.Properties.AssumeRolePolicyDocument as
      | { Statement: Array<Record<string, unknown>> }
      | undefined;
    return document?.Statement[0]?.Condition;
  };
  // ARNs are joined with the partition token; read them as they resolve in the aws partition.
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object') {
      const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
      if (join) return join[1].map((part) => (typeof part === 'string' ? part : 'aws')).join(join[0]);
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };
  const actionsOf = (prefix: string) =>
    policies
      .filter((p) => JSON.stringify(p.Properties.Roles).includes(prefix))
      .flatMap(
        (p) => resolve((p.Properties.PolicyDocument as { Statement: unknown[] }).Statement) as unknown[],
      );

  it('synthesizes nag-clean with GitHub as OIDC provider for sts.amazonaws.com', () => {
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
    expect(Object.keys(roles)).toHaveLength(3);
  });

  it('lets pull requests assume only the read-only lookup role', () => {
    expect(trustOf('DiffRole')).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': 'repo:velflex/integrations:pull_request',
      },
    });
    expect(actionsOf('DiffRole')).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Resource: 'arn:aws:iam::111122223333:role/cdk-hnb659fds-lookup-role-111122223333-ap-southeast-2',
      },
    ]);
  });

  it('lets each GitHub environment assume the deploy, publishing and lookup roles, nothing else', () => {
    expect(trustOf('DeployRoleProduction')).toMatchObject({
      StringEquals: {
        'token.actions.githubusercontent.com:sub': 'repo:velflex/integrations:environment:production',
      },
    });
    expect(actionsOf('DeployRoleSandbox')).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Resource: ['deploy', 'file-publishing', 'lookup'].map(
          (kind) => `arn:aws:iam::111122223333:role/cdk-hnb659fds-${kind}-role-111122223333-ap-southeast-2`,
        ),
      },
    ]);
  });

  it('refuses a repository that is not owner/name', () => {
    expect(() =>
      synthWithNag((app) => new PipelineRolesStack(app, 'Bad', { repository: 'velflex', environments: [] })),
    ).toThrow(/repository must be "owner\/name"/);
  });
});
