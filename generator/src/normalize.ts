/**
 * Stage 2 — normalise: decide, from the validated spec, every output the emitters produce — which
 * functions exist, file paths, names — so emitters only render. Pure and deterministic: ordering
 * never depends on locale, time zone or object insertion accidents.
 */
import type { ConnectorDocument } from '@kongo/runtime/connector';
import type { Direction, Flow, IntegrationSpec } from '@kongo/runtime/spec';
import type { LoadedSpec } from './load.ts';

export interface FunctionPlan {
  /** Key in infra's IntegrationEntries. */
  entryKey:
    | 'hubspotWebhook'
    | 'destinationWebhook'
    | 'hubspotToDestinationWorker'
    | 'destinationToHubspotWorker'
    | 'heartbeat'
    | 'poller'
    | 'reconcile';
  /** Template under templates/integration/src/handlers/. */
  template: string;
  /** Output path, relative to the output root. */
  path: string;
}

export interface DirectionPlan {
  direction: Direction;
  /** camelCase name of the direction's mapping table, e.g. hubspotToDestination. */
  tableName: string;
  flow: Flow;
}

export interface NormalizedIntegration extends LoadedSpec {
  /** The spec as the generated code embeds it: validated, defaults applied, studio state dropped. */
  codeSpec: IntegrationSpec;
  /** The connector the spec names, checked against it (undefined: a legacy spec without one). */
  connector: ConnectorDocument | undefined;
  directions: DirectionPlan[];
  functions: FunctionPlan[];
  /** Path of the spec relative to the output root, as npm scripts use it (posix separators). */
  specPath: string;
  packageName: string;
}

const DIRECTION_ORDER: readonly Direction[] = ['hubspot-to-destination', 'destination-to-hubspot'];
const TABLE_NAMES: Record<Direction, string> = {
  'hubspot-to-destination': 'hubspotToDestination',
  'destination-to-hubspot': 'destinationToHubspot',
};

export function normalize(
  loaded: LoadedSpec,
  options: { specPath?: string; connector?: ConnectorDocument | undefined } = {},
): NormalizedIntegration {
  const { spec } = loaded;
  const { studio: _studio, $schema: _schema, ...codeSpec } = spec;
  const directions = DIRECTION_ORDER.flatMap((direction) => {
    const flow = spec.flows.find((candidate) => candidate.direction === direction);
    return flow ? [{ direction, tableName: TABLE_NAMES[direction], flow }] : [];
  });
  const has = (direction: Direction) => directions.some((plan) => plan.direction === direction);
  const functions: FunctionPlan[] = [];
  if (has('hubspot-to-destination')) {
    functions.push(
      {
        entryKey: 'hubspotWebhook',
        template: 'hubspot-webhook.ts',
        path: 'src/handlers/hubspot-webhook.gen.ts',
      },
      {
        entryKey: 'hubspotToDestinationWorker',
        template: 'worker.ts',
        path: 'src/handlers/hubspot-to-destination-worker.gen.ts',
      },
    );
  }
  if (has('destination-to-hubspot')) {
    if (spec.destination.webhooks) {
      functions.push({
        entryKey: 'destinationWebhook',
        template: 'destination-webhook.ts',
        path: 'src/handlers/destination-webhook.gen.ts',
      });
    }
    functions.push({
      entryKey: 'destinationToHubspotWorker',
      template: 'worker.ts',
      path: 'src/handlers/destination-to-hubspot-worker.gen.ts',
    });
    if (spec.destination.polling) {
      functions.push({ entryKey: 'poller', template: 'poller.ts', path: 'src/handlers/poller.gen.ts' });
    }
  }
  functions.push({ entryKey: 'heartbeat', template: 'heartbeat.ts', path: 'src/handlers/heartbeat.gen.ts' });
  // Every integration is reconciled daily: rolled ids followed, near-miss enum labels flagged.
  functions.push({ entryKey: 'reconcile', template: 'reconcile.ts', path: 'src/handlers/reconcile.gen.ts' });
  return {
    ...loaded,
    codeSpec: codeSpec as IntegrationSpec,
    connector: options.connector,
    directions,
    functions,
    specPath: options.specPath ?? loaded.fileName,
    packageName: `${spec.integration.name}-integration`,
  };
}
