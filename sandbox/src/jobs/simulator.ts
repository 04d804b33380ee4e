// The job system simulator: a REST JSON API (jobs keyed by reference) with HMAC-signed webhooks and /_admin/.

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultConfig, FaultInjector } from '../faults/index.ts';
import {
  addCommonAdminRoutes,
  beforeRequest,
  DEFAULT_DISPATCHER_OPTIONS,
  type DispatcherOptions,
  decodeCursor,
  encodeCursor,
  type FaultGate,
  failAnswer,
  header,
  hmacSha256Hex,
  isObject,
  type KeysetPosition,
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
  WebhookDispatcher,
} from '../sim-kit/index.ts';
import { offsetClock } from '../sim-kit/write-log.ts';
import { DEFAULT_JOBS_LIMITS, formatSeconds, type JobsLimits, RequestRateLimiter } from './rate-limit.ts';
import { openJobsState } from './state.ts';
import {
  type Job,
  type JobChange,
  type JobInput,
  JobStore,
  jobNotFound,
  parseJobInput,
  validationFailed,
} from './store.ts';

export interface JobsSimulatorOptions {
  /** 0 (default) picks a free port; always 127.0.0.1. */
  port?: number;
  /** Accepted bearer tokens. Default `['jobs_test_kongo']`. */
  tokens?: string[];
  /** Initial webhook subscriptions (any secret of 8+ characters). */
  subscriptions?: Array<{ url: string; secret: string }>;
  limits?: Partial<JobsLimits>;
  faults?: Partial<FaultConfig>;
  webhookTiming?: Partial<DispatcherOptions>;
  /** Clock in epoch ms (tests). Default `Date.now`. */
  now?: () => number;
  /** Run the job system's clock ahead (positive) or behind (negative) by this many ms. Default 0. */
  clockOffsetMs?: number;
  /**
   * Keep jobs, the id sequence and webhook subscriptions in this JSON file: loaded at start (a corrupt or
   * unreadable file is an error, never a silent reset), saved atomically shortly after each change and on
   * close(). Without it everything stays in memory.
   */
  stateFile?: string;
}

export interface JobsSimulator {
  url: string;
  port: number;
  token: string;
  store: JobStore;
  faults: FaultInjector;
  counters: RequestCounters;
  dispatcher: WebhookDispatcher;
  subscriptions: SubscriptionRegistry;
  limiter: RequestRateLimiter;
  reset(): void;
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const describeSimulator = (token: string): string =>
  'Kongo job system simulator (REST JSON). GET/POST /jobs, GET/PATCH/DELETE /jobs/{id} with ' +
  `Authorization: Bearer ${token}; control API under /_admin/ (GET /_admin for the list).\n`;

/** Delays before webhook attempts 2–7 (about 43 minutes in all); `timeCompression` shortens them in tests. */
const JOBS_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000, 1_800_000];
const IDEMPOTENCY_LIMIT = 10_000;

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  changes?: JobChange[];
}

/**
 * Starts the job system on 127.0.0.1.
 * @example const jobs = await startJobsSimulator(); await fetch(`${jobs.url}/jobs`, { headers: { authorization: `Bearer ${jobs.token}` } });
 */
