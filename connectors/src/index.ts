/**
 * The connector catalog: every document in `connectors/catalog/`, validated once, and a listing the
 * studio's destination picker and `kongo connectors` read. Browser-safe (the documents are bundled
 * JSON); reading a connector file from disk is in `./files.ts`.
 */
import {
  type ConnectorDocument,
  type ConnectorProblem,
  credentialNames,
  validateConnector,
} from '@kongo/runtime/connector';
import eventbriteAttendees from '../catalog/eventbrite-attendees.connector.json' with { type: 'json' };
import jobberClients from '../catalog/jobber-clients.connector.json' with { type: 'json' };
import kongoEventsGraphql from '../catalog/kongo-events-graphql.connector.json' with { type: 'json' };
import kongoJobsRest from '../catalog/kongo-jobs-rest.connector.json' with { type: 'json' };
import servicem8Jobs from '../catalog/servicem8-jobs.connector.json' with { type: 'json' };
import webexEventsAttendees from '../catalog/webex-events-attendees.connector.json' with { type: 'json' };
import zoomMeetingRegistrants from '../catalog/zoom-meeting-registrants.connector.json' with { type: 'json' };

/** The catalog's documents as files hold them (validated by `catalog()`). */
const DOCUMENTS: Record<string, unknown> = {
  'eventbrite-attendees': eventbriteAttendees,
  'kongo-events-graphql': kongoEventsGraphql,
  'kongo-jobs-rest': kongoJobsRest,
  'jobber-clients': jobberClients,
  'servicem8-jobs': servicem8Jobs,
  'webex-events-attendees': webexEventsAttendees,
  'zoom-meeting-registrants': zoomMeetingRegistrants,
};

/** A catalog entry that does not validate: a bug in the catalog, reported with every problem. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  constructor(
    readonly id: string,
    readonly problems: readonly ConnectorProblem[],
  ) {
    super(`catalog entry ${id} is invalid: ${problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}`);
  }
}

let validated: Map<string, ConnectorDocument> | undefined;

/** Every catalog document, validated (throws CatalogError on a broken entry). */
export function catalog(): ReadonlyMap<string, ConnectorDocument> {
  if (!validated) {
    const found = new Map<string, ConnectorDocument>();
    for (const [id, json] of Object.entries(DOCUMENTS)) {
      const result = validateConnector(json);
      if (!result.ok) throw new CatalogError(id, result.problems);
      if (result.connector.id !== id)
        throw new CatalogError(id, [
          { pointer: '/id', message: `is "${result.connector.id}", but the catalog files it as "${id}"` },
        ]);
      found.set(id, result.connector);
    }
    validated = found;
  }
  return validated;
}

/** The connector with this id, or undefined. */
export function getConnector(id: string): ConnectorDocument | undefined {
  return catalog().get(id);
}

/** A field as the studio offers it: where it sits, its type and what each write may do with it. */
export interface ConnectorFieldSummary {
  path: string;
  type: string;
  label: string;
  options?: string[];
  writableOn: Array<'create' | 'update'>;
}

/** One line of the catalog, for the destination picker and `kongo connectors`. */
export interface ConnectorSummary {
  id: string;
  name: string;
  description: string;
  api: 'rest' | 'graphql';
  objectType: string;
  /** The auth type, e.g. `oauth2-refresh-token (rotating)`. */
  auth: string;
  /** How webhooks are checked, or `none (poll only)`. */
  webhooks: string;
  /** Whether changes can be polled (a list operation and a modification time). */
  pollable: boolean;
  verifiedAgainst: string;
  idField: string;
  updatedAtField?: string;
  naturalKeys: string[];
  fields: ConnectorFieldSummary[];
  /** Connection settings a spec gives (`destination.connection`). */
  connection: Array<{
    name: string;
    type: string;
    required: boolean;
    description: string;
    example?: string | number | boolean;
  }>;
  /** Credentials a spec names SSM parameters for (`destination.credentials`). */
  credentials: Array<{ name: string; description: string; rotates: boolean }>;
  notes: string[];
}

function describeAuth(connector: ConnectorDocument): string {
  const auth = connector.auth;
  if (auth.type === 'api-key') return `api-key (${auth.in} ${auth.name})`;
  if (auth.type === 'oauth2-refresh-token') return `oauth2-refresh-token${auth.rotates ? ' (rotating)' : ''}`;
  return auth.type;
}

function describeWebhooks(connector: ConnectorDocument): string {
  const verify = connector.webhooks?.verify;
  if (!verify) return 'none (poll only)';
  if (verify.type === 'url-token') return `unsigned: secret URL token (?${verify.param}=), then fetch by id`;
  return `HMAC-${verify.algorithm.toUpperCase()} ${verify.encoding} in ${verify.header}${verify.timestamp ? ` (timestamp ${verify.timestamp.header}, ±${verify.timestamp.toleranceSeconds} s)` : ''}`;
}

/** A connector document as a summary (also for a connector file that is not in the catalog). */
export function summarise(connector: ConnectorDocument): ConnectorSummary {
  return {
    id: connector.id,
    name: connector.name,
    description: connector.description ?? '',
    api: connector.api,
    objectType: connector.record.objectType,
    auth: describeAuth(connector),
    webhooks: describeWebhooks(connector),
    pollable: connector.operations.list !== undefined && connector.record.updatedAtPath !== undefined,
    verifiedAgainst: connector.verifiedAgainst,
    idField: connector.record.idPath,
    ...(connector.record.updatedAtPath ? { updatedAtField: connector.record.updatedAtPath } : {}),
    naturalKeys: connector.record.naturalKeys ?? [],
    fields: connector.record.fields.map((f) => ({
      path: f.path,
      type: f.type,
      label: f.label ?? f.path,
      ...(f.options ? { options: f.options } : {}),
      writableOn: f.writable ?? ['create', 'update'],
    })),
    connection: Object.entries(connector.connection ?? {}).map(([name, s]) => ({
      name,
      type: s.type,
      required: s.required === true,
      description: s.description,
      ...(s.example === undefined ? {} : { example: s.example }),
    })),
    credentials: credentialNames(connector).map((name) => ({
      name,
      description: connector.credentials?.[name]?.description ?? '',
      rotates: connector.credentials?.[name]?.rotates === true,
    })),
    notes: connector.notes ?? [],
  };
}

/**
 * The catalog for pickers and the CLI, sorted by name.
 * @example listConnectors().map((c) => `${c.id}: ${c.name} (${c.api})`)
 */
export function listConnectors(): ConnectorSummary[] {
  return [...catalog().values()].map(summarise).sort((a, b) => a.name.localeCompare(b.name));
}

export type { ConnectorDocument } from '@kongo/runtime/connector';
