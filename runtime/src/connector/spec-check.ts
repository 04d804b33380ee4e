/**
 * A spec against the connector it names: every mapping target is a field the API can write (on
 * create or update), every field the spec reads is described, the connection settings and
 * credentials the connector's templates need are given, and the spec's idempotency, polling and
 * webhooks are things this API can do. Each problem says what the description can't express.
 * Browser-safe.
 */
import { childPointer, type SpecProblem } from '../spec/problems.ts';
import { didYouMean } from '../spec/suggest.ts';
import type { IntegrationSpec, Value } from '../spec/types.ts';
import { placeholders } from './template.ts';
import type { ConnectorDocument } from './types.ts';

function fieldRefs(value: Value, out: string[] = []): string[] {
  if ('field' in value) out.push(value.field);
  else if ('concat' in value) for (const part of value.concat) fieldRefs(part, out);
  else if ('lowercase' in value) fieldRefs(value.lowercase[0], out);
  else if ('stripSpaces' in value) fieldRefs(value.stripSpaces[0], out);
  else if ('enumMap' in value) {
    fieldRefs(value.enumMap.input, out);
    if (value.enumMap.otherwise) fieldRefs(value.enumMap.otherwise, out);
  }
  return out;
}

/** Every credential name the connector's templates read. */
export function credentialNames(connector: ConnectorDocument): string[] {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string')
      for (const name of placeholders(value)) if (name.startsWith('credentials.')) names.add(name.slice(12));
    if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) Object.values(value).forEach(walk);
  };
  walk(connector.auth);
  walk(connector.headers);
  walk(connector.baseUrl);
  if (connector.auth.type === 'oauth2-refresh-token') names.add(connector.auth.refreshToken);
  return [...names];
}

/**
 * Problems of `spec` with `connector` (empty when they fit).
 * @example for (const p of checkSpecWithConnector(spec, connector)) console.log(p.pointer, p.message);
 */
