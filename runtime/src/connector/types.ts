/**
 * The connector format: a destination API described as data (connectorVersion 1). The JSON Schema
 * in `schema.ts` is the authority; these types mirror it. docs/CONNECTORS.md explains every field.
 * Browser-safe: no Node imports.
 */

export const CONNECTOR_VERSION = 1 as const;

/**
 * A string with `{placeholders}`: `{connection.eventId}`, `{credentials.apiKey}`, `{id}`, `{key}`,
 * `{limit}`, `{cursor}`, `{page}`, `{offset}`, `{since}`, `{input}`, `{selection}` (docs/CONNECTORS.md).
 */
export type Template = string;

export type TimeFormat = 'iso' | 'iso-seconds' | 'unix-s' | 'unix-ms' | 'sql' | 'date';

export interface ConnectionSetting {
  type: 'string' | 'integer' | 'boolean';
  description: string;
  required?: boolean;
  example?: string | number | boolean;
  /** Used when the spec gives none (a documented endpoint, an API version). */
  default?: string | number | boolean;
}

export interface CredentialSetting {
  description: string;
  /** The API replaces this secret when it is used (rotating refresh tokens): it is written back. */
  rotates?: boolean;
}

export type Auth =
  | { type: 'none' }
  | { type: 'bearer'; token: Template }
  | { type: 'api-key'; in: 'header' | 'query'; name: string; value: Template }
  | { type: 'basic'; username: Template; password: Template }
  | {
      type: 'oauth2-client-credentials';
      tokenUrl: Template;
      clientId: Template;
      clientSecret: Template;
      /** `basic`: HTTP Basic with id:secret; `body`: client_id/client_secret form fields. */
      clientAuth: 'basic' | 'body';
      /** Extra form fields of the token request, e.g. `{ "grant_type": "account_credentials", "account_id": "{connection.accountId}" }`. */
      params?: Record<string, Template>;
      /** Seconds to renew before `expires_in` runs out. Default 60. */
      renewBeforeSeconds?: number;
    }
  | {
      type: 'oauth2-refresh-token';
      tokenUrl: Template;
      clientId: Template;
      clientSecret: Template;
      clientAuth: 'basic' | 'body';
      /** The credential (a name in `credentials`) holding the refresh token. */
      refreshToken: string;
      /** The answer carries a new refresh token that replaces the old one (the old one stops working). */
      rotates: boolean;
      params?: Record<string, Template>;
      renewBeforeSeconds?: number;
    };

export type IdType = 'string' | 'integer' | 'uuid' | 'encoded';

export interface FieldDescription {
  /** `email`, `profile.first_name`, `custom_fields[name=Region].value`. */
  path: string;
  type: 'string' | 'number' | 'integer' | 'boolean' | 'datetime' | 'enum';
  label?: string;
  description?: string;
  /** For `enum`. */
  options?: string[];
  /** Which writes may carry the field. Default both; `[]` = read-only. */
  writable?: Array<'create' | 'update'>;
}

export interface RecordDescription {
  /** Singular, capitalised (`Attendee`, `Job`): trigger names derive from it (`attendee.updated`). */
  objectType: string;
  idPath: string;
  idType: IdType;
  /** A regular expression every id must match (beyond idType). */
  idPattern?: string;
  /** The record's own modification time. */
  updatedAtPath?: string;
  updatedAtFormat?: TimeFormat;
  /** Fields that can identify the same real-world record on both sides (the studio suggests them). */
  naturalKeys?: string[];
  fields: FieldDescription[];
}

export type IdSource =
  | { from: 'body'; path: string }
  | { from: 'header'; name: string; pattern?: string }
  /** The id we called with (an update whose answer carries no id). */
  | { from: 'request' }
  /** We choose the id and send it in the create body at `path` (a UUID derived from the idempotency key). */
  | { from: 'caller'; path: string };

export interface Operation {
  /** REST. */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path?: Template;
  query?: Record<string, Template>;
  body?: {
    format?: 'json' | 'form';
    /** The values sit under this path of the request body (`registrant`, `data.attributes`). */
    envelope?: string;
    /** Fixed members merged into the body (templates allowed in strings). */
    extra?: Record<string, unknown>;
  };
  /** GraphQL: the document, with `{selection}` where the record's fields go. */
  graphql?: string;
  variables?: Record<string, unknown>;
  /** GraphQL: where the operation's result sits under `data` (`createAttendee`, `clientCreate`). */
  payload?: string;
  /** GraphQL: the `userErrors` list under the payload. */
  userErrors?: string;
  /** Where the record sits in the answer (REST: in the body; GraphQL: in the payload). "" = itself. */
  record?: string;
  /** Lists: where the records array sits (REST body / GraphQL payload). "" = itself. */
  records?: string;
  /** create/update: where the id of the written record comes from. Default: the record's idPath. */
  id?: IdSource;
  /** A 2xx with an empty body (204): re-read the record with `get`. */
  emptyAnswer?: 'reread' | 'fail';
  /** The answer is not the record (an OK message, a receipt): always read the record back with `get`. */
  reread?: boolean;
  /** Statuses that mean "no such record". Default [404]. */
  notFound?: number[];
  /** list: the API returns records ordered by (updated time, id) and its cursor stays valid between polls. */
  ordered?: boolean;
}

export interface Operations {
  list?: Operation;
  get?: Operation;
  create?: Operation;
  update?: Operation;
  delete?: Operation;
  findByKey?: Operation;
}

