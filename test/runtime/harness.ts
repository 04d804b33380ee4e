/**
 * The runtime on real parts for cross-package tests: dynalite, the HubSpot and events-platform
 * simulators, and a tiny gateway that hands their webhooks to the runtime as web-standard Requests.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createIntegrationRuntime,
  type IntegrationRuntime,
  type LocalEnvironmentOptions,
  localEnvironment,
} from '../../runtime/src/integration.ts';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { createKongoTable } from '../../runtime/src/queue/table.ts';
import { webhookPath } from '../../runtime/src/spec/paths.ts';
import type { IntegrationSpec } from '../../runtime/src/spec/types.ts';
import { validateSpec } from '../../runtime/src/spec/validate.ts';
import type { BatchOutcome, RuntimeHooks } from '../../runtime/src/worker/types.ts';
import {
  type EventsSimulator,
  type EventsSimulatorOptions,
  startEventsSimulator,
} from '../../sandbox/src/events/index.ts';
import type { FaultConfig } from '../../sandbox/src/faults/index.ts';
import { type HubSpotSimulator, startHubSpotSimulator } from '../../sandbox/src/hubspot/index.ts';
import starter from '../../templates/starters/contacts-events.integration-spec.json' with { type: 'json' };
import { createSyncIdProperty, settleRuntime, startTestGateway } from './parts.ts';

export const APP = { appId: 4242, clientSecret: 'harness-client-secret', accessToken: 'pat-na1-harness' };
export const EVENTS_TOKEN = 'sk_test_kongo_events';
export const EVENTS_SECRET = `whsec_${Buffer.from('kongo-harness-events-secret-key!').toString('base64')}`;

/** The starter spec pointed at the local parts. */
export function harnessSpec(
  publicBaseUrl: string,
  eventsUrl: string,
  patch: (spec: IntegrationSpec) => void = () => {},
): IntegrationSpec {
  const json = structuredClone(starter) as unknown as Record<string, unknown>;
  const result = validateSpec(json);
  if (!result.ok) throw new Error(`starter spec invalid: ${JSON.stringify(result.problems)}`);
  const spec = result.spec;
  spec.publicBaseUrl = publicBaseUrl;
  spec.hubspot.appId = APP.appId;
  spec.destination.baseUrl = eventsUrl;
  patch(spec);
  return spec;
}

export interface HarnessOptions {
  hubspotFaults?: Partial<FaultConfig>;
  events?: EventsSimulatorOptions;
  patchSpec?: (spec: IntegrationSpec) => void;
  hooks?: RuntimeHooks;
  environment?: Partial<LocalEnvironmentOptions>;
  /** Share these instead of starting new ones (several harnesses in one file). */
  dynamo?: LocalDynamo;
  /** More local secrets by parameter name (e.g. the Notification Centre key). */
  secrets?: (spec: IntegrationSpec) => Record<string, string>;
}

export interface Harness {
  dynamo: LocalDynamo;
  hub: HubSpotSimulator;
  events: EventsSimulator;
  runtime: IntegrationRuntime;
  spec: IntegrationSpec;
  tableName: string;
  secretsFile: string;
  gatewayUrl: string;
  /** Until both simulators are idle and the queue is empty (several rounds: writes echo). */
  settle(timeoutMs?: number): Promise<BatchOutcome>;
  /** HubSpot contacts with this email (live records). */
  contactsWithEmail(email: string): Array<{ id: string; properties: Record<string, string | null> }>;
  attendeesWithEmail(email: string): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

let tables = 0;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const ownDynamo = !options.dynamo;
  const dynamo = options.dynamo ?? (await startLocalDynamo());
  const tableName = `rt-${process.pid}-${++tables}`;
  await createKongoTable(dynamo.client, tableName);
  const hub = await startHubSpotSimulator({
    apps: [APP],
    indexingLagMs: 0,
    webhooks: { timeScale: 0.0001, batchWindowMs: 5 },
    ...(options.hubspotFaults ? { faults: options.hubspotFaults } : {}),
  });
  const events = await startEventsSimulator({
    webhookTiming: { timeCompression: 10_000 },
    ...options.events,
  });

  let runtime: IntegrationRuntime | undefined;
  const gateway = await startTestGateway(() => runtime);
  const gatewayUrl = gateway.url;
  const spec = harnessSpec(gatewayUrl, events.url, options.patchSpec);

  const dir = await mkdtemp(join(tmpdir(), 'kongo-rt-'));
  const secretsFile = join(dir, 'secrets.json');
  await writeFile(
    secretsFile,
    JSON.stringify({
      [spec.hubspot.secretParameter]: APP.clientSecret,
      [spec.hubspot.accessTokenParameter]: APP.accessToken,
      [spec.destination.auth.tokenParameter]: EVENTS_TOKEN,
      ...(spec.destination.webhooks ? { [spec.destination.webhooks.secretParameter]: EVENTS_SECRET } : {}),
      ...options.secrets?.(spec),
    }),
  );

  // The unique sync-id property HubSpot upserts on.
  await createSyncIdProperty(hub.url, spec, APP.accessToken);

  runtime = createIntegrationRuntime({
    spec,
    ...(options.hooks ? { hooks: options.hooks } : {}),
    environment: localEnvironment({
      dynamoEndpoint: dynamo.endpoint,
      dynamoClient: dynamo.client,
      tableName,
      secretsFile,
      hubspotBaseUrl: hub.url,
      destinationBaseUrl: events.url,
      logSink: () => {},
      retry: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))) },
      retryDelayMs: 20,
      visibilityTimeoutMs: 5_000,
      crash: () => {},
      ...options.environment,
    }),
  });

  hub.setWebhookTarget(APP.appId, gatewayUrl + webhookPath(spec, 'hubspot'));
  hub.subscribe(APP.appId, 'contact.creation');
  hub.subscribe(APP.appId, 'contact.deletion');
  hub.subscribe(APP.appId, 'contact.merge');
  hub.subscribe(APP.appId, 'contact.restore');
  hub.subscribe(APP.appId, 'contact.privacyDeletion');
  for (const property of [
    'email',
    'firstname',
    'lastname',
    'company',
    'jobtitle',
    'phone',
    'country',
    'lifecyclestage',
    'hs_lead_status',
  ]) {
    hub.subscribe(APP.appId, 'contact.propertyChange', property);
  }
  if (spec.destination.webhooks) {
    events.subscriptions.add({ url: gatewayUrl + webhookPath(spec, 'destination'), secret: EVENTS_SECRET });
  }

  const settledRuntime = runtime;
  return {
    dynamo,
    hub,
    events,
    runtime: settledRuntime,
    spec,
    tableName,
    secretsFile,
    gatewayUrl,
    settle(timeoutMs = 15_000) {
      return settleRuntime(
        settledRuntime,
        async () => {
          await hub.webhooksIdle();
          await events.idle(5_000);
        },
        timeoutMs,
      );
    },
    contactsWithEmail(email) {
      return hub
        .listRecords('contacts')
        .filter((r) => String(r.properties.email ?? '').toLowerCase() === email.toLowerCase())
        .map((r) => ({ id: String(r.id), properties: r.properties as Record<string, string | null> }));
    },
    attendeesWithEmail(email) {
      return events.store
        .all()
        .filter((a) => String(a.email).toLowerCase() === email.toLowerCase()) as unknown as Array<
        Record<string, unknown>
      >;
    },
    async close() {
      await settledRuntime.close();
      await gateway.close();
      await hub.close();
      await events.close();
      if (ownDynamo) await dynamo.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
