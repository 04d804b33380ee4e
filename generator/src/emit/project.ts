/**
 * Emitter: what the client's repository needs to install, type-check, test and synthesize on its
 * own — package.json (Kongo's packages from vendor/ tarballs, everything else pinned), tsconfig,
 * cdk.json, vitest config and .gitignore. Data files carry the header as a comment or a "//" key.
 */
import { deployedEnvironments } from '@kongo/runtime/spec';
import { headerComment, headerLines } from '../header.ts';
import type { NormalizedIntegration } from '../normalize.ts';
import type { OutputTree } from '../output.ts';
import type { Templates } from '../templates.ts';
import { tarballPath } from '../vendor.ts';

/** Third-party versions the generated project is tested with (the monorepo's own pins). */
export const PINNED = {
  'aws-cdk-lib': '2.276.0',
  constructs: '10.8.1',
  'cdk-nag': '3.0.2',
  'aws-cdk': '2.1148.0',
  typescript: '6.0.3',
  vitest: '4.1.12',
  tsx: '4.23.15',
  esbuild: '0.28.2',
  // Lambda runs Node.js 22 (infra's KONGO_LAMBDA_RUNTIME): the types and engines follow it.
  '@types/node': '22.20.7',
  '@types/aws-lambda': '8.10.164',
} as const;

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export function packageJson(integration: NormalizedIntegration): Record<string, unknown> {
  const name = integration.spec.integration.name;
  return {
    '//': headerLines(integration).join(' '),
    name: integration.packageName,
    version: '0.0.0',
    private: true,
    type: 'module',
    description: `Kongo integration ${name} (HubSpot <-> ${integration.spec.destination.name}) for ${integration.spec.client.name}`,
    engines: { node: '>=22' },
    config: { spec: integration.specPath },
    scripts: {
      generate: 'kongo generate "$npm_package_config_spec" --out .',
      'generate:check': 'kongo generate "$npm_package_config_spec" --out . --check',
      typecheck: 'tsc -p tsconfig.json',
      test: 'vitest run --config vitest.config.gen.ts',
      synth: 'cdk synth --quiet',
      review: 'kongo review --extensions src/extensions.ts',
      'hubspot:setup': 'kongo hubspot setup "$npm_package_config_spec"',
      ...Object.fromEntries(
        deployedEnvironments(integration.spec).map((environment) => [
          `deploy:${environment}`,
          `cdk deploy kongo-${name}-${environment} --require-approval never`,
        ]),
      ),
      // Once per AWS account, by hand: the GitHub OIDC provider and the pipeline's roles (docs/DEPLOY.md).
      'pipeline-roles:deploy': 'cdk deploy --app "npx tsx infra/pipeline.gen.ts"',
    },
    dependencies: {
      '@kongo/infra': `file:${tarballPath('infra')}`,
      '@kongo/runtime': `file:${tarballPath('runtime')}`,
      'aws-cdk-lib': PINNED['aws-cdk-lib'],
      'cdk-nag': PINNED['cdk-nag'],
      constructs: PINNED.constructs,
    },
    // npm 11 runs install scripts only for listed packages; esbuild's checks its native binary.
    allowScripts: { esbuild: true },
    devDependencies: {
      '@kongo/cli': `file:${tarballPath('cli')}`,
      '@kongo/connectors': `file:${tarballPath('connectors')}`,
      '@kongo/generator': `file:${tarballPath('generator')}`,
      '@kongo/templates': `file:${tarballPath('templates')}`,
      '@types/aws-lambda': PINNED['@types/aws-lambda'],
      '@types/node': PINNED['@types/node'],
      'aws-cdk': PINNED['aws-cdk'],
      esbuild: PINNED.esbuild,
      tsx: PINNED.tsx,
      typescript: PINNED.typescript,
      vitest: PINNED.vitest,
    },
  };
}

export function emitProject(
  integration: NormalizedIntegration,
  tree: OutputTree,
  templates: Templates,
): void {
  tree.addData('package.json', json(packageJson(integration)));
  tree.addData('tsconfig.json', headerComment(integration, '//') + templates.text('files/tsconfig.json'));
  tree.addData(
    'cdk.json',
    json({
      '//': headerLines(integration).join(' '),
      app: 'npx tsx infra/main.gen.ts',
    }),
  );
  tree.addData('.gitignore', headerComment(integration, '#') + templates.text('files/gitignore'));
  templates.copy(tree, 'vitest.config.ts', 'vitest.config.gen.ts');
}
