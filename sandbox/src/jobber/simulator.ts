// Jobber clients (GraphQL): OAuth2 with rotating refresh tokens, X-JOBBER-GRAPHQL-VERSION, Relay connections,
// EncodedIds, userErrors, leaky-bucket query cost with THROTTLED, base64-HMAC webhooks; /_admin/ control API.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type DocumentNode,
  execute,
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
  parse,
  type SelectionSetNode,
  type ValueNode,
  validate,
} from 'graphql';
import { type FaultConfig, FaultInjector } from '../faults/index.ts';
import {
  addCommonAdminRoutes,
  beforeRequest,
  DEFAULT_DISPATCHER_OPTIONS,
  type DispatcherOptions,
  failAnswer,
  header,
  hmacSha256Base64,
  isObject,
  newEventId,
  parseJson,
  RequestCounters,
  Router,
  readBody,
  readJson,
  SimHttpError,
  SubscriptionRegistry,
  sendJson,
  serveSimulator,
  WebhookDispatcher,
  WindowLimiter,
} from '../sim-kit/index.ts';
import { check, restoreSubscriptions, StateFile } from '../sim-kit/state-file.ts';
import { decodeId, encodeId, jobberSchema } from './schema.ts';
import {
  type ClientAttributes,
  type ClientChange,
  ClientStore,
  clientView,
  type StoredClient,
} from './store.ts';

export interface JobberApp {
  clientId: string;
  clientSecret: string;
  appId: string;
}

/** The query-cost leaky bucket per app and account, and the DDoS guard in front of it. */
export interface JobberLimits {
  maximumAvailable: number;
  restoreRate: number;
  requestsPer5Minutes: number;
}

export const DEFAULT_JOBBER_LIMITS: JobberLimits = {
  maximumAvailable: 10_000,
  restoreRate: 500,
  requestsPer5Minutes: 2_500,
};

export const DEMO_JOBBER_APP: JobberApp = {
  clientId: 'kongo-demo-jobber-client',
  clientSecret: 'kongo-demo-jobber-secret',
  appId: '3ef22a50-072d-430c-a78f-b7646657560b',
};

export interface JobberSimulatorOptions {
  port?: number;
  app?: JobberApp;
  /** Refresh tokens valid at start (as if the account had connected the app). Default `['jobber-refresh-kongo-demo']`. */
  refreshTokens?: string[];
  /** Access token lifetime, seconds. Default 3600. */
  accessTokenTtlSeconds?: number;
  /** Presenting an already-used refresh token also revokes the current one of that grant. Default true. */
  reuseRevokesGrant?: boolean;
  /** Webhook receivers (the app's webhook URL); deliveries are signed with the app's client secret. */
  subscriptions?: Array<{ url: string }>;
  limits?: Partial<JobberLimits>;
  faults?: Partial<FaultConfig>;
  webhookTiming?: Partial<DispatcherOptions>;
  now?: () => number;
  stateFile?: string;
}

