/**
 * The generic destination client: executes a connector document (REST or GraphQL) as the
 * `DestinationClient` port. Every provider difference — paths, envelopes, where records and ids
 * sit, pagination, modified-since filters, auth, retry hints, error codes — comes from the
 * document; no provider name appears here. A write whose answer yields no id, or an id of the wrong
 * shape, fails loudly (DeliveryError NO_ID / BAD_ID) instead of recording "undefined".
 */
import { getPath, setPath } from '../connector/paths.ts';
import {
  formatTime,
  MissingValueError,
  parseTimeValue,
  renderJson,
  renderText,
  type TemplateContext,
} from '../connector/template.ts';
import type { ConnectorDocument, Operation, Pagination } from '../connector/types.ts';
import {
  type CredentialLock,
  type CredentialStore,
  createAuthorizer,
  processLock,
} from './connector-auth.ts';
import type { ChangePage, DestinationClient, DestinationRecord, WriteOptions } from './destination.ts';
import { DeliveryError, isRetryableStatus } from './errors.ts';
import { type CallResult, type FetchLike, httpCall, redactUrl } from './http-call.ts';
import type { ProviderProfile } from './profiles.ts';
import { type RateBudget, unlimitedBudget } from './rate-limit.ts';
import { type RetryOptions, withRetry } from './retry.ts';

export type ConnectionSettings = Record<string, string | number | boolean>;
export type IdempotencyMode = 'idempotency-key-header' | 'natural-key-lookup' | 'none';

export interface ConnectorClientOptions {
  connector: ConnectorDocument;
  connection: ConnectionSettings;
  credentials: CredentialStore;
  /** Replaces the document's baseUrl (a simulator locally). */
  baseUrl?: string;
  /**
   * Locally: the simulator's origin, onto which absolute URLs outside the base URL (the auth's token
   * endpoint) are re-rooted, so a documented `https://zoom.us/oauth/token` reaches the simulator too.
   */
  localOrigin?: string;
  /** The natural key's destination field path (findByKey's `{key}`, lookups before a create). */
  naturalKeyField: string;
  /** The spec's destination.idempotency. */
  idempotency: IdempotencyMode;
  /** Field paths the integration reads or writes (mapped fields): selected and readable by path. */
  fields?: string[];
  /** Replaces the retry/timeout profile derived from the connector's limits (tests, benchmarks). */
  profile?: ProviderProfile;
  lock?: CredentialLock;
  budget?: RateBudget;
  fetch?: FetchLike;
  retry?: Omit<RetryOptions, 'profile'>;
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The connector's limits as a retry/timeout profile. */
export function connectorProfile(connector: ConnectorDocument): ProviderProfile {
  const limits = connector.limits ?? {};
  return {
    name: connector.id,
    retryAfterHeaders: limits.retryAfterHeaders ?? [{ name: 'retry-after', unit: 's' }],
    ...(limits.rateLimitHeaders ? { rateLimitHeaders: limits.rateLimitHeaders } : {}),
    maxBatch: 1,
    timeoutMs: limits.timeoutMs ?? 10_000,
    maxAttempts: limits.maxAttempts ?? 6,
    baseDelayMs: limits.baseDelayMs ?? 100,
    maxDelayMs: limits.maxDelayMs ?? 5_000,
    ...(connector.record.updatedAtPath ? { updatedAtField: connector.record.updatedAtPath } : {}),
  };
}

/**
 * A deterministic UUID (version 8 layout, RFC 9562) from any key: the same intent key gives the
 * same UUID, so a retried write carries the same idempotency key or caller-chosen id.
 */
export async function uuidFromKey(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)));
  const bytes = digest.slice(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The GraphQL selection for field paths: `a.b` → `a { b }`, `cf[label=X].value` → `cf { label value }`. */
export function selectionFor(paths: readonly string[]): string {
  interface Node {
    children: Map<string, Node>;
  }
  const root: Node = { children: new Map() };
  const child = (node: Node, name: string): Node => {
    let found = node.children.get(name);
    if (!found) {
      found = { children: new Map() };
      node.children.set(name, found);
    }
    return found;
  };
  for (const path of paths) {
    let node = root;
    for (const part of path.split('.')) {
      const name = part.replace(/\[.*$/, '');
      node = child(node, name);
      const match = /\[([A-Za-z_][A-Za-z0-9_]*)=/.exec(part);
      if (match?.[1]) child(node, match[1]);
    }
  }
  const print = (node: Node): string =>
    [...node.children.entries()]
      .map(([name, sub]) => (sub.children.size === 0 ? name : `${name} { ${print(sub)} }`))
      .join(' ');
  return print(root);
}

/** `<https://…>; rel="next"` → the URL, or null. */
function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;(?:[^,]*?)rel="?([^";]+)"?/.exec(part);
    if (match?.[2]?.split(/\s+/).includes('next')) return match[1] ?? null;
  }
  return null;
}

