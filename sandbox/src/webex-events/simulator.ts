// Webex Events attendees (public GraphQL API, formerly Socio): eventId arguments, integer ids, UUID Idempotency-Key,
// cost-based limits with X-Secondly-Retry-After; poll-only (no webhooks); /_admin/ control API.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  buildSchema,
  type DocumentNode,
  execute,
  GraphQLError,
  getOperationAST,
  Kind,
  type OperationDefinitionNode,
  parse,
  validate,
} from 'graphql';
import { CostLimiter, type CostLimits } from '../events/cost.ts';
import { type FaultConfig, FaultInjector } from '../faults/index.ts';
import {
  addCommonAdminRoutes,
  beforeRequest,
  failAnswer,
  header,
  isObject,
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
} from '../sim-kit/index.ts';
import { check, StateFile, StateShapeError } from '../sim-kit/state-file.ts';

export const WEBEX_EVENTS_SDL = `
type AttendeeProfile { firstName: String lastName: String company: String jobTitle: String phone: String }
type Attendee { id: Int! eventId: Int! email: String! externalId: String profile: AttendeeProfile!
  createdAt: String! updatedAt: String! }
type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
type AttendeeEdge { cursor: String! node: Attendee! }
type AttendeesConnection { edges: [AttendeeEdge!]! nodes: [Attendee!]! pageInfo: PageInfo! totalCount: Int! }
input PublicAttendeesFilterParamsInput { email: String }
input AttendeeProfileInput { firstName: String lastName: String company: String jobTitle: String phone: String }
input AttendeeCreateInput { eventId: Int! email: String! externalId: String profile: AttendeeProfileInput }
input AttendeeUpdateInput { id: Int! eventId: Int! email: String externalId: String profile: AttendeeProfileInput }
input AttendeeDeleteInput { id: Int! eventId: Int! }
type AttendeeDeletePayload { success: Boolean! }
type Query {
  attendeesConnection(eventId: Int!, first: Int, after: String, filterParams: PublicAttendeesFilterParamsInput): AttendeesConnection!
  attendee(eventId: Int!, id: Int!): Attendee
}
type Mutation {
  attendeeCreate(input: AttendeeCreateInput!): Attendee!
  attendeeUpdate(input: AttendeeUpdateInput!): Attendee!
  attendeeDelete(input: AttendeeDeleteInput!): AttendeeDeletePayload!
}
`;

const schema = buildSchema(WEBEX_EVENTS_SDL);

export interface WebexAttendee {
  id: number;
  eventId: number;
  email: string;
  externalId: string | null;
  profile: {
    firstName: string | null;
    lastName: string | null;
    company: string | null;
    jobTitle: string | null;
    phone: string | null;
  };
  createdAt: string;
  updatedAt: string;
}

const PROFILE_KEYS = ['firstName', 'lastName', 'company', 'jobTitle', 'phone'] as const;

/** Thresholds seen in the official SDKs' fixtures: `X-SECONDLY-CALL-LIMIT: 1/500`, `X-DAILY-CALL-LIMIT: 62/2000`. */
export const DEFAULT_WEBEX_LIMITS: CostLimits = {
  secondlyThreshold: 500,
  dailyThreshold: 2_000,
  maxDepth: 8,
  maxQueryLength: 20_000,
};

export interface WebexEventsSimulatorOptions {
  port?: number;
  /** Accepted bearer tokens (`sk_test_…` / `sk_live_…`). Default `['sk_test_kongo_webex']`. */
  tokens?: string[];
  expiredTokens?: string[];
  /** Event ids that exist. Default `[2]` (the event of the SDK's mutation example). */
  events?: number[];
  limits?: Partial<CostLimits>;
  faults?: Partial<FaultConfig>;
  now?: () => number;
  stateFile?: string;
}

export interface WebexEventsSimulator {
  url: string;
  port: number;
  graphqlUrl: string;
  token: string;
  attendees: Map<number, WebexAttendee>;
  faults: FaultInjector;
  counters: RequestCounters;
  limiter: CostLimiter;
  reset(): void;
  close(): Promise<void>;
}

const describe = (token: string): string =>
  'Kongo Webex Events simulator (attendees, public GraphQL API). POST /graphql with Authorization: Bearer ' +
  `${token}; mutations take an Idempotency-Key (UUID). No webhooks: poll attendeesConnection. Control API under /_admin/.\n`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const IDEMPOTENCY_LIMIT = 10_000;

