/**
 * `validateConnector` / `parseConnectorText`: a connector document checked with the same care as a
 * spec — ajv on the schema, then the checks a schema can't say (which properties each `type` takes,
 * templates naming declared settings, paths that parse, operations the API style can run) — each
 * problem with its JSON pointer, line:column from text, and a "did you mean" where one fits.
 * Browser-safe.
 */
import type { ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import { parseJsonDocument } from '../spec/parse.ts';
import { childPointer, type SpecProblem } from '../spec/problems.ts';
import { didYouMean } from '../spec/suggest.ts';
import { translate } from '../spec/validate.ts';
import { pathProblem } from './paths.ts';
import { connectorSchema } from './schema.ts';
import { placeholders, SPREAD_KEY } from './template.ts';
import { CONNECTOR_VERSION, type ConnectorDocument, type Operation } from './types.ts';

export type ConnectorProblem = SpecProblem;
export type ConnectorValidation =
  | { ok: true; connector: ConnectorDocument }
  | { ok: false; problems: ConnectorProblem[] };

/** Thrown by `assertValidConnector`. */
export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(
    readonly problems: readonly ConnectorProblem[],
    source?: string,
  ) {
    const first = problems[0];
    super(
      `${source ? `${source}: ` : ''}invalid connector: ${first ? `${first.pointer || '(root)'} ${first.message}` : ''}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    );
  }
}

let compiled: ValidateFunction | undefined;
function schemaValidator(): ValidateFunction {
  compiled ??= new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true, strict: false }).compile(
    connectorSchema,
  );
  return compiled;
}

/** Which properties each `type` of a keyed union takes (beyond `type` itself), and which it needs. */
const AUTH: Record<string, { allowed: string[]; required: string[] }> = {
  none: { allowed: [], required: [] },
  bearer: { allowed: ['token'], required: ['token'] },
  'api-key': { allowed: ['in', 'name', 'value'], required: ['in', 'name', 'value'] },
  basic: { allowed: ['username', 'password'], required: ['username', 'password'] },
  'oauth2-client-credentials': {
    allowed: ['tokenUrl', 'clientId', 'clientSecret', 'clientAuth', 'params', 'renewBeforeSeconds'],
    required: ['tokenUrl', 'clientId', 'clientSecret', 'clientAuth'],
  },
  'oauth2-refresh-token': {
    allowed: [
      'tokenUrl',
      'clientId',
      'clientSecret',
      'clientAuth',
      'refreshToken',
      'rotates',
      'params',
      'renewBeforeSeconds',
    ],
    required: ['tokenUrl', 'clientId', 'clientSecret', 'clientAuth', 'refreshToken', 'rotates'],
  },
};
const PAGINATION: Record<
  string,
  { allowed: string[]; required: string[]; api?: 'rest' | 'graphql'; uses?: string }
> = {
  none: { allowed: [], required: [] },
  cursor: {
    allowed: ['from', 'path', 'header', 'size', 'firstCursor'],
    required: ['from', 'size'],
    uses: 'cursor',
  },
  page: { allowed: ['size', 'firstPage', 'totalPagesPath'], required: ['size'], api: 'rest', uses: 'page' },
  offset: { allowed: ['size'], required: ['size'], api: 'rest', uses: 'offset' },
  relay: {
    allowed: ['connection', 'size'],
    required: ['connection', 'size'],
    api: 'graphql',
    uses: 'cursor',
  },
  'link-header': { allowed: ['size'], required: ['size'], api: 'rest' },
};
const VERIFY: Record<string, { allowed: string[]; required: string[] }> = {
  hmac: {
    allowed: [
      'header',
      'algorithm',
      'encoding',
      'prefix',
      'payload',
      'secretEncoding',
      'secretPrefix',
      'timestamp',
      'separator',
      'eventIdHeader',
    ],
    required: ['header', 'algorithm', 'encoding', 'payload'],
  },
  'url-token': { allowed: ['param'], required: ['param'] },
};
const ID_SOURCE: Record<string, { allowed: string[]; required: string[] }> = {
  body: { allowed: ['path'], required: ['path'] },
  header: { allowed: ['name', 'pattern'], required: ['name'] },
  request: { allowed: [], required: [] },
  caller: { allowed: ['path'], required: ['path'] },
};

function keyed(
  value: unknown,
  pointer: string,
  table: Record<string, { allowed: string[]; required: string[] }>,
  what: string,
  key = 'type',
): SpecProblem[] {
  if (!isObject(value)) return [];
  const type = String(value[key]);
  const entry = table[type];
  if (!entry) return []; // the schema's enum reports it
  const problems: SpecProblem[] = [];
  for (const name of Object.keys(value)) {
    if (name === key || entry.allowed.includes(name)) continue;
    const hint = didYouMean(name, entry.allowed);
    problems.push({
      pointer: childPointer(pointer, name),
      message: `"${name}" does not apply to ${what} ${key} "${type}"; it takes ${entry.allowed.length ? entry.allowed.join(', ') : 'nothing else'}`,
      ...(hint ? { hint } : {}),
    });
  }
  for (const name of entry.required) {
    if (!(name in value) && !problems.some((p) => p.hint === `did you mean "${name}"?`))
      problems.push({ pointer, message: `${what} ${key} "${type}" needs "${name}"` });
  }
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Names every template may use, by where it is used. */
const RUNTIME_NAMES = [
  'id',
  'key',
  'limit',
  'cursor',
  'page',
  'offset',
  'since',
  'input',
  'selection',
  'idempotencyKey',
];

function templateProblems(doc: Record<string, unknown>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const connection = isObject(doc.connection) ? Object.keys(doc.connection) : [];
  const credentials = isObject(doc.credentials) ? Object.keys(doc.credentials) : [];
  const check = (template: string, pointer: string, allowRuntime: boolean, extra: string[] = []): void => {
    for (const name of placeholders(template)) {
      const [scope, member, ...rest] = name.split('.');
      if (scope === 'connection' || scope === 'credentials') {
        const declared = scope === 'connection' ? connection : credentials;
        if (member === undefined || rest.length > 0 || !declared.includes(member)) {
          const hint = member === undefined ? undefined : didYouMean(member, declared);
          problems.push({
            pointer,
            message: `{${name}} names no declared ${scope} setting; declare it under "${scope}" (declared: ${declared.join(', ') || 'none'})`,
            ...(hint ? { hint } : {}),
          });
        }
        continue;
      }
      const allowed = [...(allowRuntime ? RUNTIME_NAMES : []), ...extra];
      if (scope !== undefined && allowed.includes(scope) && rest.length === 0 && member === undefined)
        continue;
      if (allowRuntime && scope === 'input' && member !== undefined) continue; // a part of the record's fields
      if (extra.some((e) => name === e || name.startsWith(`${e}.`))) continue;
      const hint = didYouMean(name, [
        ...allowed,
        ...connection.map((c) => `connection.${c}`),
        ...credentials.map((c) => `credentials.${c}`),
      ]);
      problems.push({
        pointer,
        message: `unknown placeholder {${name}}; use {connection.…}, {credentials.…}${allowRuntime ? ` or one of ${RUNTIME_NAMES.map((n) => `{${n}}`).join(', ')}` : ''}`,
        ...(hint ? { hint } : {}),
      });
    }
  };
  const walk = (value: unknown, pointer: string, allowRuntime: boolean, extra: string[] = []): void => {
    if (typeof value === 'string') check(value, pointer, allowRuntime, extra);
    else if (Array.isArray(value))
      value.forEach((v, i) => {
        walk(v, childPointer(pointer, i), allowRuntime, extra);
      });
    else if (isObject(value))
      for (const [k, v] of Object.entries(value)) {
        if (k === SPREAD_KEY && (typeof v !== 'string' || !/^\{[A-Za-z_][A-Za-z0-9_.]*\}$/.test(v)))
          problems.push({
            pointer: childPointer(pointer, k),
            message: `"${SPREAD_KEY}" spreads one object into this one: its value must be exactly one placeholder such as "{input}"`,
          });
        walk(v, childPointer(pointer, k), allowRuntime, extra);
      }
  };
  if (typeof doc.baseUrl === 'string') check(doc.baseUrl, '/baseUrl', false);
  walk(doc.auth, '/auth', false);
  walk(doc.headers, '/headers', false);
  if (isObject(doc.operations))
    for (const [verb, op] of Object.entries(doc.operations)) {
      if (!isObject(op)) continue;
      // GraphQL text uses $variables (only {selection} is filled), so it is not a template here.
      for (const part of ['path', 'query', 'body', 'variables'] as const)
        walk(op[part], `/operations/${verb}/${part}`, true);
    }
  if (isObject(doc.webhooks)) {
    const verify = doc.webhooks.verify;
    if (isObject(verify) && typeof verify.payload === 'string')
      check(verify.payload, '/webhooks/verify/payload', false, ['body', 'method', 'url', 'header']);
    const handshakes = Array.isArray(doc.webhooks.handshakes) ? doc.webhooks.handshakes : [];
    handshakes.forEach((h, i) => {
      const answer = isObject(h) ? { json: h.json, text: h.text } : undefined;
      walk(answer, `/webhooks/handshakes/${i}`, false, ['body', 'hmac:body']);
    });
  }
  return problems;
}

function pathProblems(doc: Record<string, unknown>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const checkPath = (value: unknown, pointer: string, allowEmpty = false): void => {
    if (typeof value !== 'string' || (allowEmpty && value === '')) return;
    const problem = pathProblem(value.startsWith('^') ? value.slice(1) : value);
    if (problem) problems.push({ pointer, message: `not a field path: ${problem}` });
  };
  const record = isObject(doc.record) ? doc.record : {};
  checkPath(record.idPath, '/record/idPath');
  checkPath(record.updatedAtPath, '/record/updatedAtPath');
  if (typeof record.idPattern === 'string') {
    try {
      new RegExp(record.idPattern);
    } catch {
      problems.push({ pointer: '/record/idPattern', message: 'is not a valid regular expression' });
    }
  }
  const fields = Array.isArray(record.fields) ? record.fields : [];
  const seen = new Map<string, number>();
  fields.forEach((field, i) => {
    if (!isObject(field) || typeof field.path !== 'string') return;
    checkPath(field.path, `/record/fields/${i}/path`);
    const before = seen.get(field.path);
    if (before !== undefined)
      problems.push({
        pointer: `/record/fields/${i}/path`,
        message: `"${field.path}" is already described at /record/fields/${before}`,
      });
    seen.set(field.path, i);
    if (field.type === 'enum' && !Array.isArray(field.options))
      problems.push({ pointer: `/record/fields/${i}`, message: 'an enum field needs "options"' });
    if (/\[[^\]=]+=[^\]]*\]$/.test(field.path))
      problems.push({
        pointer: `/record/fields/${i}/path`,
        message:
          "a field path can't end in a match; name the member that holds the value (…[name=Region].value)",
      });
  });
  const paths = [...seen.keys()];
  if (Array.isArray(record.naturalKeys))
    record.naturalKeys.forEach((key, i) => {
      if (typeof key === 'string' && !seen.has(key)) {
        const hint = didYouMean(key, paths);
        problems.push({
          pointer: `/record/naturalKeys/${i}`,
          message: `"${key}" is not a described field`,
          ...(hint ? { hint } : {}),
        });
      }
    });
  if (isObject(doc.operations))
    for (const [verb, op] of Object.entries(doc.operations)) {
      if (!isObject(op)) continue;
      for (const part of ['record', 'records', 'payload', 'userErrors'] as const)
        checkPath(op[part], `/operations/${verb}/${part}`, true);
      if (isObject(op.id) && typeof op.id.path === 'string')
        checkPath(op.id.path, `/operations/${verb}/id/path`);
      if (isObject(op.body) && typeof op.body.envelope === 'string')
        checkPath(op.body.envelope, `/operations/${verb}/body/envelope`);
    }
  if (isObject(doc.webhooks)) {
    const w = doc.webhooks;
    for (const part of ['events', 'eventType', 'recordId', 'occurredAt', 'record', 'eventId'] as const)
      checkPath(w[part], `/webhooks/${part}`, true);
    if (Array.isArray(w.handshakes))
      w.handshakes.forEach((h, i) => {
        if (isObject(h) && isObject(h.when)) checkPath(h.when.path, `/webhooks/handshakes/${i}/when/path`);
      });
  }
  return problems;
}

function operationProblems(doc: Record<string, unknown>): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const api = doc.api;
  const ops = isObject(doc.operations) ? doc.operations : {};
  for (const [verb, raw] of Object.entries(ops)) {
    if (!isObject(raw)) continue;
    const op = raw as Operation & Record<string, unknown>;
    const at = `/operations/${verb}`;
    if (api === 'rest') {
      for (const part of ['graphql', 'variables', 'payload', 'userErrors'] as const)
        if (part in op)
          problems.push({
            pointer: `${at}/${part}`,
            message: `"${part}" is for GraphQL operations; this connector's api is "rest"`,
          });
      if (!op.method) problems.push({ pointer: at, message: 'a REST operation needs "method"' });
      if (!op.path) problems.push({ pointer: at, message: 'a REST operation needs "path"' });
    } else if (api === 'graphql') {
      for (const part of ['method', 'path', 'query', 'body'] as const)
        if (part in op)
          problems.push({
            pointer: `${at}/${part}`,
            message: `"${part}" is for REST operations; this connector's api is "graphql" (put arguments in "variables")`,
          });
      if (!op.graphql)
        problems.push({ pointer: at, message: 'a GraphQL operation needs "graphql" (the document)' });
      if (op.payload === undefined)
        problems.push({
          pointer: at,
          message: 'a GraphQL operation needs "payload" (where its result sits under data)',
        });
    }
    if (
      (verb === 'list' || verb === 'findByKey') &&
      op.records === undefined &&
      !(api === 'graphql' && isObject(doc.pagination) && doc.pagination.type === 'relay')
    )
      problems.push({
        pointer: at,
        message: `"${verb}" needs "records" (where the records array sits in the answer; "" for the answer itself)`,
      });
    if (isObject(op.id)) {
      problems.push(...keyed(op.id, `${at}/id`, ID_SOURCE, 'id source', 'from'));
      if (op.id.from === 'caller' && verb !== 'create')
        problems.push({
          pointer: `${at}/id/from`,
          message: 'a caller-supplied id is chosen on create; on other operations use "request"',
        });
    }
    if ((op.emptyAnswer === 'reread' || op.reread) && !ops.get)
      problems.push({
        pointer: `${at}/emptyAnswer`,
        message: '"reread" needs operations.get to read the record back',
      });
    if (
      op.emptyAnswer === 'reread' &&
      verb === 'create' &&
      !(isObject(op.id) && (op.id.from === 'header' || op.id.from === 'caller'))
    )
      problems.push({
        pointer: `${at}/emptyAnswer`,
        message:
          'a create answered with no body has no id to re-read by; take the id from a header or supply it (id.from "header" or "caller")',
      });
  }
  if (!ops.get && !ops.list)
    problems.push({
      pointer: '/operations',
      message: 'describe at least "get" or "list": Kongo has to read records',
    });
  const pagination = isObject(doc.pagination) ? doc.pagination : undefined;
  if (pagination) {
    problems.push(...keyed(pagination, '/pagination', PAGINATION, 'pagination'));
    const entry = PAGINATION[String(pagination.type)];
    if (entry?.api && api !== entry.api)
      problems.push({
        pointer: '/pagination/type',
        message: `"${String(pagination.type)}" pagination is for ${entry.api} APIs; this connector's api is "${String(api)}"`,
      });
    const list = isObject(ops.list) ? ops.list : undefined;
    if (entry?.uses && list) {
      const used = JSON.stringify([list.query ?? {}, list.variables ?? {}]);
      if (!used.includes(`{${entry.uses}`))
        problems.push({
          pointer: '/operations/list',
          message: `"${String(pagination.type)}" pagination passes the position as {${entry.uses}}: put it in the list operation's ${api === 'graphql' ? 'variables' : 'query'}`,
        });
    }
    if (pagination.type === 'cursor') {
      if (pagination.from === 'body' && !pagination.path)
        problems.push({ pointer: '/pagination', message: 'a cursor from the body needs "path"' });
      if (pagination.from === 'header' && !pagination.header)
        problems.push({ pointer: '/pagination', message: 'a cursor from a header needs "header"' });
      if (pagination.from === 'header' && 'path' in pagination)
        problems.push({
          pointer: '/pagination/path',
          message: '"path" is for a cursor from the body; this one is from a header',
        });
      if (pagination.from === 'body' && 'header' in pagination)
        problems.push({
          pointer: '/pagination/header',
          message: '"header" is for a cursor from a header; this one is from the body',
        });
    }
  }
  return problems;
}

