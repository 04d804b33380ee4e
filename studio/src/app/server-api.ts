/** Calls to the studio's local server. The session travels in an HttpOnly cookie, never in JS. */
import type { ConnectorField } from '../model/importers/index.ts';
import type { DestinationTemplate } from '../model/index.ts';

export class ServerError extends Error {
  override readonly name = 'ServerError';
  constructor(
    readonly status: number,
    message: string,
    /** Extra data the server sent with the error (Run locally: `reason`, `checks`). */
    readonly details: { reason?: string; checks?: PreflightCheck[] } = {},
  ) {
    super(message);
  }
}

/** One Run locally check (the server's PreflightCheck). */
export interface PreflightCheck {
  id: string;
  title: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface RunLocallyAnswer {
  integration: string;
  generation: number;
  webhooks: Record<string, string>;
  checks: PreflightCheck[];
  replaced: boolean;
  loadedAt: number;
}

export interface RunningIntegration {
  name: string;
  client: { slug: string; name: string };
  hubspotObject: string;
  destination: string;
  appId: number;
  generation: number;
  running: boolean;
  loadedAt: number;
  mappings: { 'hubspot-to-destination': number; 'destination-to-hubspot': number };
}

export interface TraceView {
  traceId: string;
  direction?: string;
  objectType?: string;
  recordId?: string;
  startedAt: number;
  outcome: string;
  stages: Array<{ stage: string; startedAt: number; durationMs: number; status: string; note?: string }>;
}

export interface FailureView {
  at: number;
  stage: string;
  kind: string;
  reason: string;
  recordId?: string;
  traceId?: string;
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
  const body = (await response.json().catch(() => ({}))) as {
    error?: { message?: string; reason?: string; checks?: PreflightCheck[] };
  };
  if (!response.ok)
    throw new ServerError(response.status, body.error?.message ?? `Request failed (${response.status})`, {
      ...(body.error?.reason ? { reason: body.error.reason } : {}),
      ...(body.error?.checks ? { checks: body.error.checks } : {}),
    });
  return body as T;
}

export interface ServerStatus {
  hubspot: { connected: boolean; baseUrl: string; objectType: string | null };
  destinations: {
    name: string;
    api: 'graphql' | 'rest';
    url: string;
    objectType: string;
    /** How a new integration names this destination (absent: not offered in New integration). */
    template?: DestinationTemplate;
  }[];
  generator: boolean;
  /** True under `npm start`: the spec can be (re)loaded into the local gateway. */
  runLocally?: boolean;
  /** Every catalog connector, for New integration's destination picker (studio/server/catalog.ts). */
  catalog?: CatalogEntry[];
}

/** One catalog connector as the server offers it. */
export interface CatalogEntry {
  id: string;
  name: string;
  description: string;
  api: 'graphql' | 'rest';
  objectType: string;
  verifiedAgainst: string;
  naturalKeys: string[];
  fields: ConnectorField[];
  notes: string[];
  /** The server's destination endpoint for it (live schema reads and samples), when it has one. */
  destination?: string;
  runnable: boolean;
  notRunnable?: string;
  template: DestinationTemplate;
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
      documented?: Record<string, string>;
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
  /** 409 (ServerError with reason 'exists') when the name runs and `replace` is false; 422 with checks when refused. */
  runLocally: (spec: unknown, replace = false) =>
    request<RunLocallyAnswer>('/api/run-locally', {
      method: 'POST',
      body: JSON.stringify({ spec, replace }),
    }),
  runningIntegrations: () => request<{ integrations: RunningIntegration[] }>('/api/local/integrations'),
  runningSpec: (name: string) =>
    request<{ spec: unknown }>(`/api/local/integrations/${encodeURIComponent(name)}/spec`),
  /** Stop or restart a running integration's handlers; answers the new list. */
  setRunning: (name: string, running: boolean) =>
    request<{ integrations: RunningIntegration[] }>(
      `/api/local/integrations/${encodeURIComponent(name)}/${running ? 'start' : 'stop'}`,
      { method: 'POST', body: '{}' },
    ),
  activity: (name: string, since: number) =>
    request<{ traces: TraceView[]; failures: FailureView[] }>(
      `/api/local/integrations/${encodeURIComponent(name)}/activity?since=${since}`,
    ),
  generate: (spec: unknown) =>
    request<{ files: Record<string, string> }>('/api/generate', {
      method: 'POST',
      body: JSON.stringify({ spec }),
    }),
};
