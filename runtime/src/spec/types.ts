/**
 * The TypeScript shape of integration-spec.json (specVersion 1). The JSON Schema in
 * `schema.ts` is the authority for validation; these types mirror it exactly and a test keeps
 * them in step. Browser-safe: no Node imports.
 */

export const SPEC_VERSION = 1 as const;

// ---------------------------------------------------------------------------------------------
// Values and the closed formula set: null, enumMap, stripSpaces, lowercase, concat. Nothing else.
// ---------------------------------------------------------------------------------------------

/** A reference to a field of the source record (a HubSpot property name or a destination field). */
export interface FieldRef {
  field: string;
}

/** A constant. Strings, numbers and booleans only; use the `null` formula for "no value". */
export interface Literal {
  literal: string | number | boolean;
}

/** `{ "null": {} }`: no value. Written to HubSpot as "" (HubSpot clears a property that way). */
export interface NullFormula {
  null: Record<string, never>;
}

/** `{ "lowercase": [value] }`: locale-independent Unicode lowercase. */
export interface LowercaseFormula {
  lowercase: [Value];
}

/** `{ "stripSpaces": [value] }`: removes all whitespace (see docs/FORMULAS.md for the exact set). */
export interface StripSpacesFormula {
  stripSpaces: [Value];
}

/** `{ "concat": [part, …] }`: joins ordered parts; literals between parts act as separators. */
export interface ConcatFormula {
  concat: Value[];
}

/** `{ "enumMap": { input, map, otherwise? } }`: translates option values from one side to the other. */
export interface EnumMapFormula {
  enumMap: {
    input: Value;
    /** source option value → target option value (or null to clear). */
    map: Record<string, string | null>;
    /** used when the input has no entry in `map`; without it an unmapped value is a field error. */
    otherwise?: Value;
  };
}

export type Formula = NullFormula | LowercaseFormula | StripSpacesFormula | ConcatFormula | EnumMapFormula;
export type FormulaName = 'null' | 'enumMap' | 'stripSpaces' | 'lowercase' | 'concat';
export const FORMULA_NAMES: readonly FormulaName[] = [
  'null',
  'enumMap',
  'stripSpaces',
  'lowercase',
  'concat',
];

/** What a mapping's value (and every formula argument) may be. */
export type Value = FieldRef | Literal | Formula;

