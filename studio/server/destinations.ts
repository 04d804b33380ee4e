/** The destination side of the studio server: schemas and sample records from the destination APIs. */
import { getIntrospectionQuery } from 'graphql';
import { StudioHttpError } from './hubspot.ts';

export interface DestinationEndpoint {
  /** e.g. events-platform, job-system */
  name: string;
  api: 'graphql' | 'rest';
  /** Base URL, e.g. http://127.0.0.1:4001 (the simulator) */
  url: string;
  token: string;
  /** The catalog connector this endpoint serves (default: the legacy entry of its `api`). */
  connector?: string;
  /** Record type: Attendee (GraphQL type) or jobs (REST collection). */
  objectType: string;
  /** GraphQL: the Relay connection query field listing records (default: objectType, lowercased, plural). */
  listField?: string;
  /**
   * How a new integration's spec names this destination: the spec's `destination` block with
   * `{slug}` where the client's slug goes in parameter names, and the destination's webhook triggers.
   * The studio's "New integration" offers only destinations that have one.
   */
  template?: DestinationTemplate;
}

export interface DestinationTemplate {
  destination: Record<string, unknown>;
  triggers: string[];
  /** The HubSpot object the template's natural key property belongs to. */
  hubspotObject?: string;
}

interface IntrospectionField {
  name: string;
  type: { kind: string; name: string | null; ofType: IntrospectionField['type'] | null };
}

/** Scalar and enum fields of the GraphQL record type: what a sample query can ask for. */
async function scalarFieldsOf(endpoint: DestinationEndpoint): Promise<string[]> {
  const body = (await call(endpoint, '/graphql', {
    method: 'POST',
    body: JSON.stringify({
      query:
        'query Fields($name: String!) { __type(name: $name) { fields { name type { kind name ofType { kind name ofType { kind name } } } } } }',
      variables: { name: endpoint.objectType },
    }),
  })) as { data?: { __type?: { fields?: IntrospectionField[] } | null } };
  const leaf = (t: IntrospectionField['type'] | null): string | undefined =>
    !t ? undefined : t.kind === 'NON_NULL' || t.kind === 'LIST' ? leaf(t.ofType) : t.kind;
  const fields = body.data?.__type?.fields ?? [];
  if (fields.length === 0)
    throw new StudioHttpError(502, `${endpoint.name} has no GraphQL type ${endpoint.objectType}`);
  return fields.filter((f) => ['SCALAR', 'ENUM'].includes(leaf(f.type) ?? '')).map((f) => f.name);
}

/** What the job system documents about its records (sample values cannot tell enums or server fields). */
export const JOB_FIELDS = {
  /** Every field of a job as the API documents it, so a fresh system with no jobs still has a schema. */
  documented: {
    id: 'string',
    reference: 'string',
    title: 'string',
    customerEmail: 'string',
    status: 'enum',
    value: 'number',
    siteAddress: 'string',
    scheduledDate: 'date',
    notes: 'string',
    createdAt: 'datetime',
    updatedAt: 'datetime',
  },
  enums: { status: ['QUOTED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'] },
  readOnly: ['id', 'createdAt', 'updatedAt'],
  required: ['reference', 'title'],
};

async function call(endpoint: DestinationEndpoint, path: string, init: RequestInit = {}): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(endpoint.url.replace(/\/+$/, '') + path, {
      ...init,
      headers: {
        authorization: `Bearer ${endpoint.token}`,
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });
  } catch (error) {
    throw new StudioHttpError(502, `${endpoint.name} is not reachable at ${endpoint.url}`, { cause: error });
  }
  const text = await response.text();
  if (!response.ok)
    throw new StudioHttpError(502, `${endpoint.name} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

/** GraphQL: the introspection result. REST: `{ openapi }` when published, else `{ samples, fields }`. */
export async function destinationSchema(endpoint: DestinationEndpoint): Promise<unknown> {
  if (endpoint.api === 'graphql') {
    const body = (await call(endpoint, '/graphql', {
      method: 'POST',
      body: JSON.stringify({ query: getIntrospectionQuery() }),
    })) as { data?: unknown; errors?: unknown };
    if (!body.data)
      throw new StudioHttpError(
        502,
        `${endpoint.name} refused introspection: ${JSON.stringify(body.errors)}`,
      );
    return { kind: 'graphql', typeName: endpoint.objectType, introspection: body };
  }
  const samples = await destinationSamples(endpoint, 20);
  return { kind: 'samples', group: endpoint.objectType, samples, ...JOB_FIELDS };
}

export async function destinationSamples(
  endpoint: DestinationEndpoint,
  limit: number,
): Promise<Record<string, unknown>[]> {
  if (endpoint.api === 'graphql') {
    const fields = await scalarFieldsOf(endpoint);
    const list =
      endpoint.listField ?? `${endpoint.objectType[0]?.toLowerCase() ?? ''}${endpoint.objectType.slice(1)}s`;
    const body = (await call(endpoint, '/graphql', {
      method: 'POST',
      body: JSON.stringify({
        query: `query Samples($first: Int) { ${list}(first: $first) { edges { node { ${fields.join(' ')} } } } }`,
        variables: { first: Math.min(limit, 100) },
      }),
    })) as {
      data?: Record<string, { edges?: { node: Record<string, unknown> }[] } | undefined>;
      errors?: unknown;
    };
    if (!body.data)
      throw new StudioHttpError(
        502,
        `${endpoint.name} refused the sample query: ${JSON.stringify(body.errors)}`,
      );
    return body.data[list]?.edges?.map((e) => e.node) ?? [];
  }
  const body = (await call(endpoint, `/${endpoint.objectType}?limit=${Math.min(limit, 100)}`)) as {
    data?: Record<string, unknown>[];
  };
  return body.data ?? [];
}
