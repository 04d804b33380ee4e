// Admin routes every simulator shares: subscriptions, faults, counters, the delivery log, webhook timing; and the
// start-up of a simulator's server around them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FaultConfigError, type FaultInjector, parseFaultConfig } from '../faults/index.ts';
import type { RequestCounters } from './counters.ts';
import { isObject, readJson, SimHttpError, sendJson, sendText } from './json.ts';
import type { Router } from './router.ts';
import { listen, type RunningServer } from './server.ts';
import type { DispatcherOptions, WebhookDispatcher, WebhookSubscription } from './webhook-dispatcher.ts';
import type { WriteLog } from './write-log.ts';

/** Webhook subscriptions (url + secret); `validateSecret` returns a problem message or undefined. */
export class SubscriptionRegistry {
  #items = new Map<string, WebhookSubscription>();
  #next = 1;

  constructor(readonly validateSecret: (secret: string) => string | undefined = () => undefined) {}

  list(): WebhookSubscription[] {
    return [...this.#items.values()];
  }

  add(input: { url: string; secret: string; id?: string }): WebhookSubscription {
    const problem = this.validateSecret(input.secret);
    if (problem)
      throw new SimHttpError(422, 'VALIDATION_FAILED', problem, [{ field: 'secret', message: problem }]);
    let parsed: URL;
    try {
      parsed = new URL(input.url);
    } catch {
      throw new SimHttpError(422, 'VALIDATION_FAILED', 'url is not an absolute URL', [
        { field: 'url', message: 'expected an absolute http(s) URL' },
      ]);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SimHttpError(422, 'VALIDATION_FAILED', 'url must be http or https', [
        { field: 'url', message: 'expected http: or https:' },
      ]);
    }
    const subscription = { id: input.id ?? `sub_${this.#next++}`, url: input.url, secret: input.secret };
    // A given id (restored state, admin POST) must not be handed out again to a later subscription.
    const numbered = /^sub_(\d+)$/.exec(subscription.id);
    if (numbered) this.#next = Math.max(this.#next, Number(numbered[1]) + 1);
    this.#items.set(subscription.id, subscription);
    return subscription;
  }

  remove(id: string): boolean {
    return this.#items.delete(id);
  }

  clear(): void {
    this.#items.clear();
    this.#next = 1;
  }
}

/**
 * Body of `POST /_admin/updated-at` on the destination simulators: `{ updatedAt: ISO, ids?: [] }`
 * (tests put thousands of records on one timestamp with it). 422 names the expected shape.
 */
export function parseUpdatedAtBody(body: unknown): { at: number; ids: string[] | undefined } {
  if (!isObject(body) || typeof body.updatedAt !== 'string' || Number.isNaN(Date.parse(body.updatedAt))) {
    throw new SimHttpError(
      422,
      'VALIDATION_FAILED',
      'Expected { "updatedAt": ISO date-time, "ids"?: string[] }.',
    );
  }
  const ids = Array.isArray(body.ids)
    ? body.ids.filter((id): id is string => typeof id === 'string')
    : undefined;
  return { at: Date.parse(body.updatedAt), ids };
}

export interface CommonAdminParts {
  faults: FaultInjector;
  counters: RequestCounters;
  dispatcher: WebhookDispatcher;
  subscriptions: SubscriptionRegistry;
  /** The simulator's write log, served at `GET /_admin/writes?sinceSeq=N` when given. */
  writes?: WriteLog;
}

/** Parses `{ url, secret }` for a subscription. */
function parseSubscription(body: unknown): { url: string; secret: string; id?: string } {
  if (!isObject(body) || typeof body.url !== 'string' || typeof body.secret !== 'string') {
    throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected { "url": string, "secret": string }.');
  }
  return typeof body.id === 'string'
    ? { url: body.url, secret: body.secret, id: body.id }
    : { url: body.url, secret: body.secret };
}

function parseDispatcherOptions(body: unknown): Partial<DispatcherOptions> {
  if (!isObject(body)) throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected a JSON object.');
  const out: Partial<DispatcherOptions> = {};
  const { retryDelaysMs, timeCompression, timeoutMs, reorderWindowMs } = body;
  if (retryDelaysMs !== undefined) {
    if (!Array.isArray(retryDelaysMs) || !retryDelaysMs.every((d) => typeof d === 'number' && d >= 0)) {
      throw new SimHttpError(422, 'VALIDATION_FAILED', 'retryDelaysMs must be an array of ms ≥ 0.');
    }
    out.retryDelaysMs = retryDelaysMs as number[];
  }
  for (const [key, value] of [
    ['timeCompression', timeCompression],
    ['timeoutMs', timeoutMs],
    ['reorderWindowMs', reorderWindowMs],
  ] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || value < 0) {
      throw new SimHttpError(422, 'VALIDATION_FAILED', `${key} must be a number ≥ 0.`);
    }
    out[key] = value;
  }
  return out;
}

