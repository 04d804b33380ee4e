/** Outbound: HubSpot and destination clients, provider profiles, the rate budget and the retry policy. */
export type { ChangePage, DestinationClient, DestinationRecord, WriteOptions } from './destination.ts';
export {
  connectorFor,
  credentialParameters,
  type DestinationClientForOptions,
  destinationClientFor,
  secretCredentials,
  storeCredentialLock,
} from './destination-factory.ts';
export { DeliveryError, isRetryableStatus } from './errors.ts';
export { createGraphQLDestination, type GraphQLDestinationOptions } from './graphql-client.ts';
export { type FetchLike, httpCall, parseTime, redactUrl } from './http-call.ts';
export {
  type BatchWriteResult,
  createHubSpotClient,
  type HubSpotClient,
  type HubSpotClientOptions,
  type HubSpotRecord,
  hubspotClientOn,
} from './hubspot-client.ts';
export {
  type HubSpotObjectApi,
  type HubSpotObjectApiModule,
  hubspotCompaniesApi,
  hubspotContactsApi,
  hubspotDealsApi,
  hubspotObjectApi,
} from './hubspot-objects.ts';
export {
  destinationProfile,
  GRAPHQL_EVENTS_PROFILE,
  HUBSPOT_PROFILE,
  type ProviderProfile,
  REST_PROFILE,
  type RetryAfterHeader,
  retryAfterMs,
} from './profiles.ts';
export {
  createRateBudget,
  type RateBudget,
  type RateBudgetOptions,
  unlimitedBudget,
  withRateLimit,
} from './rate-limit.ts';
export { createRestDestination, type RestDestinationOptions } from './rest-client.ts';
export { backoffDelay, type RetryOptions, realSleep, withRetry } from './retry.ts';
