/**
 * Specs written before connectors (no `destination.connector`) keep working: their `api`, `rest`,
 * `graphql`, `webhooks` and `auth` fields are exactly one of two catalog entries — the GraphQL
 * events platform (`kongo-events-graphql`) or the REST job system (`kongo-jobs-rest`) — with the
 * spec's names filled in. `connectors/` holds those two entries as files; a test proves this
 * function yields them for the starter specs. Browser-safe.
 */
import type { DestinationSide } from '../spec/types.ts';
import type { ConnectorDocument, FieldDescription, SignatureRecipe, Webhooks } from './types.ts';

export const LEGACY_GRAPHQL_ID = 'kongo-events-graphql';
export const LEGACY_REST_ID = 'kongo-jobs-rest';

type LegacyDestination = Pick<
  DestinationSide,
  'api' | 'objectType' | 'idField' | 'naturalKey' | 'webhooks' | 'rest' | 'graphql' | 'polling'
>;

/** The signature recipe of a legacy webhook scheme. */
export function legacyRecipe(webhooks: NonNullable<DestinationSide['webhooks']>): SignatureRecipe {
  if (webhooks.scheme === 'standard-webhooks')
    return {
      type: 'hmac',
      header: 'webhook-signature',
      algorithm: 'sha256',
      encoding: 'base64',
      prefix: 'v1,',
      separator: ' ',
      payload: '{header.webhook-id}.{header.webhook-timestamp}.{body}',
      secretEncoding: 'base64',
      secretPrefix: 'whsec_',
      timestamp: { header: 'webhook-timestamp', unit: 's', toleranceSeconds: 300 },
      eventIdHeader: 'webhook-id',
    };
  if (webhooks.scheme === 'connector')
    throw new TypeError('scheme "connector" takes its recipe from destination.connector, not from the spec');
  return {
    type: 'hmac',
    header: webhooks.header.toLowerCase(),
    algorithm: 'sha256',
    encoding: 'hex',
    payload: '{body}',
  };
}

function legacyWebhooks(destination: LegacyDestination, idField: string): Webhooks | undefined {
  if (!destination.webhooks) return undefined;
  return {
    verify: legacyRecipe(destination.webhooks),
    bodyFormat: 'json',
    eventType: 'type',
    recordId: `data.${idField}`,
    occurredAt: 'occurredAt',
    eventId: 'id',
    record: 'data',
  };
}

/** The fields of the two simulators' records, as the catalog entries describe them. */
const ATTENDEE_FIELDS: FieldDescription[] = [
  { path: 'email', type: 'string', label: 'Email' },
  { path: 'firstName', type: 'string', label: 'First name' },
  { path: 'lastName', type: 'string', label: 'Last name' },
  { path: 'company', type: 'string', label: 'Company' },
  { path: 'jobTitle', type: 'string', label: 'Job title' },
  { path: 'phone', type: 'string', label: 'Phone' },
  {
    path: 'status',
    type: 'enum',
    label: 'Status',
    options: ['REGISTERED', 'CHECKED_IN', 'CANCELLED', 'WAITLISTED'],
  },
  {
    path: 'ticketType',
    type: 'enum',
    label: 'Ticket type',
    options: ['GENERAL', 'VIP', 'SPEAKER', 'SPONSOR'],
  },
  { path: 'country', type: 'string', label: 'Country' },
  { path: 'createdAt', type: 'datetime', label: 'Created', writable: [] },
  { path: 'updatedAt', type: 'datetime', label: 'Updated', writable: [] },
];

const JOB_FIELDS: FieldDescription[] = [
  { path: 'reference', type: 'string', label: 'Reference' },
  { path: 'title', type: 'string', label: 'Title' },
  { path: 'customerEmail', type: 'string', label: 'Customer email' },
  {
    path: 'status',
    type: 'enum',
    label: 'Status',
    options: ['QUOTED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'],
  },
  { path: 'value', type: 'number', label: 'Value' },
  { path: 'siteAddress', type: 'string', label: 'Site address' },
  { path: 'scheduledDate', type: 'string', label: 'Scheduled date (YYYY-MM-DD)' },
  { path: 'notes', type: 'string', label: 'Notes' },
  { path: 'createdAt', type: 'datetime', label: 'Created', writable: [] },
  { path: 'updatedAt', type: 'datetime', label: 'Updated', writable: [] },
];

/**
 * The catalog entry a legacy spec's destination means, with its names filled in.
 * @example connectorForLegacySpec(spec.destination).id === 'kongo-jobs-rest'
 */
