/**
 * The integration's runtime, composed once per Lambda instance on first use (no clients at module
 * load): the spec, the generated mappings and the hand-written extensions, on the AWS adapters
 * named by the environment variables the CDK stack sets (KONGO_TABLE_NAME, KONGO_WORK_QUEUE_URL, …).
 */
import { awsEnvironment, createIntegrationRuntime, type IntegrationRuntime } from '@kongo/runtime';
import { hooks } from './extensions.ts';
import { mappings } from './mappings.ts';
import { spec } from './spec.ts';

let runtime: IntegrationRuntime | undefined;

export function integrationRuntime(): IntegrationRuntime {
  runtime ??= createIntegrationRuntime({ spec, mappings, hooks, environment: awsEnvironment() });
  return runtime;
}
