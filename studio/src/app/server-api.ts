/** Calls to the studio's local server. The session travels in an HttpOnly cookie, never in JS. */

export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
    });
  } catch {
    throw new ServerError(0, 'The studio server is not reachable; is it still running?');
  }
  const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!response.ok)
    throw new ServerError(response.status, body.error?.message ?? `Request failed (${response.status})`);
  return body as T;
}

export interface ServerStatus {
  hubspot: { connected: boolean; baseUrl: string; objectType: string | null };
  destinations: { name: string; api: 'graphql' | 'rest'; url: string; objectType: string }[];
  generator: boolean;
  /** True under `npm start`: the spec can be (re)loaded into the local gateway. */
  runLocally?: boolean;
}

export type DestinationSchemaAnswer =
  | { kind: 'graphql'; typeName: string; introspection: unknown }
  | {
      kind: 'samples';
      group: string;
      samples: Record<string, unknown>[];
      enums: Record<string, string[]>;
      readOnly: string[];
      required: string[];
    };

export const serverApi = {
  status: () => request<ServerStatus>('/api/status'),
  connectHubSpot: (token: string, objectType: string) =>
    request<{ connected: boolean; count: number }>('/api/hubspot/connect', {
      method: 'POST',
      body: JSON.stringify({ token, objectType }),
    }),
  disconnectHubSpot: () =>
    request<{ connected: false }>('/api/hubspot/disconnect', { method: 'POST', body: '{}' }),
  hubspotProperties: (objectType: string) =>
    request<unknown>(`/api/hubspot/properties?objectType=${encodeURIComponent(objectType)}`),
  hubspotSamples: (objectType: string, properties: string[], limit = 10) =>
    request<{ records: Record<string, unknown>[] }>(
      `/api/hubspot/samples?objectType=${encodeURIComponent(objectType)}&limit=${limit}&properties=${encodeURIComponent(properties.join(','))}`,
    ),
  destinationSchema: (name: string) =>
    request<DestinationSchemaAnswer>(`/api/destinations/${encodeURIComponent(name)}/schema`),
  destinationSamples: (name: string, limit = 10) =>
    request<{ records: Record<string, unknown>[] }>(
      `/api/destinations/${encodeURIComponent(name)}/samples?limit=${limit}`,
    ),
  runLocally: (spec: unknown) =>
    request<{ integration: string; generation: number; webhooks: Record<string, string> }>(
      '/api/run-locally',
      {
        method: 'POST',
        body: JSON.stringify({ spec }),
      },
    ),
  generate: (spec: unknown) =>
    request<{ files: Record<string, string> }>('/api/generate', {
      method: 'POST',
      body: JSON.stringify({ spec }),
    }),
};
