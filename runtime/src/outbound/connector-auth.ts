/**
 * Authentication for a connector, as its document describes it: bearer, API key (header or query),
 * basic, OAuth2 client credentials (token cached until shortly before it expires) and OAuth2
 * refresh tokens — with rotation: the new refresh token is written back to its secret before the
 * access token is used, and one caller at a time refreshes, across processes, under a lock (a
 * rotated refresh token used twice locks the client out). No provider name appears here.
 */

import { renderText, type TemplateContext } from '../connector/template.ts';
import type { Auth, ConnectorDocument } from '../connector/types.ts';
import { DeliveryError } from './errors.ts';
import type { FetchLike } from './http-call.ts';

/** Named secrets of a connection (`credentials.<name>`), read from and written to the SecretSource. */
export interface CredentialStore {
  get(name: string, options?: { fresh?: boolean }): Promise<string>;
  /** Writes a credential the API re-issued (a rotated refresh token). */
  put(name: string, value: string): Promise<void>;
}

/** Credentials fixed in memory (tests, the CLI with a token in hand); they can't rotate. */
export function staticCredentials(values: Record<string, string>): CredentialStore {
  return {
    get: async (name) => {
      const value = values[name];
      if (value === undefined) throw new Error(`no credential "${name}"`);
      return value;
    },
    put: async (name) => {
      throw new Error(`credential "${name}" rotated but this store can't keep the new value`);
    },
  };
}

/** One holder at a time across every process of the integration (a conditional write in the table). */
export interface CredentialLock {
  withLock<T>(name: string, work: () => Promise<T>): Promise<T>;
}

/** A lock for one process only: enough for a single process, never for Lambda. */
export function processLock(): CredentialLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    withLock(name, work) {
      const previous = tails.get(name) ?? Promise.resolve();
      const run = previous.then(work, work);
      tails.set(
        name,
        run.catch(() => undefined),
      );
      return run;
    },
  };
}

export interface AuthorizerOptions {
  connector: Pick<ConnectorDocument, 'auth' | 'headers' | 'id'>;
  context: TemplateContext;
  credentials: CredentialStore;
  lock: CredentialLock;
  fetch: FetchLike;
  now?: () => number;
  timeoutMs?: number;
  /**
   * Locally (a simulator stands in for the API): an absolute URL the connector names outside its base
   * URL — a token endpoint on another host — is re-rooted onto this origin, its path and query kept.
   */
  localOrigin?: string;
}

/** `https://zoom.us/oauth/token` on origin `http://127.0.0.1:4410` → `http://127.0.0.1:4410/oauth/token`. */
export function reroot(url: string, origin: string | undefined): string {
  if (origin === undefined) return url;
  const parsed = new URL(url);
  const local = new URL(origin);
  parsed.protocol = local.protocol;
  parsed.host = local.host;
  return parsed.toString();
}

