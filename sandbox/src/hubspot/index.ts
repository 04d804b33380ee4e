/**
 * The HubSpot simulator: `startHubSpotSimulator(options)` plus the signing functions and types tests and the
 * sandbox need. See docs/SIMULATORS.md.
 */
export type { Change, ChangeKind, PublicObject, WriteSource } from './crm.ts';
export { AUTH_MESSAGE, type HubSpotErrorBody } from './errors.ts';
export {
  defaultProperties,
  type ObjectType,
  type PropertyDefinition,
  type PropertyOption,
} from './properties.ts';
export { DEFAULT_LIMITS, type LimitSettings } from './rate-limits.ts';
export { SEARCH_MAX_LIMIT, SEARCH_RESULT_CAP } from './search.ts';
export {
  DEMO_APP,
  type HubSpotSimulator,
  type HubSpotSimulatorOptions,
  type RequestCounters,
  startHubSpotSimulator,
} from './server.ts';
export { type SignatureVersion, signatureHeaders, signV1, signV2, signV3, v3SigningUri } from './signing.ts';
export {
  type AppConfig,
  DEFAULT_DELIVERY,
  type DeliveryLogEntry,
  type DeliveryOptions,
  type Subscription,
  type WebhookEvent,
  type WebhookSettings,
} from './webhooks.ts';
