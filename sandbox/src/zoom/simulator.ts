// Zoom meeting registrants (REST v2), server-to-server OAuth and v0-signed webhooks with URL validation; /_admin/ control API.
import { createHmac, randomBytes } from 'node:crypto';
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
import { check, restoreSubscriptions, StateFile, StateShapeError } from '../sim-kit/state-file.ts';
import {
  DEFAULT_MEETING,
  type Meeting,
  parseRegistrantInput,
  REGISTRANT_STATUSES,
  type Registrant,
  type RegistrantChange,
  type RegistrantStatus,
  STATUS_ACTIONS,
  type StatusAction,
  ZoomApiError,
  ZoomStore,
} from './store.ts';

export interface ZoomCredentials {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

/** Requests per second per account by Zoom's rate-limit label (Pro plan defaults). */
export interface ZoomLimits {
  lightPerSecond: number;
  mediumPerSecond: number;
}

export const DEFAULT_ZOOM_LIMITS: ZoomLimits = { lightPerSecond: 30, mediumPerSecond: 20 };

export interface ZoomSimulatorOptions {
  port?: number;
  /** Server-to-server OAuth app credentials. Default `DEMO_ZOOM_APP`. */
  credentials?: ZoomCredentials;
  /** Access token lifetime in seconds (Zoom: one hour). */
  tokenTtlSeconds?: number;
  meetings?: Meeting[];
  /** Webhook endpoints with their secret token; each is URL-validated before it receives events. */
  subscriptions?: Array<{ url: string; secret: string }>;
  limits?: Partial<ZoomLimits>;
  faults?: Partial<FaultConfig>;
  webhookTiming?: Partial<DispatcherOptions>;
  now?: () => number;
  /** Keep meetings, registrants and subscriptions in this JSON file across restarts. */
  stateFile?: string;
}

export interface ZoomSimulator {
  url: string;
  port: number;
  /** `${url}/v2` — the API base URL (Zoom: https://api.zoom.us/v2). */
  apiUrl: string;
  /** `${url}/oauth/token` (Zoom: https://zoom.us/oauth/token). */
  tokenUrl: string;
  credentials: ZoomCredentials;
  store: ZoomStore;
  faults: FaultInjector;
  counters: RequestCounters;
  dispatcher: WebhookDispatcher;
  subscriptions: SubscriptionRegistry;
  /** Subscriptions whose URL validation answered correctly (only they receive events). */
  validated: ReadonlySet<string>;
  /** Issues an access token as the token endpoint would (tests). */
  issueToken(): string;
  reset(): void;
  idle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export const DEMO_ZOOM_APP: ZoomCredentials = {
  accountId: 'kongo-demo-account',
  clientId: 'kongo-demo-client',
  clientSecret: 'kongo-demo-client-secret',
};

/** Zoom retries a failed delivery 3 times: 5, 20 and 60 minutes apart; an answer must come within 3 s. */
export const ZOOM_RETRY_DELAYS_MS = [300_000, 1_200_000, 3_600_000];
const ZOOM_WEBHOOK_TIMEOUT_MS = 3_000;
const PAGE_TOKEN_TTL_MS = 15 * 60_000;

/** `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the endpoint's secret token. */
export function zoomSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** The `encryptedToken` Zoom expects for URL validation: hex HMAC-SHA256 of the plain token. */
export function zoomEncryptedToken(secret: string, plainToken: string): string {
  return createHmac('sha256', secret).update(plainToken).digest('hex');
}

interface Answer {
  status: number;
  body?: unknown;
  changes?: RegistrantChange[];
}

const describe = (c: ZoomCredentials): string =>
  'Kongo Zoom simulator (meeting registrants, REST v2). POST /oauth/token?grant_type=account_credentials&' +
  `account_id=${c.accountId} with Basic ${c.clientId}:<secret>, then Bearer tokens on /v2/meetings/{id}/registrants; ` +
  'control API under /_admin/.\n';

/**
 * Starts the Zoom simulator on 127.0.0.1.
 * @example const zoom = await startZoomSimulator(); const token = zoom.issueToken();
 */
export async function startZoomSimulator(options: ZoomSimulatorOptions = {}): Promise<ZoomSimulator> {
  const now = options.now ?? Date.now;
  const credentials = options.credentials ?? DEMO_ZOOM_APP;
  const ttlMs = (options.tokenTtlSeconds ?? 3600) * 1000;
  const store = new ZoomStore(now);
  const faults = new FaultInjector(options.faults ?? {});
  const counters = new RequestCounters();
  const timing = (): Partial<DispatcherOptions> => ({
    ...DEFAULT_DISPATCHER_OPTIONS,
    retryDelaysMs: ZOOM_RETRY_DELAYS_MS,
    timeoutMs: ZOOM_WEBHOOK_TIMEOUT_MS,
    ...options.webhookTiming,
  });
  const dispatcher = new WebhookDispatcher(faults, timing(), now);
  const subscriptions = new SubscriptionRegistry((secret) =>
    secret.length > 0 ? undefined : 'secret token must not be empty',
  );
  const limits = (): ZoomLimits => ({ ...DEFAULT_ZOOM_LIMITS, ...options.limits });
  let current = limits();
  const light = new WindowLimiter([{ name: 'light', limit: current.lightPerSecond, windowMs: 1000 }], now);
  const medium = new WindowLimiter([{ name: 'medium', limit: current.mediumPerSecond, windowMs: 1000 }], now);
  const tokens = new Map<string, number>();
  const pageTokens = new Map<
    string,
    { meetingId: number; status: string; offset: number; issuedAt: number }
  >();
  const validations = new Map<string, Promise<boolean>>();
  const validated = new Set<string>();

  const applyStartOptions = (): void => {
    store.clear(options.meetings ?? [DEFAULT_MEETING]);
    current = limits();
    light.rules = [{ name: 'light', limit: current.lightPerSecond, windowMs: 1000 }];
    medium.rules = [{ name: 'medium', limit: current.mediumPerSecond, windowMs: 1000 }];
    light.reset();
    medium.reset();
    tokens.clear();
    pageTokens.clear();
    counters.reset();
    dispatcher.cancelPending();
    dispatcher.clearLog();
    dispatcher.configure(timing());
    faults.configure(options.faults ?? {});
    subscriptions.clear();
    validations.clear();
    validated.clear();
    for (const subscription of options.subscriptions ?? []) subscriptions.add(subscription);
  };
  applyStartOptions();
  const persisted = options.stateFile === undefined ? undefined : openState(options.stateFile);

  function openState(file: string): StateFile {
    const initial = options.subscriptions ?? [];
    const state = new StateFile({
      file,
      label: 'Zoom simulator',
      format: 'kongo-zoom-simulator-state',
      version: 1,
      snapshot: () => ({
        meetings: [...store.meetings.values()],
        registrants: Object.fromEntries([...store.registrants].map(([id, list]) => [String(id), list])),
        subscriptions: subscriptions.list(),
        startSubscriptionUrls: initial.map((s) => s.url),
      }),
    });
    const saved = state.read();
    let changed = saved === undefined;
    if (saved) {
      state.restore(saved, (data) => {
        const meetings = check.array(data.meetings, 'meetings').map((m, i) => {
          const meeting = check.object(m, `meetings[${i}]`);
          check.integer(meeting.id, `meetings[${i}].id`, 1);
          return meeting as unknown as Meeting;
        });
        const registrants = check.object(data.registrants, 'registrants');
        store.clear(meetings);
        for (const [id, list] of Object.entries(registrants)) {
          if (!store.meetings.has(Number(id)))
            throw new StateShapeError(`registrants.${id}: no such meeting`);
          store.registrants.set(
            Number(id),
            check.array(list, `registrants.${id}`).map((r, i) => {
              const registrant = check.object(r, `registrants.${id}[${i}]`);
              check.string(registrant.id, `registrants.${id}[${i}].id`);
              check.string(registrant.email, `registrants.${id}[${i}].email`);
              const status = check.string(registrant.status, `registrants.${id}[${i}].status`);
              if (!(REGISTRANT_STATUSES as readonly string[]).includes(status)) {
                throw new StateShapeError(
                  `registrants.${id}[${i}].status is not approved, pending or denied`,
                );
              }
              return registrant as unknown as Registrant;
            }),
          );
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

  /** Zoom's URL validation: a signed `endpoint.url_validation` event answered with plainToken + encryptedToken. */
  const validate = async (subscription: WebhookSubscription): Promise<boolean> => {
    const plainToken = randomBytes(16).toString('base64url');
    const eventTs = now();
    const body = JSON.stringify({
      payload: { plainToken },
      event_ts: eventTs,
      event: 'endpoint.url_validation',
    });
    const timestamp = String(Math.floor(eventTs / 1000));
    let ok = false;
    try {
      const response = await fetch(subscription.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Zoom Marketplace/1.0a',
          'x-zm-request-timestamp': timestamp,
          'x-zm-signature': zoomSignature(subscription.secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(dispatcher.options.timeoutMs),
      });
      const answer = (await response.json().catch(() => undefined)) as unknown;
      ok =
        response.status === 200 &&
        isObject(answer) &&
        answer.plainToken === plainToken &&
        answer.encryptedToken === zoomEncryptedToken(subscription.secret, plainToken);
    } catch {
      ok = false;
    }
    if (ok) validated.add(subscription.id);
    else validated.delete(subscription.id);
    return ok;
  };
  const ensureValidated = (subscription: WebhookSubscription): Promise<boolean> => {
    let pending = validations.get(subscription.id);
    if (!pending) {
      pending = validate(subscription);
      validations.set(subscription.id, pending);
    }
    return pending;
  };

  const inflight = new Set<Promise<void>>();
  const publish = (changes: readonly RegistrantChange[]): Promise<void> => {
    const work = deliver(changes);
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
    return work;
  };
  const deliver = async (changes: readonly RegistrantChange[]): Promise<void> => {
    if (changes.length === 0) return;
    const targets: WebhookSubscription[] = [];
    for (const subscription of subscriptions.list()) {
      if (await ensureValidated(subscription)) targets.push(subscription);
    }
    if (targets.length === 0) return;
    await Promise.all(
      changes.map((change) => {
        const eventId = newEventId('zm_');
        const { registrant, meeting } = change;
        const object = {
          uuid: meeting.uuid,
          id: meeting.id,
          host_id: meeting.host_id,
          topic: meeting.topic,
          type: meeting.type,
          start_time: meeting.start_time,
          duration: meeting.duration,
          timezone: meeting.timezone,
          registrant:
            change.type === 'meeting.registration_created'
              ? registrant
              : {
                  id: registrant.id,
                  first_name: registrant.first_name,
                  ...(registrant.last_name === undefined ? {} : { last_name: registrant.last_name }),
                  email: registrant.email,
                },
        };
        const body = JSON.stringify({
          event: change.type,
          event_ts: change.at,
          payload: {
            account_id: credentials.accountId,
            ...(change.type === 'meeting.registration_created'
              ? {}
              : {
                  operator: change.actor === 'ui' ? 'host@example.com' : 'api',
                  operator_id: meeting.host_id,
                }),
            object,
          },
        });
        return dispatcher.dispatch(targets, {
          eventId,
          type: change.type,
          body,
          headers: (subscription, _attempt, nowMs) => {
            const timestamp = String(Math.floor(nowMs / 1000));
            return {
              'x-zm-request-timestamp': timestamp,
              'x-zm-signature': zoomSignature(subscription.secret, timestamp, body),
              'x-zm-trackingid': eventId,
            };
          },
        });
      }),
    );
  };

  const issueToken = (): string => {
    const token = `eyJzdiI6IjAwMDAwMSJ9.${randomBytes(24).toString('base64url')}`;
    tokens.set(token, now() + ttlMs);
    return token;
  };

  const tokenEndpoint = async (req: IncomingMessage, url: URL): Promise<Answer> => {
    const raw = await readBody(req);
    const form = new URLSearchParams(raw);
    const param = (name: string): string | null => url.searchParams.get(name) ?? form.get(name);
    const auth = header(req, 'authorization') ?? '';
    const basic = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
    if (basic !== `${credentials.clientId}:${credentials.clientSecret}`) {
      return { status: 400, body: { reason: 'Invalid client_id or client_secret', error: 'invalid_client' } };
    }
    if (param('grant_type') !== 'account_credentials') {
      return { status: 400, body: { reason: 'Unsupported grant type', error: 'unsupported_grant_type' } };
    }
    if (param('account_id') !== credentials.accountId) {
      return { status: 400, body: { reason: 'Invalid account_id', error: 'invalid_request' } };
    }
    return {
      status: 200,
      body: {
        access_token: issueToken(),
        token_type: 'bearer',
        expires_in: ttlMs / 1000,
        scope: 'meeting:read:admin meeting:write:admin',
        api_url: 'https://api.zoom.us',
      },
    };
  };

  const listRegistrants = (meetingId: number, query: URLSearchParams): Answer => {
    store.meeting(meetingId);
    const sizeText = query.get('page_size');
    const pageSize = sizeText === null ? 30 : Number(sizeText);
    if (!Number.isInteger(pageSize) || pageSize < 1) {
      throw new ZoomApiError(400, 300, 'Validation Failed.', [
        { field: 'page_size', message: 'Invalid field.' },
      ]);
    }
    const size = Math.min(pageSize, 300);
    const tokenText = query.get('next_page_token');
    let status = query.get('status') ?? 'approved';
    let offset = 0;
    if (tokenText) {
      const saved = pageTokens.get(tokenText);
      if (!saved || saved.meetingId !== meetingId || now() - saved.issuedAt > PAGE_TOKEN_TTL_MS) {
        throw new ZoomApiError(400, 300, 'The next page token is invalid or expired.');
      }
      status = saved.status;
      offset = saved.offset;
    }
    if (!(REGISTRANT_STATUSES as readonly string[]).includes(status)) {
      throw new ZoomApiError(400, 300, 'Validation Failed.', [
        { field: 'status', message: 'Invalid field.' },
      ]);
    }
    const all = store.list(meetingId).filter((r) => r.status === (status as RegistrantStatus));
    const page = all.slice(offset, offset + size);
    let next = '';
    if (offset + size < all.length) {
      next = randomBytes(24).toString('base64url');
      pageTokens.set(next, { meetingId, status, offset: offset + size, issuedAt: now() });
    }
    return {
      status: 200,
      body: {
        page_count: Math.max(1, Math.ceil(all.length / size)),
        page_number: Math.floor(offset / size) + 1,
        page_size: size,
        total_records: all.length,
        next_page_token: next,
        registrants: page,
      },
    };
  };

  /** A person in the Zoom web portal changes the same registrant's status at the same moment. */
  const raceEdit = (meetingId: number, id: string, action: StatusAction, into: RegistrantChange[]): void => {
    try {
      into.push(...store.setStatus(meetingId, id, action === 'approve' ? 'deny' : 'approve', 'ui'));
    } catch {
      // the registrant vanished: no race
    }
  };

  const updateStatus = (meetingId: number, body: unknown): Answer => {
    store.meeting(meetingId);
    if (!isObject(body) || !(STATUS_ACTIONS as readonly unknown[]).includes(body.action)) {
      throw new ZoomApiError(400, 300, 'Validation Failed.', [
        { field: 'action', message: 'Invalid field.' },
      ]);
    }
    const action = body.action as StatusAction;
    const wanted = Array.isArray(body.registrants) ? body.registrants : [];
    const ids: string[] = [];
    for (const [i, item] of wanted.entries()) {
      const entry = isObject(item) ? item : {};
      const found =
        typeof entry.id === 'string'
          ? store.list(meetingId).find((r) => r.id === entry.id)
          : typeof entry.email === 'string'
            ? store.findByEmail(meetingId, entry.email)
            : undefined;
      if (!found) {
        throw new ZoomApiError(400, 300, 'Validation Failed.', [
          { field: `registrants[${i}]`, message: 'Registrant does not exist.' },
        ]);
      }
      ids.push(found.id);
    }
    const changes: RegistrantChange[] = [];
    for (const id of ids) {
      const race = faults.concurrentEdit();
      if (race === 'before') raceEdit(meetingId, id, action, changes);
      changes.push(...store.setStatus(meetingId, id, action, 'api'));
      if (race === 'after') raceEdit(meetingId, id, action, changes);
    }
    return { status: 204, changes };
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = url.pathname;
    const registrantsMatch = /^\/v2\/meetings\/([^/]+)\/registrants(?:\/([^/]+))?$/.exec(path);
    let route: string;
    if (path === '/oauth/token') route = '/oauth/token';
    else if (!registrantsMatch) route = path;
    else if (registrantsMatch[2] === undefined) route = '/v2/meetings/{meetingId}/registrants';
    else if (registrantsMatch[2] === 'status') route = '/v2/meetings/{meetingId}/registrants/status';
    else route = '/v2/meetings/{meetingId}/registrants/{registrantId}';
    const operation = `${method} ${route}`;
    const count = (status: number | string): void => counters.record(operation, operation, status);
    const tooMany = (): void =>
      sendJson(res, 429, {
        code: 429,
        message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
      });
    const gate = await beforeRequest(faults, operation, res, () => tooMany());
    if (gate.action === 'handled') return count(gate.status);

    let answer: Answer;
    try {
      if (route === '/oauth/token') {
        if (method !== 'POST') throw new ZoomApiError(405, 405, 'Method not allowed.');
        answer = await tokenEndpoint(req, url);
      } else {
        const auth = header(req, 'authorization') ?? '';
        const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
        const expiresAt = tokens.get(token);
        if (expiresAt === undefined) throw new ZoomApiError(401, 124, 'Invalid access token.');
        if (expiresAt <= now()) throw new ZoomApiError(401, 124, 'Access token is expired.');
        if (!registrantsMatch) throw new ZoomApiError(404, 404, `No route ${method} ${path}.`);
        const meetingId = registrantsMatch[1] ?? '';
        const meeting = store.meeting(meetingId).id;
        const label =
          (method === 'GET' && route.endsWith('/registrants')) || route.endsWith('/status') ? medium : light;
        const verdict = label.take(credentials.accountId);
        if (!verdict.allowed) {
          tooMany();
          return count(429);
        }
        const raw = method === 'POST' || method === 'PUT' ? await readBody(req) : '';
        let body: unknown;
        try {
          body = parseJson(raw);
        } catch {
          throw new ZoomApiError(400, 300, 'Request Body should be a valid JSON object.');
        }
        const registrantId = registrantsMatch[2];
        if (route.endsWith('/registrants') && method === 'GET')
          answer = listRegistrants(meeting, url.searchParams);
        else if (route.endsWith('/registrants') && method === 'POST') {
          const { registrant, change } = store.register(meeting, parseRegistrantInput(body), 'api');
          const m = store.meeting(meeting);
          answer = {
            status: 201,
            body: {
              id: m.id,
              join_url: registrant.join_url,
              registrant_id: registrant.id,
              start_time: m.start_time,
              topic: m.topic,
              occurrences: [],
            },
            changes: change ? [change] : [],
          };
        } else if (route.endsWith('/status') && method === 'PUT') answer = updateStatus(meeting, body);
        else if (route.endsWith('{registrantId}') && method === 'GET')
          answer = { status: 200, body: store.get(meeting, registrantId ?? '') };
        else if (route.endsWith('{registrantId}') && method === 'DELETE') {
          store.remove(meeting, registrantId ?? '');
          answer = { status: 204 };
        } else throw new ZoomApiError(405, 405, `${method} is not allowed on ${route}.`);
      }
    } catch (error) {
      if (!(error instanceof ZoomApiError)) throw error;
      answer = { status: error.status, body: error.body() };
    }
    const changes = answer.changes ?? [];
    if (faults.config.echoBeforeResponse) await publish(changes);
    if (gate.action === 'process-then-fail') count(failAnswer(res, gate.decision));
    else {
      sendJson(res, answer.status, answer.body);
      count(answer.status);
    }
    if (!faults.config.echoBeforeResponse) void publish(changes);
  };

  const admin = new Router();
  const uiChanges = (changes: RegistrantChange[]): void => void publish(changes);
  const meetingOf = (query: URLSearchParams): number =>
    store.meeting(query.get('meetingId') ?? String([...store.meetings.keys()][0] ?? '')).id;
  admin
    .on('GET', '/_admin', ({ res }) =>
      sendJson(res, 200, { description: describe(credentials).trim(), routes: admin.describe() }),
    )
    .on('POST', '/_admin/subscriptions', async ({ req, res }) => {
      const body = await readJson(req);
      if (!isObject(body) || typeof body.url !== 'string' || typeof body.secret !== 'string') {
        throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected { "url": string, "secret": string }.');
      }
      const subscription = subscriptions.add({ url: body.url, secret: body.secret });
      validations.delete(subscription.id);
      const ok = await ensureValidated(subscription);
      sendJson(res, 201, { ...subscription, validated: ok });
    })
    .on('POST', '/_admin/subscriptions/:id/validate', async ({ res, params }) => {
      const subscription = subscriptions.list().find((s) => s.id === params.id);
      if (!subscription) throw new SimHttpError(404, 'NOT_FOUND', 'No such subscription.');
      validations.delete(subscription.id);
      sendJson(res, 200, { ...subscription, validated: await ensureValidated(subscription) });
    });
  addCommonAdminRoutes(admin, { faults, counters, dispatcher, subscriptions });
  admin
    .on('GET', '/_admin/meetings', ({ res }) => sendJson(res, 200, { data: [...store.meetings.values()] }))
    .on('POST', '/_admin/meetings', async ({ req, res }) => {
      const body = await readJson(req);
      if (!isObject(body) || typeof body.id !== 'number' || !Number.isInteger(body.id) || body.id < 1) {
        throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected { "id": integer meeting id, … }.');
      }
      const meeting: Meeting = {
        ...DEFAULT_MEETING,
        ...(body as Partial<Meeting>),
        id: body.id,
        approval_type: body.approval_type === 1 ? 1 : 0,
      };
      store.addMeeting(meeting);
      store.onChange();
      sendJson(res, 201, meeting);
    })
    .on('GET', '/_admin/records', ({ res, query }) => {
      const email = query.get('email');
      const all = store.list(meetingOf(query)).filter((r) => email === null || r.email === email);
      sendJson(res, 200, { data: all, total: all.length });
    })
    .on('GET', '/_admin/records/:id', ({ res, params, query }) =>
      sendJson(res, 200, store.get(meetingOf(query), params.id ?? '')),
    )
    .on('POST', '/_admin/records', async ({ req, res, query }) => {
      const { registrant, change } = store.register(
        meetingOf(query),
        parseRegistrantInput(await readJson(req)),
        'ui',
      );
      if (change) uiChanges([change]);
      sendJson(res, 201, registrant);
    })
    .on('PATCH', '/_admin/records/:id', async ({ req, res, params, query }) => {
      const body = await readJson(req);
      const action = isObject(body) ? body.action : undefined;
      if (!(STATUS_ACTIONS as readonly unknown[]).includes(action)) {
        throw new SimHttpError(
          422,
          'VALIDATION_FAILED',
          'Expected { "action": "approve" | "deny" | "cancel" } — in Zoom a host can only change a registration’s status.',
        );
      }
      const meeting = meetingOf(query);
      uiChanges(store.setStatus(meeting, params.id ?? '', action as StatusAction, 'ui'));
      sendJson(res, 200, store.get(meeting, params.id ?? ''));
    })
    .on('DELETE', '/_admin/records/:id', ({ res, params, query }) => {
      store.remove(meetingOf(query), params.id ?? '');
      sendJson(res, 204, undefined);
    })
    .on('GET', '/_admin/tokens', ({ res }) =>
      sendJson(res, 200, {
        issued: tokens.size,
        live: [...tokens.values()].filter((at) => at > now()).length,
      }),
    )
    .on('DELETE', '/_admin/tokens', ({ res }) => {
      tokens.clear();
      sendJson(res, 204, undefined);
    })
    .on('GET', '/_admin/limits', ({ res }) => sendJson(res, 200, current))
    .on('PUT', '/_admin/limits', async ({ req, res }) => {
      const body = await readJson(req);
      const next = { ...current };
      for (const key of ['lightPerSecond', 'mediumPerSecond'] as const) {
        const value = isObject(body) ? body[key] : undefined;
        if (value === undefined) continue;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
          throw new SimHttpError(422, 'VALIDATION_FAILED', `${key} must be an integer ≥ 1.`);
        }
        next[key] = value;
      }
      current = next;
      light.rules = [{ name: 'light', limit: current.lightPerSecond, windowMs: 1000 }];
      medium.rules = [{ name: 'medium', limit: current.mediumPerSecond, windowMs: 1000 }];
      light.reset();
      medium.reset();
      sendJson(res, 200, current);
    })
    .on('POST', '/_admin/reset', ({ res }) => {
      applyStartOptions();
      sendJson(res, 200, { reset: true });
    });

  const translate = (error: unknown): SimHttpError | undefined =>
    error instanceof ZoomApiError
      ? new SimHttpError(error.status, String(error.code), error.message)
      : undefined;

  const server = await serveSimulator({
    ...(options.port === undefined ? {} : { port: options.port }),
    admin,
    translate,
    persisted,
    describe: () => describe(credentials),
    api: (req, res, url) => handleApi(req, res, url),
  });

  return {
    url: server.url,
    port: server.port,
    apiUrl: `${server.url}/v2`,
    tokenUrl: `${server.url}/oauth/token`,
    credentials,
    store,
    faults,
    counters,
    dispatcher,
    subscriptions,
    validated,
    issueToken,
    reset: applyStartOptions,
    idle: async (timeoutMs?: number) => {
      await Promise.all([...validations.values(), ...inflight]);
      await dispatcher.idle(timeoutMs);
    },
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
