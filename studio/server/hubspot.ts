/** The HubSpot side of the studio server: the private-app token lives here, in memory, and nowhere else. */
import { Client } from '@hubspot/api-client';

export interface HubSpotConnection {
  baseUrl: string;
  objectType: string;
}

export class HubSpotAccess {
  #token: string | null = null;
  #client: Client | null = null;
  #connection: HubSpotConnection | null = null;

  constructor(private readonly defaultBaseUrl: string) {}

  get connection(): HubSpotConnection | null {
    return this.#connection;
  }

  get baseUrl(): string {
    return this.defaultBaseUrl;
  }

  /** Keep the token (in memory only) after checking it can read the object's properties. */
  async connect(token: string, objectType: string): Promise<{ count: number }> {
    const client = new Client({
      accessToken: token,
      basePath: this.defaultBaseUrl,
      numberOfApiCallRetries: 0,
    });
    const page = await client.crm.properties.coreApi.getAll(objectType);
    this.#token = token;
    this.#client = client;
    this.#connection = { baseUrl: this.defaultBaseUrl, objectType };
    return { count: page.results.length };
  }

  disconnect(): void {
    this.#token = null;
    this.#client = null;
    this.#connection = null;
  }

  hasToken(): boolean {
    return this.#token !== null;
  }

  #require(): Client {
    if (!this.#client)
      throw new StudioHttpError(409, 'Connect to HubSpot first (enter the private-app token)');
    return this.#client;
  }

  /** The properties API response as HubSpot sends it ({ results: [...] }), for the importer and snapshots. */
  async properties(objectType: string): Promise<unknown> {
    const page = await this.#require().crm.properties.coreApi.getAll(objectType);
    return JSON.parse(JSON.stringify(page));
  }

  /** A page of records with the named properties, flattened to { id, ...properties }. */
  async samples(objectType: string, properties: string[], limit: number): Promise<Record<string, unknown>[]> {
    const client = this.#require();
    const page = await client.crm.objects.basicApi.getPage(objectType, limit, undefined, properties);
    return page.results.map((r) => ({ ...r.properties, hs_object_id: r.id }));
  }
}

/** An answer the studio server gives on purpose, with the status to send. */
export class StudioHttpError extends Error {
  override readonly name = 'StudioHttpError';
  constructor(
    readonly status: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