export interface Authorizer {
  /** Adds auth and the fixed headers to a request about to be sent. */
  apply(url: URL, headers: Record<string, string>): Promise<void>;
  /** A 401 came back: forget the cached access token (the next apply fetches a new one). Returns whether that can help. */
  invalidate(): boolean;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Renders templates whose `{credentials.x}` placeholders are read (asynchronously) first. */
async function renderWithCredentials(
  template: string,
  context: TemplateContext,
  credentials: CredentialStore,
): Promise<string> {
  const names = [...template.matchAll(/\{credentials\.([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? '');
  const values = new Map<string, string>();
  for (const name of names) values.set(name, await credentials.get(name));
  return renderText(template, (name) =>
    name.startsWith('credentials.') ? values.get(name.slice('credentials.'.length)) : context(name),
  );
}

export function createAuthorizer(options: AuthorizerOptions): Authorizer {
  const { connector, context, credentials, lock } = options;
  const auth: Auth = connector.auth;
  const now = options.now ?? Date.now;
  const render = (template: string) => renderWithCredentials(template, context, credentials);
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  const tokenRequest = async (form: URLSearchParams, a: Extract<Auth, { tokenUrl: string }>) => {
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const clientId = await render(a.clientId);
    const clientSecret = await render(a.clientSecret);
    if (a.clientAuth === 'basic') headers.authorization = `Basic ${btoa(`${clientId}:${clientSecret}`)}`;
    else {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
    }
    for (const [key, value] of Object.entries(a.params ?? {})) form.set(key, await render(value));
    const url = reroot(await render(a.tokenUrl), options.localOrigin);
    let response: Response;
    try {
      response = await options.fetch(url, {
        method: 'POST',
        headers,
        body: form.toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new DeliveryError('destination', `token request to ${url} failed to connect`, {
        status: 0,
        retryable: true,
        code: 'TOKEN_NETWORK',
        cause: error,
      });
    }
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // reported below
    }
    if (!response.ok || typeof body.access_token !== 'string') {
      // 400/401 from a token endpoint (invalid_grant, invalid_client) will not heal by retrying.
      throw new DeliveryError(
        'destination',
        `token request for connector ${connector.id} answered ${response.status}${typeof body.error === 'string' ? ` ${body.error}` : ''}${typeof body.access_token !== 'string' && response.ok ? ' without access_token' : ''}`,
        {
          status: response.status,
          retryable: response.status >= 500 || response.status === 429,
          code: 'TOKEN',
        },
      );
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : Number(body.expires_in ?? 3600);
    const renew = (a.renewBeforeSeconds ?? 60) * 1000;
    return {
      token: { token: body.access_token, expiresAt: now() + Math.max(0, expiresIn * 1000 - renew) },
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    };
  };

  const fetchToken = async (): Promise<CachedToken> => {
    if (auth.type === 'oauth2-client-credentials') {
      const form = new URLSearchParams({ grant_type: 'client_credentials' });
      return (await tokenRequest(form, auth)).token;
    }
    if (auth.type !== 'oauth2-refresh-token') throw new Error('unreachable: no token for this auth type');
    const a = auth;
    // One refresher at a time across processes: under the lock, read the refresh token fresh (another
    // process may have rotated it a moment ago), use it once, and store its successor before anything else.
    return lock.withLock(`oauth-refresh:${connector.id}:${a.refreshToken}`, async () => {
      const refreshToken = await credentials.get(a.refreshToken, { fresh: true });
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken });
      const { token, refreshToken: next } = await tokenRequest(form, a);
      if (a.rotates) {
        if (next === undefined)
          throw new DeliveryError(
            'destination',
            `connector ${connector.id}: the token answer carried no new refresh_token though the connector says it rotates`,
            {
              status: 200,
              retryable: false,
              code: 'TOKEN',
            },
          );
        if (next !== refreshToken) await credentials.put(a.refreshToken, next);
      }
      return token;
    });
  };

  const accessToken = async (): Promise<string> => {
    if (cached && cached.expiresAt > now()) return cached.token;
    inFlight ??= fetchToken().finally(() => {
      inFlight = undefined;
    });
    cached = await inFlight;
    return cached.token;
  };

  return {
    async apply(url, headers) {
      for (const [name, value] of Object.entries(connector.headers ?? {}))
        headers[name.toLowerCase()] = await render(value);
      switch (auth.type) {
        case 'none':
          return;
        case 'bearer':
          headers.authorization = `Bearer ${await render(auth.token)}`;
          return;
        case 'api-key': {
          const value = await render(auth.value);
          if (auth.in === 'header') headers[auth.name.toLowerCase()] = value;
          else url.searchParams.set(auth.name, value);
          return;
        }
        case 'basic':
          headers.authorization = `Basic ${btoa(`${await render(auth.username)}:${await render(auth.password)}`)}`;
          return;
        default:
          headers.authorization = `Bearer ${await accessToken()}`;
      }
    },
    invalidate() {
      if (auth.type !== 'oauth2-client-credentials' && auth.type !== 'oauth2-refresh-token') return false;
      cached = undefined;
      return true;
    },
  };
}
