/**
 * Emitter: .github/workflows/integration.yml — a thin workflow over the project's npm scripts, with
 * one `cdk diff` matrix entry and one deploy job per environment the spec deploys (sandbox first;
 * each deploy waits for the one before it, and runs in its GitHub environment so production's
 * required reviewers approve it).
 */
import { deployedEnvironments, resolveEnvironment } from '@kongo/runtime/spec';
import { headerComment } from '../header.ts';
import type { NormalizedIntegration } from '../normalize.ts';
import type { OutputTree } from '../output.ts';
import type { Templates } from '../templates.ts';

const upper = (environment: string): string => environment.toUpperCase();
/** A GitHub Actions expression, `${{ … }}`. */
const expression = (text: string): string => `$\{{ ${text} }}`;

export function emitPipeline(
  integration: NormalizedIntegration,
  tree: OutputTree,
  templates: Templates,
): void {
  const spec = integration.spec;
  const environments = deployedEnvironments(spec);
  const stack = (environment: string) => `kongo-${spec.integration.name}-${environment}`;
  const certificates = environments
    .map(
      (environment) =>
        `  KONGO_CERTIFICATE_ARN_${upper(environment)}: ${expression(`vars.KONGO_CERTIFICATE_ARN_${upper(environment)}`)}`,
    )
    .join('\n');
  const matrix = environments
    .map((environment) =>
      [
        `          - environment: ${environment}`,
        `            stack: ${stack(environment)}`,
        `            region: ${resolveEnvironment(spec, environment).integration.region}`,
        `            role: AWS_DIFF_ROLE_ARN_${upper(environment)}`,
      ].join('\n'),
    )
    .join('\n');
  const deploys = environments
    .map((environment, index) => {
      const previous = environments[index - 1];
      return [
        '',
        `  deploy-${environment}:`,
        "    if: github.event_name == 'push'",
        ...(previous ? [`    needs: deploy-${previous}`] : []),
        '    runs-on: ubuntu-latest',
        `    environment: ${environment}`,
        '    permissions:',
        '      contents: read',
        '      id-token: write',
        '    steps:',
        '      - uses: actions/checkout@v4',
        '      - uses: actions/setup-node@v4',
        '        with:',
        '          node-version: 22',
        '          cache: npm',
        '      - run: npm ci',
        '      - run: npm run generate:check',
        '      - uses: aws-actions/configure-aws-credentials@v4',
        '        with:',
        `          role-to-assume: ${expression('vars.AWS_DEPLOY_ROLE_ARN')}`,
        `          aws-region: ${resolveEnvironment(spec, environment).integration.region}`,
        `      - run: npm run deploy:${environment}`,
      ].join('\n');
    })
    .join('\n');
  const text = templates
    .text('files/github-workflow.yml')
    .replace('  # __CERTIFICATE_ENV__', certificates)
    .replace('          # __DIFF_MATRIX__', matrix)
    .replace('# __DEPLOY_JOBS__\n', `${deploys}\n`);
  tree.addData('.github/workflows/integration.yml', headerComment(integration, '#') + text);
}
