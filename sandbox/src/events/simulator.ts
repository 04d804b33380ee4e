// The events platform simulator: POST /graphql (Webex Events style) plus its /_admin/ control API.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type DocumentNode,
  execute,
  type GraphQLError,
  getOperationAST,
  type OperationDefinitionNode,
  parse,
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
  isObject,
  listen,
  newEventId,
  type OutgoingWebhook,
  parseJson,
  parseUpdatedAtBody,
  RequestCounters,
  Router,
  readBody,
  readJson,
  routeAdmin,
  SimHttpError,
  SubscriptionRegistry,
  sendJson,
  sendText,
  signStandardWebhook,
  WebhookDispatcher,
} from '../sim-kit/index.ts';
import { changedFields, offsetClock, WriteLog } from '../sim-kit/write-log.ts';
import {
  CostLimiter,
  type CostLimits,
  DEFAULT_COST_LIMITS,
  isIntrospection,
  operationCost,
  operationDepth,
} from './cost.ts';
import { createRootValue, type ResolverContext } from './resolvers.ts';
import { type Attendee, type AttendeeInput, eventsSchema, INPUT_FIELDS } from './schema.ts';
import { openEventsState } from './state.ts';
import {
  type AttendeeChange,
  AttendeeError,
  AttendeeStore,
  DEFAULT_ROLLING_IDS,
  type RollingIdConfig,
} from './store.ts';

export type EventsWebhookMode = 'standard-webhooks' | 'none';

export interface EventsSimulatorOptions {
  /** 0 (default) picks a free port; always 127.0.0.1. */
  port?: number;
  /** Accepted bearer tokens. Default `['sk_test_kongo_events']`. */
  tokens?: string[];
  /** Tokens that answer `TOKEN_IS_EXPIRED` instead of `INVALID_TOKEN`. */
  expiredTokens?: string[];
  /** `standard-webhooks` (default) sends signed events to subscriptions; `none` = poll only. */
  webhooks?: EventsWebhookMode;
  /** Initial webhook subscriptions (secret `whsec_…`). */
  subscriptions?: Array<{ url: string; secret: string }>;
  limits?: Partial<CostLimits>;
  rollingIds?: Partial<RollingIdConfig>;
  faults?: Partial<FaultConfig>;
  /** Retry schedule, time compression, timeout of webhook deliveries. */
  webhookTiming?: Partial<DispatcherOptions>;
  /** Clock in epoch ms (tests). Default `Date.now`. */
  now?: () => number;
  /**
   * Run the platform's clock ahead (positive) or behind (negative) by this many ms: `updatedAt`, `createdAt`,
   * webhook `timestamp`s — as a real system whose clock differs from its peers'. Default 0.
   */
  clockOffsetMs?: number;
  /** Entries kept in the write log (`writes`, `GET /_admin/writes`). Default 200,000. */
  writeLogLimit?: number;
  /**
   * Keep attendees (with their rolled-id history), the id sequence and webhook subscriptions in this JSON file:
   * loaded at start (a corrupt or unreadable file is an error, never a silent reset), saved atomically shortly
   * after each change and on close(). Without it everything stays in memory.
   */
  stateFile?: string;
}

