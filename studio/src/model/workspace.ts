/** Creating a workspace: a starter spec for the events platform, and lookups used everywhere. */
import type {
  Direction,
  EditFlow,
  EditMapping,
  FieldDef,
  Schema,
  SchemaSide,
  StudioSpec,
  WorkspaceState,
} from './types.ts';

/** A minimal, valid spec to start mapping from; the consultant edits names and parameters in the spec view. */
export function starterSpec(): StudioSpec {
  return {
    specVersion: 1,
    client: { slug: 'velflex', name: 'Velflex' },
    integration: { name: 'velflex-attendees', region: 'ap-southeast-2' },
    environment: 'sandbox',
    publicBaseUrl: 'http://127.0.0.1:8080',
    hubspot: {
      objectType: 'contacts',
      appId: 123456,
      signature: 'v3',
      secretParameter: '/velflex/hubspot-client-secret',
      accessTokenParameter: '/velflex/hubspot-access-token',
      rateLimit: { per10Seconds: 100, daily: 250000, reservePercent: 20 },
      syncIdProperty: 'kongo_sync_id',
    },
    destination: {
      name: 'events-platform',
      api: 'graphql',
      baseUrl: 'http://127.0.0.1:8082',
      auth: { type: 'bearer', tokenParameter: '/velflex/destination-api-token' },
      objectType: 'Attendee',
      idField: 'id',
      updatedAtField: 'updatedAt',
      naturalKey: { hubspotProperty: 'email', destinationField: 'email' },
      idempotency: 'idempotency-key-header',
      webhooks: { scheme: 'standard-webhooks', secretParameter: '/velflex/destination-client-secret' },
      graphql: {
        listField: 'attendees',
        getField: 'attendee',
        createMutation: 'createAttendee',
        updateMutation: 'updateAttendee',
        deleteMutation: 'deleteAttendee',
        inputType: 'AttendeeInput',
      },
    },
    policies: {
      deletes: 'flag',
      emptyValues: 'skip',
      conflicts: { windowSeconds: 5, winner: 'hubspot' },
      echoWindowSeconds: 86400,
      privacy: { destinationCopy: 'delete' },
    },
    monitoring: {
      heartbeatSeconds: 60,
      notificationCentre: { urlParameter: '/kongo/nc-url', keyParameter: '/velflex/nc-key' },
    },
    flows: [
      {
        direction: 'hubspot-to-destination',
        triggers: ['contact.creation', 'contact.propertyChange'],
        mappings: [],
      },
      {
        direction: 'destination-to-hubspot',
        triggers: ['attendee.created', 'attendee.updated'],
        mappings: [],
      },
    ],
  };
}

export function createWorkspace(spec: StudioSpec = starterSpec()): WorkspaceState {
  return {
    hubspot: null,
    destination: null,
    spec,
    drafts: [],
    rejected: [],
    direction: 'hubspot-to-destination',
    selection: null,
    nextDraft: 1,
  };
}

export function flowIndex(spec: StudioSpec, direction: Direction): number {
  return spec.flows.findIndex((f) => f.direction === direction);
}

export function flowOf(spec: StudioSpec, direction: Direction): EditFlow | undefined {
  return spec.flows.find((f) => f.direction === direction);
}

export function mappingsOf(spec: StudioSpec, direction: Direction): EditMapping[] {
  return flowOf(spec, direction)?.mappings ?? [];
}

export function schemaOf(state: WorkspaceState, side: SchemaSide): Schema | null {
  return side === 'hubspot' ? state.hubspot : state.destination;
}

const indexCache = new WeakMap<Schema, Map<string, FieldDef>>();

/** Fields by name, cached per schema object (schemas are immutable once imported). */
export function fieldIndex(schema: Schema | null): Map<string, FieldDef> {
  if (!schema) return new Map();
  let index = indexCache.get(schema);
  if (!index) {
    index = new Map(schema.fields.map((f) => [f.name, f]));
    indexCache.set(schema, index);
  }
  return index;
}
