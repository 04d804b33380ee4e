/**
 * The whole product on one machine: dynalite (persisted under .kongo/), the HubSpot and destination
 * simulators, the Notification Centre with a local Slack receiver, the studio, and the starter
 * integrations generated into .kongo/generated/ and served behind the local gateway. `npm start`
 * and the end-to-end tests both call `startSandbox`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generate, hubspotSetup, writeProject } from '@kongo/generator';
import type { AlertRules } from '@kongo/notification-centre';
import {
  DynamoNcStore,
  ensureNcTable,
  type RunningNotificationCentre,
  startNotificationCentre,
} from '@kongo/notification-centre';
import {
  apiGatewayV2Handler,
  createIntegrationRuntime,
  type IntegrationRuntime,
  localEnvironment,
  type RuntimeHooks,
  startLocalDynamo,
} from '@kongo/runtime';
import { sourceFields } from '@kongo/runtime/formulas';
import { type IntegrationSpec, validateSpec, webhookPath } from '@kongo/runtime/spec';
import { type EventsSimulator, startEventsSimulator } from '../events/index.ts';
import { type Gateway, type GatewayRoute, startGateway } from '../gateway/index.ts';
import { type HubSpotSimulator, startHubSpotSimulator } from '../hubspot/index.ts';
import { type JobsSimulator, startJobsSimulator } from '../jobs/index.ts';
import { type SlackReceiver, startSlackReceiver } from '../slack-receiver/index.ts';
import { startDynaliteProcess } from './dynalite-child.ts';
import { ensureLocalSecrets, type SecretRequest, setLocalSecret } from './local-secrets.ts';
import { DEFAULT_PORTS, type SandboxPorts } from './ports.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const STARTER_SPECS = [
  join(REPO_ROOT, 'templates', 'starters', 'contacts-events.integration-spec.json'),
  join(REPO_ROOT, 'templates', 'starters', 'deals-jobs.integration-spec.json'),
];

/** The HubSpot developer API key the simulator accepts for webhook settings (local only). */
const DEVELOPER_API_KEY = 'dev-hapikey';

export interface SandboxOptions {
  /** Folder for persisted state (dynalite data, secrets, generated code). Default <repo>/.kongo */
  stateDir?: string;
  ports?: Partial<SandboxPorts>;
  /** Spec files to generate and load at start. Default: the two starters. */
  specs?: string[];
  /** Override every integration's heartbeat interval (seconds) — tests use a short one. */
  heartbeatSeconds?: number;
  /** Override polling intervals (seconds). */
  pollSeconds?: number;
  /** Notification Centre alert rules (tests shorten the 60 s minimum interval). */
  alertRules?: Partial<AlertRules>;
  /** Keep dynalite in memory instead of under stateDir (tests). */
  inMemory?: boolean;
  /**
   * Where dynalite runs: its own process (the default for `npm start`, so LevelDB work never delays
   * the gateway's acknowledgements) or in this process (the default with `inMemory`: faster to start).
   */
  dynamoProcess?: 'child' | 'in-process';
  /** HubSpot search indexing lag, ms. */
  indexingLagMs?: number;
  /**
   * Concurrent worker loops per integration, as Lambda runs several SQS batches at once (they claim
   * messages with conditional updates, so they never share one). One loop alone stalls every change
   * behind a retry's wait (a 429's hint): test/bench/loop.bench.ts measured p99 4.7 s with 1, 1.1 s
   * with 4. Default 4.
   */
  workers?: number;
  /**
   * A real HubSpot portal instead of the simulator: its private-app token (stored in
   * .kongo/secrets.json under each spec's access-token parameter). HubSpot can't call webhooks on
   * 127.0.0.1, so this mode polls HubSpot's search API every `pollSeconds` (default 30). The portal
   * must already hold the sync-id property (`npx kongo hubspot setup SPEC`).
   */
  realHubSpot?: { baseUrl?: string; accessToken: string };
  /** Start the studio (needs studio/dist or builds it). Default true. */
  studio?: boolean;
  log?: (line: string) => void;
}

export interface LoadedIntegration {
  name: string;
  spec: IntegrationSpec;
  runtime: IntegrationRuntime;
  /** Running = worker loop + heartbeat + poller on. */
  running: boolean;
  generation: number;
  hubspotWebhookUrl: string;
  destinationWebhookUrl: string;
}