export interface EventsSimulator {
  url: string;
  port: number;
  /** `${url}/graphql`. */
  graphqlUrl: string;
  /** The first accepted token, handy for tests. */
  token: string;
  store: AttendeeStore;
  faults: FaultInjector;
  counters: RequestCounters;
  dispatcher: WebhookDispatcher;
  subscriptions: SubscriptionRegistry;
  limiter: CostLimiter;
  /** Every applied create, update (no-op ones included) and delete, field by field, API and UI. */
  writes: WriteLog;
  webhookMode: EventsWebhookMode;
  /** Back to the start options: no records, counters, idempotency keys, deliveries or pending retries. */
  reset(): void;
  /** Resolves when no webhook delivery is queued, in flight or waiting to retry. */
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const describeSimulator = (token: string): string =>
  'Kongo events platform simulator (Webex Events style GraphQL). ' +
  `POST /graphql with Authorization: Bearer ${token}; control API under /_admin/ (GET /_admin for the list).\n`;

const IDEMPOTENCY_LIMIT = 10_000;

/**
 * Starts the events platform on 127.0.0.1.
 * @example const sim = await startEventsSimulator({ webhooks: 'none' }); … await sim.close();
 */
export async function startEventsSimulator(options: EventsSimulatorOptions = {}): Promise<EventsSimulator> {
  const now = offsetClock(options.now, options.clockOffsetMs);
  const tokens = new Set(options.tokens ?? ['sk_test_kongo_events']);
  const expired = new Set(options.expiredTokens ?? []);
  const firstToken = [...tokens][0] ?? '';
  const store = new AttendeeStore(now);
  const writes = new WriteLog(options.writeLogLimit);
  store.onWrite = ({ operation, actor, before, after, carried }) => {
    const record = (after ?? before) as Attendee;
    writes.record({
      at: operation === 'delete' ? new Date(now()).toISOString() : record.updatedAt,
      by: actor,
      operation,
      recordId: record.id,
      key: record.email,
      changed:
        operation === 'delete'
          ? {}
          : changedFields(
              before as unknown as Record<string, unknown> | undefined,
              after as unknown as Record<string, unknown>,
              INPUT_FIELDS,
            ),
      written: carried,
    });
  };
  const faults = new FaultInjector(options.faults ?? {});
  const counters = new RequestCounters();
  const dispatcher = new WebhookDispatcher(faults, options.webhookTiming ?? {}, now);
  const subscriptions = new SubscriptionRegistry(checkWhsecSecret);
  const limiter = new CostLimiter({ ...DEFAULT_COST_LIMITS, ...options.limits }, now);
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const rootValue = createRootValue({ store, faults });
  const state = { mode: options.webhooks ?? ('standard-webhooks' as EventsWebhookMode) };

  const applyStartOptions = (): void => {
    store.clear();
    store.rolling = { ...DEFAULT_ROLLING_IDS, ...options.rollingIds };
    limiter.limits = { ...DEFAULT_COST_LIMITS, ...options.limits };
    limiter.reset();
    idempotent.clear();
    counters.reset();
    writes.clear();
    dispatcher.cancelPending();
    dispatcher.clearLog();
    dispatcher.configure({ ...DEFAULT_DISPATCHER_OPTIONS, ...options.webhookTiming });
    faults.configure(options.faults ?? {});
    subscriptions.clear();
    for (const subscription of options.subscriptions ?? []) subscriptions.add(subscription);
    state.mode = options.webhooks ?? 'standard-webhooks';
  };
  applyStartOptions();
  /** One Standard Webhooks event, signed per attempt with that attempt's timestamp. */
  const message = (eventId: string, type: string, body: string): OutgoingWebhook => ({
    eventId,
    type,
    body,
    headers: (subscription, _attempt, nowMs) => {
      const timestamp = Math.floor(nowMs / 1000);
      return {
        'webhook-id': eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhook([subscription.secret], eventId, timestamp, body),
      };
    },
  });
  const persisted =
    options.stateFile === undefined
      ? undefined
      : openEventsState(options.stateFile, store, subscriptions, options.subscriptions ?? [], {
          undelivered: () => dispatcher.undelivered(),
          resume: (saved) =>
            dispatcher.resume(saved, subscriptions.list(), (w) => message(w.eventId, w.type, w.body)),
        });
  if (persisted) dispatcher.onChange = () => persisted.markDirty();

  /**
   * Sends each change as one Standard Webhooks event; resolves after the first attempts. The events are
   * recorded (undelivered) at once; with `after`, their first attempts wait for it (the API answer).
   */
  const publish = (changes: readonly AttendeeChange[], after?: Promise<unknown>): Promise<void> => {
    if (state.mode === 'none' || changes.length === 0) return Promise.resolve();
    const targets = subscriptions.list();
    return Promise.all(
      changes.map((change) => {
        const body = JSON.stringify({
          type: change.type,
          timestamp: change.occurredAt,
          data: change.attendee,
        });
        return dispatcher.dispatch(
          targets,
          message(newEventId('msg_'), change.type, body),
          after ? { after } : {},
        );
      }),
    ).then(() => undefined);
  };

  /** Whether every change so far reached the state file (true at once without one). */
  const durable = (): Promise<boolean> =>
    persisted
      ? persisted.durable().then(
          () => true,
          () => false,
        )
      : Promise.resolve(true);

  const limitHeaders = (token: string): Record<string, string> => limiter.limitHeaders(token);

  const costExceeded = (
    res: ServerResponse,
    token: string,
    cost: number,
    secondlyRetryAfterMs: number,
    dailyRetryAfterS: number,
  ): void => {
    sendJson(
      res,
      429,
      {
        errors: [
          {
            message:
              'Max cost exceeded. Wait before retrying (see X-Secondly-Retry-After / X-Daily-Retry-After).',
            extensions: limiter.exceededExtensions(token, cost),
          },
        ],
      },
      limiter.refusalHeaders(token, secondlyRetryAfterMs, dailyRetryAfterS),
    );
  };

  const handleGraphql = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const endpoint = 'POST /graphql';
    let operationLabel: string | undefined;
    const count = (status: number | string): void => counters.record(endpoint, operationLabel, status);
    const fail = (
      status: number,
      code: string,
      message: string,
      headers: Record<string, string> = {},
    ): void => {
      sendJson(res, status, { errors: [{ message, extensions: { code } }] }, headers);
      count(status);
    };

    const rawBody = await readBody(req, 1_048_576).catch((error: unknown) => {
      if (error instanceof SimHttpError) return error;
      throw error;
    });
    if (rawBody instanceof SimHttpError) return fail(413, 'PAYLOAD_TOO_LARGE', rawBody.message);
    let payload: unknown;
    try {
      payload = parseJson(rawBody);
    } catch (error) {
      return fail(400, 'BAD_REQUEST', error instanceof Error ? error.message : String(error));
    }
    if (!isObject(payload) || typeof payload.query !== 'string') {
      return fail(400, 'BAD_REQUEST', 'Body must be JSON { "query": string, "variables"?: object }.');
    }
    const variables = isObject(payload.variables) ? payload.variables : {};
    const operationName = typeof payload.operationName === 'string' ? payload.operationName : undefined;
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (error) {
      return fail(400, 'GRAPHQL_PARSE_FAILED', error instanceof Error ? error.message : String(error));
    }
    const operation = getOperationAST(document, operationName);
    if (operation) operationLabel = labelOf(operation);

    // Infrastructure faults strike before auth, like a gateway in front of the API.
    const auth = header(req, 'authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : '';
    const gate = await beforeRequest(faults, operationLabel ?? endpoint, res, (retryAfterMs) =>
      costExceeded(res, token, 0, Math.max(1, retryAfterMs), 0),
    );
    if (gate.action === 'handled') return count(gate.status);

    if (expired.has(token)) return fail(400, 'TOKEN_IS_EXPIRED', 'The access token has expired.');
    if (!tokens.has(token))
      return fail(400, 'INVALID_TOKEN', 'Invalid access token. Send Authorization: Bearer sk_…');

    const problems = validate(eventsSchema, document);
    if (problems.length > 0) {
      sendJson(
        res,
        400,
        { errors: problems.map((p) => withCode(p, 'GRAPHQL_VALIDATION_FAILED')) },
        limitHeaders(token),
      );
      return count(400);
    }
    if (!operation)
      return fail(400, 'BAD_REQUEST', 'Could not pick an operation: name one with operationName.');

    const cost = operationCost(operation, variables);
    if (!isIntrospection(operation)) {
      const limits = limiter.limits;
      const depth = operationDepth(document, operation);
      if (
        payload.query.length > limits.maxQueryLength ||
        depth > limits.maxDepth ||
        cost > limits.secondlyThreshold
      ) {
        return fail(
          413,
          'QUERY_TOO_COMPLEX',
          `Query too complex (depth ${depth} of ${limits.maxDepth}, cost ${cost} of ${limits.secondlyThreshold}, ` +
            `${payload.query.length} of ${limits.maxQueryLength} characters). Ask for fewer nodes or fields.`,
          limitHeaders(token),
        );
      }
    }
    const verdict = limiter.charge(token, cost);
    if (!verdict.allowed) {
      costExceeded(res, token, cost, verdict.secondlyRetryAfterMs, verdict.dailyRetryAfterS);
      return count(429);
    }

    const key = operation.operation === 'mutation' ? header(req, 'idempotency-key') : undefined;
    const cacheKey = key === undefined ? undefined : `${token}\u0000${key}`;
    const replay = cacheKey === undefined ? undefined : idempotent.get(cacheKey);
    if (replay) {
      sendJson(res, replay.status, replay.body, { ...limitHeaders(token), 'idempotent-replayed': 'true' });
      return count(replay.status);
    }

    const context: ResolverContext = { changes: [] };
    const result = await execute({
      schema: eventsSchema,
      document,
      rootValue,
      contextValue: context,
      variableValues: variables,
      operationName: operationName ?? null,
    });
    const body = JSON.parse(JSON.stringify(result)) as unknown;
    // No `data` at all means the request never ran (e.g. variables that do not coerce): a request error, 400.
    const status = 'data' in result ? 200 : 400;
    if (cacheKey !== undefined && status === 200) {
      if (idempotent.size >= IDEMPOTENCY_LIMIT) idempotent.delete(idempotent.keys().next().value ?? '');
      idempotent.set(cacheKey, { status, body });
    }
    // The write and its webhooks are on disk before anyone hears of it: a kill after the answer loses nothing.
    let answered: () => void = () => {};
    if (faults.config.echoBeforeResponse) await publish(context.changes);
    else void publish(context.changes, new Promise<void>((resolve) => (answered = resolve)));
    if (!(await durable())) {
      answered();
      return fail(500, 'INTERNAL_SERVER_ERROR', 'The write could not be saved; retry it.');
    }
    if (gate.action === 'process-then-fail') {
      count(failAnswer(res, gate.decision));
    } else {
      sendJson(res, status, body, limitHeaders(token));
      count(status);
    }
    answered();
  };

  const admin = new Router();
  addCommonAdminRoutes(admin, { faults, counters, dispatcher, subscriptions, writes });
  const uiWrite = (change: AttendeeChange): AttendeeChange => {
    void publish([change]);
    return change;
  };
  admin
    .on('GET', '/_admin', ({ res }) =>
      sendJson(res, 200, { description: describeSimulator(firstToken).trim(), routes: admin.describe() }),
    )
    .on('GET', '/_admin/records', ({ res, query }) => {
      const email = query.get('email');
      const all = email === null ? store.all() : [store.findByEmail(email)].filter((a) => a !== undefined);
      const limit = Number(query.get('limit') ?? '1000');
      sendJson(res, 200, { data: all.slice(0, limit), total: all.length });
    })
    .on('GET', '/_admin/records/:id', ({ res, params }) => {
      const found = store.get(params.id ?? '');
      if (!found) throw new AttendeeError('NOT_FOUND', `Attendee ${params.id} not found.`);
      sendJson(res, 200, found);
    })
    .on('GET', '/_admin/records/:id/history', ({ res, params }) => {
      const history = store.idHistory(params.id ?? '');
      if (!history) throw new AttendeeError('NOT_FOUND', `No attendee has ever had id ${params.id}.`);
      sendJson(res, 200, history);
    })
    .on('POST', '/_admin/records', async ({ req, res }) => {
      sendJson(res, 201, uiWrite(store.create(attendeeInput(await readJson(req)), 'ui')).attendee);
    })
    .on('PUT', '/_admin/records/:id', async ({ req, res, params }) => {
      sendJson(
        res,
        200,
        uiWrite(store.update(params.id ?? '', attendeeInput(await readJson(req)), 'ui')).attendee,
      );
    })
    .on('PATCH', '/_admin/records/:id', async ({ req, res, params }) => {
      sendJson(
        res,
        200,
        uiWrite(store.update(params.id ?? '', attendeeInput(await readJson(req)), 'ui')).attendee,
      );
    })
    .on('DELETE', '/_admin/records/:id', ({ res, params }) => {
      uiWrite(store.delete(params.id ?? '', 'ui'));
      sendJson(res, 204, undefined);
    })
    .on('GET', '/_admin/id-history', ({ res }) => sendJson(res, 200, { data: store.rolledHistories() }))
    .on('POST', '/_admin/seed', async ({ req, res }) => {
      sendJson(res, 201, seed(store, await readJson(req), publish));
    })
    .on('POST', '/_admin/updated-at', async ({ req, res }) => {
      const { at, ids } = parseUpdatedAtBody(await readJson(req));
      sendJson(res, 200, { updated: store.setUpdatedAt(at, ids) });
    })
    .on('GET', '/_admin/limits', ({ res }) => sendJson(res, 200, limiter.limits))
    .on('PUT', '/_admin/limits', async ({ req, res }) => {
      limiter.limits = {
        ...limiter.limits,
        ...numbersOf(await readJson(req), Object.keys(DEFAULT_COST_LIMITS)),
      };
      limiter.reset();
      sendJson(res, 200, limiter.limits);
    })
    .on('GET', '/_admin/rolling-ids', ({ res }) => sendJson(res, 200, store.rolling))
    .on('PUT', '/_admin/rolling-ids', async ({ req, res }) => {
      store.rolling = { ...store.rolling, ...rollingConfig(await readJson(req)) };
      sendJson(res, 200, store.rolling);
    })
    .on('GET', '/_admin/webhook-mode', ({ res }) => sendJson(res, 200, { mode: state.mode }))
    .on('PUT', '/_admin/webhook-mode', async ({ req, res }) => {
      const body = await readJson(req);
      if (!isObject(body) || (body.mode !== 'standard-webhooks' && body.mode !== 'none')) {
        throw new SimHttpError(
          422,
          'VALIDATION_FAILED',
          'Expected { "mode": "standard-webhooks" | "none" }.',
        );
      }
      state.mode = body.mode;
      sendJson(res, 200, { mode: state.mode });
    })
    .on('POST', '/_admin/reset', ({ res }) => {
      applyStartOptions();
      sendJson(res, 200, { reset: true });
    });

  const server = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const method = req.method ?? 'GET';
      if (url.pathname === '/_admin' || url.pathname.startsWith('/_admin/')) {
        await routeAdmin(admin, req, res, url, translateAttendeeError);
        // Subscriptions live outside the store: any admin write may have changed them.
        if (method !== 'GET') persisted?.markDirty();
        return;
      }
      if (url.pathname === '/' && method === 'GET') return sendText(res, 200, describeSimulator(firstToken));
      if (url.pathname === '/graphql') {
        if (method !== 'POST') {
          sendJson(res, 405, {
            errors: [{ message: 'Use POST /graphql.', extensions: { code: 'METHOD_NOT_ALLOWED' } }],
          });
          return counters.record(`${method} /graphql`, undefined, 405);
        }
        return handleGraphql(req, res);
      }
      sendJson(res, 404, {
        errors: [{ message: `No route ${method} ${url.pathname}.`, extensions: { code: 'NOT_FOUND' } }],
      });
      counters.record(`${method} ${url.pathname}`, undefined, 404);
    },
    { port: options.port ?? 0 },
  );

  return {
    url: server.url,
    port: server.port,
    graphqlUrl: `${server.url}/graphql`,
    token: firstToken,
    store,
    writes,
    faults,
    counters,
    dispatcher,
    subscriptions,
    limiter,
    get webhookMode() {
      return state.mode;
    },
    set webhookMode(mode: EventsWebhookMode) {
      state.mode = mode;
    },
    reset: applyStartOptions,
    idle: (timeoutMs?: number) => dispatcher.idle(timeoutMs),
    async close() {
      dispatcher.stop();
      await server.close();
      if (persisted) {
        persisted.markDirty(); // also what was changed in-process (e.g. `subscriptions.add`)
        await persisted.close();
      }
    },
  };
}

