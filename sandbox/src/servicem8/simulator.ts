// ServiceM8 jobs (REST api_1.0): X-API-Key, bare arrays with x-next-cursor, $filter, update by POST, x-record-uuid,
// challenge-verified webhook subscriptions naming changed fields; /_admin/ control API.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type FaultConfig, FaultInjector } from '../faults/index.ts';
import {
  addCommonAdminRoutes,
  beforeRequest,
  DEFAULT_DISPATCHER_OPTIONS,
  type DispatcherOptions,
  failAnswer,
  header,
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
  type WebhookSubscription,
  WindowLimiter,
} from '../sim-kit/index.ts';
import { check, StateFile, StateShapeError } from '../sim-kit/state-file.ts';
import {
  type Job,
  type JobChange,
  JobStore,
  matchesFilter,
  parseFilter,
  parseJobInput,
  ServiceM8Error,
} from './store.ts';

export interface ServiceM8Limits {
  perMinute: number;
  perDay: number;
}

/** developer.servicem8.com OpenAPI description, "Limits and Throttling". */
export const DEFAULT_SERVICEM8_LIMITS: ServiceM8Limits = { perMinute: 180, perDay: 20_000 };

export interface ServiceM8SimulatorOptions {
  port?: number;
  /** Private-application API keys (`X-API-Key`). Default `['smk-kongo-demo']`. */
  apiKeys?: string[];
  /** OAuth access tokens of a public application (`Authorization: Bearer`), needed for the Webhooks API. */
  accessTokens?: string[];
  /** Records per list page (ServiceM8: up to 5,000). */
  pageSize?: number;
  limits?: Partial<ServiceM8Limits>;
  /**
   * Body of an update notification: `json` (default; the shape ServiceM8 staff describe) or `form` (the docs'
   * "form-encoded POST data": fields `object`, `entry` as JSON text, `resource_url`).
   */
  updateEncoding?: 'json' | 'form';
  faults?: Partial<FaultConfig>;
  webhookTiming?: Partial<DispatcherOptions>;
  now?: () => number;
  stateFile?: string;
}

export interface ServiceM8Subscription {
  id: string;
  object: string;
  fields: string[];
  callback_url: string;
  unique_id: string;
}

export interface ServiceM8Simulator {
  url: string;
  port: number;
  /** `${url}/api_1.0` (ServiceM8: https://api.servicem8.com/api_1.0). */
  apiUrl: string;
  apiKey: string;
  store: JobStore;
  faults: FaultInjector;
  counters: RequestCounters;
  dispatcher: WebhookDispatcher;
  subscriptions: SubscriptionRegistry;
  webhookSubscriptions(): ServiceM8Subscription[];
  reset(): void;
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const describe = (key: string): string =>
  'Kongo ServiceM8 simulator (jobs, REST api_1.0). GET/POST /api_1.0/job.json, GET/POST/DELETE ' +
  `/api_1.0/job/{uuid}.json with X-API-Key: ${key}; POST /webhook_subscriptions with a Bearer token; control API under /_admin/.\n`;

const RETRY_DELAYS_MS = [60_000, 300_000, 1_800_000];

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  changes?: JobChange[];
}

/**
 * Starts the ServiceM8 simulator on 127.0.0.1.
 * @example const sm8 = await startServiceM8Simulator(); await fetch(`${sm8.apiUrl}/job.json`, { headers: { 'x-api-key': sm8.apiKey } });
 */
