/**
 * The pipeline's AWS identity (GitHub OIDC provider, a read-only diff role for pull requests, a
 * deploy role per environment), deployed once per AWS account by hand — docs/DEPLOY.md:
 *   npx cdk deploy --app "npx tsx infra/pipeline.gen.ts" -c repository=OWNER/REPO [-c environments=sandbox]
 *     [-c providerArn=arn:aws:iam::…:oidc-provider/token.actions.githubusercontent.com]
 * Put its outputs in the repository's GitHub variables (AWS_DIFF_ROLE_ARN) and each GitHub
 * environment's (AWS_DEPLOY_ROLE_ARN).
 */
import { addNagChecks, PipelineRolesStack } from '@kongo/infra';
import { App } from 'aws-cdk-lib';
import { declaredSpec as spec } from '../src/spec.ts';
import { ENVIRONMENTS } from './app.ts';

const app = new App();
addNagChecks(app);
const repository = app.node.tryGetContext('repository') ?? process.env.GITHUB_REPOSITORY;
if (typeof repository !== 'string' || repository === '') {
  throw new Error(
    'Name the GitHub repository whose workflows may deploy: -c repository=OWNER/REPO (or GITHUB_REPOSITORY).',
  );
}
const environments = String(app.node.tryGetContext('environments') ?? ENVIRONMENTS.join(','))
  .split(',')
  .filter((environment) => environment !== '');
const providerArn = app.node.tryGetContext('providerArn');
new PipelineRolesStack(app, `kongo-${spec.integration.name}-pipeline`, {
  stackName: `kongo-${spec.integration.name}-pipeline`,
  repository,
  environments,
  env: { region: spec.integration.region },
  ...(typeof providerArn === 'string' && providerArn !== '' ? { existingProviderArn: providerArn } : {}),
});
app.synth();