/** `query attendees`, `mutation createAttendee,updateAttendee`: the counter and fault-scope name. */
function labelOf(operation: OperationDefinitionNode): string {
  const fields = operation.selectionSet.selections.map((s) => (s.kind === 'Field' ? s.name.value : '…'));
  return `${operation.operation} ${fields.join(',')}`;
}

function withCode(error: GraphQLError, code: string): unknown {
  return { ...error.toJSON(), extensions: { ...error.extensions, code } };
}

/** Store failures on the admin API: 404 / 409 / 422 with the same code. */
function translateAttendeeError(error: unknown): SimHttpError | undefined {
  if (!(error instanceof AttendeeError)) return undefined;
  const status = error.code === 'NOT_FOUND' ? 404 : error.code === 'ALREADY_EXISTS' ? 409 : 422;
  return new SimHttpError(status, error.code, error.message, error.details);
}

function attendeeInput(body: unknown): AttendeeInput {
  if (!isObject(body))
    throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected a JSON object of attendee fields.');
  return body as AttendeeInput; // the store checks every field and rejects unknown ones
}

function numbersOf(body: unknown, keys: readonly string[]): Record<string, number> {
  if (!isObject(body)) throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected a JSON object.');
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!keys.includes(key)) throw new SimHttpError(422, 'VALIDATION_FAILED', `Unknown field ${key}.`);
    if (typeof value !== 'number' || value < 0)
      throw new SimHttpError(422, 'VALIDATION_FAILED', `${key} must be a number ≥ 0.`);
    out[key] = value;
  }
  return out;
}