export interface Sandbox {
  urls: {
    studio?: string;
    notificationCentre: string;
    gateway: string;
    hubspot: string;
    events: string;
    jobs: string;
    slack: string;
    dynamo: string;
  };
  hubspot: HubSpotSimulator;
  events: EventsSimulator;
  jobs: JobsSimulator;
  slack: SlackReceiver;
  notificationCentre: RunningNotificationCentre;
  gateway: Gateway;
  integrations: Map<string, LoadedIntegration>;
  /** Generate a spec and (re)load it into the gateway without a restart. */
  load(specText: string, specFileName: string): Promise<LoadedIntegration>;
  /** The studio's "Run locally": load, and answer what the consultant needs to see. */
  runLocally(
    specText: string,
  ): Promise<{ integration: string; generation: number; webhooks: Record<string, string> }>;
  /** Stop an integration's handlers (worker, heartbeat, poller): the Notification Centre sees it go down. */
  stopIntegration(name: string): void;
  startIntegration(name: string): void;
  close(): Promise<void>;
}

interface Timers {
  worker?: Promise<void>;
  heartbeat?: NodeJS.Timeout;
  poll?: NodeJS.Timeout;
  hubspotPoll?: NodeJS.Timeout;
  stop: boolean;
}

/**
 * A client's portal already holds the custom properties its spec maps (e.g. a deal's
 * `job_reference`); the local simulator starts with HubSpot's defaults only, so create the missing
 * ones as text properties — the natural key with unique values — through the properties API.
 */
async function ensureCustomProperties(
  spec: IntegrationSpec,
  baseUrl: string,
  token: string,
): Promise<string[]> {
  const used = new Set<string>([spec.destination.naturalKey.hubspotProperty]);
  for (const flow of spec.flows) {
    if (flow.direction === 'hubspot-to-destination') for (const name of sourceFields(flow)) used.add(name);
    else for (const mapping of flow.mappings) used.add(mapping.target);
  }
  used.delete(spec.hubspot.syncIdProperty); // `kongo hubspot setup` creates that one
  const created: string[] = [];
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const type = spec.hubspot.objectType;
  for (const name of [...used].sort()) {
    const found = await fetch(`${baseUrl}/crm/v3/properties/${type}/${encodeURIComponent(name)}`, {
      headers,
    });
    if (found.status !== 404) continue;
    const response = await fetch(`${baseUrl}/crm/v3/properties/${type}`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name,
        label: name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
        type: 'string',
        fieldType: 'text',
        groupName:
          type === 'contacts'
            ? 'contactinformation'
            : type === 'deals'
              ? 'dealinformation'
              : 'companyinformation',
        hasUniqueValue: name === spec.destination.naturalKey.hubspotProperty,
      }),
    });
    if (!response.ok)
      throw new Error(
        `could not create HubSpot property ${name}: ${response.status} ${await response.text()}`,
      );
    created.push(name);
  }
  return created;
}

/** The deployed routes of one integration: the same paths API Gateway serves. */
function routesFor(loaded: LoadedIntegration): GatewayRoute[] {
  const { name, spec, runtime } = loaded;
  return [
    {
      name: `${name}-hubspot-webhook`,
      method: 'POST',
      path: webhookPath(spec, 'hubspot'),
      handler: apiGatewayV2Handler((request) => runtime.hubspotWebhook(request)),
    },
    {
      name: `${name}-destination-webhook`,
      method: 'POST',
      path: webhookPath(spec, 'destination'),
      handler: apiGatewayV2Handler((request) => runtime.destinationWebhook(request)),
    },
  ];
}

/** The secrets a spec needs locally, keyed by its SSM parameter names. */
export function secretsFor(spec: IntegrationSpec): SecretRequest[] {
  const wanted: SecretRequest[] = [
    { name: spec.hubspot.secretParameter, kind: 'hubspot-client-secret' },
    { name: spec.hubspot.accessTokenParameter, kind: 'token' },
    { name: spec.destination.auth.tokenParameter, kind: 'token' },
    { name: spec.monitoring.notificationCentre.keyParameter, kind: 'hex' },
  ];
  const hooks = spec.destination.webhooks;
  if (hooks) {
    wanted.push({
      name: hooks.secretParameter,
      kind: hooks.scheme === 'standard-webhooks' ? 'standard-webhooks' : 'hex',
    });
  }
  return wanted;
}

