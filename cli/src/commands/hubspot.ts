/**
 * `kongo hubspot setup SPEC [--dry-run]`: creates the unique sync-id property, the webhook target
 * and the subscriptions the spec needs in the HubSpot account (or the simulator), idempotently.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CommandOutput } from './generate.ts';

export interface HubSpotSetupCommandOptions {
  dryRun?: boolean;
  baseUrl?: string;
  targetUrl?: string;
  accessToken?: string;
  developerApiKey?: string;
  secrets?: string;
  /** Set up this environment's app, URL and token (the spec's `environments` overlay); default the top level. */
  environment?: string;
}

const processOutput: CommandOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Option → environment → the local secrets file keyed by the SSM parameter name. */
function secretFrom(
  option: string | undefined,
  envName: string,
  secretsFile: string,
  parameter: string | undefined,
): string | undefined {
  if (option) return option;
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  if (parameter === undefined || !existsSync(secretsFile)) return undefined;
  const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, unknown>;
  const value = secrets[parameter];
  return typeof value === 'string' ? value : undefined;
}

export async function runHubSpotSetup(
  specFile: string,
  options: HubSpotSetupCommandOptions,
  output: CommandOutput = processOutput,
): Promise<number> {
  const { formatSetupSteps, GeneratorError, hubspotSetup, loadSpec, InvalidSpecError } = await import(
    '@kongo/generator'
  );
  let spec: ReturnType<typeof loadSpec>['spec'];
  try {
    spec = loadSpec(await readFile(specFile, 'utf8'), specFile).spec;
    if (options.environment !== undefined) {
      const { deployedEnvironments, resolveEnvironment } = await import('@kongo/runtime/spec');
      const environment = deployedEnvironments(spec).find((name) => name === options.environment);
      if (!environment)
        throw new Error(
          `--environment ${options.environment}: the spec deploys ${deployedEnvironments(spec).join(' and ')}`,
        );
      spec = resolveEnvironment(spec, environment);
    }
  } catch (error) {
    output.err(
      `kongo hubspot setup: ${error instanceof InvalidSpecError || error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
  const secretsFile = options.secrets ?? '.kongo/secrets.json';
  const accessToken = secretFrom(
    options.accessToken,
    'HUBSPOT_ACCESS_TOKEN',
    secretsFile,
    spec.hubspot.accessTokenParameter,
  );
  const developerApiKey = secretFrom(
    options.developerApiKey,
    'HUBSPOT_DEVELOPER_API_KEY',
    secretsFile,
    undefined,
  );
  if (!accessToken || !developerApiKey) {
    output.err(
      `kongo hubspot setup: needs ${!accessToken ? `an access token (--access-token, HUBSPOT_ACCESS_TOKEN, or ${spec.hubspot.accessTokenParameter} in ${secretsFile})` : ''}${!accessToken && !developerApiKey ? ' and ' : ''}${!developerApiKey ? 'the app’s developer API key (--developer-api-key or HUBSPOT_DEVELOPER_API_KEY)' : ''}\n`,
    );
    return 1;
  }
  try {
    const steps = await hubspotSetup(spec, {
      baseUrl: options.baseUrl ?? process.env.HUBSPOT_BASE_URL ?? 'https://api.hubapi.com',
      accessToken,
      developerApiKey,
      ...(options.targetUrl ? { targetUrl: options.targetUrl } : {}),
      dryRun: options.dryRun === true,
    });
    output.out(formatSetupSteps(spec, steps, options.dryRun === true));
    return steps.some((step) => step.status === 'conflict') ? 1 : 0;
  } catch (error) {
    if (error instanceof GeneratorError) {
      output.err(`kongo hubspot setup: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export function register(program: Command): void {
  const hubspot = program.command('hubspot').description('set up the HubSpot side of an integration');
  hubspot
    .command('setup')
    .description('create the unique sync-id property, webhook target and subscriptions (idempotent)')
    .argument('<spec>', 'integration-spec.json')
    .option('--dry-run', 'print the plan; change nothing')
    .option('--base-url <url>', 'HubSpot API base URL (or the simulator; env HUBSPOT_BASE_URL)')
    .option('--target-url <url>', "webhook target (default: the spec's publicBaseUrl + webhook path)")
    .option('--access-token <token>', 'access token (env HUBSPOT_ACCESS_TOKEN, or the local secrets file)')
    .option(
      '--developer-api-key <key>',
      'developer API key for webhook settings (env HUBSPOT_DEVELOPER_API_KEY)',
    )
    .option('--secrets <file>', 'local secrets file keyed by SSM parameter name', '.kongo/secrets.json')
    .option(
      '--environment <name>',
      "sandbox or production: that environment's app, publicBaseUrl and token (default: the top-level values)",
    )
    .action(async (spec: string, options: HubSpotSetupCommandOptions) => {
      process.exitCode = await runHubSpotSetup(spec, options);
    });
}
