/**
 * The runtime on real parts for a catalog connector: dynalite, the HubSpot simulator, one real-system simulator
 * (Zoom, ServiceM8, Jobber, Webex Events) and a tiny gateway handing webhooks to the runtime as Requests.
 * The spec (a starter or a test fixture) is pointed at the local parts.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorDocument } from '../../runtime/src/connector/types.ts';
import {
  createIntegrationRuntime,
  type IntegrationRuntime,
  type LocalEnvironmentOptions,
  localEnvironment,
  type RuntimeEnvironment,
} from '../../runtime/src/integration.ts';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { createKongoTable } from '../../runtime/src/queue/table.ts';
import { webhookPath } from '../../runtime/src/spec/paths.ts';
import type { IntegrationSpec } from '../../runtime/src/spec/types.ts';
import { validateSpec } from '../../runtime/src/spec/validate.ts';
import type { BatchOutcome } from '../../runtime/src/worker/types.ts';
import type { FaultConfig } from '../../sandbox/src/faults/index.ts';
import { type HubSpotSimulator, startHubSpotSimulator } from '../../sandbox/src/hubspot/index.ts';
import { createSyncIdProperty, settleRuntime, startTestGateway } from '../runtime/parts.ts';

export const APP = {
  appId: 4243,
  clientSecret: 'connector-harness-secret',
  accessToken: 'pat-na1-connector-harness',
};

/** What the harness needs of a destination simulator. */
export interface DestinationUnderTest {
  /** Base URL the connector's `baseUrl` is replaced with. */
  baseUrl: string;
  /** Until no webhook is queued, in flight or waiting to retry. */
  idle(): Promise<void>;
  /** Secret values by the spec's credential name (`clientSecret`, `refreshToken`, `apiKey`…). */
  credentials: Record<string, string>;
  /** Subscribe the runtime's destination webhook URL (absent: poll-only). */
  subscribe?(url: string, secret: string | undefined): Promise<void>;
}

export interface ConnectorHarnessOptions {
  /** The spec file: a starter under templates/starters/ or a test fixture. */
  spec: URL;
  destination: DestinationUnderTest;
  /** The destination's webhook secret value, when the starter names a secret parameter. */
  webhookSecret?: string;
  hubspotFaults?: Partial<FaultConfig>;
  /** The connector document the spec names (the catalog's entry). */
  connector?: ConnectorDocument;
  /** More HubSpot properties to create first (e.g. a unique natural-key property on deals). */
  hubspotProperties?: Array<Record<string, unknown>>;
  patchSpec?: (spec: IntegrationSpec) => void;
  environment?: Partial<LocalEnvironmentOptions>;
}

export interface ConnectorHarness {
  dynamo: LocalDynamo;
  hub: HubSpotSimulator;
  runtime: IntegrationRuntime;
  /** The runtime's environment (for the scheduled reconciliation, a backfill). */
  environment: RuntimeEnvironment;
  /** The dynalite table (mappings, queue, cursors). */
  tableName: string;
  spec: IntegrationSpec;
  secretsFile: string;
  gatewayUrl: string;
  /** Until HubSpot and the destination are idle and the queue is empty (several rounds: writes echo). */
  settle(timeoutMs?: number): Promise<BatchOutcome>;
  /** Polls the destination once, then settles. */
  pollAndSettle(timeoutMs?: number): Promise<BatchOutcome>;
  /** Live HubSpot records of the spec's object type. */
  hubspotRecords(): Array<{ id: string; properties: Record<string, string | null> }>;
  /** Reads the secrets file as it is now (rotated credentials are written back to it). */
  secrets(): Promise<Record<string, string>>;
  close(): Promise<void>;
}

let tables = 0;

/** Every HubSpot property a hubspot-to-destination mapping reads. */
function propertiesRead(spec: IntegrationSpec): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      if (typeof record.field === 'string') found.add(record.field);
      for (const [key, child] of Object.entries(record)) if (key !== 'map') visit(child);
    }
  };
  for (const flow of spec.flows) if (flow.direction === 'hubspot-to-destination') visit(flow.mappings);
  return [...found];
}