export function checkSpecWithConnector(spec: IntegrationSpec, connector: ConnectorDocument): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const d = spec.destination;
  const id = connector.id;
  const fields = new Map(connector.record.fields.map((f) => [f.path, f]));
  const readable = [
    ...fields.keys(),
    connector.record.idPath,
    ...(connector.record.updatedAtPath ? [connector.record.updatedAtPath] : []),
  ];
  const unknown = (path: string, pointer: string, what: string): void => {
    const hint = didYouMean(path, readable);
    problems.push({
      pointer,
      message: `${what} "${path}" is not a field connector ${id} describes; add it to the connector's record.fields if the API has it`,
      ...(hint ? { hint } : {}),
    });
  };
  if (d.api !== connector.api)
    problems.push({
      pointer: '/destination/api',
      message: `connector ${id} is a ${connector.api} API; set "api": "${connector.api}"`,
    });
  if (d.objectType !== connector.record.objectType)
    problems.push({
      pointer: '/destination/objectType',
      message: `connector ${id} describes ${connector.record.objectType} records; set "objectType": "${connector.record.objectType}"`,
    });
  if (!readable.includes(d.naturalKey.destinationField))
    unknown(d.naturalKey.destinationField, '/destination/naturalKey/destinationField', 'natural key');

  spec.flows.forEach((flow, f) => {
    flow.mappings.forEach((mapping, m) => {
      const at = `/flows/${f}/mappings/${m}`;
      if (flow.direction === 'hubspot-to-destination') {
        const field = fields.get(mapping.target);
        if (!field) {
          if (mapping.target === connector.record.idPath)
            problems.push({
              pointer: `${at}/target`,
              message: `"${mapping.target}" is the record's id; connector ${id} takes ids from the API, not from mappings`,
            });
          else unknown(mapping.target, `${at}/target`, 'target');
          return;
        }
        const writable = field.writable ?? ['create', 'update'];
        if (writable.length === 0)
          problems.push({
            pointer: `${at}/target`,
            message: `connector ${id} can't write "${mapping.target}": the API treats it as read-only`,
          });
        // One-write fields (create-only names, an update-only status action) are left out of the other write.
      } else {
        fieldRefs(mapping.value).forEach((ref) => {
          if (!readable.includes(ref)) unknown(ref, `${at}/value`, 'field');
        });
      }
    });
  });
  const h2d = spec.flows.find((f) => f.direction === 'hubspot-to-destination');
  if (h2d) {
    const ops = connector.operations;
    if (!ops.create && !ops.update)
      problems.push({
        pointer: '/flows',
        message: `connector ${id} describes no create or update: nothing can be written to it`,
      });
    else if (!ops.create)
      problems.push({
        pointer: '/flows',
        message: `connector ${id} can't create records (no operations.create): HubSpot records without a match there would fail`,
      });
  }

  // Connection settings: every required one given, each given one declared, of its type.
  const declared = connector.connection ?? {};
  const given = d.connection ?? {};
  for (const [name, setting] of Object.entries(declared)) {
    const value = given[name];
    if (value === undefined) {
      if (setting.required)
        problems.push({
          pointer: '/destination/connection',
          message: `connector ${id} needs connection setting "${name}": ${setting.description}`,
        });
      continue;
    }
    const ok =
      setting.type === 'integer'
        ? Number.isInteger(typeof value === 'string' ? Number(value) : value) && value !== ''
        : setting.type === 'boolean'
          ? typeof value === 'boolean'
          : typeof value === 'string' || typeof value === 'number';
    if (!ok)
      problems.push({
        pointer: childPointer('/destination/connection', name),
        message: `must be ${setting.type === 'integer' ? 'an integer' : `a ${setting.type}`} (${setting.description})`,
      });
  }
  for (const name of Object.keys(given))
    if (!(name in declared)) {
      const hint = didYouMean(name, Object.keys(declared));
      problems.push({
        pointer: childPointer('/destination/connection', name),
        message: `connector ${id} has no connection setting "${name}"; it takes ${Object.keys(declared).join(', ') || 'none'}`,
        ...(hint ? { hint } : {}),
      });
    }
  // Credentials: SSM parameter names for every secret the connector reads.
  const credentials = d.credentials ?? {};
  for (const name of credentialNames(connector))
    if (credentials[name] === undefined)
      problems.push({
        pointer: '/destination/credentials',
        message: `connector ${id} needs credential "${name}" (${connector.credentials?.[name]?.description ?? 'a secret'}): name its SSM parameter, e.g. "${name}": "/${spec.client.slug}/${id}-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}"`,
      });
  for (const name of Object.keys(credentials))
    if (!(connector.credentials && name in connector.credentials)) {
      const hint = didYouMean(name, Object.keys(connector.credentials ?? {}));
      problems.push({
        pointer: childPointer('/destination/credentials', name),
        message: `connector ${id} reads no credential "${name}"`,
        ...(hint ? { hint } : {}),
      });
    }

  if (
    d.idempotency === 'idempotency-key-header' &&
    !connector.idempotency?.header &&
    connector.operations.create?.id?.from !== 'caller'
  )
    problems.push({
      pointer: '/destination/idempotency',
      message: `connector ${id} has no idempotency header and supplies no id of its own: use "natural-key-lookup" or "none"`,
    });
  if (d.idempotency === 'natural-key-lookup' && !connector.operations.findByKey && !connector.operations.list)
    problems.push({
      pointer: '/destination/idempotency',
      message: `connector ${id} can't look records up (no findByKey or list operation)`,
    });
  if (d.polling && !connector.operations.list)
    problems.push({
      pointer: '/destination/polling',
      message: `connector ${id} has no list operation, so it can't be polled`,
    });
  if (d.polling && !connector.record.updatedAtPath)
    problems.push({
      pointer: '/destination/polling',
      message: `connector ${id} names no record.updatedAtPath, so a poll can't tell what changed`,
    });
  if (d.webhooks && !connector.webhooks)
    problems.push({
      pointer: '/destination/webhooks',
      message: `connector ${id} sends no webhooks (the API has none Kongo can verify); use "polling"`,
    });
  return problems;
}
