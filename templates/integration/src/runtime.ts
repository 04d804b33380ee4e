/**
 * The integration's runtime, composed once per Lambda instance on first use (no clients at module
 * load): the spec, the generated mappings and the hand-written extensions, on AWS adapters named by
 * the environment variables the CDK stack sets.
 */
import { awsEnvironment, createIntegrationRuntime } from '@kongo/runtime';
import { hooks } from './extensions.ts';
import { mappings } from './mappings.ts';
import { spec } from './spec.ts';

export type IntegrationRuntime = ReturnType<typeof createIntegrationRuntime>;

let runtime: IntegrationRuntime | undefined;

export function integrationRuntime(): IntegrationRuntime {
  runtime ??= createIntegrationRuntime({ spec, mappings, hooks, environment: awsEnvironment(spec) });
  return runtime;
}
