/**
 * Defaults that depend on other fields, applied after the schema's own defaults: SSM parameter names
 * from the client slug, REST and GraphQL operation names from the destination's object type.
 */
import type { GraphQLOptions, IntegrationSpec, RestOptions } from './types.ts';

/**
 * The JSON pointers of every field whose default is derived here (docs/SPEC.md lists them). Besides
 * these, `destination.rest` (api "rest") or `destination.graphql` (api "graphql") is always filled in.
 */
export const DERIVED_DEFAULTS: readonly string[] = [
  '/hubspot/secretParameter',
  '/hubspot/accessTokenParameter',
  '/destination/auth/tokenParameter',
  '/destination/webhooks/secretParameter',
  '/destination/rest/collectionPath',
  '/destination/graphql/listField',
  '/destination/graphql/getField',
  '/destination/graphql/createMutation',
  '/destination/graphql/updateMutation',
  '/destination/graphql/deleteMutation',
  '/destination/graphql/inputType',
  '/monitoring/notificationCentre/keyParameter',
];

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** English plural good enough for type names: Job → jobs, Company → companies, Address → addresses. */
export function pluralize(word: string): string {
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  return `${word}s`;
}

/** REST defaults for an object type: `Job` → `{ collectionPath: "/jobs" }`. */
export function defaultRestOptions(objectType: string): RestOptions {
  return { collectionPath: `/${pluralize(objectType.toLowerCase())}` };
}

/** GraphQL defaults for an object type: `Attendee` → attendees, attendee, createAttendee, …, AttendeeInput. */
export function defaultGraphQLOptions(objectType: string): GraphQLOptions {
  return {
    listField: pluralize(lowerFirst(objectType)),
    getField: lowerFirst(objectType),
    createMutation: `create${objectType}`,
    updateMutation: `update${objectType}`,
    deleteMutation: `delete${objectType}`,
    inputType: `${objectType}Input`,
  };
}

type Writable = Record<string, unknown>;

function object(parent: Writable, key: string): Writable {
  const existing = parent[key];
  if (typeof existing === 'object' && existing !== null && !Array.isArray(existing))
    return existing as Writable;
  const created: Writable = {};
  parent[key] = created;
  return created;
}

function setDefault(target: Writable, key: string, value: unknown): void {
  if (target[key] === undefined) target[key] = value;
}

/**
 * Fills the derived defaults in place on a spec that has passed the schema (and its static
 * defaults), and drops `webhooks: null` / `polling: null`, which mean "none".
 */
export function applyDerivedDefaults(spec: Writable): IntegrationSpec {
  const slug = String((spec.client as Writable).slug);
  const hubspot = object(spec, 'hubspot');
  setDefault(hubspot, 'secretParameter', `/${slug}/hubspot-client-secret`);
  setDefault(hubspot, 'accessTokenParameter', `/${slug}/hubspot-access-token`);

  const destination = object(spec, 'destination');
  setDefault(object(destination, 'auth'), 'tokenParameter', `/${slug}/destination-api-token`);
  if (destination.webhooks === null) delete destination.webhooks;
  if (destination.polling === null) delete destination.polling;
  if (destination.webhooks !== undefined) {
    setDefault(object(destination, 'webhooks'), 'secretParameter', `/${slug}/destination-client-secret`);
  }
  const objectType = String(destination.objectType);
  if (destination.api === 'rest') {
    const rest = object(destination, 'rest');
    for (const [key, value] of Object.entries(defaultRestOptions(objectType))) setDefault(rest, key, value);
  } else {
    const graphql = object(destination, 'graphql');
    for (const [key, value] of Object.entries(defaultGraphQLOptions(objectType)))
      setDefault(graphql, key, value);
  }

  const monitoring = object(spec, 'monitoring');
  setDefault(object(monitoring, 'notificationCentre'), 'keyParameter', `/${slug}/nc-key`);
  return spec as unknown as IntegrationSpec;
}
