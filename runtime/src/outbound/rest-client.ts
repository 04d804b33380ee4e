/**
 * The job system's REST client: the `kongo-jobs-rest` catalog entry run by the generic connector
 * client (kept as a named factory for tests, benchmarks and the CLI).
 */
import { connectorForLegacySpec } from '../connector/legacy.ts';
import type { DestinationSide } from '../spec/types.ts';
import { staticCredentials } from './connector-auth.ts';
import { createConnectorClient } from './connector-client.ts';
import type { DestinationClient } from './destination.ts';
import type { FetchLike } from './http-call.ts';
import type { ProviderProfile } from './profiles.ts';
import type { RateBudget } from './rate-limit.ts';
import type { RetryOptions } from './retry.ts';

export interface RestDestinationOptions {
  destination: Pick<DestinationSide, 'baseUrl' | 'idField' | 'naturalKey' | 'rest' | 'objectType'> &
    Partial<Pick<DestinationSide, 'polling'>>;
  token: string;
  profile?: ProviderProfile;
  budget?: RateBudget;
  fetch?: FetchLike;
  retry?: Omit<RetryOptions, 'profile'>;
  /** Mapped field paths. */
  fields?: string[];
}

export function createRestDestination(options: RestDestinationOptions): DestinationClient {
  return createConnectorClient({
    connector: connectorForLegacySpec({ ...options.destination, api: 'rest' }),
    connection: {},
    credentials: staticCredentials({ token: options.token }),
    baseUrl: options.destination.baseUrl,
    naturalKeyField: options.destination.naturalKey.destinationField,
    idempotency: 'idempotency-key-header',
    ...(options.fields ? { fields: options.fields } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
}
