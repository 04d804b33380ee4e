/**
 * Keeps types.ts and the JSON Schema in step: every interface's keys are the schema's properties,
 * a type-required key is schema-required or defaulted, and every enum lists the same values.
 * The `Presence<T>` tables fail to compile when a type gains or loses a key.
 */
import { describe, expect, it } from 'vitest';
import { DERIVED_DEFAULTS } from './defaults.ts';
import { integrationSpecSchema } from './schema.ts';
import type {
  AlarmTargets,
  ConflictPolicy,
  ConflictWinner,
  DeletePolicy,
  DestinationApi,
  DestinationAuth,
  DestinationCopyPolicy,
  DestinationPolling,
  DestinationSide,
  Direction,
  EmptyValuePolicy,
  Environment,
  EnvironmentOverlay,
  FieldOwner,
  Flow,
  GraphQLOptions,
  HubSpotObjectType,
  HubSpotRateLimit,
  HubSpotSide,
  HubSpotSignatureVersion,
  IdempotencyMode,
  IntegrationSpec,
  Mapping,
  Monitoring,
  NaturalKey,
  Policies,
  PrivacyPolicy,
  RestOptions,
} from './types.ts';
import { FORMULA_NAMES } from './types.ts';

type Presence<T> = { [K in keyof T]-?: object extends Pick<T, K> ? 'optional' : 'required' };
type Every<U extends string> = Record<U, true>;

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  required?: readonly string[];
  default?: unknown;
  enum?: readonly unknown[];
  const?: unknown;
  $ref?: string;
  items?: SchemaNode;
  anyOf?: readonly SchemaNode[];
}

const root = integrationSpecSchema as unknown as SchemaNode & { $defs: Record<string, SchemaNode> };

function at(pointer: string): SchemaNode {
  let node: SchemaNode = root;
  for (const segment of pointer.split('/').slice(1)) {
    const next: SchemaNode | undefined = node.properties?.[segment];
    if (!next) throw new Error(`schema has no ${pointer}`);
    node = next.$ref ? (root.$defs[next.$ref.replace('#/$defs/', '')] as SchemaNode) : next;
  }
  return node;
}

function expectInStep(
  pointer: string,
  node: SchemaNode,
  presence: Record<string, 'optional' | 'required'>,
): void {
  expect(Object.keys(node.properties ?? {}).sort(), `keys of ${pointer || '(root)'}`).toEqual(
    Object.keys(presence).sort(),
  );
  for (const [key, kind] of Object.entries(presence)) {
    const child = node.properties?.[key] as SchemaNode;
    const path = `${pointer}/${key}`;
    const schemaRequired =
      (node.required ?? []).includes(key) || child.default !== undefined || DERIVED_DEFAULTS.includes(path);
    expect(schemaRequired ? 'required' : 'optional', path).toBe(kind);
  }
}

function expectEnum(node: SchemaNode, values: Record<string, true>): void {
  expect([...(node.enum ?? [])].sort()).toEqual(Object.keys(values).sort());
}

const spec: Presence<IntegrationSpec> = {
  $schema: 'optional',
  specVersion: 'required',
  client: 'required',
  integration: 'required',
  environment: 'required',
  publicBaseUrl: 'required',
  environments: 'optional',
  hubspot: 'required',
  destination: 'required',
  policies: 'required',
  monitoring: 'required',
  flows: 'required',
  studio: 'optional',
};
const client: Presence<IntegrationSpec['client']> = { slug: 'required', name: 'required' };
const integration: Presence<IntegrationSpec['integration']> = { name: 'required', region: 'required' };
const hubspot: Presence<HubSpotSide> = {
  objectType: 'required',
  appId: 'required',
  signature: 'required',
  secretParameter: 'required',
  accessTokenParameter: 'required',
  rateLimit: 'required',
  syncIdProperty: 'required',
};
const rateLimit: Presence<HubSpotRateLimit> = {
  per10Seconds: 'required',
  daily: 'required',
  reservePercent: 'required',
};
const destination: Presence<DestinationSide> = {
  name: 'required',
  api: 'required',
  baseUrl: 'required',
  auth: 'required',
  objectType: 'required',
  idField: 'required',
  updatedAtField: 'required',
  actorField: 'optional',
  connector: 'optional',
  connection: 'optional',
  credentials: 'optional',
  naturalKey: 'required',
  idempotency: 'required',
  webhooks: 'optional',
  polling: 'optional',
  rest: 'optional',
  graphql: 'optional',
};
const auth: Presence<DestinationAuth> = { type: 'required', tokenParameter: 'required' };
const naturalKey: Presence<NaturalKey> = { hubspotProperty: 'required', destinationField: 'required' };
const polling: Presence<DestinationPolling> = { intervalSeconds: 'required', cursorField: 'required' };
const rest: Presence<RestOptions> = { collectionPath: 'required' };
const graphql: Presence<GraphQLOptions> = {
  listField: 'required',
  getField: 'required',
  createMutation: 'required',
  updateMutation: 'required',
  deleteMutation: 'required',
  inputType: 'required',
};
const policies: Presence<Policies> = {
  deletes: 'required',
  emptyValues: 'required',
  fieldOwnership: 'optional',
  conflicts: 'required',
  echoWindowSeconds: 'required',
  privacy: 'required',
};
const conflicts: Presence<ConflictPolicy> = { windowSeconds: 'required', winner: 'required' };
const privacy: Presence<PrivacyPolicy> = { destinationCopy: 'required' };
const alarms: Presence<AlarmTargets> = { email: 'optional', slackWebhookParameter: 'optional' };
const overlay: Presence<EnvironmentOverlay> = {
  publicBaseUrl: 'optional',
  hubspot: 'optional',
  destination: 'optional',
  schedules: 'optional',
};
const monitoring: Presence<Monitoring> = {
  heartbeatSeconds: 'required',
  notificationCentre: 'required',
  alarms: 'optional',
};
const notificationCentre: Presence<Monitoring['notificationCentre']> = {
  urlParameter: 'required',
  keyParameter: 'required',
};
const flow: Presence<Flow> = { direction: 'required', triggers: 'required', mappings: 'required' };
const mapping: Presence<Mapping> = { target: 'required', value: 'required', note: 'optional' };