function readSpec(file: string): { spec: IntegrationSpec; text: string } {
  const text = readFileSync(file, 'utf8');
  const result = validateSpec(JSON.parse(text));
  if (!result.ok) {
    const first = result.problems[0];
    throw new Error(
      `${file}: invalid spec (${first?.pointer ?? ''} ${first?.message ?? ''}); run npx kongo validate ${file}`,
    );
  }
  return { spec: result.spec, text };
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => {});
  const realHubSpot = options.realHubSpot;
  const stateDir = options.stateDir ?? join(REPO_ROOT, '.kongo');
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  mkdirSync(stateDir, { recursive: true });
  const secretsFile = join(stateDir, 'secrets.json');
  const specFiles = options.specs ?? STARTER_SPECS;
  const starters = specFiles.map((file) => ({ file, ...readSpec(file) }));
  const secrets = ensureLocalSecrets(
    secretsFile,
    starters.flatMap((s) => secretsFor(s.spec)),
  );
  const secret = (name: string): string => {
    const value = secrets[name];
    if (!value) throw new Error(`secret ${name} missing from ${secretsFile}`);
    return value;
  };

  const closers: Array<() => Promise<void>> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      // Keep closing the rest, but say what failed (a simulator's final state save, say).
      await close().catch((error: unknown) => log(`shutdown: ${(error as Error).message}`));
    }
  };
  try {
    const dynamoInChild = (options.dynamoProcess ?? (options.inMemory ? 'in-process' : 'child')) === 'child';
    const dynamo = await (dynamoInChild ? startDynaliteProcess : startLocalDynamo)({
      port: ports.dynamo,
      ...(options.inMemory ? {} : { path: join(stateDir, 'dynamo') }),
    });
    closers.push(() => dynamo.close());

    const slack = await startSlackReceiver({ port: ports.slack });
    closers.push(() => slack.close());

    const ncTable = 'kongo-notification-centre';
    await ensureNcTable(dynamo.client, ncTable);
    const clients = [...new Map(starters.map((s) => [s.spec.client.slug, s.spec.client])).values()];
    const notificationCentre = await startNotificationCentre({
      port: ports.notificationCentre,
      store: new DynamoNcStore({ client: dynamo.client, tableName: ncTable }),
      ...(options.alertRules ? { rules: options.alertRules } : {}),
      detectEverySeconds: 1,
      config: {
        clients: clients.map((c) => ({
          slug: c.slug,
          name: c.name,
          slackWebhookUrl: slack.webhookUrl(c.slug),
        })),
        integrations: starters.map((s) => ({
          id: s.spec.integration.name,
          clientSlug: s.spec.client.slug,
          name: `${s.spec.client.name} Integration`,
          key: secret(s.spec.monitoring.notificationCentre.keyParameter),
          intervalSeconds: options.heartbeatSeconds ?? s.spec.monitoring.heartbeatSeconds,
        })),
      },
    });
    closers.push(() => notificationCentre.close());

    const gateway = await startGateway({ port: ports.gateway });
    closers.push(() => gateway.close());

    const hubspot = await startHubSpotSimulator({
      port: ports.hubspot,
      indexingLagMs: options.indexingLagMs ?? 2000,
      ...(options.inMemory ? {} : { stateFile: join(stateDir, 'hubspot.json') }),
      developerApiKey: DEVELOPER_API_KEY,
      apps: starters.map((s) => ({
        appId: s.spec.hubspot.appId,
        clientSecret: secret(s.spec.hubspot.secretParameter),
        accessToken: secret(s.spec.hubspot.accessTokenParameter),
      })),
    });
    closers.push(() => hubspot.close());

    const destinationWebhooks = (api: 'graphql' | 'rest') =>
      starters
        .filter((s) => s.spec.destination.api === api && s.spec.destination.webhooks)
        .map((s) => ({
          url: gateway.url + webhookPath(s.spec, 'destination'),
          secret: secret(s.spec.destination.webhooks?.secretParameter ?? ''),
        }));
    const tokensFor = (api: 'graphql' | 'rest') =>
      starters
        .filter((s) => s.spec.destination.api === api)
        .map((s) => secret(s.spec.destination.auth.tokenParameter));

    const eventsTokens = tokensFor('graphql');
    const events = await startEventsSimulator({
      port: ports.events,
      ...(eventsTokens.length > 0 ? { tokens: eventsTokens } : {}),
      webhooks: destinationWebhooks('graphql').length > 0 ? 'standard-webhooks' : 'none',
      subscriptions: destinationWebhooks('graphql'),
      ...(options.inMemory ? {} : { stateFile: join(stateDir, 'events.json') }),
    });
    closers.push(() => events.close());
    const jobsTokens = tokensFor('rest');
    const jobs = await startJobsSimulator({
      port: ports.jobs,
      ...(jobsTokens.length > 0 ? { tokens: jobsTokens } : {}),
      subscriptions: destinationWebhooks('rest'),
      ...(options.inMemory ? {} : { stateFile: join(stateDir, 'jobs.json') }),
    });
    closers.push(() => jobs.close());

    const integrations = new Map<string, LoadedIntegration>();
    const timers = new Map<string, Timers>();

    const stopTimers = (name: string) => {
      const t = timers.get(name);
      if (!t) return;
      t.stop = true;
      if (t.heartbeat) clearInterval(t.heartbeat);
      if (t.poll) clearInterval(t.poll);
      if (t.hubspotPoll) clearInterval(t.hubspotPoll);
    };

    const startTimers = (loaded: LoadedIntegration) => {
      stopTimers(loaded.name);
      const t: Timers = { stop: false };
      timers.set(loaded.name, t);
      const { runtime, spec } = loaded;
      // The local stand-in for the SQS event source: drain the table queue continuously.
      const loop = async () => {
        while (!t.stop) {
          try {
            const outcome = await runtime.drain({ timeoutMs: 1_000 });
            if (outcome.messages === 0) await new Promise((r) => setTimeout(r, 50));
          } catch (error) {
            log(`${loaded.name}: worker error: ${(error as Error).message}`);
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      };
      t.worker = Promise.all(Array.from({ length: Math.max(1, options.workers ?? 4) }, loop)).then(() => {});
      const beat = () =>
        runtime
          .heartbeat()
          .catch((error: unknown) => log(`${loaded.name}: heartbeat failed: ${(error as Error).message}`));
      void beat();
      t.heartbeat = setInterval(beat, spec.monitoring.heartbeatSeconds * 1000);
      const polling = spec.destination.polling;
      if (polling) {
        t.poll = setInterval(
          () =>
            void runtime
              .poll()
              .catch((error: unknown) => log(`${loaded.name}: poll failed: ${(error as Error).message}`)),
          (options.pollSeconds ?? polling.intervalSeconds) * 1000,
        );
      }
      if (realHubSpot) {
        // A real portal can't call webhooks on 127.0.0.1: read its changes through search instead.
        const pollHubSpot = () =>
          void runtime
            .poll({ source: 'hubspot' })
            .catch((error: unknown) =>
              log(`${loaded.name}: HubSpot poll failed: ${(error as Error).message}`),
            );
        pollHubSpot();
        t.hubspotPoll = setInterval(pollHubSpot, (options.pollSeconds ?? 30) * 1000);
      }
      loaded.running = true;
    };

    const load = async (specText: string, specFileName: string): Promise<LoadedIntegration> => {
      const project = generate({ specText, specFileName });
      const name = project.integration.spec.integration.name;
      const previous = integrations.get(name);
      const generation = (previous?.generation ?? 0) + 1;
      const outDir = join(stateDir, 'generated', name);
      writeProject(project.files, outDir);
      // Fresh module instances on every reload: the query string is part of the ESM cache key.
      const version = `?generation=${generation}&t=${Date.now()}`;
      const importFresh = async <T>(rel: string): Promise<T> =>
        (await import(pathToFileURL(join(outDir, rel)).href + version)) as T;
      const { spec: generatedSpec } = await importFresh<{ spec: IntegrationSpec }>('src/spec.gen.ts');
      const { mappings } = await importFresh<{
        mappings: Parameters<typeof createIntegrationRuntime>[0]['mappings'];
      }>('src/mappings.gen.ts');
      const { hooks } = await importFresh<{ hooks: RuntimeHooks }>('src/extensions.ts');
      // Locally HubSpot calls the gateway, and v3 signatures cover the URL it called.
      // The heartbeat interval may be shortened locally (demo, tests); the payload carries it to the centre.
      const spec: IntegrationSpec = {
        ...generatedSpec,
        publicBaseUrl: gateway.url,
        monitoring: {
          ...generatedSpec.monitoring,
          heartbeatSeconds: options.heartbeatSeconds ?? generatedSpec.monitoring.heartbeatSeconds,
        },
      };
      const destinationBaseUrl = spec.destination.api === 'graphql' ? events.url : jobs.url;
      const hubspotBaseUrl = realHubSpot ? (realHubSpot.baseUrl ?? 'https://api.hubapi.com') : hubspot.url;
      const secretsForSpec = ensureLocalSecrets(secretsFile, secretsFor(spec));
      Object.assign(secrets, secretsForSpec);
      // A spec loaded from the studio may name a new client or integration: the centre must know its key.
      await notificationCentre.centre.registerClient({
        slug: spec.client.slug,
        name: spec.client.name,
        slackWebhookUrl: slack.webhookUrl(spec.client.slug),
      });
      await notificationCentre.centre.registerIntegration({
        id: spec.integration.name,
        clientSlug: spec.client.slug,
        name: `${spec.client.name} Integration`,
        key: secret(spec.monitoring.notificationCentre.keyParameter),
        intervalSeconds: spec.monitoring.heartbeatSeconds,
      });
      if (realHubSpot) {
        // The portal is the client's: we never create properties or subscriptions in it from here.
        setLocalSecret(secretsFile, spec.hubspot.accessTokenParameter, realHubSpot.accessToken);
        secrets[spec.hubspot.accessTokenParameter] = realHubSpot.accessToken;
      } else {
        hubspot.registerApp({
          appId: spec.hubspot.appId,
          clientSecret: secret(spec.hubspot.secretParameter),
          accessToken: secret(spec.hubspot.accessTokenParameter),
        });
        const created = await ensureCustomProperties(
          spec,
          hubspot.url,
          secret(spec.hubspot.accessTokenParameter),
        );
        if (created.length > 0)
          log(`created custom HubSpot properties ${created.join(', ')} in the simulator`);
        await hubspotSetup(spec, {
          baseUrl: hubspot.url,
          accessToken: secret(spec.hubspot.accessTokenParameter),
          developerApiKey: DEVELOPER_API_KEY,
        });
      }
      const runtime = createIntegrationRuntime({
        spec,
        ...(mappings ? { mappings } : {}),
        hooks,
        environment: localEnvironment({
          dynamoEndpoint: dynamo.endpoint,
          dynamoClient: dynamo.client,
          tableName: dynamo.tableName,
          secretsFile,
          hubspotBaseUrl,
          destinationBaseUrl,
          notificationCentreUrl: notificationCentre.url,
          logSink: () => {},
        }),
      });
      if (previous) {
        stopTimers(name);
        await timers.get(name)?.worker;
        await previous.runtime.close();
      }
      const loaded: LoadedIntegration = {
        name,
        spec,
        runtime,
        running: false,
        generation,
        hubspotWebhookUrl: gateway.url + webhookPath(spec, 'hubspot'),
        destinationWebhookUrl: gateway.url + webhookPath(spec, 'destination'),
      };
      integrations.set(name, loaded);
      gateway.setRoutes(name, routesFor(loaded));
      startTimers(loaded);
      log(`loaded ${name} (generation ${generation}) from ${basename(specFileName)}`);
      return loaded;
    };

    for (const starter of starters) await load(starter.text, basename(starter.file));

    closers.push(async () => {
      for (const name of integrations.keys()) stopTimers(name);
      await Promise.all([...timers.values()].map((t) => t.worker));
      for (const loaded of integrations.values()) await loaded.runtime.close();
    });

    const sandbox: Sandbox = {
      urls: {
        notificationCentre: notificationCentre.url,
        gateway: gateway.url,
        hubspot: hubspot.url,
        events: events.url,
        jobs: jobs.url,
        slack: slack.url,
        dynamo: dynamo.endpoint,
      },
      hubspot,
      events,
      jobs,
      slack,
      notificationCentre,
      gateway,
      integrations,
      load,
      async runLocally(specText) {
        const loaded = await load(specText, 'integration-spec.json');
        return {
          integration: loaded.name,
          generation: loaded.generation,
          webhooks: { HubSpot: loaded.hubspotWebhookUrl, Destination: loaded.destinationWebhookUrl },
        };
      },
      stopIntegration(name) {
        const loaded = integrations.get(name);
        if (!loaded) throw new Error(`no integration named ${name}`);
        stopTimers(name);
        gateway.removeRoutes(name);
        loaded.running = false;
      },
      startIntegration(name) {
        const loaded = integrations.get(name);
        if (!loaded) throw new Error(`no integration named ${name}`);
        gateway.setRoutes(name, routesFor(loaded));
        startTimers(loaded);
      },
      close: closeAll,
    };
    return sandbox;
  } catch (error) {
    await closeAll();
    throw error;
  }
}