export interface Mapping {
  /** The field written on the receiving side. */
  target: string;
  value: Value;
  /** Free text for the reviewer; never code. */
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// The integration
// ---------------------------------------------------------------------------------------------

export type Direction = 'hubspot-to-destination' | 'destination-to-hubspot';
export type Environment = 'sandbox' | 'production';
export type HubSpotObjectType = 'contacts' | 'companies' | 'deals';
export type HubSpotSignatureVersion = 'v1' | 'v2' | 'v3';

export interface HubSpotRateLimit {
  /** requests per rolling 10-second window, per app (100 Free/Starter, 190 Pro/Enterprise). */
  per10Seconds: number;
  /** requests per day, per account, shared by every app. */
  daily: number;
  /** percent of both budgets left for the client's other apps (0–90). */
  reservePercent: number;
}

export interface HubSpotSide {
  objectType: HubSpotObjectType;
  /** The HubSpot app id; webhooks and our writes carry it (changeSource INTEGRATION, sourceId). */
  appId: number;
  /** Webhook signature version the verifier uses. Never taken from a request header. */
  signature: HubSpotSignatureVersion;
  /** SSM parameter name of the app's client secret, e.g. /velflex/hubspot-client-secret. */
  secretParameter: string;
  /** SSM parameter name of the private-app access token used for API calls. */
  accessTokenParameter: string;
  rateLimit: HubSpotRateLimit;
  /** Unique-value custom property holding Kongo's stable sync id: the upsert key. */
  syncIdProperty: string;
}

export type DestinationApi = 'rest' | 'graphql';
export type IdempotencyMode = 'idempotency-key-header' | 'natural-key-lookup' | 'none';

export type DestinationWebhooks =
  | { scheme: 'standard-webhooks'; secretParameter: string }
  | { scheme: 'hmac-sha256-hex'; header: string; secretParameter: string }
  /** The connector's signature recipe (docs/CONNECTORS.md); only with destination.connector. */
  | { scheme: 'connector'; secretParameter: string };

export interface DestinationPolling {
  /** Seconds between polls (minimum 60 on AWS schedules; shorter allowed locally). */
  intervalSeconds: number;
  /** The record field the cursor follows, e.g. updatedAt. */
  cursorField: string;
}

export interface DestinationAuth {
  type: 'bearer';
  /** SSM parameter name of the API token. */
  tokenParameter: string;
}

/** REST conventions: GET/POST {collectionPath}, GET/PATCH/DELETE {collectionPath}/{id}. */
export interface RestOptions {
  collectionPath: string;
}

/** GraphQL conventions (Webex Events style): a Relay connection and create/update/delete mutations. */
export interface GraphQLOptions {
  listField: string;
  getField: string;
  createMutation: string;
  updateMutation: string;
  deleteMutation: string;
  inputType: string;
}

export interface NaturalKey {
  hubspotProperty: string;
  destinationField: string;
}

/** Connection settings a connector's templates read, e.g. `{ "eventId": 4711 }`. */
export type ConnectionSettings = Record<string, string | number | boolean>;

/** Named SSM parameters of a connector's secrets, e.g. `{ "clientSecret": "/acme/zoom-client-secret" }`. */
export type CredentialParameters = Record<string, string>;

export interface DestinationSide {
  name: string;
  api: DestinationApi;
  baseUrl: string;
  auth: DestinationAuth;
  objectType: string;
  /** The destination's own id field (a field path, see docs/SPEC.md). */
  idField: string;
  /** The record's own modification time: the source time of a destination change. */
  updatedAtField: string;
  /** Optional field naming who made the last change (provenance for echo detection). */
  actorField?: string;
  /** A catalog connector id (docs/CONNECTORS.md); the connector describes the API. */
  connector?: string;
  connection?: ConnectionSettings;
  credentials?: CredentialParameters;
  naturalKey: NaturalKey;
  idempotency: IdempotencyMode;
  /** Present when the destination signs webhooks. */
  webhooks?: DestinationWebhooks;
  /** Present when the destination has no webhooks (or as a safety net beside them). */
  polling?: DestinationPolling;
  rest?: RestOptions;
  graphql?: GraphQLOptions;
}

export type DeletePolicy = 'ignore' | 'propagate' | 'flag';
export type EmptyValuePolicy = 'skip' | 'clear';
export type FieldOwner = 'hubspot' | 'destination' | 'latest';
export type ConflictWinner = 'hubspot' | 'destination';
export type DestinationCopyPolicy = 'delete' | 'anonymise' | 'keep';

export interface ConflictPolicy {
  /** Seconds within which edits of one field on both sides count as a conflict. */
  windowSeconds: number;
  /** The side whose edit wins a conflict. */
  winner: ConflictWinner;
}

export interface PrivacyPolicy {
  /** What a HubSpot privacy deletion does to the destination's copy of the person. */
  destinationCopy: DestinationCopyPolicy;
}

export interface Policies {
  deletes: DeletePolicy;
  emptyValues: EmptyValuePolicy;
  /**
   * Where both directions map the same pair of fields, who wins. Keyed by the HubSpot property
   * name; 'latest' means the most recent change (by occurredAt) wins.
   */
  fieldOwnership?: Record<string, FieldOwner>;
  conflicts: ConflictPolicy;
  /** How long values Kongo wrote are remembered to recognise their echoes. */
  echoWindowSeconds: number;
  privacy: PrivacyPolicy;
}

export interface Monitoring {
  /** Seconds between heartbeats; minimum 60. Down = no heartbeat for 2× this. */
  heartbeatSeconds: number;
  notificationCentre: {
    urlParameter: string;
    keyParameter: string;
  };
  alarms?: AlarmTargets;
}

/** Where CloudWatch alarms notify besides the Notification Centre. */
export interface AlarmTargets {
  email?: string;
  slackWebhookParameter?: string;
}

/** Per-environment values; each stack reads only its own (docs/SPEC.md, "Environments"). */
export interface EnvironmentOverlay {
  publicBaseUrl?: string;
  hubspot?: { appId?: number; secretParameter?: string; accessTokenParameter?: string };
  destination?: {
    baseUrl?: string;
    auth?: { tokenParameter?: string };
    credentials?: CredentialParameters;
    connection?: ConnectionSettings;
    webhooks?: { secretParameter?: string };
  };
  schedules?: { polling?: boolean; reconcile?: boolean };
}

export interface Flow {
  direction: Direction;
  /** e.g. contact.creation, contact.propertyChange (HubSpot) or attendee.updated (destination). */
  triggers: string[];
  mappings: Mapping[];
}

export interface IntegrationSpec {
  $schema?: string;
  specVersion: typeof SPEC_VERSION;
  client: { slug: string; name: string };
  integration: { name: string; region: string };
  environment: Environment;
  /** Base URL the webhooks are called on (HubSpot's v3 signature covers the full URL). */
  publicBaseUrl: string;
  environments?: Partial<Record<Environment, EnvironmentOverlay>>;
  hubspot: HubSpotSide;
  destination: DestinationSide;
  policies: Policies;
  monitoring: Monitoring;
  flows: Flow[];
  /** Studio state (canvas layout, schema snapshots). The generator ignores it. */
  studio?: Record<string, unknown>;
}