/** Cost before running: 1 per query plus ceil(first / 10) per `attendeesConnection` (first defaults to 20); 10 per mutation field. */
export function webexCost(operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  if (operation.operation === 'mutation') return 10 * operation.selectionSet.selections.length;
  let cost = 1;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value !== 'attendeesConnection') continue;
    const first = selection.arguments?.find((a) => a.name.value === 'first')?.value;
    let size = 20;
    if (first?.kind === Kind.INT) size = Number(first.value);
    else if (first?.kind === Kind.VARIABLE && typeof variables[first.name.value] === 'number')
      size = variables[first.name.value] as number;
    cost += Math.ceil(Math.max(0, size) / 10);
  }
  return cost;
}

/**
 * Starts the Webex Events simulator on 127.0.0.1.
 * @example const webex = await startWebexEventsSimulator(); // POST `${webex.graphqlUrl}` with Bearer sk_test_kongo_webex
 */
export async function startWebexEventsSimulator(
  options: WebexEventsSimulatorOptions = {},
): Promise<WebexEventsSimulator> {
  const now = options.now ?? Date.now;
  const tokens = new Set(options.tokens ?? ['sk_test_kongo_webex']);
  const expired = new Set(options.expiredTokens ?? []);
  const firstToken = [...tokens][0] ?? '';
  const attendees = new Map<number, WebexAttendee>();
  const events = new Set<number>();
  const faults = new FaultInjector(options.faults ?? {});
  const counters = new RequestCounters();
  const limiter = new CostLimiter({ ...DEFAULT_WEBEX_LIMITS, ...options.limits }, now);
  const idempotent = new Map<string, { hash: string; status: number; body: unknown }>();
  const inFlight = new Set<string>();
  let nextId = 1;
  let raceCount = 0;
  let onChange = (): void => {};

  const applyStartOptions = (): void => {
    attendees.clear();
    events.clear();
    for (const id of options.events ?? [2]) events.add(id);
    nextId = 1;
    limiter.limits = { ...DEFAULT_WEBEX_LIMITS, ...options.limits };
    limiter.reset();
    idempotent.clear();
    counters.reset();
    faults.configure(options.faults ?? {});
    raceCount = 0;
    onChange();
  };
  applyStartOptions();

  let persisted: StateFile | undefined;
  if (options.stateFile !== undefined) {
    const state = new StateFile({
      file: options.stateFile,
      label: 'Webex Events simulator',
      format: 'kongo-webex-events-simulator-state',
      version: 1,
      snapshot: () => ({ nextId, events: [...events], attendees: [...attendees.values()] }),
    });
    const saved = state.read();
    if (saved) {
      state.restore(saved, (data) => {
        nextId = check.integer(data.nextId, 'nextId', 1);
        events.clear();
        for (const [i, id] of check.array(data.events, 'events').entries())
          events.add(check.integer(id, `events[${i}]`, 1));
        for (const [i, item] of check.array(data.attendees, 'attendees').entries()) {
          const a = check.object(item, `attendees[${i}]`);
          const id = check.integer(a.id, `attendees[${i}].id`, 1);
          if (attendees.has(id)) throw new StateShapeError(`attendee ${id} appears twice`);
          check.string(a.email, `attendees[${i}].email`);
          check.object(a.profile, `attendees[${i}].profile`);
          attendees.set(id, a as unknown as WebexAttendee);
        }
      });
    }
    onChange = () => state.markDirty();
    persisted = state;
  }

  const notFound = (what: string): GraphQLError =>
    new GraphQLError(`${what} not found.`, { extensions: { code: 'RESOURCE_NOT_FOUND' } });
  const requireEvent = (eventId: number): void => {
    if (!events.has(eventId)) throw notFound(`Event ${eventId}`);
  };
  const iso = (): string => new Date(now()).toISOString();
  const findOne = (eventId: number, id: number): WebexAttendee => {
    requireEvent(eventId);
    const found = attendees.get(id);
    if (!found || found.eventId !== eventId) throw notFound(`Attendee ${id}`);
    return found;
  };
  const checkEmail = (email: string, eventId: number, self?: number): void => {
    if (!EMAIL.test(email)) {
      throw new GraphQLError('Email is invalid.', {
        extensions: { code: 'UNPROCESSABLE_ENTITY', field: 'email' },
      });
    }
    const taken = [...attendees.values()].find(
      (a) => a.eventId === eventId && a.email.toLowerCase() === email.toLowerCase() && a.id !== self,
    );
    if (taken) {
      throw new GraphQLError(`Email ${email} is already registered for event ${eventId}.`, {
        extensions: { code: 'UNPROCESSABLE_ENTITY', field: 'email' },
      });
    }
  };
  type ProfileInput = Partial<Record<(typeof PROFILE_KEYS)[number], string | null>>;
  const applyProfile = (a: WebexAttendee, profile: ProfileInput | null | undefined): void => {
    for (const key of PROFILE_KEYS)
      if (profile && profile[key] !== undefined) a.profile[key] = profile[key] ?? null;
  };

  const rootValue = {
    attendeesConnection: (args: {
      eventId: number;
      first?: number | null;
      after?: string | null;
      filterParams?: { email?: string | null } | null;
    }) => {
      requireEvent(args.eventId);
      const first = args.first ?? 20;
      if (first < 0 || first > 100) {
        throw new GraphQLError('first must be between 0 and 100.', {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
      const afterId = args.after ? Number(Buffer.from(args.after, 'base64').toString('utf8')) : 0;
      const email = args.filterParams?.email?.toLowerCase();
      const all = [...attendees.values()]
        .filter((a) => a.eventId === args.eventId && (email === undefined || a.email.toLowerCase() === email))
        .sort((a, b) => a.id - b.id);
      const rest = all.filter((a) => a.id > afterId);
      const page = rest.slice(0, first);
      const edges = page.map((node) => ({ cursor: Buffer.from(String(node.id)).toString('base64'), node }));
      return {
        edges,
        nodes: page,
        pageInfo: {
          hasNextPage: rest.length > page.length,
          hasPreviousPage: afterId > 0,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
        totalCount: all.length,
      };
    },
    attendee: (args: { eventId: number; id: number }) => findOne(args.eventId, args.id),
    attendeeCreate: ({
      input,
    }: {
      input: { eventId: number; email: string; externalId?: string | null; profile?: ProfileInput | null };
    }) => {
      requireEvent(input.eventId);
      checkEmail(input.email, input.eventId);
      const at = iso();
      const attendee: WebexAttendee = {
        id: nextId++,
        eventId: input.eventId,
        email: input.email,
        externalId: input.externalId ?? null,
        profile: { firstName: null, lastName: null, company: null, jobTitle: null, phone: null },
        createdAt: at,
        updatedAt: at,
      };
      applyProfile(attendee, input.profile);
      attendees.set(attendee.id, attendee);
      onChange();
      return attendee;
    },
    attendeeUpdate: ({
      input,
    }: {
      input: {
        id: number;
        eventId: number;
        email?: string | null;
        externalId?: string | null;
        profile?: ProfileInput | null;
      };
    }) => {
      const attendee = findOne(input.eventId, input.id);
      const race = faults.concurrentEdit();
      const raceEdit = (): void => {
        raceCount += 1;
        attendee.profile.jobTitle = `Edited in UI (${raceCount})`;
        attendee.updatedAt = iso();
      };
      if (race === 'before') raceEdit();
      if (input.email != null) checkEmail(input.email, input.eventId, attendee.id);
      if (input.email != null) attendee.email = input.email;
      if (input.externalId !== undefined) attendee.externalId = input.externalId;
      applyProfile(attendee, input.profile);
      attendee.updatedAt = iso();
      const answer = structuredClone(attendee);
      if (race === 'after') raceEdit();
      onChange();
      return answer;
    },
    attendeeDelete: ({ input }: { input: { id: number; eventId: number } }) => {
      findOne(input.eventId, input.id);
      attendees.delete(input.id);
      onChange();
      return { success: true };
    },
  };

  const limitHeaders = (token: string): Record<string, string> => limiter.limitHeaders(token);
  /** 429 as the SDKs parse it: `extensions` at the top level with available costs; retry headers in ms / s. */
  const maxCostExceeded = (
    res: ServerResponse,
    token: string,
    cost: number,
    retryMs: number,
    retryS: number,
  ): void => {
    sendJson(
      res,
      429,
      { message: 'Max cost exceeded.', extensions: limiter.exceededExtensions(token, cost) },
      limiter.refusalHeaders(token, retryMs, retryS),
    );
  };

  const handleGraphql = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const endpoint = 'POST /graphql';
    let label: string | undefined;
    const count = (status: number | string): void => counters.record(endpoint, label, status);
    const fail = (
      status: number,
      code: string,
      message: string,
      headers: Record<string, string> = {},
    ): void => {
      sendJson(res, status, { message, extensions: { code } }, headers);
      count(status);
    };
    const raw = await readBody(req);
    let payload: unknown;
    try {
      payload = parseJson(raw);
    } catch (error) {
      return fail(400, 'BAD_REQUEST', error instanceof Error ? error.message : String(error));
    }
    if (!isObject(payload) || typeof payload.query !== 'string') {
      return fail(
        400,
        'BAD_REQUEST',
        'Body must be JSON { "query": string, "variables"?: object, "operation_name"?: string }.',
      );
    }
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (error) {
      return fail(400, 'GRAPHQL_PARSE_FAILED', error instanceof Error ? error.message : String(error));
    }
    const operationName =
      typeof payload.operationName === 'string'
        ? payload.operationName
        : typeof payload.operation_name === 'string'
          ? payload.operation_name
          : undefined;
    // The SDKs send `operation_name` as the root field's name; pick the document's operation when it is the only one.
    const operation = getOperationAST(document, operationName) ?? getOperationAST(document);
    if (operation) {
      const fields = operation.selectionSet.selections.flatMap((s) =>
        s.kind === Kind.FIELD ? [s.name.value] : [],
      );
      label = `${operation.operation} ${fields.join(',')}`;
    }
    const auth = header(req, 'authorization') ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
    const gate = await beforeRequest(faults, label ?? endpoint, res, (ms) =>
      maxCostExceeded(res, token, 0, Math.max(1, ms), 0),
    );
    if (gate.action === 'handled') return count(gate.status);
    if (expired.has(token)) return fail(400, 'TOKEN_IS_EXPIRED', 'Access Token is expired.');
    if (!tokens.has(token)) return fail(400, 'INVALID_TOKEN', 'Invalid Access Token.');
    const problems = validate(schema, document);
    if (problems.length > 0) {
      sendJson(
        res,
        400,
        {
          message: problems[0]?.message ?? 'Invalid query.',
          extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          errors: problems,
        },
        limitHeaders(token),
      );
      return count(400);
    }
    if (!operation)
      return fail(400, 'BAD_REQUEST', 'Could not pick an operation: name one with operationName.');
    const variables = isObject(payload.variables) ? payload.variables : {};
    const cost = webexCost(operation, variables);
    if (cost > limiter.limits.secondlyThreshold) {
      return fail(
        413,
        'QUERY_TOO_COMPLEX',
        `Query cost ${cost} exceeds ${limiter.limits.secondlyThreshold}. Ask for fewer nodes.`,
        limitHeaders(token),
      );
    }

    const key = operation.operation === 'mutation' ? header(req, 'idempotency-key') : undefined;
    if (key !== undefined && !UUID.test(key)) {
      return fail(400, 'BAD_REQUEST', 'Idempotency-Key must be a UUID.', limitHeaders(token));
    }
    const cacheKey = key === undefined ? undefined : `${token}\u0000${key}`;
    const hash = createHash('sha256').update(raw).digest('hex');
    if (cacheKey !== undefined) {
      if (inFlight.has(cacheKey))
        return fail(
          409,
          'CONFLICT',
          'A request with this Idempotency-Key is still in progress.',
          limitHeaders(token),
        );
      const cached = idempotent.get(cacheKey);
      if (cached && cached.hash !== hash) {
        return fail(
          422,
          'UNPROCESSABLE_ENTITY',
          'This Idempotency-Key was used with a different request.',
          limitHeaders(token),
        );
      }
      if (cached) {
        sendJson(res, cached.status, cached.body, { ...limitHeaders(token), 'idempotent-replayed': 'true' });
        return count(cached.status);
      }
    }
    const verdict = limiter.charge(token, cost);
    if (!verdict.allowed) {
      maxCostExceeded(res, token, cost, verdict.secondlyRetryAfterMs, verdict.dailyRetryAfterS);
      return count(429);
    }
    if (cacheKey !== undefined) inFlight.add(cacheKey);
    let result: Awaited<ReturnType<typeof execute>>;
    try {
      result = await execute({
        schema,
        document,
        rootValue,
        variableValues: variables,
        operationName: operation.name?.value ?? null,
      });
    } finally {
      if (cacheKey !== undefined) inFlight.delete(cacheKey);
    }
    const body = JSON.parse(JSON.stringify(result)) as unknown;
    const status = 'data' in result ? 200 : 400;
    if (cacheKey !== undefined && status === 200) {
      if (idempotent.size >= IDEMPOTENCY_LIMIT) idempotent.delete(idempotent.keys().next().value ?? '');
      idempotent.set(cacheKey, { hash, status, body });
    }
    if (gate.action === 'process-then-fail') return count(failAnswer(res, gate.decision));
    sendJson(res, status, body, limitHeaders(token));
    count(status);
  };

  const admin = new Router();
  const subscriptions = new SubscriptionRegistry(
    () => 'Webex Events sends no webhooks: poll attendeesConnection instead.',
  );
  addCommonAdminRoutes(admin, {
    faults,
    counters,
    dispatcher: new WebhookDispatcher(faults, {}, now),
    subscriptions,
  });
  const byId = (id: string | undefined): WebexAttendee => {
    const found = attendees.get(Number(id));
    if (!found) throw new SimHttpError(404, 'NOT_FOUND', `No attendee ${id}.`);
    return found;
  };
  /** A person edits an attendee in the Webex Events dashboard: only `updatedAt` tells a poller. */
  const uiEdit = (a: WebexAttendee, body: unknown): WebexAttendee => {
    if (!isObject(body)) throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected a JSON object.');
    if (typeof body.email === 'string') a.email = body.email;
    if (typeof body.externalId === 'string' || body.externalId === null)
      a.externalId = body.externalId as string | null;
    applyProfile(a, isObject(body.profile) ? (body.profile as ProfileInput) : undefined);
    a.updatedAt = iso();
    onChange();
    return a;
  };
  admin
    .on('GET', '/_admin', ({ res }) =>
      sendJson(res, 200, { description: describe(firstToken).trim(), routes: admin.describe() }),
    )
    .on('GET', '/_admin/events', ({ res }) => sendJson(res, 200, { data: [...events] }))
    .on('POST', '/_admin/events', async ({ req, res }) => {
      const body = await readJson(req);
      if (!isObject(body) || typeof body.id !== 'number' || !Number.isInteger(body.id) || body.id < 1) {
        throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected { "id": integer ≥ 1 }.');
      }
      events.add(body.id);
      onChange();
      sendJson(res, 201, { id: body.id });
    })
    .on('GET', '/_admin/records', ({ res }) => {
      const all = [...attendees.values()].sort((a, b) => a.id - b.id);
      sendJson(res, 200, { data: all, total: all.length });
    })
    .on('GET', '/_admin/records/:id', ({ res, params }) => sendJson(res, 200, byId(params.id)))
    .on('POST', '/_admin/records', async ({ req, res }) => {
      const body = await readJson(req);
      if (!isObject(body) || typeof body.email !== 'string')
        throw new SimHttpError(422, 'VALIDATION_FAILED', 'Expected { "email": string, … }.');
      const eventId = typeof body.eventId === 'number' ? body.eventId : ([...events][0] ?? 0);
      try {
        sendJson(
          res,
          201,
          rootValue.attendeeCreate({
            input: {
              eventId,
              email: body.email,
              profile: isObject(body.profile) ? (body.profile as ProfileInput) : null,
            },
          }),
        );
      } catch (error) {
        if (error instanceof GraphQLError) throw new SimHttpError(422, 'VALIDATION_FAILED', error.message);
        throw error;
      }
    })
    .on('PATCH', '/_admin/records/:id', async ({ req, res, params }) =>
      sendJson(res, 200, uiEdit(byId(params.id), await readJson(req))),
    )
    .on('DELETE', '/_admin/records/:id', ({ res, params }) => {
      attendees.delete(byId(params.id).id);
      onChange();
      sendJson(res, 204, undefined);
    })
    .on('GET', '/_admin/limits', ({ res }) => sendJson(res, 200, limiter.limits))
    .on('PUT', '/_admin/limits', async ({ req, res }) => {
      const body = await readJson(req);
      const next = { ...limiter.limits };
      for (const key of ['secondlyThreshold', 'dailyThreshold'] as const) {
        const value = isObject(body) ? body[key] : undefined;
        if (value === undefined) continue;
        if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
          throw new SimHttpError(422, 'VALIDATION_FAILED', `${key} must be an integer ≥ 1.`);
        next[key] = value;
      }
      limiter.limits = next;
      limiter.reset();
      sendJson(res, 200, limiter.limits);
    })
    .on('POST', '/_admin/reset', ({ res }) => {
      applyStartOptions();
      sendJson(res, 200, { reset: true });
    });

  // Admin writes save the state themselves (onChange), so no `persisted` here.
  const server = await serveSimulator({
    ...(options.port === undefined ? {} : { port: options.port }),
    admin,
    describe: () => describe(firstToken),
    api: (req, res, url) => {
      if (url.pathname === '/graphql' && req.method === 'POST') return handleGraphql(req, res);
      sendJson(res, 404, {
        message: `No route ${req.method} ${url.pathname}.`,
        extensions: { code: 'NOT_FOUND' },
      });
    },
  });

  return {
    url: server.url,
    port: server.port,
    graphqlUrl: `${server.url}/graphql`,
    token: firstToken,
    attendees,
    faults,
    counters,
    limiter,
    reset: applyStartOptions,
    async close() {
      await server.close();
      if (persisted) {
        persisted.markDirty();
        await persisted.close();
      }
    },
  };
}