/**
 * Adds `/_admin/subscriptions`, `/_admin/faults`, `/_admin/counters`, `/_admin/deliveries` and
 * `/_admin/webhook-timing` to a router.
 */
export function addCommonAdminRoutes(router: Router, parts: CommonAdminParts): void {
  const { faults, counters, dispatcher, subscriptions, writes } = parts;
  if (writes) {
    router.on('GET', '/_admin/writes', ({ res, query }) =>
      sendJson(res, 200, { data: writes.list(Number(query.get('sinceSeq') ?? 0)) }),
    );
  }
  router
    .on('GET', '/_admin/subscriptions', ({ res }) => sendJson(res, 200, { data: subscriptions.list() }))
    .on('POST', '/_admin/subscriptions', async ({ req, res }) => {
      sendJson(res, 201, subscriptions.add(parseSubscription(await readJson(req))));
    })
    .on('DELETE', '/_admin/subscriptions/:id', ({ res, params }) => {
      if (!subscriptions.remove(params.id ?? ''))
        throw new SimHttpError(404, 'NOT_FOUND', 'No such subscription.');
      sendJson(res, 204, undefined);
    })
    .on('GET', '/_admin/faults', ({ res }) => sendJson(res, 200, faults.config))
    .on('PUT', '/_admin/faults', async ({ req, res }) => {
      const body = await readJson(req);
      try {
        faults.configure(parseFaultConfig(body));
      } catch (error) {
        if (!(error instanceof FaultConfigError)) throw error;
        throw new SimHttpError(422, 'VALIDATION_FAILED', error.message, error.problems);
      }
      sendJson(res, 200, faults.config);
    })
    .on('DELETE', '/_admin/faults', ({ res }) => {
      faults.configure({});
      sendJson(res, 200, faults.config);
    })
    .on('GET', '/_admin/counters', ({ res }) => sendJson(res, 200, counters.snapshot()))
    .on('DELETE', '/_admin/counters', ({ res }) => {
      counters.reset();
      sendJson(res, 204, undefined);
    })
    .on('GET', '/_admin/deliveries', ({ res }) => sendJson(res, 200, { data: dispatcher.log() }))
    .on('DELETE', '/_admin/deliveries', ({ res }) => {
      dispatcher.clearLog();
      sendJson(res, 204, undefined);
    })
    .on('POST', '/_admin/deliveries/idle', async ({ res, query }) => {
      await dispatcher.idle(Number(query.get('timeoutMs') ?? '10000'));
      sendJson(res, 200, { data: dispatcher.log() });
    })
    .on('GET', '/_admin/webhook-timing', ({ res }) => sendJson(res, 200, dispatcher.options))
    .on('PUT', '/_admin/webhook-timing', async ({ req, res }) => {
      dispatcher.configure(parseDispatcherOptions(await readJson(req)));
      sendJson(res, 200, dispatcher.options);
    });
}

/**
 * Runs the admin route matching the request. Expected failures (`SimHttpError`, or whatever `translate`
 * maps to one) become `{ "error": { code, message, details? } }`; anything else propagates as a 500.
 */
export async function routeAdmin(
  router: Router,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  translate: (error: unknown) => SimHttpError | undefined = () => undefined,
): Promise<void> {
  const match = router.match(req.method ?? 'GET', url.pathname);
  try {
    if (match === undefined) {
      throw new SimHttpError(404, 'NOT_FOUND', `No admin route ${url.pathname}; GET /_admin lists them.`);
    }
    if (match === 'methodNotAllowed') {
      throw new SimHttpError(405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}.`);
    }
    await match.handler({ req, res, params: match.params, query: url.searchParams });
  } catch (error) {
    const known = error instanceof SimHttpError ? error : translate(error);
    if (!known) throw error;
    const details = known.details && known.details.length > 0 ? { details: known.details } : {};
    sendJson(res, known.status, { error: { code: known.code, message: known.message, ...details } });
  }
}

export interface SimulatorServerOptions {
  port?: number;
  /** The `/_admin/` control API. */
  admin: Router;
  /** A simulator's own errors as HTTP errors on admin routes. */
  translate?: (error: unknown) => SimHttpError | undefined;
  /** The state file, marked dirty after every admin request that is not a GET. */
  persisted?: { markDirty(): void } | undefined;
  /** What `GET /` answers: how to call the simulator. */
  describe: () => string;
  /** Everything else: the simulated API. */
  api: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;
}

/**
 * The start-up every real-system simulator shares: `/_admin/…` to the admin router (state saved after a write),
 * `GET /` to its description, the rest to its API, on 127.0.0.1.
 */
export function serveSimulator(options: SimulatorServerOptions): Promise<RunningServer> {
  return listen(
    async (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/_admin' || url.pathname.startsWith('/_admin/')) {
        await routeAdmin(options.admin, req, res, url, options.translate);
        if (req.method !== 'GET') options.persisted?.markDirty();
        return;
      }
      if (url.pathname === '/' && req.method === 'GET') return sendText(res, 200, options.describe());
      return options.api(req, res, url);
    },
    { port: options.port ?? 0 },
  );
}