function rollingConfig(body: unknown): Partial<RollingIdConfig> {
  if (!isObject(body)) throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected a JSON object.');
  const out: Partial<RollingIdConfig> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === 'everyNthUpdate' && typeof value === 'number' && Number.isInteger(value) && value >= 1) {
      out.everyNthUpdate = value;
    } else if (
      (key === 'enabled' || key === 'countUiEdits' || key === 'onStatusChange') &&
      typeof value === 'boolean'
    ) {
      out[key] = value;
    } else {
      throw new SimHttpError(422, 'VALIDATION_FAILED', `Bad rolling-ids field ${key}.`);
    }
  }
  return out;
}

/**
 * `{ count, updatedAt?, emailDomain?, webhooks? }` generates attendees `seed-000001@…`; `{ records: [...] }`
 * creates the given ones. Webhooks are off unless `webhooks: true`. All share `updatedAt` when given.
 */
function seed(
  store: AttendeeStore,
  body: unknown,
  publish: (changes: readonly AttendeeChange[]) => Promise<void>,
): { created: number; firstId: string | null; lastId: string | null } {
  if (!isObject(body)) throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected a JSON object.');
  const at = typeof body.updatedAt === 'string' ? Date.parse(body.updatedAt) : undefined;
  if (at !== undefined && Number.isNaN(at))
    throw new SimHttpError(422, 'VALIDATION_FAILED', 'updatedAt is not ISO.');
  const inputs: AttendeeInput[] = [];
  if (Array.isArray(body.records)) {
    for (const record of body.records) inputs.push(attendeeInput(record));
  } else if (
    typeof body.count === 'number' &&
    Number.isInteger(body.count) &&
    body.count >= 0 &&
    body.count <= 200_000
  ) {
    const domain = typeof body.emailDomain === 'string' ? body.emailDomain : 'example.com';
    const offset = store.size;
    for (let i = 1; i <= body.count; i++) {
      const n = String(offset + i).padStart(6, '0');
      inputs.push({
        email: `seed-${n}@${domain}`,
        firstName: FIRST_NAMES[i % FIRST_NAMES.length] ?? null,
        lastName: LAST_NAMES[i % LAST_NAMES.length] ?? null,
        company: `Company ${n}`,
      });
    }
  } else {
    throw new SimHttpError(
      422,
      'VALIDATION_FAILED',
      'Expected { "count": 0…200000 } or { "records": [...] }.',
    );
  }
  const changes = inputs.map((input) => store.create(input, 'ui', at));
  if (body.webhooks === true) void publish(changes);
  return {
    created: changes.length,
    firstId: changes[0]?.attendee.id ?? null,
    lastId: changes.at(-1)?.attendee.id ?? null,
  };
}

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Katherine', 'Edsger', 'Barbara', 'Donald', 'Frances'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Dijkstra', 'Liskov', 'Knuth', 'Allen'];

/** Standard Webhooks secrets are `whsec_` + base64 of at least 16 key bytes. */
function checkWhsecSecret(secret: string): string | undefined {
  if (!secret.startsWith('whsec_')) return 'secret must start with whsec_';
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return key.length >= 16 ? undefined : 'secret must hold at least 16 base64-encoded bytes after whsec_';
}
