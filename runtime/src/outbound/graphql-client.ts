/**
 * The events platform's GraphQL client: the `kongo-events-graphql` catalog entry run by the generic
 * connector client (kept as a named factory for tests, benchmarks and the CLI).
 */
import { connectorForLegacySpec } from '../connector/legacy.ts';
import type { DestinationSide, GraphQLOptions } from '../spec/types.ts';
import { staticCredentials } from './connector-auth.ts';
import { createConnectorClient } from './connector-client.ts';
import type { DestinationClient } from './destination.ts';
import type { FetchLike } from './http-call.ts';
import type { ProviderProfile } from './profiles.ts';
import type { RateBudget } from './rate-limit.ts';
import type { RetryOptions } from './retry.ts';

export interface GraphQLDestinationOptions {
  destination: Pick<DestinationSide, 'baseUrl' | 'idField' | 'naturalKey' | 'objectType'> &
    Partial<Pick<DestinationSide, 'polling'>> & { graphql?: GraphQLOptions };
  token: string;
  /** Fields selected on every read and write (mapped fields; the id, natural key and updatedAt always). */
  fields: string[];
  profile?: ProviderProfile;
  budget?: RateBudget;
  fetch?: FetchLike;
  retry?: Omit<RetryOptions, 'profile'>;
  /** GraphQL path on baseUrl. */
  path?: string;
}

export function createGraphQLDestination(options: GraphQLDestinationOptions): DestinationClient {
  const connector = connectorForLegacySpec({ ...options.destination, api: 'graphql' });
  // Spec names become GraphQL text in the legacy entry's documents.
  for (const name of [
    options.destination.naturalKey.destinationField,
    options.destination.idField,
    ...Object.values(options.destination.graphql ?? {}),
  ])
    if (!/^[_A-Za-z][_0-9A-Za-z]*$/.test(name))
      throw new TypeError(`"${name}" is not a GraphQL name; check the spec's destination.`);
  return createConnectorClient({
    connector: options.path ? { ...connector, endpoint: options.path } : connector,
    connection: {},
    credentials: staticCredentials({ token: options.token }),
    baseUrl: options.destination.baseUrl,
    naturalKeyField: options.destination.naturalKey.destinationField,
    idempotency: 'idempotency-key-header',
    fields: options.fields,
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.budget ? { budget: options.budget } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
  });
}