export interface JobberSimulator {
  url: string;
  port: number;
  /** `${url}/api/graphql` (Jobber: https://api.getjobber.com/api/graphql). */
  graphqlUrl: string;
  /** `${url}/api/oauth/token`. */
  tokenUrl: string;
  app: JobberApp;
  accountId: string;
  store: ClientStore;
  faults: FaultInjector;
  counters: RequestCounters;
  dispatcher: WebhookDispatcher;
  subscriptions: SubscriptionRegistry;
  /** Starts a new grant (the account connects the app) and returns its refresh token. */
  install(): string;
  /** A fresh access token for tests (no refresh token spent). */
  issueAccessToken(): string;
  oauthStats(): { refreshes: number; reuseRejected: number; liveRefreshTokens: number };
  reset(): void;
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const describe = (app: JobberApp): string =>
  'Kongo Jobber simulator (clients, GraphQL). POST /api/oauth/token (grant_type=refresh_token, client_id ' +
  `${app.clientId}), then POST /api/graphql with Authorization: Bearer <access token> and X-JOBBER-GRAPHQL-VERSION; ` +
  'control API under /_admin/.\n';

/** Assumed: Jobber documents at-least-once delivery but no retry schedule. */
const RETRY_DELAYS_MS = [60_000, 300_000, 1_800_000];
/** "Webhook requests must be responded to within 1 second of receipt." */
const JOBBER_WEBHOOK_TIMEOUT_MS = 1_000;
const VERSION = /^\d{4}-\d{2}-\d{2}$/;
const MUTATION_FIELD_COST = 10;
const ZERO_COST = new Set(['edges', 'nodes', 'node', 'pageInfo']);

/** Static cost of an operation: 1 per object field, connections multiply their children by `first`/`last` (default 100). */
export function jobberQueryCost(
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  const argValue = (value: ValueNode | undefined): number | undefined => {
    if (!value) return undefined;
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const v = variables[value.name.value];
      return typeof v === 'number' ? v : undefined;
    }
    return undefined;
  };
  const cost = (set: SelectionSetNode): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) total += cost(selection.selectionSet);
      if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
      const name = selection.name.value;
      const children = cost(selection.selectionSet);
      if (name === 'clients') {
        const args = Object.fromEntries((selection.arguments ?? []).map((a) => [a.name.value, a.value]));
        const size = argValue(args.first) ?? argValue(args.last) ?? 100;
        total += 1 + size * children;
      } else total += (ZERO_COST.has(name) ? 0 : 1) + children;
    }
    return total;
  };
  if (operation.operation === 'mutation') {
    return operation.selectionSet.selections.length * MUTATION_FIELD_COST + cost(operation.selectionSet);
  }
  return Math.max(1, cost(operation.selectionSet));
}

/**
 * Starts the Jobber simulator on 127.0.0.1.
 * @example const jobber = await startJobberSimulator(); // refresh token 'jobber-refresh-kongo-demo'
 */