/**
 * How a list continues. The list operation's query (REST) or variables (GraphQL) place the values:
 * `{cursor}`, `{page}`, `{offset}`, `{limit}` (= `size`).
 */
export type Pagination =
  | { type: 'none' }
  | { type: 'cursor'; from: 'body'; path: string; size: number; firstCursor?: string }
  | { type: 'cursor'; from: 'header'; header: string; size: number; firstCursor?: string }
  | { type: 'page'; size: number; firstPage?: number; totalPagesPath?: string }
  | { type: 'offset'; size: number }
  /** `connection` is the path of the Relay connection under the payload (`edges { node }` or `nodes`, `pageInfo`). */
  | { type: 'relay'; connection: string; size: number }
  /** The next page's full URL in `Link: <…>; rel="next"`. */
  | { type: 'link-header'; size: number };

export interface ModifiedSince {
  format: TimeFormat;
  /** Seconds subtracted from the cursor, for APIs whose filter is exclusive or whose clocks drift. */
  overlapSeconds?: number;
}

export interface SignatureRecipe {
  type: 'hmac';
  header: string;
  algorithm: 'sha1' | 'sha256' | 'sha512';
  encoding: 'hex' | 'base64';
  /** Before the digest in the header (`v0=`, `sha256=`, `v1,`). */
  prefix?: string;
  /** What is signed: `{body}`, `{method}`, `{url}`, `{header.<name>}` and literal text. */
  payload: string;
  /** How the secret becomes key bytes. Default utf8. */
  secretEncoding?: 'utf8' | 'base64';
  /** Stripped from the secret before decoding (`whsec_`). */
  secretPrefix?: string;
  timestamp?: { header: string; unit: 's' | 'ms'; toleranceSeconds: number };
  /** Several signatures in one header, split on this (each carries `prefix`); any one matching is enough. */
  separator?: string;
  /** A header naming the delivery (dedupe key), when the API sends one. */
  eventIdHeader?: string;
}

export interface UrlTokenRecipe {
  type: 'url-token';
  /** Query parameter of the webhook URL holding the secret token. */
  param: string;
}

export interface Handshake {
  /** A request is a handshake when the body value at `path` equals `equals`. */
  when: { path: string; equals: string };
  /** Answer with this JSON (strings are templates: `{body.<path>}`, `{hmac:body.<path>}`). */
  json?: Record<string, string>;
  /** Or with this text. */
  text?: string;
}

export interface Webhooks {
  verify: SignatureRecipe | UrlTokenRecipe;
  bodyFormat: 'json' | 'form';
  /** Form fields whose value is JSON text. */
  jsonFields?: string[];
  /** Where the list of events sits when one request carries several ("" = the body is one event). */
  events?: string;
  /** Paths inside one event (a leading `^` reads from the whole body instead). */
  eventType: string;
  recordId: string;
  occurredAt?: string;
  /** The delivery's own id in the event (dedupe key), when there is no eventIdHeader. */
  eventId?: string;
  /** The full record inside the event; absent = fetch it by id with `get`. */
  record?: string;
  /** Event type → what it means. Unlisted types: `*.deleted`/`*_deleted` delete, others upsert. */
  actions?: Record<string, 'upsert' | 'delete' | 'ignore'>;
  handshakes?: Handshake[];
  /** How soon the API wants an answer, ms (documentation; our edge answers after one durable write). */
  replyDeadlineMs?: number;
}

export interface Limits {
  retryAfterHeaders?: Array<{ name: string; unit: 's' | 'ms' }>;
  rateLimitHeaders?: { remaining: string; max?: string };
  timeoutMs?: number;
  /** Statuses worth another attempt besides 408, 429 and 5xx (a 409 "request still running"). */
  retryableStatuses?: number[];
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** GraphQL: error codes (at `errors[].extensions.code`) worth another attempt, and ones meaning "not found". */
  retryableCodes?: string[];
  notFoundCodes?: string[];
  /** GraphQL cost throttling: where the figures sit under `extensions` of the answer. */
  cost?: { requestedPath: string; availablePath: string; restoreRatePath: string };
}

export interface Idempotency {
  /** A request header carrying a key; `uuid` keys are derived from ours deterministically. */
  header?: { name: string; format: 'uuid' | 'any' };
}

export interface Citation {
  fact: string;
  source: string;
}

export interface ConnectorDocument {
  $schema?: string;
  connectorVersion: typeof CONNECTOR_VERSION;
  id: string;
  name: string;
  description?: string;
  api: 'rest' | 'graphql';
  /** A template: `https://api.zoom.us/v2`, or with connection settings. */
  baseUrl: Template;
  /** GraphQL endpoint path on baseUrl. Default `/graphql`. */
  endpoint?: string;
  /** What this description was checked against (a simulator, a sandbox account), in words. */
  verifiedAgainst: string;
  sources?: Citation[];
  connection?: Record<string, ConnectionSetting>;
  credentials?: Record<string, CredentialSetting>;
  auth: Auth;
  headers?: Record<string, Template>;
  record: RecordDescription;
  operations: Operations;
  pagination?: Pagination;
  modifiedSince?: ModifiedSince;
  webhooks?: Webhooks;
  limits?: Limits;
  idempotency?: Idempotency;
  /** Things the API can't do that a consultant would expect, said once (docs, `kongo connectors`). */
  notes?: string[];
}
