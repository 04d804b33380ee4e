/**
 * The client repository's pipeline identity in one AWS account: GitHub's OIDC provider and the
 * least-privilege roles the workflow (.github/workflows/integration.yml) assumes with it — no stored
 * AWS keys anywhere.
 *
 * - `DiffRole`: pull requests (`repo:{owner}/{repo}:pull_request`) may assume only the CDK bootstrap's
 *   read-only lookup role, which is all `cdk diff --method=template` uses (AWS CDK guide, "cdk diff":
 *   "template – Compares CloudFormation templates directly … Uses the lookup role").
 * - `DeployRole{Environment}`: a job in that GitHub environment (`…:environment:{name}`, where the
 *   environment's protection rules — the production approval — apply) may assume the bootstrap's
 *   deploy, file-publishing and lookup roles, which is what `cdk deploy` of a stack without Docker
 *   assets uses. CloudFormation then acts through the bootstrap's execution role.
 *
 * Deployed once per account by hand (docs/DEPLOY.md), from the generated `infra/pipeline.gen.ts`.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

export interface PipelineRolesStackProps extends StackProps {
  /** The client repository, `owner/name`. */
  repository: string;
  /** The GitHub environments that deploy into this account (each gets a deploy role). */
  environments: readonly string[];
  /**
   * An OIDC provider for token.actions.githubusercontent.com that already exists in the account
   * (IAM allows one per URL): its ARN. Without it the stack creates the provider.
   */
  existingProviderArn?: string;
  /** The CDK bootstrap qualifier. @default 'hnb659fds' */
  qualifier?: string;
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const ENVIRONMENT = /^[a-z][a-z0-9-]*$/;

export class PipelineRolesStack extends Stack {
  readonly diffRole: iam.Role;
  readonly deployRoles: Record<string, iam.Role> = {};

  constructor(scope: Construct, id: string, props: PipelineRolesStackProps) {
    super(scope, id, props);
    if (!REPOSITORY.test(props.repository))
      throw new Error(`PipelineRolesStack: repository must be "owner/name", got "${props.repository}".`);
    for (const environment of props.environments) {
      if (!ENVIRONMENT.test(environment))
        throw new Error(`PipelineRolesStack: environment "${environment}" is not a lower-case name.`);
    }
    const providerArn =
      props.existingProviderArn ??
      new iam.CfnOIDCProvider(this, 'GitHubOidcProvider', {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: ['sts.amazonaws.com'],
      }).attrArn;
    const qualifier = props.qualifier ?? 'hnb659fds';
    const bootstrapRole = (kind: string) =>
      `arn:${this.partition}:iam::${this.account}:role/cdk-${qualifier}-${kind}-role-${this.account}-${this.region}`;
    const github = (subject: string) =>
      new iam.WebIdentityPrincipal(providerArn, {
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: 'sts.amazonaws.com',
          [`${GITHUB_OIDC_HOST}:sub`]: subject,
        },
      });

    this.diffRole = new iam.Role(this, 'DiffRole', {
      description: `Pull requests of ${props.repository}: cdk diff through the read-only lookup role`,
      assumedBy: github(`repo:${props.repository}:pull_request`),
      maxSessionDuration: Duration.hours(1),
    });
    this.diffRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [bootstrapRole('lookup')] }),
    );
    new CfnOutput(this, 'DiffRoleArn', {
      value: this.diffRole.roleArn,
      description: 'GitHub repository variable AWS_DIFF_ROLE_ARN',
    });

    for (const environment of props.environments) {
      const name = environment.charAt(0).toUpperCase() + environment.slice(1);
      const role = new iam.Role(this, `DeployRole${name}`, {
        description: `${props.repository}, environment ${environment}: cdk deploy through the bootstrap roles`,
        assumedBy: github(`repo:${props.repository}:environment:${environment}`),
        maxSessionDuration: Duration.hours(1),
      });
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['sts:AssumeRole'],
          resources: ['deploy', 'file-publishing', 'lookup'].map(bootstrapRole),
        }),
      );
      this.deployRoles[environment] = role;
      new CfnOutput(this, `DeployRoleArn${name}`, {
        value: role.roleArn,
        description: `GitHub environment ${environment}: variable AWS_DEPLOY_ROLE_ARN`,
      });
    }
  }
}