export async function startJobberSimulator(options: JobberSimulatorOptions = {}): Promise<JobberSimulator> {
  const now = options.now ?? Date.now;
  const app = options.app ?? DEMO_JOBBER_APP;
  const accountId = encodeId('Account', 1);
  const ttlMs = (options.accessTokenTtlSeconds ?? 3600) * 1000;
  const signingKey = randomBytes(32);
  const store = new ClientStore(now);
  const faults = new FaultInjector(options.faults ?? {});
  const counters = new RequestCounters();
  const timing = (): Partial<DispatcherOptions> => ({
    ...DEFAULT_DISPATCHER_OPTIONS,
    retryDelaysMs: RETRY_DELAYS_MS,
    timeoutMs: JOBBER_WEBHOOK_TIMEOUT_MS,
    ...options.webhookTiming,
  });
  const dispatcher = new WebhookDispatcher(faults, timing(), now);
  const subscriptions = new SubscriptionRegistry();
  let limits: JobberLimits = { ...DEFAULT_JOBBER_LIMITS, ...options.limits };
  const ddos = new WindowLimiter([], now);
  const bucket = { available: limits.maximumAvailable, at: now() };
  /** refresh token → grant id; used tokens remember their grant so a reuse can be detected. */
  const liveRefresh = new Map<string, string>();
  const usedRefresh = new Map<string, string>();
  const stats = { refreshes: 0, reuseRejected: 0 };

  const applyStartOptions = (): void => {
    store.clear();
    limits = { ...DEFAULT_JOBBER_LIMITS, ...options.limits };
    ddos.rules = [{ name: 'ddos', limit: limits.requestsPer5Minutes, windowMs: 300_000 }];
    ddos.reset();
    bucket.available = limits.maximumAvailable;
    bucket.at = now();
    liveRefresh.clear();
    usedRefresh.clear();
    for (const token of options.refreshTokens ?? ['jobber-refresh-kongo-demo'])
      liveRefresh.set(token, randomUUID());
    stats.refreshes = 0;
    stats.reuseRejected = 0;
    counters.reset();
    dispatcher.cancelPending();
    dispatcher.clearLog();
    dispatcher.configure(timing());
    faults.configure(options.faults ?? {});
    subscriptions.clear();
    for (const subscription of options.subscriptions ?? [])
      subscriptions.add({ url: subscription.url, secret: '' });
  };
  applyStartOptions();
  const persisted = options.stateFile === undefined ? undefined : openState(options.stateFile);

  function openState(file: string): StateFile {
    const initial = (options.subscriptions ?? []).map((s) => ({ url: s.url, secret: '' }));
    const state = new StateFile({
      file,
      label: 'Jobber simulator',
      format: 'kongo-jobber-simulator-state',
      version: 1,
      snapshot: () => ({
        clients: store.ordered(),
        nextId: store.nextId,
        // Rotated refresh tokens survive a restart, or a client holding the newest one would be locked out.
        refreshTokens: [...liveRefresh.keys()],
        subscriptions: subscriptions.list(),
        startSubscriptionUrls: initial.map((s) => s.url),
      }),
    });
    const saved = state.read();
    let changed = saved === undefined;
    if (saved) {
      state.restore(saved, (data) => {
        store.nextId = check.integer(data.nextId, 'nextId', 1);
        for (const [i, item] of check.array(data.clients, 'clients').entries()) {
          const client = check.object(item, `clients[${i}]`);
          const n = check.integer(client.n, `clients[${i}].n`, 1);
          check.string(client.updatedAt, `clients[${i}].updatedAt`);
          check.array(client.emails, `clients[${i}].emails`);
          store.clients.set(n, client as unknown as StoredClient);
        }
        liveRefresh.clear();
        for (const [i, token] of check.array(data.refreshTokens, 'refreshTokens').entries()) {
          liveRefresh.set(check.string(token, `refreshTokens[${i}]`), randomUUID());
        }
        const startUrls = check
          .array(data.startSubscriptionUrls ?? [], 'startSubscriptionUrls')
          .map((url, i) => check.string(url, `startSubscriptionUrls[${i}]`));
        changed = restoreSubscriptions(
          subscriptions,
          check.subscriptions(data.subscriptions, 'subscriptions'),
          startUrls,
          initial,
        );
      });
    }
    store.onChange = () => state.markDirty();
    if (changed) state.markDirty();
    return state;
  }

  const jwt = (payload: Record<string, unknown>): string => {
    const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const head = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
    return `${head}.${createHmac('sha256', signingKey).update(head).digest('base64url')}`;
  };
  const issueAccessToken = (): string => {
    const iat = Math.floor(now() / 1000);
    return jwt({ sub: accountId, app_id: app.appId, iat, exp: iat + ttlMs / 1000 });
  };
  /** Whether a bearer token is one of ours and unexpired. */
  const accessValid = (token: string): boolean => {
    const [head, payload, signature] = token.split('.');
    if (!head || !payload || !signature) return false;
    const expected = createHmac('sha256', signingKey).update(`${head}.${payload}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: number };
    return typeof claims.exp === 'number' && claims.exp * 1000 > now();
  };
  const install = (): string => {
    const token = `jobber-refresh-${randomBytes(18).toString('base64url')}`;
    liveRefresh.set(token, randomUUID());
    persisted?.markDirty();
    return token;
  };

  /** `POST /api/oauth/token`: refresh with rotation; a used refresh token is invalid thereafter. */
  const tokenEndpoint = async (
    req: IncomingMessage,
    url: URL,
  ): Promise<{ status: number; body: unknown }> => {
    const raw = await readBody(req);
    const type = header(req, 'content-type') ?? '';
    const fields: Record<string, unknown> = type.includes('json')
      ? ((parseJson(raw) as Record<string, unknown> | undefined) ?? {})
      : Object.fromEntries(new URLSearchParams(raw));
    for (const [key, value] of url.searchParams) fields[key] ??= value;
    if (fields.client_id !== app.clientId || fields.client_secret !== app.clientSecret) {
      return {
        status: 401,
        body: { error: 'invalid_client', error_description: 'Client authentication failed.' },
      };
    }
    if (fields.grant_type !== 'refresh_token') {
      return {
        status: 400,
        body: { error: 'unsupported_grant_type', error_description: 'Use grant_type=refresh_token.' },
      };
    }
    const presented = typeof fields.refresh_token === 'string' ? fields.refresh_token : '';
    const grant = liveRefresh.get(presented);
    if (grant === undefined) {
      const reused = usedRefresh.get(presented);
      if (reused !== undefined) {
        stats.reuseRejected += 1;
        if (options.reuseRevokesGrant ?? true) {
          for (const [token, g] of liveRefresh) if (g === reused) liveRefresh.delete(token);
        }
      }
      persisted?.markDirty();
      return {
        status: 400,
        body: {
          error: 'invalid_grant',
          error_description:
            'The provided authorization grant is invalid, expired, revoked, or was issued to another client.',
        },
      };
    }
    liveRefresh.delete(presented);
    usedRefresh.set(presented, grant);
    const next = `jobber-refresh-${randomBytes(18).toString('base64url')}`;
    liveRefresh.set(next, grant);
    stats.refreshes += 1;
    persisted?.markDirty();
    return { status: 200, body: { access_token: issueAccessToken(), refresh_token: next } };
  };

  const throttleStatus = () => {
    const t = now();
    bucket.available = Math.min(
      limits.maximumAvailable,
      bucket.available + ((t - bucket.at) / 1000) * limits.restoreRate,
    );
    bucket.at = t;
    return {
      maximumAvailable: limits.maximumAvailable,
      currentlyAvailable: Math.floor(bucket.available),
      restoreRate: limits.restoreRate,
    };
  };

  const publish = (changes: readonly ClientChange[]): Promise<void> => {
    const targets = subscriptions.list();
    if (changes.length === 0 || targets.length === 0) return Promise.resolve();
    return Promise.all(
      changes.map((change) => {
        const body = JSON.stringify({
          data: {
            webHookEvent: {
              topic: change.topic,
              appId: app.appId,
              accountId,
              itemId: change.itemId,
              occurredAt: change.occurredAt,
            },
          },
        });
        return dispatcher.dispatch(targets, {
          eventId: newEventId('jb_'),
          type: change.topic,
          body,
          headers: () => ({ 'x-jobber-hmac-sha256': hmacSha256Base64(app.clientSecret, body) }),
        });
      }),
    ).then(() => undefined);
  };

  const raceState = { count: 0 };
  const rootValue = (changes: ClientChange[]) => ({
    client: ({ id }: { id: string }) => {
      const n = decodeId('Client', id);
      const found = n === undefined ? undefined : store.clients.get(n);
      return found ? clientView(found) : null;
    },
    clients: (args: {
      filter?: {
        isCompany?: boolean;
        isLead?: boolean;
        isArchived?: boolean;
        updatedAt?: Range;
        createdAt?: Range;
      } | null;
      searchTerm?: string | null;
      after?: string | null;
      first?: number | null;
    }) => {
      const term = args.searchTerm?.toLowerCase();
      const all = store.ordered().filter((c) => {
        const f = args.filter ?? {};
        if (f.isCompany != null && c.isCompany !== f.isCompany) return false;
        if (f.isLead != null && c.isLead !== f.isLead) return false;
        if (f.isArchived != null && c.isArchived !== f.isArchived) return false;
        if (!inRange(c.updatedAt, f.updatedAt) || !inRange(c.createdAt, f.createdAt)) return false;
        if (term) {
          const view = clientView(c);
          const haystack = [String(view.name), ...c.emails.map((e) => e.address)].join(' ').toLowerCase();
          if (!haystack.includes(term)) return false;
        }
        return true;
      });
      const afterN = args.after ? Number(Buffer.from(args.after, 'base64').toString('utf8')) : 0;
      const first = Math.max(0, Math.min(args.first ?? 100, 100));
      const rest = all.filter((c) => c.n > afterN);
      const page = rest.slice(0, first);
      const edges = page.map((c) => ({
        cursor: Buffer.from(String(c.n)).toString('base64'),
        node: clientView(c),
      }));
      return {
        edges,
        nodes: edges.map((e) => e.node),
        pageInfo: {
          hasNextPage: rest.length > page.length,
          hasPreviousPage: afterN > 0,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
        totalCount: all.length,
      };
    },
    clientCreate: ({ input }: { input: ClientAttributes }) => {
      const result = store.create(input, 'api');
      if (result.change) changes.push(result.change);
      return { client: result.client ? clientView(result.client) : null, userErrors: result.userErrors };
    },
    clientEdit: ({ clientId, input }: { clientId: string; input: ClientAttributes }) => {
      const n = decodeId('Client', clientId);
      const race = faults.concurrentEdit();
      const raceEdit = (): void => {
        raceState.count += 1;
        const field =
          (['lastName', 'firstName', 'companyName'] as const).find((f) => f in input) ?? 'companyName';
        const edited = store.edit(n, { [field]: `Edited in UI (${raceState.count})` }, 'ui');
        if (edited.change) changes.push(edited.change);
      };
      if (race === 'before') raceEdit();
      const result = store.edit(n, input, 'api');
      if (result.change) changes.push(result.change);
      const view = result.client ? clientView(result.client) : null;
      if (race === 'after' && result.client) raceEdit();
      return { client: view, userErrors: result.userErrors };
    },
    clientArchive: ({ clientId }: { clientId: string }) => {
      const result = store.archive(decodeId('Client', clientId), 'api');
      if (result.change) changes.push(result.change);
      return { client: result.client ? clientView(result.client) : null, userErrors: result.userErrors };
    },
  });

  const handleGraphql = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const endpoint = 'POST /api/graphql';
    let label = endpoint;
    const count = (status: number | string): void => counters.record(endpoint, label, status);
    const raw = await readBody(req);
    let payload: unknown;
    try {
      payload = parseJson(raw);
    } catch {
      payload = undefined;
    }
    let document: DocumentNode | undefined;
    let operation: OperationDefinitionNode | null | undefined;
    if (isObject(payload) && typeof payload.query === 'string') {
      try {
        document = parse(payload.query);
        operation = getOperationAST(
          document,
          typeof payload.operationName === 'string' ? payload.operationName : null,
        );
        if (operation) {
          const fields = operation.selectionSet.selections.flatMap((s) =>
            s.kind === Kind.FIELD ? [s.name.value] : [],
          );
          label = `${operation.operation} ${fields.join(',')}`;
        }
      } catch {
        document = undefined;
      }
    }
    const gate = await beforeRequest(faults, label, res, () => {
      res.writeHead(429, { 'content-type': 'text/plain' });
      res.end('Retry later\n');
    });
    if (gate.action === 'handled') return count(gate.status);
    const auth = header(req, 'authorization') ?? '';
    const token = auth.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : '';
    if (!accessValid(token)) {
      sendJson(res, 401, { message: 'invalid_request' });
      return count(401);
    }
    if (!ddos.take(accountId).allowed) {
      res.writeHead(429, { 'content-type': 'text/plain' });
      res.end('Retry later\n');
      return count(429);
    }
    const version = header(req, 'x-jobber-graphql-version');
    if (version === undefined || !VERSION.test(version)) {
      sendJson(res, 400, {
        errors: [{ message: 'Send the X-JOBBER-GRAPHQL-VERSION header with an API version (YYYY-MM-DD).' }],
      });
      return count(400);
    }
    if ((header(req, 'content-type') ?? '').split(';')[0]?.trim() !== 'application/json') {
      sendJson(res, 415, {
        errors: [{ message: 'GraphQL requests must use the application/json content type.' }],
      });
      return count(415);
    }
    if (!document || !operation || !isObject(payload)) {
      sendJson(res, 400, {
        errors: [
          { message: 'Body must be JSON { "query": string, "variables"?: object } with one operation.' },
        ],
      });
      return count(400);
    }
    const problems = validate(jobberSchema, document);
    if (problems.length > 0) {
      sendJson(res, 200, { errors: problems.map((p) => ({ message: p.message, locations: p.locations })) });
      return count(200);
    }
    const variables = isObject(payload.variables) ? payload.variables : {};
    const requested = jobberQueryCost(operation, variables);
    const before = throttleStatus();
    if (requested > before.currentlyAvailable) {
      sendJson(res, 200, {
        errors: [
          {
            message: 'Throttled',
            extensions: {
              code: 'THROTTLED',
              documentation: 'https://developer.getjobber.com/docs/using_jobbers_api/api_rate_limits',
            },
          },
        ],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: before },
        },
      });
      return count('throttled');
    }
    bucket.available -= requested;
    const changes: ClientChange[] = [];
    const result = await execute({
      schema: jobberSchema,
      document,
      rootValue: rootValue(changes),
      variableValues: variables,
      operationName: typeof payload.operationName === 'string' ? payload.operationName : null,
    });
    const body = {
      ...(JSON.parse(JSON.stringify(result)) as Record<string, unknown>),
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: requested, throttleStatus: throttleStatus() },
        versioning: { version },
      },
    };
    if (faults.config.echoBeforeResponse) await publish(changes);
    if (gate.action === 'process-then-fail') count(failAnswer(res, gate.decision));
    else {
      sendJson(res, 200, body);
      count(200);
    }
    if (!faults.config.echoBeforeResponse) void publish(changes);
  };

  const admin = new Router();
  admin
    .on('GET', '/_admin', ({ res }) =>
      sendJson(res, 200, { description: describe(app).trim(), routes: admin.describe() }),
    )
    .on('POST', '/_admin/subscriptions', async ({ req, res }) => {
      const body = await readJson(req);
      if (!isObject(body) || typeof body.url !== 'string') {
        throw new SimHttpError(
          422,
          'VALIDATION_FAILED',
          'Expected { "url": string } (deliveries are signed with the app secret).',
        );
      }
      sendJson(res, 201, subscriptions.add({ url: body.url, secret: '' }));
    });
  addCommonAdminRoutes(admin, { faults, counters, dispatcher, subscriptions });
  const uiWrite = (result: {
    client?: StoredClient;
    userErrors: Array<{ message: string; path: string[] }>;
    change?: ClientChange;
  }) => {
    if (result.userErrors.length > 0 || !result.client) {
      throw new SimHttpError(
        422,
        'VALIDATION_FAILED',
        result.userErrors.map((e) => `${e.path.join('.')}: ${e.message}`).join('; '),
      );
    }
    if (result.change) void publish([result.change]);
    return clientView(result.client);
  };
  const idOf = (param: string | undefined): number | undefined =>
    decodeId('Client', param ?? '') ?? (param && /^\d+$/.test(param) ? Number(param) : undefined);
  admin
    .on('GET', '/_admin/records', ({ res }) => {
      const all = store.ordered().map(clientView);
      sendJson(res, 200, { data: all, total: all.length });
    })
    .on('GET', '/_admin/records/:id', ({ res, params }) => {
      const n = idOf(params.id);
      const found = n === undefined ? undefined : store.clients.get(n);
      if (!found) throw new SimHttpError(404, 'NOT_FOUND', `No client ${params.id}.`);
      sendJson(res, 200, clientView(found));
    })
    .on('POST', '/_admin/records', async ({ req, res }) => {
      const body = await readJson(req);
      sendJson(res, 201, uiWrite(store.create((isObject(body) ? body : {}) as ClientAttributes, 'ui')));
    })
    .on('PATCH', '/_admin/records/:id', async ({ req, res, params }) => {
      const body = await readJson(req);
      sendJson(
        res,
        200,
        uiWrite(store.edit(idOf(params.id), (isObject(body) ? body : {}) as ClientAttributes, 'ui')),
      );
    })
    .on('DELETE', '/_admin/records/:id', ({ res, params }) => {
      const n = idOf(params.id);
      const change = n === undefined ? undefined : store.destroy(n, 'ui');
      if (!change) throw new SimHttpError(404, 'NOT_FOUND', `No client ${params.id}.`);
      void publish([change]);
      sendJson(res, 204, undefined);
    })
    .on('GET', '/_admin/oauth', ({ res }) =>
      sendJson(res, 200, {
        ...stats,
        liveRefreshTokens: liveRefresh.size,
        refreshTokens: [...liveRefresh.keys()],
      }),
    )
    .on('POST', '/_admin/oauth/install', ({ res }) => sendJson(res, 201, { refresh_token: install() }))
    .on('GET', '/_admin/limits', ({ res }) =>
      sendJson(res, 200, { ...limits, throttleStatus: throttleStatus() }),
    )
    .on('PUT', '/_admin/limits', async ({ req, res }) => {
      const body = await readJson(req);
      const next = { ...limits };
      for (const key of ['maximumAvailable', 'restoreRate', 'requestsPer5Minutes'] as const) {
        const value = isObject(body) ? body[key] : undefined;
        if (value === undefined) continue;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
          throw new SimHttpError(422, 'VALIDATION_FAILED', `${key} must be an integer ≥ 1.`);
        }
        next[key] = value;
      }
      limits = next;
      ddos.rules = [{ name: 'ddos', limit: limits.requestsPer5Minutes, windowMs: 300_000 }];
      ddos.reset();
      bucket.available = limits.maximumAvailable;
      bucket.at = now();
      sendJson(res, 200, limits);
    })
    .on('POST', '/_admin/reset', ({ res }) => {
      applyStartOptions();
      sendJson(res, 200, { reset: true });
    });

  const server = await serveSimulator({
    ...(options.port === undefined ? {} : { port: options.port }),
    admin,
    persisted,
    describe: () => describe(app),
    api: async (req, res, url) => {
      if (url.pathname === '/api/oauth/token' && req.method === 'POST') {
        const operation = 'POST /api/oauth/token';
        const gate = await beforeRequest(faults, operation, res, () => {
          res.writeHead(429, { 'content-type': 'text/plain' });
          res.end('Retry later\n');
        });
        if (gate.action === 'handled') return counters.record(operation, operation, gate.status);
        let answer: { status: number; body: unknown };
        try {
          answer = await tokenEndpoint(req, url);
        } catch (error) {
          if (!(error instanceof SimHttpError)) throw error;
          answer = { status: 400, body: { error: 'invalid_request', error_description: error.message } };
        }
        if (gate.action === 'process-then-fail')
          return counters.record(operation, operation, failAnswer(res, gate.decision));
        sendJson(res, answer.status, answer.body);
        return counters.record(operation, operation, answer.status);
      }
      if (url.pathname === '/api/graphql' && req.method === 'POST') return handleGraphql(req, res);
      sendJson(res, 404, { errors: [{ message: `No route ${req.method} ${url.pathname}.` }] });
    },
  });

  return {
    url: server.url,
    port: server.port,
    graphqlUrl: `${server.url}/api/graphql`,
    tokenUrl: `${server.url}/api/oauth/token`,
    app,
    accountId,
    store,
    faults,
    counters,
    dispatcher,
    subscriptions,
    install,
    issueAccessToken,
    oauthStats: () => ({ ...stats, liveRefreshTokens: liveRefresh.size }),
    reset: applyStartOptions,
    idle: (timeoutMs?: number) => dispatcher.idle(timeoutMs),
    async close() {
      dispatcher.stop();
      await server.close();
      if (persisted) {
        persisted.markDirty();
        await persisted.close();
      }
    },
  };
}

interface Range {
  before?: string | null;
  after?: string | null;
  eq?: string | null;
}

/** Range filters compare instants; `after` and `before` include their bound (our reading — Jobber does not say). */
function inRange(value: string, range: Range | null | undefined): boolean {
  if (!range) return true;
  const at = Date.parse(value);
  if (range.eq != null && at !== Date.parse(range.eq)) return false;
  if (range.after != null && at < Date.parse(range.after)) return false;
  if (range.before != null && at > Date.parse(range.before)) return false;
  return true;
}