export async function startJobsSimulator(options: JobsSimulatorOptions = {}): Promise<JobsSimulator> {
  const now = offsetClock(options.now, options.clockOffsetMs);
  const tokens = new Set(options.tokens ?? ['jobs_test_kongo']);
  const firstToken = [...tokens][0] ?? '';
  const store = new JobStore(now);
  const faults = new FaultInjector(options.faults ?? {});
  const counters = new RequestCounters();
  const dispatcher = new WebhookDispatcher(
    faults,
    { retryDelaysMs: JOBS_RETRY_DELAYS_MS, ...options.webhookTiming },
    now,
  );
  const subscriptions = new SubscriptionRegistry((secret) =>
    secret.length >= 8 ? undefined : 'secret must be at least 8 characters',
  );
  const limiter = new RequestRateLimiter({ ...DEFAULT_JOBS_LIMITS, ...options.limits }, now);
  const idempotent = new Map<string, { hash: string; answer: Answer }>();
  let raceCount = 0;

  const applyStartOptions = (): void => {
    store.clear();
    limiter.limits = { ...DEFAULT_JOBS_LIMITS, ...options.limits };
    limiter.reset();
    idempotent.clear();
    counters.reset();
    dispatcher.cancelPending();
    dispatcher.clearLog();
    dispatcher.configure({
      ...DEFAULT_DISPATCHER_OPTIONS,
      retryDelaysMs: JOBS_RETRY_DELAYS_MS,
      ...options.webhookTiming,
    });
    faults.configure(options.faults ?? {});
    subscriptions.clear();
    for (const subscription of options.subscriptions ?? []) subscriptions.add(subscription);
    raceCount = 0;
  };
  applyStartOptions();
  /** One job event, signed over its body; the attempt number rides in a header. */
  const message = (eventId: string, type: string, body: string): OutgoingWebhook => ({
    eventId,
    type,
    body,
    headers: (subscription, attempt) => ({
      'x-jobs-signature': hmacSha256Hex(subscription.secret, body),
      'x-jobs-event-id': eventId,
      'x-jobs-delivery-attempt': String(attempt),
    }),
  });
  const persisted =
    options.stateFile === undefined
      ? undefined
      : openJobsState(options.stateFile, store, subscriptions, options.subscriptions ?? [], {
          undelivered: () => dispatcher.undelivered(),
          resume: (saved) =>
            dispatcher.resume(saved, subscriptions.list(), (w) => message(w.eventId, w.type, w.body)),
        });
  if (persisted) dispatcher.onChange = () => persisted.markDirty();
  /** Whether every change so far reached the state file (true at once without one). */
  const durable = (): Promise<boolean> =>
    persisted
      ? persisted.durable().then(
          () => true,
          () => false,
        )
      : Promise.resolve(true);

  /** Sends each change as one event; recorded at once, first attempts after `after` (the API answer) when given. */
  const publish = (changes: readonly JobChange[], after?: Promise<unknown>): Promise<void> => {
    const targets = subscriptions.list();
    if (changes.length === 0 || targets.length === 0) return Promise.resolve();
    return Promise.all(
      changes.map((change) => {
        const eventId = newEventId('evt_');
        const body = JSON.stringify({
          id: eventId,
          type: change.type,
          occurredAt: change.occurredAt,
          data: change.job,
        });
        return dispatcher.dispatch(targets, message(eventId, change.type, body), after ? { after } : {});
      }),
    ).then(() => undefined);
  };

  /** A person edits the same job in the UI at the same moment as an API PATCH (fault `concurrentEditRate`). */
  const raceEdit = (id: string, input: JobInput, changes: JobChange[]): void => {
    const field = (['notes', 'title', 'siteAddress'] as const).find((f) => f in input) ?? 'notes';
    raceCount += 1;
    try {
      changes.push(store.update(id, { [field]: `Edited in UI (${raceCount})` }, 'ui'));
    } catch {
      // the job vanished between the two writes: no race to apply
    }
  };

  const api = {
    list(query: URLSearchParams): Answer {
      const details: Array<{ field: string; message: string }> = [];
      const limitText = query.get('limit');
      const limit = limitText === null ? 50 : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        details.push({ field: 'limit', message: 'must be an integer from 1 to 100' });
      }
      const updatedAfter = query.get('updatedAfter');
      const fromMs = updatedAfter === null ? undefined : Date.parse(updatedAfter);
      if (fromMs !== undefined && Number.isNaN(fromMs)) {
        details.push({ field: 'updatedAfter', message: 'must be an ISO 8601 date-time' });
      }
      const cursorText = query.get('cursor');
      const after = cursorText === null ? undefined : decodeCursor(cursorText);
      if (cursorText !== null && after === undefined)
        details.push({ field: 'cursor', message: 'is not a cursor this API issued' });
      if (details.length > 0) throw validationFailed(details);
      const reference = query.get('reference');
      if (reference !== null) {
        const found = store.findByReference(reference);
        const data = found && (fromMs === undefined || Date.parse(found.updatedAt) >= fromMs) ? [found] : [];
        return { status: 200, body: { data, nextCursor: null } };
      }
      const page: { fromMs?: number; after?: KeysetPosition; limit: number } = { limit };
      if (fromMs !== undefined) page.fromMs = fromMs;
      if (after !== undefined) page.after = after;
      const { items, hasMore } = store.page(page);
      const last = items.at(-1);
      const nextCursor =
        hasMore && last ? encodeCursor({ updatedMs: Date.parse(last.updatedAt), id: last.id }) : null;
      return { status: 200, body: { data: items, nextCursor } };
    },
    get(id: string): Answer {
      const job = store.get(id);
      if (!job) throw jobNotFound(id);
      return { status: 200, body: job };
    },
    create(body: unknown): Answer {
      const change = store.create(parseJobInput(body, true), 'api');
      return {
        status: 201,
        body: change.job,
        headers: { location: `/jobs/${change.job.id}` },
        changes: [change],
      };
    },
    update(id: string, body: unknown): Answer {
      if (!store.get(id)) throw jobNotFound(id);
      const input = parseJobInput(body, false);
      const changes: JobChange[] = [];
      const race = faults.concurrentEdit();
      if (race === 'before') raceEdit(id, input, changes);
      const change = store.update(id, input, 'api');
      changes.push(change);
      if (race === 'after') raceEdit(id, input, changes);
      return { status: 200, body: change.job, changes };
    },
    remove(id: string): Answer {
      return { status: 204, body: undefined, changes: [store.delete(id, 'api')] };
    },
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const idMatch = /^\/jobs\/([^/]+)$/.exec(url.pathname);
    const id = idMatch ? decodeURIComponent(idMatch[1] ?? '') : undefined;
    const route = url.pathname === '/jobs' ? '/jobs' : '/jobs/{id}';
    const operation = `${method} ${route}`;
    const count = (status: number | string): void => counters.record(`${method} ${route}`, operation, status);
    const errorBody = (error: SimHttpError): unknown => ({
      error: {
        code: error.code,
        message: error.message,
        ...(error.details && error.details.length > 0 ? { details: error.details } : {}),
      },
    });
    const allowed = route === '/jobs' ? ['GET', 'POST'] : ['GET', 'PATCH', 'DELETE'];
    if (!allowed.includes(method)) {
      sendJson(
        res,
        405,
        errorBody(new SimHttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here.`)),
        {
          allow: allowed.join(', '),
        },
      );
      return count(405);
    }

    const rateLimited = (retryAfterSeconds: number): void => {
      sendJson(
        res,
        429,
        errorBody(
          new SimHttpError(
            429,
            'RATE_LIMITED',
            `Too many requests; retry after ${formatSeconds(retryAfterSeconds)} s.`,
          ),
        ),
        {
          'retry-after': formatSeconds(retryAfterSeconds),
          'x-ratelimit-limit': String(limiter.limits.requestsPerSecond),
          'x-ratelimit-remaining': '0',
        },
      );
    };
    const gate: FaultGate = await beforeRequest(faults, operation, res, (ms) => rateLimited(ms / 1000));
    if (gate.action === 'handled') return count(gate.status);

    const auth = header(req, 'authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length).trim() : '';
    if (!tokens.has(token)) {
      sendJson(
        res,
        401,
        errorBody(new SimHttpError(401, 'UNAUTHORIZED', 'Missing or invalid bearer token.')),
        {
          'www-authenticate': 'Bearer',
        },
      );
      return count(401);
    }
    const rate = limiter.take(token);
    if (!rate.allowed) {
      rateLimited(rate.retryAfterSeconds);
      return count(429);
    }
    const rateHeaders = {
      'x-ratelimit-limit': String(limiter.limits.requestsPerSecond),
      'x-ratelimit-remaining': String(rate.remaining),
    };

    let answer: Answer;
    let replayed = false;
    try {
      const raw = method === 'POST' || method === 'PATCH' ? await readBody(req) : '';
      const key = method === 'POST' ? header(req, 'idempotency-key') : undefined;
      const cacheKey = key === undefined ? undefined : `${token}\u0000${key}`;
      const hash = createHash('sha256').update(raw).digest('hex');
      const cached = cacheKey === undefined ? undefined : idempotent.get(cacheKey);
      if (cached && cached.hash !== hash) {
        throw new SimHttpError(
          422,
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different request body; use a new key for a new request.',
        );
      }
      if (cached) {
        answer = { ...cached.answer, changes: [] };
        replayed = true;
      } else {
        try {
          if (method === 'GET' && id === undefined) answer = api.list(url.searchParams);
          else if (method === 'GET') answer = api.get(id ?? '');
          else if (method === 'POST') answer = api.create(parseJson(raw));
          else if (method === 'PATCH') answer = api.update(id ?? '', parseJson(raw));
          else answer = api.remove(id ?? '');
        } catch (error) {
          if (!(error instanceof SimHttpError)) throw error;
          answer = { status: error.status, body: errorBody(error) };
        }
        if (cacheKey !== undefined) {
          if (idempotent.size >= IDEMPOTENCY_LIMIT) idempotent.delete(idempotent.keys().next().value ?? '');
          idempotent.set(cacheKey, {
            hash,
            answer: { status: answer.status, body: answer.body, ...withHeaders(answer) },
          });
        }
      }
    } catch (error) {
      if (!(error instanceof SimHttpError)) throw error;
      answer = { status: error.status, body: errorBody(error) };
    }

    const changes = answer.changes ?? [];
    // The write and its webhooks are on disk before anyone hears of it: a kill after the answer loses nothing.
    let answered: () => void = () => {};
    if (faults.config.echoBeforeResponse) await publish(changes);
    else void publish(changes, new Promise<void>((resolve) => (answered = resolve)));
    if (!(await durable())) {
      answered();
      sendJson(res, 500, {
        error: { code: 'INTERNAL_ERROR', message: 'The write could not be saved; retry it.' },
      });
      count(500);
      return;
    }
    if (gate.action === 'process-then-fail') {
      count(failAnswer(res, gate.decision));
    } else {
      sendJson(res, answer.status, answer.body, {
        ...rateHeaders,
        ...answer.headers,
        ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
      count(answer.status);
    }
    answered();
  };

  const admin = new Router();
  addCommonAdminRoutes(admin, { faults, counters, dispatcher, subscriptions });
  const uiWrite = (change: JobChange): Job => {
    void publish([change]);
    return change.job;
  };
  admin
    .on('GET', '/_admin', ({ res }) =>
      sendJson(res, 200, { description: describeSimulator(firstToken).trim(), routes: admin.describe() }),
    )
    .on('GET', '/_admin/records', ({ res, query }) => {
      const reference = query.get('reference');
      const all =
        reference === null ? store.all() : [store.findByReference(reference)].filter((j) => j !== undefined);
      sendJson(res, 200, { data: all.slice(0, Number(query.get('limit') ?? '1000')), total: all.length });
    })
    .on('GET', '/_admin/records/:id', ({ res, params }) => {
      const job = store.get(params.id ?? '');
      if (!job) throw jobNotFound(params.id ?? '');
      sendJson(res, 200, job);
    })
    .on('POST', '/_admin/records', async ({ req, res }) => {
      sendJson(res, 201, uiWrite(store.create(parseJobInput(await readJson(req), true), 'ui')));
    })
    .on('PUT', '/_admin/records/:id', async ({ req, res, params }) => {
      const id = params.id ?? '';
      if (!store.get(id)) throw jobNotFound(id);
      sendJson(res, 200, uiWrite(store.update(id, parseJobInput(await readJson(req), false), 'ui')));
    })
    .on('PATCH', '/_admin/records/:id', async ({ req, res, params }) => {
      const id = params.id ?? '';
      if (!store.get(id)) throw jobNotFound(id);
      sendJson(res, 200, uiWrite(store.update(id, parseJobInput(await readJson(req), false), 'ui')));
    })
    .on('DELETE', '/_admin/records/:id', ({ res, params }) => {
      uiWrite(store.delete(params.id ?? '', 'ui'));
      sendJson(res, 204, undefined);
    })
    .on('POST', '/_admin/seed', async ({ req, res }) => {
      sendJson(res, 201, seedJobs(store, await readJson(req), publish));
    })
    .on('POST', '/_admin/updated-at', async ({ req, res }) => {
      const { at, ids } = parseUpdatedAtBody(await readJson(req));
      sendJson(res, 200, { updated: store.setUpdatedAt(at, ids) });
    })
    .on('GET', '/_admin/limits', ({ res }) => sendJson(res, 200, limiter.limits))
    .on('PUT', '/_admin/limits', async ({ req, res }) => {
      const body = await readJson(req);
      const value = isObject(body) ? body.requestsPerSecond : undefined;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected { "requestsPerSecond": integer ≥ 1 }.');
      }
      limiter.limits = { requestsPerSecond: value };
      limiter.reset();
      sendJson(res, 200, limiter.limits);
    })
    .on('POST', '/_admin/reset', ({ res }) => {
      applyStartOptions();
      sendJson(res, 200, { reset: true });
    });

  const server = await listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/_admin' || url.pathname.startsWith('/_admin/')) {
        await routeAdmin(admin, req, res, url);
        // Subscriptions live outside the store: any admin write may have changed them.
        if (req.method !== 'GET') persisted?.markDirty();
        return;
      }
      if (url.pathname === '/' && req.method === 'GET')
        return sendText(res, 200, describeSimulator(firstToken));
      if (url.pathname === '/jobs' || /^\/jobs\/[^/]+$/.test(url.pathname)) return handleApi(req, res, url);
      sendJson(res, 404, {
        error: { code: 'NOT_FOUND', message: `No route ${req.method} ${url.pathname}.` },
      });
      counters.record(`${req.method} ${url.pathname}`, undefined, 404);
    },
    { port: options.port ?? 0 },
  );

  return {
    url: server.url,
    port: server.port,
    token: firstToken,
    store,
    faults,
    counters,
    dispatcher,
    subscriptions,
    limiter,
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

function withHeaders(answer: Answer): { headers?: Record<string, string> } {
  return answer.headers ? { headers: answer.headers } : {};
}

/** `{ count, updatedAt?, webhooks? }` generates jobs `JOB-000001`…; `{ records: [...] }` creates the given ones. */
function seedJobs(
  store: JobStore,
  body: unknown,
  publish: (changes: readonly JobChange[]) => Promise<void>,
): { created: number; firstId: string | null; lastId: string | null } {
  if (!isObject(body)) throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected a JSON object.');
  const at = typeof body.updatedAt === 'string' ? Date.parse(body.updatedAt) : undefined;
  if (at !== undefined && Number.isNaN(at))
    throw new SimHttpError(422, 'VALIDATION_FAILED', 'updatedAt is not ISO.');
  const inputs: JobInput[] = [];
  if (Array.isArray(body.records)) {
    for (const record of body.records) inputs.push(parseJobInput(record, true));
  } else if (
    typeof body.count === 'number' &&
    Number.isInteger(body.count) &&
    body.count >= 0 &&
    body.count <= 200_000
  ) {
    const offset = store.size;
    for (let i = 1; i <= body.count; i++) {
      const n = String(offset + i).padStart(6, '0');
      inputs.push({
        reference: `JOB-${n}`,
        title: `Seeded job ${n}`,
        customerEmail: `customer-${n}@example.com`,
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
    firstId: changes[0]?.job.id ?? null,
    lastId: changes.at(-1)?.job.id ?? null,
  };
}