export function connectorForLegacySpec(destination: LegacyDestination): ConnectorDocument {
  const idField = destination.idField;
  const key = destination.naturalKey.destinationField;
  const common = {
    connectorVersion: 1 as const,
    credentials: { token: { description: 'API token (destination.auth.tokenParameter)' } },
    auth: { type: 'bearer' as const, token: '{credentials.token}' },
    modifiedSince: { format: 'iso' as const },
    idempotency: { header: { name: 'Idempotency-Key', format: 'any' as const } },
  };
  if (destination.api === 'graphql') {
    const lower = destination.objectType.charAt(0).toLowerCase() + destination.objectType.slice(1);
    const names = destination.graphql ?? {
      listField: `${lower}s`,
      getField: lower,
      createMutation: `create${destination.objectType}`,
      updateMutation: `update${destination.objectType}`,
      deleteMutation: `delete${destination.objectType}`,
      inputType: `${destination.objectType}Input`,
    };
    const webhooks = legacyWebhooks(destination, idField);
    return {
      ...common,
      id: LEGACY_GRAPHQL_ID,
      name: 'Kongo events platform (GraphQL simulator)',
      api: 'graphql',
      baseUrl: 'https://events.example.com',
      endpoint: '/graphql',
      verifiedAgainst: 'sandbox/src/events (the events platform simulator, Webex Events style)',
      record: {
        objectType: destination.objectType,
        idPath: idField,
        idType: 'string',
        updatedAtPath: destination.polling?.cursorField ?? 'updatedAt',
        updatedAtFormat: 'iso',
        naturalKeys: ['email'],
        fields: ATTENDEE_FIELDS,
      },
      operations: {
        list: {
          graphql: `query Changed($first: Int, $after: String, $updatedAfter: DateTime) { ${names.listField}(first: $first, after: $after, updatedAfter: $updatedAfter) { edges { node { {selection} } } pageInfo { hasNextPage endCursor } } }`,
          variables: { first: '{limit:int}', after: '{cursor}', updatedAfter: '{since}' },
          payload: names.listField,
          ordered: true,
        },
        findByKey: {
          graphql: `query ByKey($key: String) { ${names.listField}(first: 2, ${key}: $key) { edges { node { {selection} } } } }`,
          variables: { key: '{key}' },
          payload: names.listField,
        },
        get: {
          graphql: `query Get($id: ID!) { ${names.getField}(id: $id) { {selection} } }`,
          variables: { id: '{id}' },
          payload: names.getField,
        },
        create: {
          graphql: `mutation Create($input: ${names.inputType}!) { ${names.createMutation}(input: $input) { {selection} } }`,
          variables: { input: '{input}' },
          payload: names.createMutation,
        },
        update: {
          graphql: `mutation Update($id: ID!, $input: ${names.inputType}!) { ${names.updateMutation}(id: $id, input: $input) { {selection} } }`,
          variables: { id: '{id}', input: '{input}' },
          payload: names.updateMutation,
        },
        delete: {
          graphql: `mutation Delete($id: ID!) { ${names.deleteMutation}(id: $id) }`,
          variables: { id: '{id}' },
          payload: names.deleteMutation,
        },
      },
      pagination: { type: 'relay', connection: '', size: 100 },
      limits: {
        retryAfterHeaders: [
          { name: 'x-secondly-retry-after', unit: 'ms' },
          { name: 'x-daily-retry-after', unit: 's' },
          { name: 'retry-after', unit: 's' },
        ],
        timeoutMs: 10000,
        maxAttempts: 6,
        baseDelayMs: 100,
        maxDelayMs: 5000,
        retryableCodes: ['MAX_COST_EXCEEDED'],
        notFoundCodes: ['NOT_FOUND'],
      },
      ...(webhooks ? { webhooks } : {}),
    };
  }
  const collection = destination.rest?.collectionPath ?? `/${destination.objectType.toLowerCase()}s`;
  const webhooks = legacyWebhooks(destination, idField);
  return {
    ...common,
    id: LEGACY_REST_ID,
    name: 'Kongo job system (REST simulator)',
    api: 'rest',
    baseUrl: 'https://jobs.example.com',
    verifiedAgainst: 'sandbox/src/jobs (the job system simulator)',
    record: {
      objectType: destination.objectType,
      idPath: idField,
      idType: 'string',
      updatedAtPath: destination.polling?.cursorField ?? 'updatedAt',
      updatedAtFormat: 'iso',
      naturalKeys: ['reference'],
      fields: JOB_FIELDS,
    },
    operations: {
      list: {
        method: 'GET',
        path: collection,
        query: { updatedAfter: '{since}', cursor: '{cursor}', limit: '{limit}' },
        records: 'data',
        ordered: true,
      },
      findByKey: { method: 'GET', path: collection, query: { [key]: '{key}' }, records: 'data' },
      get: { method: 'GET', path: `${collection}/{id}` },
      create: { method: 'POST', path: collection },
      update: { method: 'PATCH', path: `${collection}/{id}` },
      delete: { method: 'DELETE', path: `${collection}/{id}` },
    },
    pagination: { type: 'cursor', from: 'body', path: 'nextCursor', size: 100 },
    limits: {
      retryAfterHeaders: [{ name: 'retry-after', unit: 's' }],
      timeoutMs: 10000,
      maxAttempts: 6,
      baseDelayMs: 100,
      maxDelayMs: 5000,
    },
    ...(webhooks ? { webhooks } : {}),
  };
}