export async function startServiceM8Simulator(
  options: ServiceM8SimulatorOptions = {},
): Promise<ServiceM8Simulator> {
  const now = options.now ?? Date.now;
  const apiKeys = new Set(options.apiKeys ?? ['smk-kongo-demo']);
  const accessTokens = new Set(options.accessTokens ?? ['sm8-oauth-kongo-demo']);
  const firstKey = [...apiKeys][0] ?? '';
  const pageSize = options.pageSize ?? 5_000;
  const store = new JobStore(now);
  const faults = new FaultInjector(options.faults ?? {});
  const counters = new RequestCounters();
  const timing = (): Partial<DispatcherOptions> => ({
    ...DEFAULT_DISPATCHER_OPTIONS,
    retryDelaysMs: RETRY_DELAYS_MS,
    ...options.webhookTiming,
  });
  const dispatcher = new WebhookDispatcher(faults, timing(), now);
  const subscriptions = new SubscriptionRegistry();
  const meta = new Map<string, ServiceM8Subscription>();
  const rules = (l: ServiceM8Limits) => [
    { name: 'minute', limit: l.perMinute, windowMs: 60_000 },
    { name: 'day', limit: l.perDay, windowMs: 86_400_000 },
  ];
  let limits: ServiceM8Limits = { ...DEFAULT_SERVICEM8_LIMITS, ...options.limits };
  const limiter = new WindowLimiter(rules(limits), now);
  const cursors = new Map<string, { filter: string; after: { edit: string; uuid: string } }>();
  let raceCount = 0;

  const applyStartOptions = (): void => {
    store.clear();
    limits = { ...DEFAULT_SERVICEM8_LIMITS, ...options.limits };
    limiter.rules = rules(limits);
    limiter.reset();
    cursors.clear();
    counters.reset();
    dispatcher.cancelPending();
    dispatcher.clearLog();
    dispatcher.configure(timing());
    faults.configure(options.faults ?? {});
    subscriptions.clear();
    meta.clear();
    raceCount = 0;
  };
  applyStartOptions();
  const persisted = options.stateFile === undefined ? undefined : openState(options.stateFile);

  function openState(file: string): StateFile {
    const state = new StateFile({
      file,
      label: 'ServiceM8 simulator',
      format: 'kongo-servicem8-simulator-state',
      version: 1,
      snapshot: () => ({
        jobs: [...store.jobs.values()],
        nextJobNumber: store.nextJobNumber,
        webhookSubscriptions: [...meta.values()],
      }),
    });
    const saved = state.read();
    if (saved) {
      state.restore(saved, (data) => {
        store.nextJobNumber = check.integer(data.nextJobNumber, 'nextJobNumber', 1);
        for (const [i, item] of check.array(data.jobs, 'jobs').entries()) {
          const job = check.object(item, `jobs[${i}]`);
          const uuid = check.string(job.uuid, `jobs[${i}].uuid`);
          check.string(job.edit_date, `jobs[${i}].edit_date`);
          if (store.jobs.has(uuid)) throw new StateShapeError(`job ${uuid} appears twice`);
          store.jobs.set(uuid, job as unknown as Job);
        }
        for (const [i, item] of check.array(data.webhookSubscriptions, 'webhookSubscriptions').entries()) {
          const sub = check.object(item, `webhookSubscriptions[${i}]`);
          const restored: ServiceM8Subscription = {
            id: check.string(sub.id, `webhookSubscriptions[${i}].id`),
            object: check.string(sub.object, `webhookSubscriptions[${i}].object`),
            fields: check.array(sub.fields, `webhookSubscriptions[${i}].fields`).map(String),
            callback_url: check.string(sub.callback_url, `webhookSubscriptions[${i}].callback_url`),
            unique_id: check.string(sub.unique_id ?? '', `webhookSubscriptions[${i}].unique_id`),
          };
          subscriptions.add({ id: restored.id, url: restored.callback_url, secret: '' });
          meta.set(restored.id, restored);
        }
      });
    }
    store.onChange = () => state.markDirty();
    return state;
  }

  /** The subscription challenge: form-encoded `mode=subscribe&challenge=…`, answered with only the challenge. */
  const challenge = async (callbackUrl: string): Promise<boolean> => {
    const value = randomUUID();
    try {
      const response = await fetch(callbackUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ mode: 'subscribe', challenge: value }).toString(),
        signal: AbortSignal.timeout(dispatcher.options.timeoutMs),
      });
      return response.status === 200 && (await response.text()).trim() === value;
    } catch {
      return false;
    }
  };

  /** Adds or modifies the subscription for (callback_url, object); only a passed challenge keeps it. */
  const subscribe = async (input: Record<string, unknown>): Promise<ServiceM8Subscription> => {
    const object = typeof input.object === 'string' ? input.object : '';
    if (object === '') throw new ServiceM8Error(400, 'Please specify an object for subscription');
    if (object !== 'job')
      throw new ServiceM8Error(400, `"${object}" is not an object this simulator has (only job).`);
    const fields = (typeof input.fields === 'string' ? input.fields : '')
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
    const known = new Set(JOB_FIELD_NAMES);
    const unknown = fields.find((f) => !known.has(f));
    if (fields.length === 0 || unknown !== undefined) {
      throw new ServiceM8Error(400, `"${unknown ?? ''}" is not a valid field for subscription`);
    }
    const url = typeof input.callback_url === 'string' ? input.callback_url : '';
    if (!(await challenge(url))) {
      throw new ServiceM8Error(
        400,
        'Callback URL verification failed: it must answer the subscribe POST with the challenge value only.',
      );
    }
    const existing = [...meta.values()].find((s) => s.callback_url === url && s.object === object);
    const sub = existing
      ? { ...existing, fields, unique_id: String(input.unique_id ?? existing.unique_id) }
      : {
          ...subscriptions.add({ url, secret: '' }),
          object,
          fields,
          callback_url: url,
          unique_id: String(input.unique_id ?? ''),
        };
    const record: ServiceM8Subscription = {
      id: sub.id,
      object,
      fields,
      callback_url: url,
      unique_id: sub.unique_id,
    };
    meta.set(record.id, record);
    persisted?.markDirty();
    return record;
  };

  const publish = (changes: readonly JobChange[]): Promise<void> =>
    Promise.all(
      changes.map((change) => {
        const targets: WebhookSubscription[] = [];
        const perTarget = new Map<string, string[]>();
        for (const sub of meta.values()) {
          const changed = change.changedFields.filter((f) => sub.fields.includes(f));
          const target = subscriptions.list().find((s) => s.id === sub.id);
          if (changed.length === 0 || !target) continue;
          targets.push(target);
          perTarget.set(sub.id, changed);
        }
        if (targets.length === 0) return Promise.resolve();
        // One event per subscription: each names only the fields that subscription asked for.
        return Promise.all(
          targets.map((target) => {
            const entry = [
              { uuid: change.job.uuid, changed_fields: perTarget.get(target.id) ?? [], time: change.at },
            ];
            const resourceUrl = `https://api.servicem8.com/api_1.0/job/${change.job.uuid}.json`;
            const form = options.updateEncoding === 'form';
            const body = form
              ? new URLSearchParams({
                  object: 'job',
                  entry: JSON.stringify(entry),
                  resource_url: resourceUrl,
                }).toString()
              : JSON.stringify({ object: 'job', entry, resource_url: resourceUrl });
            return dispatcher.dispatch([target], {
              eventId: newEventId('sm8_'),
              type: 'job.update',
              body,
              headers: () => (form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
            });
          }),
        ).then(() => undefined);
      }),
    ).then(() => undefined);

  const list = (query: URLSearchParams): Answer => {
    const cursorText = query.get('cursor');
    let filterText = query.get('$filter') ?? '';
    let after: { edit: string; uuid: string } | undefined;
    if (cursorText !== null && cursorText !== '-1') {
      const saved = cursors.get(cursorText);
      if (!saved) throw new ServiceM8Error(400, 'Invalid cursor.');
      filterText = saved.filter;
      after = saved.after;
    }
    const conditions = filterText === '' ? [] : parseFilter(filterText);
    const all = store
      .ordered()
      .filter((job) => matchesFilter(job, conditions))
      .filter(
        (job) =>
          !after || job.edit_date > after.edit || (job.edit_date === after.edit && job.uuid > after.uuid),
      );
    // Without `cursor` the whole result comes back in one answer; with it, pages of `pageSize`.
    if (cursorText === null) return { status: 200, body: all };
    const page = all.slice(0, pageSize);
    const headers: Record<string, string> = {};
    const last = page.at(-1);
    if (all.length > pageSize && last) {
      const next = randomUUID();
      cursors.set(next, { filter: filterText, after: { edit: last.edit_date, uuid: last.uuid } });
      headers['x-next-cursor'] = next;
    }
    return { status: 200, body: page, headers };
  };

  /** A person edits the same job in the ServiceM8 app at the same moment (fault `concurrentEditRate`). */
  const raceEdit = (uuid: string, input: Partial<Job>, into: JobChange[]): void => {
    raceCount += 1;
    const field =
      (['job_description', 'work_done_description', 'job_address'] as const).find((f) => f in input) ??
      'job_description';
    try {
      into.push(store.update(uuid, { [field]: `Edited in UI (${raceCount})` }, 'ui'));
    } catch {
      // the job vanished: no race
    }
  };

  const OK = { errorCode: 0, message: 'OK' };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const recordMatch = /^\/api_1\.0\/job\/([^/]+)\.json$/.exec(url.pathname);
    const route =
      url.pathname === '/api_1.0/job.json'
        ? '/api_1.0/job.json'
        : recordMatch
          ? '/api_1.0/job/{uuid}.json'
          : url.pathname === '/webhook_subscriptions'
            ? '/webhook_subscriptions'
            : url.pathname;
    const operation = `${method} ${route}`;
    const count = (status: number | string): void => counters.record(operation, operation, status);
    const throttled = (message: string): void => {
      if (res.headersSent) return;
      res.writeHead(429, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(message);
    };
    const gate = await beforeRequest(faults, operation, res, () =>
      throttled('Number of allowed API requests per minute exceeded'),
    );
    if (gate.action === 'handled') return count(gate.status);

    let answer: Answer;
    try {
      const key = header(req, 'x-api-key');
      const auth = header(req, 'authorization') ?? '';
      const bearer = auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
      const caller =
        key !== undefined && apiKeys.has(key)
          ? key
          : bearer !== undefined && accessTokens.has(bearer)
            ? bearer
            : undefined;
      if (caller === undefined)
        throw new ServiceM8Error(401, 'Authentication is required for this end point');
      const verdict = limiter.take(caller);
      if (!verdict.allowed) {
        throttled(
          verdict.rule.name === 'day'
            ? 'Number of allowed API requests per day exceeded'
            : 'Number of allowed API requests per minute exceeded',
        );
        return count(429);
      }
      const raw = method === 'POST' ? await readBody(req) : '';
      const json = (): unknown => {
        try {
          return parseJson(raw);
        } catch {
          throw new ServiceM8Error(400, 'Request body is not valid JSON.');
        }
      };
      if (route === '/webhook_subscriptions') {
        if (bearer === undefined || !accessTokens.has(bearer)) {
          throw new ServiceM8Error(
            403,
            'The Webhooks API is only available to public applications using OAuth 2.0.',
          );
        }
        if (method === 'GET') answer = { status: 200, body: [...meta.values()] };
        else if (method === 'POST') {
          const type = header(req, 'content-type') ?? '';
          const input = type.includes('json')
            ? (json() as Record<string, unknown>)
            : Object.fromEntries(new URLSearchParams(raw));
          answer = { status: 200, body: await subscribe(isObject(input) ? input : {}) };
        } else if (method === 'DELETE') {
          const target = [...meta.values()].find(
            (s) =>
              s.callback_url === url.searchParams.get('callback_url') &&
              s.object === url.searchParams.get('object'),
          );
          if (!target) throw new ServiceM8Error(404, 'Subscription not found.');
          meta.delete(target.id);
          subscriptions.remove(target.id);
          persisted?.markDirty();
          answer = { status: 200, body: OK };
        } else throw new ServiceM8Error(405, `${method} is not allowed here.`);
      } else if (route === '/api_1.0/job.json' && method === 'GET') answer = list(url.searchParams);
      else if (route === '/api_1.0/job.json' && method === 'POST') {
        const change = store.create(parseJobInput(json(), true), 'api');
        answer = { status: 200, body: OK, headers: { 'x-record-uuid': change.job.uuid }, changes: [change] };
      } else if (recordMatch && method === 'GET')
        answer = { status: 200, body: store.get(recordMatch[1] ?? '') };
      else if (recordMatch && method === 'POST') {
        const uuid = recordMatch[1] ?? '';
        store.get(uuid);
        const input = parseJobInput(json(), false);
        const changes: JobChange[] = [];
        const race = faults.concurrentEdit();
        if (race === 'before') raceEdit(uuid, input, changes);
        changes.push(store.update(uuid, input, 'api'));
        if (race === 'after') raceEdit(uuid, input, changes);
        answer = { status: 200, body: OK, changes };
      } else if (recordMatch && method === 'DELETE') {
        answer = { status: 200, body: OK, changes: [store.archive(recordMatch[1] ?? '', 'api')] };
      } else
        throw new ServiceM8Error(
          route.startsWith('/api_1.0/job') ? 405 : 404,
          `No route ${method} ${url.pathname}.`,
        );
    } catch (error) {
      if (!(error instanceof ServiceM8Error)) throw error;
      answer = { status: error.status, body: { errorCode: error.status, message: error.message } };
    }
    const changes = answer.changes ?? [];
    if (faults.config.echoBeforeResponse) await publish(changes);
    if (gate.action === 'process-then-fail') count(failAnswer(res, gate.decision));
    else {
      sendJson(res, answer.status, answer.body, answer.headers);
      count(answer.status);
    }
    if (!faults.config.echoBeforeResponse) void publish(changes);
  };

  const admin = new Router();
  admin
    .on('GET', '/_admin', ({ res }) =>
      sendJson(res, 200, { description: describe(firstKey).trim(), routes: admin.describe() }),
    )
    .on('POST', '/_admin/subscriptions', async ({ req, res }) => {
      const body = await readJson(req);
      if (!isObject(body) || typeof body.url !== 'string') {
        throw new SimHttpError(
          422,
          'VALIDATION_FAILED',
          'Expected { "url": string, "fields"?: "status,job_description" }.',
        );
      }
      sendJson(
        res,
        201,
        await subscribe({
          object: 'job',
          callback_url: body.url,
          fields: typeof body.fields === 'string' ? body.fields : JOB_FIELD_NAMES.join(','),
          unique_id: body.unique_id,
        }),
      );
    })
    .on('GET', '/_admin/webhook-subscriptions', ({ res }) =>
      sendJson(res, 200, { data: [...meta.values()] }),
    );
  addCommonAdminRoutes(admin, { faults, counters, dispatcher, subscriptions });
  const uiWrite = (change: JobChange): Job => {
    void publish([change]);
    return change.job;
  };
  admin
    .on('GET', '/_admin/records', ({ res }) => {
      const all = store.ordered();
      sendJson(res, 200, { data: all, total: all.length });
    })
    .on('GET', '/_admin/records/:id', ({ res, params }) => sendJson(res, 200, store.get(params.id ?? '')))
    .on('POST', '/_admin/records', async ({ req, res }) => {
      const body = await readJson(req);
      sendJson(
        res,
        201,
        uiWrite(
          store.create(parseJobInput({ status: 'Quote', ...(isObject(body) ? body : {}) }, true), 'ui'),
        ),
      );
    })
    .on('PATCH', '/_admin/records/:id', async ({ req, res, params }) => {
      const job = store.get(params.id ?? '');
      const body = await readJson(req);
      const input = parseJobInput({ status: job.status, ...(isObject(body) ? body : {}) }, false);
      sendJson(res, 200, uiWrite(store.update(job.uuid, input, 'ui')));
    })
    .on('DELETE', '/_admin/records/:id', ({ res, params }) => {
      uiWrite(store.archive(params.id ?? '', 'ui'));
      sendJson(res, 204, undefined);
    })
    .on('GET', '/_admin/limits', ({ res }) => sendJson(res, 200, limits))
    .on('PUT', '/_admin/limits', async ({ req, res }) => {
      const body = await readJson(req);
      const next = { ...limits };
      for (const key of ['perMinute', 'perDay'] as const) {
        const value = isObject(body) ? body[key] : undefined;
        if (value === undefined) continue;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
          throw new SimHttpError(422, 'VALIDATION_FAILED', `${key} must be an integer ≥ 1.`);
        }
        next[key] = value;
      }
      limits = next;
      limiter.rules = rules(limits);
      limiter.reset();
      sendJson(res, 200, limits);
    })
    .on('POST', '/_admin/reset', ({ res }) => {
      applyStartOptions();
      sendJson(res, 200, { reset: true });
    });

  const translate = (error: unknown): SimHttpError | undefined =>
    error instanceof ServiceM8Error
      ? new SimHttpError(error.status, 'SERVICEM8_ERROR', error.message)
      : undefined;

  const server = await serveSimulator({
    ...(options.port === undefined ? {} : { port: options.port }),
    admin,
    translate,
    persisted,
    describe: () => describe(firstKey),
    api: (req, res, url) => handleApi(req, res, url),
  });

  return {
    url: server.url,
    port: server.port,
    apiUrl: `${server.url}/api_1.0`,
    apiKey: firstKey,
    store,
    faults,
    counters,
    dispatcher,
    subscriptions,
    webhookSubscriptions: () => [...meta.values()],
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

/** Every field of a job record (subscribable). */
export const JOB_FIELD_NAMES = [
  'uuid',
  'active',
  'date',
  'company_uuid',
  'created_by_staff_uuid',
  'job_address',
  'billing_address',
  'status',
  'purchase_order_number',
  'job_description',
  'work_done_description',
  'category_uuid',
  'generated_job_id',
  'edit_date',
];
