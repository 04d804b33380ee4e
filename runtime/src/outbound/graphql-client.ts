/**
 * Destination client for a GraphQL API in the Webex Events style: a Relay connection for lists,
 * create/update/delete mutations, NOT_FOUND in errors[].extensions.code, cost-based 429s.
 */
import type { DestinationSide, GraphQLOptions } from '../spec/types.ts';
import type { ChangePage, DestinationClient, DestinationRecord, WriteOptions } from './destination.ts';
import { DeliveryError } from './errors.ts';
import { type FetchLike, failureFrom, httpCall, parseTime } from './http-call.ts';
import { GRAPHQL_EVENTS_PROFILE, type ProviderProfile } from './profiles.ts';
import { type RateBudget, unlimitedBudget } from './rate-limit.ts';
import { type RetryOptions, withRetry } from './retry.ts';

export interface GraphQLDestinationOptions {
  destination: Pick<DestinationSide, 'baseUrl' | 'idField' | 'naturalKey' | 'objectType'> & {
    graphql?: GraphQLOptions;
  };
  token: string;
  /** Fields selected on every read and write (id, natural key, mapped fields, updatedAt). */
  fields: string[];
  profile?: ProviderProfile;
  budget?: RateBudget;
  fetch?: FetchLike;
  retry?: Omit<RetryOptions, 'profile'>;
  /** GraphQL path on baseUrl. */
  path?: string;
}

interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message?: string; extensions?: { code?: string } }>;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

function defaultNames(objectType: string): GraphQLOptions {
  const lower = objectType.charAt(0).toLowerCase() + objectType.slice(1);
  return {
    listField: `${lower}s`,
    getField: lower,
    createMutation: `create${objectType}`,
    updateMutation: `update${objectType}`,
    deleteMutation: `delete${objectType}`,
    inputType: `${objectType}Input`,
  };
}

export function createGraphQLDestination(options: GraphQLDestinationOptions): DestinationClient {
  const profile = options.profile ?? GRAPHQL_EVENTS_PROFILE;
  const budget = options.budget ?? unlimitedBudget();
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const names = options.destination.graphql ?? defaultNames(options.destination.objectType);
  const idField = options.destination.idField;
  const keyField = options.destination.naturalKey.destinationField;
  const updatedAtField = profile.updatedAtField;
  const fields = [
    ...new Set([idField, keyField, ...(updatedAtField ? [updatedAtField] : []), ...options.fields]),
  ];
  // Spec strings become GraphQL text here, so each must be a plain GraphQL name.
  for (const name of [...fields, ...Object.values(names)]) {
    if (!NAME.test(name))
      throw new TypeError(`"${name}" is not a GraphQL name; check the spec's destination.`);
  }
  const selection = fields.join(' ');
  const url = options.destination.baseUrl.replace(/\/+$/, '') + (options.path ?? '/graphql');
  let calls = 0;

  const toRecord = (node: unknown): DestinationRecord | null => {
    if (node === null || typeof node !== 'object') return null;
    const values = node as Record<string, unknown>;
    const record: DestinationRecord = { id: String(values[idField]), values };
    const updatedAt = updatedAtField ? parseTime(values[updatedAtField]) : undefined;
    if (updatedAt !== undefined) record.updatedAt = updatedAt;
    return record;
  };

  /** One operation; NOT_FOUND → null, other GraphQL errors → DeliveryError. */
  const run = (
    query: string,
    variables: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<Record<string, unknown> | null> =>
    withRetry(
      () =>
        budget.schedule(async () => {
          calls++;
          const init: RequestInit = {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${options.token}`,
              ...headers,
            },
            body: JSON.stringify({ query, variables }),
          };
          const result = await httpCall('destination', profile, fetchImpl, url, init);
          budget.observe(result.headers);
          let body: GraphQLResponse;
          try {
            body = JSON.parse(result.text) as GraphQLResponse;
          } catch {
            throw failureFrom('destination', profile, 'POST', url, result);
          }
          if (result.status !== 200 && !(result.status < 300 && body.data)) {
            throw failureFrom('destination', profile, 'POST', url, result);
          }
          const first = body.errors?.[0];
          if (first) {
            if (first.extensions?.code === 'NOT_FOUND') return null;
            throw new DeliveryError('destination', `GraphQL error ${first.extensions?.code ?? ''}`.trim(), {
              status: result.status,
              retryable: first.extensions?.code === 'MAX_COST_EXCEEDED',
              ...(first.extensions?.code ? { code: first.extensions.code } : {}),
            });
          }
          return body.data ?? null;
        }),
      { profile, ...options.retry },
    );

  return {
    get calls() {
      return calls;
    },
    async get(id) {
      const data = await run(`query Get($id: ID!) { ${names.getField}(id: $id) { ${selection} } }`, { id });
      return toRecord(data?.[names.getField]);
    },
    async findByNaturalKey(value) {
      const data = await run(
        `query ByKey($key: String) { ${names.listField}(first: 2, ${keyField}: $key) { edges { node { ${selection} } } } }`,
        { key: value.toLowerCase() },
      );
      const connection = data?.[names.listField] as { edges?: Array<{ node: unknown }> } | undefined;
      return toRecord(connection?.edges?.[0]?.node);
    },
    async create(values, write: WriteOptions) {
      const data = await run(
        `mutation Create($input: ${names.inputType}!) { ${names.createMutation}(input: $input) { ${selection} } }`,
        { input: values },
        { 'idempotency-key': write.idempotencyKey },
      );
      const record = toRecord(data?.[names.createMutation]);
      if (!record)
        throw new DeliveryError('destination', 'Create answered without a record', {
          status: 200,
          retryable: false,
        });
      return record;
    },
    async update(id, values, write: WriteOptions) {
      const data = await run(
        `mutation Update($id: ID!, $input: ${names.inputType}!) { ${names.updateMutation}(id: $id, input: $input) { ${selection} } }`,
        { id, input: values },
        { 'idempotency-key': write.idempotencyKey },
      );
      return toRecord(data?.[names.updateMutation]);
    },
    async remove(id) {
      const data = await run(`mutation Delete($id: ID!) { ${names.deleteMutation}(id: $id) }`, { id });
      return data?.[names.deleteMutation] === true;
    },
    async listChanged(page): Promise<ChangePage> {
      const data = await run(
        `query Changed($first: Int, $after: String, $updatedAfter: DateTime) { ${names.listField}(first: $first, after: $after, updatedAfter: $updatedAfter) { edges { node { ${selection} } } pageInfo { hasNextPage endCursor } } }`,
        { first: page.limit ?? 100, after: page.cursor ?? null, updatedAfter: page.updatedAfter ?? null },
      );
      const connection = data?.[names.listField] as
        | {
            edges?: Array<{ node: unknown }>;
            pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
          }
        | undefined;
      const records = (connection?.edges ?? []).flatMap((edge) => {
        const record = toRecord(edge.node);
        return record ? [record] : [];
      });
      const end = connection?.pageInfo?.endCursor ?? null;
      const next = connection?.pageInfo?.hasNextPage ? end : null;
      return { records, next, end };
    },
  };
}
