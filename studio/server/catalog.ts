/**
 * The destination catalog as New integration offers it: every connector in `@kongo/connectors`, each
 * with the spec's `destination` block a new integration starts from, and whether the sandbox can run
 * it locally (a destination endpoint the studio server reads and Run locally drives).
 */
import { type ConnectorSummary, getConnector, listConnectors } from '@kongo/connectors';
import {
  type ConnectorDocument,
  credentialNames,
  LEGACY_GRAPHQL_ID,
  LEGACY_REST_ID,
} from '@kongo/runtime/connector';
import { PATTERNS } from '@kongo/runtime/spec';
import type { DestinationEndpoint, DestinationTemplate } from './destinations.ts';
import type { LocalRuns } from './local-runs.ts';

export interface CatalogEntry extends ConnectorSummary {
  /** The server's destination endpoint for this connector (schema reads, samples), when it has one. */
  destination?: string;
  /** Run locally can load a spec on it (an endpoint with a template, under `npm start`). */
  runnable: boolean;
  /** Why it is not runnable, in one sentence (absent when it is). */
  notRunnable?: string;
  /** The new integration's destination block and webhook triggers. */
  template: DestinationTemplate;
}

/** The catalog id an endpoint serves: its own, its template's, or the legacy entry of its API. */
export function connectorOf(endpoint: DestinationEndpoint): string {
  const fromTemplate = endpoint.template?.destination.connector;
  return (
    endpoint.connector ??
    (typeof fromTemplate === 'string' ? fromTemplate : undefined) ??
    (endpoint.api === 'graphql' ? LEGACY_GRAPHQL_ID : LEGACY_REST_ID)
  );
}

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * A new integration's destination block from a connector document alone: credentials and the
 * webhook secret as `/{slug}/{connector}-{name}` SSM names, the first natural key a spec can name, idempotency by the
 * connector's header or a lookup by key, webhooks verified by the connector's recipe when it has one,
 * polling when it can list by modification time. Required connection settings take the connector's
 * example (one without an example is left out, for `kongo validate` to name). Triggers: `{object}.created|updated`, plus
 * `.deleted` when the connector reads delete events.
 */
export function connectorTemplate(connector: ConnectorDocument): DestinationTemplate {
  const { record, operations } = connector;
  const connection: Record<string, string | number | boolean> = {};
  for (const [name, setting] of Object.entries(connector.connection ?? {}))
    if (setting.required && setting.example !== undefined) connection[name] = setting.example;
  const polls = operations.list !== undefined && record.updatedAtPath !== undefined;
  // The first natural key a spec's field path can hold; with none, the first anyway, for the spec
  // validator to name.
  const specPath = new RegExp(PATTERNS.fieldPath.pattern);
  const keys = record.naturalKeys ?? [];
  const key = keys.find((k) => specPath.test(k)) ?? keys[0] ?? record.idPath;
  const destination: Record<string, unknown> = {
    name: connector.id,
    api: connector.api,
    baseUrl: connector.baseUrl,
    connector: connector.id,
    ...(Object.keys(connection).length > 0 ? { connection } : {}),
    credentials: Object.fromEntries(
      credentialNames(connector).map((name) => [name, `/{slug}/${connector.id}-${kebab(name)}`]),
    ),
    objectType: record.objectType,
    idField: record.idPath,
    ...(record.updatedAtPath ? { updatedAtField: record.updatedAtPath } : {}),
    naturalKey: { hubspotProperty: 'email', destinationField: key },
    idempotency: connector.idempotency?.header
      ? 'idempotency-key-header'
      : operations.findByKey || operations.list
        ? 'natural-key-lookup'
        : 'none',
    webhooks: connector.webhooks
      ? { scheme: 'connector', secretParameter: `/{slug}/${connector.id}-webhook-secret` }
      : null,
    polling: polls ? { intervalSeconds: 900, cursorField: record.updatedAtPath } : null,
  };
  const noun = record.objectType.charAt(0).toLowerCase() + record.objectType.slice(1);
  const deletes = Object.values(connector.webhooks?.actions ?? {}).includes('delete');
  return {
    destination,
    triggers: [`${noun}.created`, `${noun}.updated`, ...(deletes ? [`${noun}.deleted`] : [])],
  };
}

/**
 * Every catalog entry, sorted by name. An entry an endpoint serves takes that endpoint's name and
 * template (the starter spec's destination, which the sandbox runs); the others are built from the
 * connector. Runnable: served by an endpoint with a template, or named by `local.connectors()` (a
 * simulator of that system in the sandbox); the rest can be mapped and exported, not run locally.
 */
export function catalogEntries(destinations: DestinationEndpoint[], local?: LocalRuns): CatalogEntry[] {
  const simulated = new Set(local?.connectors?.() ?? []);
  const canRunLocally = local !== undefined;
  return listConnectors().map((summary) => {
    const endpoint = destinations.find((d) => connectorOf(d) === summary.id);
    const connector = getConnector(summary.id);
    if (!connector) throw new Error(`catalog entry ${summary.id} vanished between listing and reading`);
    const runnable = canRunLocally && (endpoint?.template !== undefined || simulated.has(summary.id));
    return {
      ...summary,
      ...(endpoint ? { destination: endpoint.name } : {}),
      runnable,
      ...(runnable
        ? {}
        : {
            notRunnable: !canRunLocally
              ? 'Run locally needs the sandbox (npm start)'
              : `the sandbox runs no simulator of ${summary.name}: map it and export the spec; Run locally refuses it`,
          }),
      template: endpoint?.template ?? connectorTemplate(connector),
    };
  });
}
