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
  /** Record type: Attendee (GraphQL type) or jobs (REST collection). */
  objectType: string;
}

/** What the job system documents about its records (sample values cannot tell enums or server fields). */
export const JOB_FIELDS = {
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
    const body = (await call(endpoint, '/graphql', {
      method: 'POST',
      body: JSON.stringify({
        query: `query Samples($first: Int) { attendees(first: $first) { edges { node { id email firstName lastName company jobTitle phone status ticketType country createdAt updatedAt } } } }`,
        variables: { first: Math.min(limit, 100) },
      }),
    })) as { data?: { attendees?: { edges: { node: Record<string, unknown> }[] } } };
    return body.data?.attendees?.edges.map((e) => e.node) ?? [];
  }
  const body = (await call(endpoint, `/${endpoint.objectType}?limit=${Math.min(limit, 100)}`)) as {
    data?: Record<string, unknown>[];
  };
  return body.data ?? [];
}
