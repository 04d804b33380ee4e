/**
 * The integration's runtime: the spec, the generated mappings and the hand-written extensions.
 * On Lambda it is composed once per instance on first use (no clients at module load), on the AWS
 * adapters named by the environment variables the CDK stack sets (KONGO_TABLE_NAME,
 * KONGO_WORK_QUEUE_URL, …). `npm start` and tests compose the same code on a local environment.
 */
import {
  awsEnvironment,
  createIntegrationRuntime,
  hubspotContactsApi,
  type IntegrationRuntime,
  type RuntimeEnvironment,
} from '@kongo/runtime';
import { connector } from './connector.ts';
import { chooseEnvironment } from './environment.ts';
import { hooks } from './extensions.ts';
import { mappings } from './mappings.ts';
import { spec } from './spec.ts';

/**
 * The HubSpot object API of the spec's object type. Named here, not looked up by the runtime, so a
 * handler's bundle holds only this object type's generated HubSpot client.
 */
const hubspotApi = hubspotContactsApi;

/** This integration on any environment: `createRuntime(localEnvironment({ … }))` runs it locally. */
export function createRuntime(environment: RuntimeEnvironment): IntegrationRuntime {
  return createIntegrationRuntime({
    spec,
    mappings,
    hooks,
    environment,
    hubspotApi,
    ...(connector ? { connector } : {}),
  });
}

let runtime: IntegrationRuntime | undefined;

/**
 * Runs the handlers of this module on another environment — the local gateway of `npm start` and
 * tests call it with `localEnvironment({ … })` before invoking them. Returns the runtime.
 */
export function useEnvironment(environment: RuntimeEnvironment): IntegrationRuntime {
  chooseEnvironment(environment);
  runtime = createRuntime(environment);
  return runtime;
}

/** The handlers' runtime: on AWS unless `useEnvironment` chose another. */
export function integrationRuntime(): IntegrationRuntime {
  runtime ??= createRuntime(awsEnvironment());
  return runtime;
}
