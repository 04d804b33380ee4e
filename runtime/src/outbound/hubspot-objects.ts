/**
 * The HubSpot CRM object APIs the runtime calls — batch read/upsert/update/archive and search — from
 * @hubspot/api-client's generated per-object modules (not the whole `Client`), wired to our own
 * HTTP layer (hubspot-client.ts, poll/hubspot-search-api.ts own timeouts, budgets and retries).
 *
 * One constant per object type, so a bundle holds only the object type its spec syncs: generated
 * code imports e.g. `hubspotContactsApi` and passes it to `createIntegrationRuntime`, and esbuild
 * leaves the other object types' generated code (≈ 85 KB each, minified) out. `hubspotObjectApi`
 * picks one by name for local runs, tests and the CLI, where bundle size does not matter — it
 * references all three, so nothing a Lambda handler bundles may call it.
 *
 * Each module is imported at first use (a handler that never calls HubSpot never evaluates it). The
 * three constants are the same text: each generated module declares its own nominally distinct
 * classes (private members), so each is wired in its own types.
 */
import type { HubSpotObjectType } from '../spec/types.ts';

/** The generated request context, structurally (each module declares its own class). */
export interface GeneratedRequest {
  getHttpMethod(): { toString(): string };
  getUrl(): string;
  getBody(): unknown;
  getHeaders(): Record<string, string>;
}

/** Our HTTP layer: sends a generated request, answers status, headers and body text. */
export type HubSpotSend = (
  request: GeneratedRequest,
) => Promise<{ status: number; headers: Record<string, string>; text: string }>;

export interface HubSpotConnection {
  /** https://api.hubapi.com, or a simulator's URL, without a trailing slash. */
  basePath: string;
  accessToken: string;
  send: HubSpotSend;
}

export interface RawObject {
  id: string;
  properties: Record<string, string | null>;
  updatedAt?: Date | string;
}

export interface RawError {
  message: string;
  category?: string;
  context?: Record<string, string[]>;
}

/** What we call on a generated object module's BatchApi; contacts, companies and deals all fit. */
export interface ObjectBatchApi {
  read(
    input: {
      inputs: Array<{ id: string }>;
      properties: string[];
      propertiesWithHistory: string[];
      idProperty?: string;
    },
    /** `?archived=true`: only archived (deleted) records. */
    archived?: boolean,
  ): Promise<{ results: RawObject[]; errors?: RawError[] }>;
  upsert(input: {
    inputs: Array<{ id: string; idProperty: string; properties: Record<string, string> }>;
  }): Promise<{ results: RawObject[]; errors?: RawError[] }>;
  update(input: {
    inputs: Array<{ id: string; properties: Record<string, string> }>;
  }): Promise<{ results: RawObject[]; errors?: RawError[] }>;
  archive(input: { inputs: Array<{ id: string }> }): Promise<void>;
}

/** What we call on a generated SearchApi; the operator is the generated enum (HubSpot's strings). */
export interface ObjectSearchApi {
  doSearch(request: {
    filterGroups: Array<{ filters: Array<{ propertyName: string; operator: never; value: string }> }>;
    sorts: string[];
    properties: string[];
    limit: number;
  }): Promise<{ total: number; results: RawObject[] }>;
}

/** One object type's generated APIs, wired to a connection. */
export interface HubSpotObjectApi {
  batch(connection: HubSpotConnection): ObjectBatchApi;
  search(connection: HubSpotConnection): ObjectSearchApi;
}

/** An object type's API, loaded at first use. Pass the spec's one to `createIntegrationRuntime`. */
export interface HubSpotObjectApiModule {
  readonly objectType: HubSpotObjectType;
  load(): Promise<HubSpotObjectApi>;
}

const responseBody = (text: string) => ({
  text: () => Promise.resolve(text),
  binary: () => Promise.resolve(Buffer.from(text)),
});

export const hubspotContactsApi: HubSpotObjectApiModule = {
  objectType: 'contacts',
  async load() {
    const m = await import('@hubspot/api-client/lib/codegen/crm/contacts/index.js');
    const configuration = (c: HubSpotConnection) =>
      m.createConfiguration({
        baseServer: new m.ServerConfiguration(c.basePath, {}),
        authMethods: { oauth2: { accessToken: c.accessToken } },
        httpApi: m.wrapHttpLibrary({
          send: async (request) => {
            const r = await c.send(request);
            return new m.ResponseContext(r.status, r.headers, responseBody(r.text));
          },
        }),
      });
    return {
      batch: (c) => new m.BatchApi(configuration(c)),
      search: (c) => new m.SearchApi(configuration(c)),
    };
  },
};

export const hubspotCompaniesApi: HubSpotObjectApiModule = {
  objectType: 'companies',
  async load() {
    const m = await import('@hubspot/api-client/lib/codegen/crm/companies/index.js');
    const configuration = (c: HubSpotConnection) =>
      m.createConfiguration({
        baseServer: new m.ServerConfiguration(c.basePath, {}),
        authMethods: { oauth2: { accessToken: c.accessToken } },
        httpApi: m.wrapHttpLibrary({
          send: async (request) => {
            const r = await c.send(request);
            return new m.ResponseContext(r.status, r.headers, responseBody(r.text));
          },
        }),
      });
    return {
      batch: (c) => new m.BatchApi(configuration(c)),
      search: (c) => new m.SearchApi(configuration(c)),
    };
  },
};

export const hubspotDealsApi: HubSpotObjectApiModule = {
  objectType: 'deals',
  async load() {
    const m = await import('@hubspot/api-client/lib/codegen/crm/deals/index.js');
    const configuration = (c: HubSpotConnection) =>
      m.createConfiguration({
        baseServer: new m.ServerConfiguration(c.basePath, {}),
        authMethods: { oauth2: { accessToken: c.accessToken } },
        httpApi: m.wrapHttpLibrary({
          send: async (request) => {
            const r = await c.send(request);
            return new m.ResponseContext(r.status, r.headers, responseBody(r.text));
          },
        }),
      });
    return {
      batch: (c) => new m.BatchApi(configuration(c)),
      search: (c) => new m.SearchApi(configuration(c)),
    };
  },
};

/**
 * An object type's API by name — for local runs, tests and the CLI only: it references every object
 * type, so a bundle reaching it holds all three (generated handlers pass their one constant instead).
 */
export function hubspotObjectApi(objectType: HubSpotObjectType): HubSpotObjectApiModule {
  switch (objectType) {
    case 'contacts':
      return hubspotContactsApi;
    case 'companies':
      return hubspotCompaniesApi;
    case 'deals':
      return hubspotDealsApi;
  }
}