export function createConnectorClient(options: ConnectorClientOptions): DestinationClient {
  const { connector, connection } = options;
  const { record: recordSpec, operations } = connector;
  const profile = options.profile ?? connectorProfile(connector);
  const budget = options.budget ?? unlimitedBudget();
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const limits = connector.limits ?? {};
  const pagination: Pagination = connector.pagination ?? { type: 'none' };
  const baseContext: TemplateContext = (name) => {
    if (!name.startsWith('connection.')) return undefined;
    const key = name.slice('connection.'.length);
    return connection[key] ?? connector.connection?.[key]?.default;
  };
  const baseUrl = (options.baseUrl ?? renderText(connector.baseUrl, baseContext)).replace(/\/+$/, '');
  const authorizer = createAuthorizer({
    connector,
    context: baseContext,
    credentials: options.credentials,
    lock: options.lock ?? processLock(),
    fetch: fetchImpl,
    timeoutMs: profile.timeoutMs,
    ...(options.localOrigin ? { localOrigin: options.localOrigin } : {}),
  });
  // What is selected (GraphQL cost grows with it) and made readable by path: the id, the modified
  // time, the natural key and the fields the integration maps — not every described field.
  const selectionPaths = [
    ...new Set([
      recordSpec.idPath,
      ...(recordSpec.updatedAtPath ? [recordSpec.updatedAtPath] : []),
      options.naturalKeyField,
      ...(options.fields ?? []),
    ]),
  ];
  if (connector.api === 'graphql') {
    // Paths become GraphQL text: every name in them must be a plain GraphQL name.
    for (const path of selectionPaths)
      for (const name of path.split(/[.[\]=]/).filter((part) => part !== ''))
        if (!GRAPHQL_NAME.test(name) && !/^\d+$/.test(name) && !path.includes(`=${name}]`))
          throw new TypeError(`"${path}" is not a GraphQL name path; check the spec's destination fields.`);
  }
  const selection = selectionFor(selectionPaths);
  const writable = new Map(recordSpec.fields.map((f) => [f.path, f.writable ?? ['create', 'update']]));
  const idPattern = recordSpec.idPattern ? new RegExp(recordSpec.idPattern) : undefined;
  let calls = 0;

  const fail = (message: string, code: string, status = 200, retryable = false): DeliveryError =>
    new DeliveryError('destination', `${connector.id}: ${message}`, { status, retryable, code });

  /** An id as text, or a loud failure: never "undefined", never an object, never the wrong shape. */
  const checkId = (raw: unknown, where: string): string => {
    if (raw === undefined || raw === null || raw === '')
      throw fail(`no id at ${where}; nothing is recorded — check the connector's id source`, 'NO_ID');
    if (typeof raw !== 'string' && typeof raw !== 'number')
      throw fail(
        `the id at ${where} is ${Array.isArray(raw) ? 'an array' : typeof raw}, not a ${recordSpec.idType} id`,
        'BAD_ID',
      );
    const id = String(raw);
    const shapeOk =
      recordSpec.idType === 'integer'
        ? /^\d+$/.test(id)
        : recordSpec.idType === 'uuid'
          ? UUID.test(id)
          : id.length <= 512 && !/\s/.test(id) && id !== 'undefined' && id !== 'null';
    if (!shapeOk || (idPattern && !idPattern.test(id)))
      throw fail(
        `the id at ${where} is "${id.slice(0, 64)}", not a ${recordSpec.idType} id${idPattern ? ` matching ${recordSpec.idPattern}` : ''}`,
        'BAD_ID',
      );
    return id;
  };

  /** An API record → the port's record: values by top-level key and by every described path. */
  const toRecord = (
    raw: unknown,
    where: string,
    knownId?: string,
    preferKnown = false,
  ): DestinationRecord => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw fail(
        `expected a record at ${where}, found ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`,
        'BAD_RECORD',
      );
    const source = raw as Record<string, unknown>;
    const rawId = getPath(source, recordSpec.idPath);
    const id =
      knownId !== undefined && (preferKnown || rawId === undefined || rawId === null)
        ? knownId
        : checkId(rawId, `${where}.${recordSpec.idPath}`);
    const values: Record<string, unknown> = { ...source };
    for (const path of selectionPaths) {
      const value = getPath(source, path);
      if (value !== undefined) values[path] = value;
    }
    values[recordSpec.idPath] = id;
    const result: DestinationRecord = { id, values };
    if (recordSpec.updatedAtPath) {
      const at = parseTimeValue(getPath(source, recordSpec.updatedAtPath), recordSpec.updatedAtFormat);
      if (at !== undefined) {
        result.updatedAt = at;
        // Intake and the poller read the modification time as ISO text under this path.
        values[recordSpec.updatedAtPath] = new Date(at).toISOString();
      }
    }
    return result;
  };

  /** Field values (keyed by path) → a nested body; a field the operation can't write is refused. */
  const buildInput = (
    values: Record<string, unknown>,
    verb: 'create' | 'update',
  ): Record<string, unknown> => {
    const body: Record<string, unknown> = {};
    for (const [path, value] of Object.entries(values)) {
      const allowed = writable.get(path);
      // A field the API takes only on the other write (Zoom: names on create, the status action on
      // update) is left out of this one (docs/CONNECTORS.md); a read-only one is refused below.
      if (allowed?.length === 1 && allowed[0] !== verb) continue;
      if (allowed && !allowed.includes(verb))
        throw fail(
          `"${path}" can't be written on ${verb} (the connector marks it ${allowed.length ? allowed.join('/') : 'read-only'})`,
          'NOT_WRITABLE',
          400,
        );
      setPath(body, path, value);
    }
    return body;
  };

  interface Call {
    verb: string;
    op: Operation;
    context: Record<string, unknown>;
    headers?: Record<string, string>;
    /** A full URL to call instead of the operation's path (link-header pagination). */
    url?: string;
  }
  interface Answer {
    status: number;
    headers: Headers;
    body: unknown;
    /** GraphQL: the operation's payload under data. */
    payload?: unknown;
    notFound: boolean;
  }

  const contextFn =
    (values: Record<string, unknown>): TemplateContext =>
    (name) => {
      if (name in values) return values[name] as never;
      const dot = name.indexOf('.');
      // `{input.profile}`: a part of a per-call value.
      if (dot > 0 && name.slice(0, dot) in values)
        return getPath(values[name.slice(0, dot)], name.slice(dot + 1)) as never;
      return baseContext(name);
    };

  /** Sends one operation once (inside the budget); maps statuses and GraphQL errors to outcomes. */
  const sendOnce = async (call: Call, allowReauth = true): Promise<Answer> => {
    const { op } = call;
    const ctx = contextFn(call.context);
    const headers: Record<string, string> = { accept: 'application/json', ...(call.headers ?? {}) };
    let url: URL;
    let body: string | undefined;
    let method: string;
    if (connector.api === 'graphql') {
      method = 'POST';
      url = new URL(baseUrl + (connector.endpoint ?? '/graphql'));
      const query = (op.graphql ?? '').replaceAll('{selection}', selection);
      const variables = renderJson(op.variables ?? {}, ctx) as Record<string, unknown>;
      headers['content-type'] = 'application/json';
      body = JSON.stringify({ query, variables });
    } else {
      method = op.method ?? 'GET';
      if (call.url) url = new URL(call.url);
      else {
        let path: string;
        try {
          path = renderText(op.path ?? '/', (name) => {
            const value = ctx(name);
            return value === undefined || value === null ? value : encodeURIComponent(String(value));
          });
        } catch (error) {
          if (error instanceof MissingValueError)
            throw fail(`${call.verb}: ${error.message} (set it in destination.connection)`, 'CONFIG', 0);
          throw error;
        }
        url = new URL(baseUrl + path);
        for (const [name, template] of Object.entries(op.query ?? {})) {
          try {
            url.searchParams.set(name, renderText(template, ctx));
          } catch (error) {
            if (!(error instanceof MissingValueError)) throw error; // a parameter whose value is absent is left out
          }
        }
      }
      const input = call.context.input as Record<string, unknown> | undefined;
      if (input !== undefined && method !== 'GET' && method !== 'DELETE') {
        let payload: Record<string, unknown> = input;
        if (op.body?.envelope) {
          payload = {};
          setPath(payload, op.body.envelope, input);
        }
        if (op.body?.extra)
          payload = { ...(renderJson(op.body.extra, ctx) as Record<string, unknown>), ...payload };
        if (op.body?.format === 'form') {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          const form = new URLSearchParams();
          for (const [key, value] of Object.entries(payload))
            if (value !== undefined)
              form.set(
                key,
                value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value),
              );
          body = form.toString();
        } else {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(payload);
        }
      }
    }
    await authorizer.apply(url, headers);
    calls++;
    const result: CallResult = await httpCall('destination', profile, fetchImpl, url.toString(), {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    budget.observe(result.headers);
    if (result.status === 401 && allowReauth && authorizer.invalidate()) return sendOnce(call, false);
    const notFoundStatuses = op.notFound ?? [404];
    if (notFoundStatuses.includes(result.status))
      return { status: result.status, headers: result.headers, body: undefined, notFound: true };
    let parsed: unknown;
    if (result.text !== '') {
      try {
        parsed = JSON.parse(result.text);
      } catch {
        parsed = undefined;
      }
    }
    const where = `${method} ${redactUrl(url.toString())}`;
    if (result.status < 200 || result.status >= 300) throw failure(where, result, parsed);
    if (connector.api === 'graphql') {
      const response = (parsed ?? {}) as {
        data?: unknown;
        errors?: Array<{ message?: string; extensions?: Record<string, unknown> }>;
      };
      const first = response.errors?.[0];
      if (first) {
        const code = typeof first.extensions?.code === 'string' ? first.extensions.code : undefined;
        if (code && (limits.notFoundCodes ?? ['NOT_FOUND']).includes(code))
          return { status: result.status, headers: result.headers, body: parsed, notFound: true };
        const retryable = code !== undefined && (limits.retryableCodes ?? []).includes(code);
        throw new DeliveryError(
          'destination',
          `${connector.id}: ${where} GraphQL error ${code ?? ''} ${first.message ?? ''}`.trim(),
          {
            status: result.status,
            retryable,
            ...(code ? { code } : {}),
            ...hint(costWaitMs(parsed) ?? undefined),
          },
        );
      }
      const payload = getPath(response.data, op.payload ?? '');
      if (op.userErrors) {
        const userErrors = getPath(payload, op.userErrors);
        if (Array.isArray(userErrors) && userErrors.length > 0) {
          const messages = userErrors.map((e) =>
            typeof e === 'object' && e && 'message' in e ? String(e.message) : JSON.stringify(e),
          );
          throw new DeliveryError(
            'destination',
            `${connector.id}: ${call.verb} refused: ${messages.join('; ')}`,
            {
              status: result.status,
              retryable: false,
              code: 'USER_ERRORS',
            },
          );
        }
      }
      return {
        status: result.status,
        headers: result.headers,
        body: parsed,
        payload,
        notFound: payload === null || payload === undefined,
      };
    }
    return { status: result.status, headers: result.headers, body: parsed, notFound: false };
  };

  const costWaitMs = (body: unknown): number | null => {
    if (!limits.cost) return null;
    const extensions = getPath(body, 'extensions');
    const requested = Number(getPath(extensions, limits.cost.requestedPath));
    const available = Number(getPath(extensions, limits.cost.availablePath));
    const rate = Number(getPath(extensions, limits.cost.restoreRatePath));
    if (![requested, available, rate].every(Number.isFinite) || rate <= 0) return null;
    return Math.max(0, Math.ceil(((requested - available) / rate) * 1000));
  };

  const failure = (where: string, result: CallResult, parsed: unknown): DeliveryError => {
    const code =
      (getPath(parsed, 'errors[0].extensions.code') as string | undefined) ??
      (getPath(parsed, 'error.code') as string | undefined) ??
      (getPath(parsed, 'extensions.code') as string | undefined) ??
      (typeof getPath(parsed, 'code') === 'string' || typeof getPath(parsed, 'code') === 'number'
        ? String(getPath(parsed, 'code'))
        : undefined);
    let wait: number | undefined;
    for (const { name, unit } of profile.retryAfterHeaders) {
      const raw = result.headers.get(name);
      if (raw === null || raw === '') continue;
      const n = Number(raw);
      if (Number.isFinite(n) && n >= 0) {
        wait = Math.round(unit === 's' ? n * 1000 : n);
        break;
      }
      const date = Date.parse(raw);
      if (!Number.isNaN(date)) {
        wait = Math.max(0, date - Date.now());
        break;
      }
    }
    return new DeliveryError(
      'destination',
      `${connector.id}: ${where} answered ${result.status}${code ? ` ${code}` : ''}`,
      {
        status: result.status,
        retryable:
          isRetryableStatus(result.status) || (limits.retryableStatuses ?? []).includes(result.status),
        ...(code ? { code: String(code) } : {}),
        ...hint(wait ?? costWaitMs(parsed) ?? undefined),
      },
    );
  };

  const send = (call: Call, retry = true): Promise<Answer> =>
    withRetry(() => budget.schedule(() => sendOnce(call)), {
      ...options.retry,
      profile: retry ? profile : { ...profile, maxAttempts: 1 },
    });

  const operation = (verb: keyof ConnectorDocument['operations']): Operation => {
    const op = operations[verb];
    if (!op) throw fail(`the connector describes no "${verb}" operation`, 'UNSUPPORTED', 0);
    return op;
  };

  /** The record in an answer (REST body or GraphQL payload) at the operation's record path. */
  const recordIn = (answer: Answer, op: Operation): unknown =>
    getPath(connector.api === 'graphql' ? answer.payload : answer.body, op.record ?? '');

  const get = async (id: string): Promise<DestinationRecord | null> => {
    const op = operation('get');
    const answer = await send({ verb: 'get', op, context: { id } });
    if (answer.notFound) return null;
    const raw = recordIn(answer, op);
    if (raw === null || raw === undefined) return null;
    return toRecord(raw, 'get answer', id);
  };

  /** Records of one list answer. */
  const recordsIn = (answer: Answer, op: Operation): unknown[] => {
    const container = connector.api === 'graphql' ? answer.payload : answer.body;
    if (pagination.type === 'relay') {
      const connectionValue = getPath(container, pagination.connection);
      const edges = getPath(connectionValue, 'edges');
      if (Array.isArray(edges)) return edges.map((edge) => getPath(edge, 'node'));
      const nodes = getPath(connectionValue, 'nodes');
      return Array.isArray(nodes) ? nodes : [];
    }
    const found = getPath(container, op.records ?? '');
    if (found === undefined || found === null) return [];
    if (!Array.isArray(found))
      throw fail(`the list answer's "${op.records ?? ''}" is not an array`, 'BAD_RECORD');
    return found;
  };

  /** One page from `position` (null = first); next position or null. */
  const fetchPage = async (
    verb: 'list' | 'findByKey',
    position: string | null,
    extra: Record<string, unknown>,
  ): Promise<{ raws: unknown[]; next: string | null; end: string | null }> => {
    const op = operation(verb);
    const size = 'size' in pagination ? pagination.size : 100;
    const context: Record<string, unknown> = { limit: size, ...extra };
    if (pagination.type === 'page')
      context.page = position === null ? (pagination.firstPage ?? 1) : Number(position);
    else if (pagination.type === 'offset') context.offset = position === null ? 0 : Number(position);
    else if (position !== null) context.cursor = position;
    else if (pagination.type === 'cursor' && pagination.firstCursor !== undefined)
      context.cursor = pagination.firstCursor;
    const answer = await send({
      verb,
      op,
      context,
      ...(pagination.type === 'link-header' && position !== null ? { url: position } : {}),
    });
    if (answer.notFound) return { raws: [], next: null, end: null };
    const raws = recordsIn(answer, op);
    const container = connector.api === 'graphql' ? answer.payload : answer.body;
    switch (pagination.type) {
      case 'none':
        return { raws, next: null, end: null };
      case 'cursor': {
        const raw =
          pagination.from === 'body'
            ? getPath(answer.body, pagination.path)
            : answer.headers.get(pagination.header);
        const next =
          typeof raw === 'string' && raw !== '' ? raw : typeof raw === 'number' ? String(raw) : null;
        return { raws, next, end: null };
      }
      case 'page': {
        const page = Number(context.page);
        const totalPages = pagination.totalPagesPath
          ? Number(getPath(answer.body, pagination.totalPagesPath))
          : Number.NaN;
        const more = Number.isFinite(totalPages) ? page < totalPages : raws.length >= size;
        return { raws, next: more && raws.length > 0 ? String(page + 1) : null, end: null };
      }
      case 'offset':
        return {
          raws,
          next: raws.length >= size ? String(Number(context.offset) + raws.length) : null,
          end: null,
        };
      case 'relay': {
        const info = getPath(getPath(container, pagination.connection), 'pageInfo');
        const endCursor = getPath(info, 'endCursor');
        const end = typeof endCursor === 'string' && endCursor !== '' ? endCursor : null;
        return { raws, next: getPath(info, 'hasNextPage') === true ? end : null, end };
      }
      case 'link-header':
        return { raws, next: nextLink(answer.headers.get('link')), end: null };
    }
  };

  const sinceValue = (updatedAfter: string | undefined): string | number | undefined => {
    if (updatedAfter === undefined || !connector.modifiedSince) return undefined;
    const ms = Date.parse(updatedAfter);
    if (Number.isNaN(ms)) return undefined;
    return formatTime(
      ms - (connector.modifiedSince.overlapSeconds ?? 0) * 1000,
      connector.modifiedSince.format,
    );
  };

  const compare = (a: DestinationRecord, b: DestinationRecord): number =>
    (a.updatedAt ?? 0) - (b.updatedAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

  /** Reads every page of a list (bounded), for APIs whose order or cursors can't carry a poll. */
  const scan = async (
    verb: 'list' | 'findByKey',
    extra: Record<string, unknown>,
    maxPages = 500,
  ): Promise<unknown[]> => {
    const all: unknown[] = [];
    let position: string | null = null;
    for (let page = 0; page < maxPages; page++) {
      const { raws, next } = await fetchPage(verb, position, extra);
      all.push(...raws);
      if (next === null) return all;
      position = next;
    }
    throw fail(
      `${verb} still had pages after ${maxPages}; narrow it with a modified-since filter`,
      'TOO_MANY_PAGES',
      0,
    );
  };

  const findByNaturalKey = async (value: string): Promise<DestinationRecord | null> => {
    const wanted = value.toLowerCase();
    const matches = (r: DestinationRecord) =>
      String(r.values[options.naturalKeyField] ?? '').toLowerCase() === wanted;
    if (operations.findByKey) {
      const raws = (await fetchPage('findByKey', null, { key: value })).raws;
      return raws.map((raw) => toRecord(raw, 'findByKey answer')).find(matches) ?? null;
    }
    // No lookup the API can filter by: read the list and compare (bounded; documented per connector).
    const raws = await scan('list', {});
    return raws.map((raw) => toRecord(raw, 'list answer')).find(matches) ?? null;
  };

  /** The id of a written record, from where the operation says it comes. */
  const writtenId = (
    answer: Answer,
    op: Operation,
    verb: string,
    requestId: string | undefined,
  ): string | undefined => {
    const source = op.id ?? { from: 'body', path: `${op.record ? `${op.record}.` : ''}${recordSpec.idPath}` };
    switch (source.from) {
      case 'body': {
        const container = connector.api === 'graphql' ? answer.payload : answer.body;
        return checkId(getPath(container, source.path), `${verb} answer body "${source.path}"`);
      }
      case 'header': {
        const value = answer.headers.get(source.name);
        if (source.pattern && value !== null && !new RegExp(source.pattern).test(value))
          throw fail(
            `the ${source.name} header "${value.slice(0, 64)}" does not match ${source.pattern}`,
            'BAD_ID',
          );
        return checkId(value, `${verb} answer header ${source.name}`);
      }
      case 'request':
        return requestId;
      case 'caller':
        return requestId;
    }
  };

  const idempotencyHeaders = async (key: string): Promise<Record<string, string>> => {
    const header = connector.idempotency?.header;
    if (options.idempotency !== 'idempotency-key-header' || !header) return {};
    return { [header.name.toLowerCase()]: header.format === 'uuid' ? await uuidFromKey(key) : key };
  };

  /** After a 2xx: the written record, re-read or built from the answer. */
  const writtenRecord = async (
    answer: Answer,
    op: Operation,
    verb: 'create' | 'update',
    id: string,
  ): Promise<DestinationRecord> => {
    const raw = recordIn(answer, op);
    const empty =
      op.reread === true ||
      raw === undefined ||
      raw === null ||
      (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0);
    if (empty) {
      if (op.emptyAnswer === 'reread' || op.reread) {
        const reread = await get(id);
        if (!reread)
          throw fail(
            `${verb} answered ${answer.status} with no body and the record ${id} could not be read back`,
            'NO_RECORD',
            404,
            true,
          );
        if (reread.id !== id)
          throw fail(`${verb} wrote ${id} but reading it back gave ${reread.id}`, 'BAD_ID');
        return reread;
      }
      return { id, values: { [recordSpec.idPath]: id } };
    }
    // The id source wins over a differing id in the body (Zoom's create answers the meeting's id there).
    return toRecord(raw, `${verb} answer`, id, true);
  };

  return {
    get calls() {
      return calls;
    },
    get,
    findByNaturalKey,
    async create(values, write: WriteOptions) {
      const op = operation('create');
      const input = buildInput(values, 'create');
      let callerId: string | undefined;
      if (op.id?.from === 'caller') {
        callerId = await uuidFromKey(write.idempotencyKey);
        setPath(input, op.id.path, callerId);
      }
      const headers = await idempotencyHeaders(write.idempotencyKey);
      // A create is safe to repeat only with an idempotency key or an id we chose; otherwise one
      // attempt here, and the worker's retry looks the record up by natural key first.
      const safe = Object.keys(headers).length > 0 || callerId !== undefined;
      const answer = await send(
        { verb: 'create', op, context: { input, idempotencyKey: write.idempotencyKey }, headers },
        safe,
      );
      if (answer.notFound) throw fail('create answered not-found', 'NOT_FOUND', answer.status);
      if (answer.status === 204 && (op.id === undefined || op.id.from === 'body'))
        throw fail(
          'create answered 204 No Content: no id to record; the record may exist — the connector must take the id from a header or supply it',
          'NO_ID',
          204,
        );
      const id = writtenId(answer, op, 'create', callerId);
      if (id === undefined) throw fail('create gave no id', 'NO_ID');
      return writtenRecord(answer, op, 'create', id);
    },
    async update(id, values, write: WriteOptions) {
      const op = operation('update');
      const input = buildInput(values, 'update');
      if (Object.keys(input).length === 0)
        return operations.get ? get(id) : { id, values: { [recordSpec.idPath]: id } };
      const headers = await idempotencyHeaders(write.idempotencyKey);
      const answer = await send({
        verb: 'update',
        op,
        context: { id, input, idempotencyKey: write.idempotencyKey },
        headers,
      });
      if (answer.notFound) return null;
      const source = op.id ?? {
        from: 'body',
        path: `${op.record ? `${op.record}.` : ''}${recordSpec.idPath}`,
      };
      const raw = recordIn(answer, op);
      const emptyBody = raw === undefined || raw === null;
      if (emptyBody && source.from === 'body' && !op.reread) {
        if (op.emptyAnswer !== 'reread')
          throw fail(
            `update answered ${answer.status} with no record, so no id: set operations.update.emptyAnswer "reread" or id.from "request"`,
            'NO_ID',
            answer.status,
          );
        return writtenRecord(answer, op, 'update', id);
      }
      const newId =
        source.from === 'body'
          ? writtenId(answer, op, 'update', id)
          : (writtenId(answer, op, 'update', id) ?? id);
      return writtenRecord(answer, op, 'update', newId ?? id);
    },
    async remove(id) {
      const op = operation('delete');
      const answer = await send({ verb: 'delete', op, context: { id } });
      if (answer.notFound) return false;
      if (connector.api === 'graphql') return answer.payload !== false && answer.payload !== null;
      return true;
    },
    async listChanged(page): Promise<ChangePage> {
      const since = sinceValue(page.updatedAfter);
      const extra: Record<string, unknown> = since === undefined ? {} : { since };
      const after = page.updatedAfter === undefined ? undefined : Date.parse(page.updatedAfter);
      if (operations.list?.ordered && connector.modifiedSince) {
        const { raws, next, end } = await fetchPage('list', page.cursor ?? null, extra);
        return { records: raws.map((raw) => toRecord(raw, 'list answer')), next, end };
      }
      // The API can't keep a poll's place: read the whole (filtered) list, keep what changed at or
      // after the cursor, in (updatedAt, id) order, as one page.
      const records = (await scan('list', extra))
        .map((raw) => toRecord(raw, 'list answer'))
        .filter(
          (r) =>
            after === undefined || Number.isNaN(after) || r.updatedAt === undefined || r.updatedAt >= after,
        )
        .sort(compare);
      return { records, next: null, end: null };
    },
  };
}

function hint(ms: number | undefined): { retryAfterMs?: number } {
  return ms === undefined ? {} : { retryAfterMs: ms };
}