function authProblems(doc: Record<string, unknown>): SpecProblem[] {
  const problems = keyed(doc.auth, '/auth', AUTH, 'auth');
  const auth = isObject(doc.auth) ? doc.auth : {};
  if (auth.type === 'oauth2-refresh-token' && typeof auth.refreshToken === 'string') {
    const credentials = isObject(doc.credentials) ? doc.credentials : {};
    const declared = credentials[auth.refreshToken];
    if (!isObject(declared)) {
      const hint = didYouMean(auth.refreshToken, Object.keys(credentials));
      problems.push({
        pointer: '/auth/refreshToken',
        message: `"${auth.refreshToken}" is not a declared credential`,
        ...(hint ? { hint } : {}),
      });
    } else if (auth.rotates === true && declared.rotates !== true)
      problems.push({
        pointer: `/credentials/${auth.refreshToken}`,
        message: 'the refresh token rotates: mark this credential "rotates": true so it is written back',
      });
  }
  return problems;
}

function webhookProblems(doc: Record<string, unknown>): SpecProblem[] {
  if (!isObject(doc.webhooks)) return [];
  const w = doc.webhooks;
  const problems = keyed(w.verify, '/webhooks/verify', VERIFY, 'verify');
  const ops = isObject(doc.operations) ? doc.operations : {};
  if (w.record === undefined && !ops.get)
    problems.push({
      pointer: '/webhooks',
      message:
        'the events carry no record ("record" is absent), so Kongo fetches it by id: describe operations.get',
    });
  if (w.jsonFields !== undefined && w.bodyFormat !== 'form')
    problems.push({ pointer: '/webhooks/jsonFields', message: '"jsonFields" is for form-encoded bodies' });
  if (Array.isArray(w.handshakes))
    w.handshakes.forEach((h, i) => {
      if (!isObject(h)) return;
      if ((h.json === undefined) === (h.text === undefined))
        problems.push({
          pointer: `/webhooks/handshakes/${i}`,
          message: 'a handshake answers with either "json" or "text"',
        });
      const usesHmac = JSON.stringify(h.json ?? h.text ?? '').includes('{hmac:');
      if (usesHmac && !(isObject(w.verify) && w.verify.type === 'hmac'))
        problems.push({
          pointer: `/webhooks/handshakes/${i}`,
          message:
            '{hmac:…} answers with the signing recipe\'s algorithm and encoding: it needs verify.type "hmac"',
        });
    });
  return problems;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Validates a parsed connector document.
 * @example const result = validateConnector(JSON.parse(text)); if (!result.ok) console.log(result.problems);
 */
export function validateConnector(json: unknown): ConnectorValidation {
  if (!isObject(json))
    return {
      ok: false,
      problems: [{ pointer: '', message: `a connector is a JSON object; found ${describeType(json)}` }],
    };
  if (json.connectorVersion !== CONNECTOR_VERSION)
    return {
      ok: false,
      problems: [
        'connectorVersion' in json
          ? {
              pointer: '/connectorVersion',
              message: `connectorVersion ${JSON.stringify(json.connectorVersion)} is not supported; this Kongo reads connectorVersion ${CONNECTOR_VERSION}`,
            }
          : {
              pointer: '',
              message: `missing "connectorVersion"; a connector starts with "connectorVersion": ${CONNECTOR_VERSION}`,
            },
      ],
    };
  const validate = schemaValidator();
  validate(json);
  const problems: SpecProblem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = translate(error);
    if (problem) problems.push(problem);
  }
  problems.push(
    ...authProblems(json),
    ...operationProblems(json),
    ...pathProblems(json),
    ...templateProblems(json),
    ...webhookProblems(json),
  );
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = `${p.pointer}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (unique.length > 0) return { ok: false, problems: unique };
  return { ok: true, connector: json as unknown as ConnectorDocument };
}

/** Parses and validates connector text; problems carry line and column. */
export function parseConnectorText(text: string): ConnectorValidation {
  return parseJsonDocument(text, validateConnector, 'a connector (a JSON object)');
}

export function assertValidConnector(json: unknown, source?: string): ConnectorDocument {
  const result = validateConnector(json);
  if (!result.ok) throw new ConnectorError(result.problems, source);
  return result.connector;
}