export async function startConnectorHarness(options: ConnectorHarnessOptions): Promise<ConnectorHarness> {
  const dynamo = await startLocalDynamo();
  const tableName = `ct-${process.pid}-${++tables}`;
  await createKongoTable(dynamo.client, tableName);
  const hub = await startHubSpotSimulator({
    apps: [APP],
    indexingLagMs: 0,
    webhooks: { timeScale: 0.0001, batchWindowMs: 5 },
    ...(options.hubspotFaults ? { faults: options.hubspotFaults } : {}),
  });

  let runtime: IntegrationRuntime | undefined;
  const gateway = await startTestGateway(() => runtime);
  const gatewayUrl = gateway.url;

  const text = await readFile(options.spec, 'utf8');
  const result = validateSpec(JSON.parse(text) as unknown);
  if (!result.ok) throw new Error(`${options.spec.pathname} is invalid: ${JSON.stringify(result.problems)}`);
  const spec = result.spec;
  spec.publicBaseUrl = gatewayUrl;
  spec.hubspot.appId = APP.appId;
  spec.destination.baseUrl = options.destination.baseUrl;
  options.patchSpec?.(spec);

  const dir = await mkdtemp(join(tmpdir(), 'kongo-ct-'));
  const secretsFile = join(dir, 'secrets.json');
  const credentialSecrets: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(spec.destination.credentials ?? {})) {
    const value = options.destination.credentials[name];
    if (value === undefined)
      throw new Error(`the harness has no value for credential "${name}" (${parameter})`);
    credentialSecrets[parameter] = value;
  }
  await writeFile(
    secretsFile,
    JSON.stringify({
      [spec.hubspot.secretParameter]: APP.clientSecret,
      [spec.hubspot.accessTokenParameter]: APP.accessToken,
      ...(options.destination.credentials.token
        ? { [spec.destination.auth.tokenParameter]: options.destination.credentials.token }
        : {}),
      ...(spec.destination.webhooks && options.webhookSecret
        ? { [spec.destination.webhooks.secretParameter]: options.webhookSecret }
        : {}),
      ...credentialSecrets,
    }),
  );

  await createSyncIdProperty(hub.url, spec, APP.accessToken);
  for (const property of options.hubspotProperties ?? []) {
    const made = await fetch(`${hub.url}/crm/v3/properties/${spec.hubspot.objectType}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${APP.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(property),
    });
    if (made.status !== 201)
      throw new Error(`could not create HubSpot property ${String(property.name)}: ${await made.text()}`);
  }

  const environment = localEnvironment({
    dynamoEndpoint: dynamo.endpoint,
    dynamoClient: dynamo.client,
    tableName,
    secretsFile,
    hubspotBaseUrl: hub.url,
    destinationBaseUrl: options.destination.baseUrl,
    logSink: () => {},
    retry: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))) },
    retryDelayMs: 20,
    visibilityTimeoutMs: 5_000,
    crash: () => {},
    ...options.environment,
  });
  runtime = createIntegrationRuntime({
    spec,
    ...(options.connector ? { connector: options.connector } : {}),
    environment,
  });

  const objectSingular = spec.hubspot.objectType.replace(/s$/, '');
  hub.setWebhookTarget(APP.appId, gatewayUrl + webhookPath(spec, 'hubspot'));
  hub.subscribe(APP.appId, `${objectSingular}.creation`);
  hub.subscribe(APP.appId, `${objectSingular}.deletion`);
  for (const property of propertiesRead(spec))
    hub.subscribe(APP.appId, `${objectSingular}.propertyChange`, property);
  await options.destination.subscribe?.(gatewayUrl + webhookPath(spec, 'destination'), options.webhookSecret);

  const settledRuntime = runtime;
  const settle = (timeoutMs = 20_000): Promise<BatchOutcome> =>
    settleRuntime(
      settledRuntime,
      async () => {
        await hub.webhooksIdle();
        await options.destination.idle();
      },
      timeoutMs,
    );
  return {
    dynamo,
    hub,
    runtime: settledRuntime,
    environment,
    tableName,
    spec,
    secretsFile,
    gatewayUrl,
    settle,
    async pollAndSettle(timeoutMs) {
      await settledRuntime.poll({ source: 'destination' });
      return settle(timeoutMs);
    },
    hubspotRecords() {
      return hub
        .listRecords(spec.hubspot.objectType)
        .map((r) => ({ id: String(r.id), properties: r.properties as Record<string, string | null> }));
    },
    async secrets() {
      return JSON.parse(await readFile(secretsFile, 'utf8')) as Record<string, string>;
    },
    async close() {
      await settledRuntime.close();
      await gateway.close();
      await hub.close();
      await dynamo.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