describe('types.ts and the schema', () => {
  it('have the same keys, required where the type requires them (after defaults)', () => {
    expectInStep('', at(''), spec);
    expectInStep('/client', at('/client'), client);
    expectInStep('/integration', at('/integration'), integration);
    expectInStep('/hubspot', at('/hubspot'), hubspot);
    expectInStep('/hubspot/rateLimit', at('/hubspot/rateLimit'), rateLimit);
    expectInStep('/destination', at('/destination'), destination);
    expectInStep('/destination/auth', at('/destination/auth'), auth);
    expectInStep('/destination/naturalKey', at('/destination/naturalKey'), naturalKey);
    expectInStep('/destination/polling', at('/destination/polling'), polling);
    expectInStep('/destination/rest', at('/destination/rest'), rest);
    expectInStep('/destination/graphql', at('/destination/graphql'), graphql);
    expectInStep('/policies', at('/policies'), policies);
    expectInStep('/policies/conflicts', at('/policies/conflicts'), conflicts);
    expectInStep('/policies/privacy', at('/policies/privacy'), privacy);
    expectInStep('/monitoring/alarms', at('/monitoring/alarms'), alarms);
    expectInStep('/environments/sandbox', at('/environments/sandbox'), overlay);
    expectInStep('/environments/production', at('/environments/production'), overlay);
    expectInStep('/monitoring', at('/monitoring'), monitoring);
    expectInStep('/monitoring/notificationCentre', at('/monitoring/notificationCentre'), notificationCentre);
    expectInStep('/flows/items', root.$defs.flow as SchemaNode, flow);
    expectInStep('/flows/items/mappings/items', root.$defs.mapping as SchemaNode, mapping);
  });

  it('have the same webhook keys (the union of both schemes)', () => {
    expect(Object.keys(at('/destination/webhooks').properties ?? {}).sort()).toEqual([
      'header',
      'scheme',
      'secretParameter',
    ]);
    const schemes: Every<NonNullable<DestinationSide['webhooks']>['scheme']> = {
      'standard-webhooks': true,
      'hmac-sha256-hex': true,
      connector: true,
    };
    expectEnum(at('/destination/webhooks/scheme'), schemes);
  });

  it('list the same enum values', () => {
    expectEnum(at('/environment'), { sandbox: true, production: true } satisfies Every<Environment>);
    expectEnum(at('/hubspot/objectType'), {
      contacts: true,
      companies: true,
      deals: true,
    } satisfies Every<HubSpotObjectType>);
    expectEnum(at('/hubspot/signature'), {
      v1: true,
      v2: true,
      v3: true,
    } satisfies Every<HubSpotSignatureVersion>);
    expectEnum(at('/destination/api'), { rest: true, graphql: true } satisfies Every<DestinationApi>);
    expectEnum(at('/destination/idempotency'), {
      'idempotency-key-header': true,
      'natural-key-lookup': true,
      none: true,
    } satisfies Every<IdempotencyMode>);
    expectEnum(at('/policies/deletes'), {
      ignore: true,
      propagate: true,
      flag: true,
    } satisfies Every<DeletePolicy>);
    expectEnum(at('/policies/emptyValues'), { skip: true, clear: true } satisfies Every<EmptyValuePolicy>);
    expectEnum(
      (at('/policies/fieldOwnership') as { additionalProperties?: SchemaNode })
        .additionalProperties as SchemaNode,
      { hubspot: true, destination: true, latest: true } satisfies Every<FieldOwner>,
    );
    expectEnum(at('/policies/conflicts/winner'), {
      hubspot: true,
      destination: true,
    } satisfies Every<ConflictWinner>);
    expectEnum(at('/policies/privacy/destinationCopy'), {
      delete: true,
      anonymise: true,
      keep: true,
    } satisfies Every<DestinationCopyPolicy>);
    expectEnum(root.$defs.flow?.properties?.direction as SchemaNode, {
      'hubspot-to-destination': true,
      'destination-to-hubspot': true,
    } satisfies Every<Direction>);
    expect(at('/specVersion').const).toBe(1);
  });

  it('describe exactly the closed formula set', () => {
    const branches = (root.$defs.value?.anyOf ?? []).map((b) => b.$ref?.replace('#/$defs/', ''));
    expect(branches).toEqual([
      'fieldRef',
      'literal',
      'nullFormula',
      'lowercase',
      'stripSpaces',
      'concat',
      'enumMap',
    ]);
    const formulaKeys = branches
      .slice(2)
      .flatMap((name) => Object.keys(root.$defs[name as string]?.properties ?? {}))
      .sort();
    expect(formulaKeys).toEqual([...FORMULA_NAMES].sort());
  });
});
