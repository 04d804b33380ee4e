/**
 * The whole product on one machine: dynalite (persisted under .kongo/), the HubSpot and destination
 * simulators, the Notification Centre with a local Slack receiver, the studio, and the starter
 * integrations generated into .kongo/generated/ and served behind the local gateway. `npm start`
 * and the end-to-end tests both call `startSandbox`.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getConnector } from '@kongo/connectors';
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
import type { ConnectorDocument } from '@kongo/runtime/connector';
import { sourceFields } from '@kongo/runtime/formulas';
import { type IntegrationSpec, validateSpec, webhookPath } from '@kongo/runtime/spec';
import { type LocalRuns, type PreflightCheck, type RunLocallyAnswer, RunLocallyRefusal } from '@kongo/studio';
import { type EventsSimulator, startEventsSimulator } from '../events/index.ts';
import { type Gateway, type GatewayRoute, startGateway } from '../gateway/index.ts';
import { type HubSpotSimulator, startHubSpotSimulator } from '../hubspot/index.ts';
import { type JobsSimulator, startJobsSimulator } from '../jobs/index.ts';
import { type SlackReceiver, startSlackReceiver } from '../slack-receiver/index.ts';
import { startDynaliteProcess } from './dynalite-child.ts';
import { ensureLocalSecrets, type SecretRequest, setLocalSecret } from './local-secrets.ts';
import { DEFAULT_PORTS, type SandboxPorts } from './ports.ts';
import {
  checkConnectorDestination,
  checkDestination,
  checkHubSpot,
  checkOwnApp,
  type PreflightContext,
  secretChecks,
} from './preflight.ts';
import { type RealSystem, realSystems as startRealSystems } from './real-systems.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const STARTER_SPECS = [
  join(REPO_ROOT, 'templates', 'starters', 'contacts-events.integration-spec.json'),
  join(REPO_ROOT, 'templates', 'starters', 'deals-jobs.integration-spec.json'),
];

/** Every starter, those on catalog connectors included (their simulators start with them). */
export function allStarterSpecs(): string[] {
  const dir = join(REPO_ROOT, 'templates', 'starters');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.integration-spec.json'))
    .sort()
    .map((file) => join(dir, file));
}

/** The HubSpot developer API key the simulator accepts for webhook settings (local only). */
const DEVELOPER_API_KEY = 'dev-hapikey';

/**
 * The studio's own private app in the HubSpot simulator: its token (kept in the secrets file) lets
 * the studio server read properties and sample records with nothing pasted. It has no webhooks.
 */
const STUDIO_APP_ID = 1;
export const STUDIO_TOKEN_PARAMETER = '/kongo/studio-hubspot-access-token';

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
  /**
   * Start the simulators of the real systems behind catalog connectors (Zoom, ServiceM8, Jobber, Webex
   * Events) at once (`KONGO_REAL_SIMS=1`). Without it each starts when a spec naming its connector loads.
   */
  realSystems?: boolean;
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
  /** The spec text as given (before the local overrides of publicBaseUrl and heartbeat). */
  specText: string;
  /** ms since epoch. */
  loadedAt: number;
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
  /** The real-system simulators running now (started on first use, or all with `realSystems`). */
  realSystems(): Promise<RealSystem[]>;
  /** Generate a spec and (re)load it into the gateway without a restart. */
  load(specText: string, specFileName: string): Promise<LoadedIntegration>;
  /**
   * The studio's "Run locally": preflight (secrets, own HubSpot app, both APIs answer with the
   * spec's credentials), load, then check the webhook subscriptions. Throws `RunLocallyRefusal`
   * with the failed checks, or when the name runs already and `replace` is not set.
   */
  runLocally(specText: string, options?: { replace?: boolean }): Promise<RunLocallyAnswer>;
  /** What the studio lists, opens and traces (npm start hands it to the studio server). */
  localRuns: LocalRuns;
  /** The token of the studio's own app in the HubSpot simulator (undefined with a real portal). */
  studioHubSpotToken: string | undefined;
  /** Stop an integration's handlers (worker, heartbeat, poller): the Notification Centre sees it go down. */
  stopIntegration(name: string): void;
  startIntegration(name: string): void;
  close(): Promise<void>;
}

interface Timers {
  worker?: { stop(): Promise<void> };
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
export function routesFor(loaded: Pick<LoadedIntegration, 'name' | 'spec' | 'runtime'>): GatewayRoute[] {
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
    // A connector's credentials are the simulator's, set when the spec loads (never random).
    ...(spec.destination.connector === undefined
      ? [{ name: spec.destination.auth.tokenParameter, kind: 'token' as const }]
      : []),
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

/**
 * The local stand-in for the SQS event source: `workers` loops draining the integration's table queue until
 * `stop()` (which resolves once each loop has finished its current drain). A drain that throws is logged and
 * retried after 500 ms — the queue keeps the message, so nothing is lost.
 */
export function startWorkerLoops(
  name: string,
  runtime: IntegrationRuntime,
  options: { workers?: number; log?: (line: string) => void } = {},
): { stop(): Promise<void> } {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      try {
        const outcome = await runtime.drain({ timeoutMs: 1_000 });
        if (outcome.messages === 0) await new Promise((r) => setTimeout(r, 50));
      } catch (error) {
        options.log?.(`${name}: worker error: ${(error as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };
  const running = Promise.all(Array.from({ length: Math.max(1, options.workers ?? 4) }, loop)).then(() => {});
  return {
    stop() {
      stopped = true;
      return running;
    },
  };
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
  const secrets = ensureLocalSecrets(secretsFile, [
    ...starters.flatMap((s) => secretsFor(s.spec)),
    { name: STUDIO_TOKEN_PARAMETER, kind: 'token' },
  ]);
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
      apps: [
        ...starters.map((s) => ({
          appId: s.spec.hubspot.appId,
          clientSecret: secret(s.spec.hubspot.secretParameter),
          accessToken: secret(s.spec.hubspot.accessTokenParameter),
        })),
        {
          appId: STUDIO_APP_ID,
          clientSecret: 'studio-has-no-webhooks',
          accessToken: secret(STUDIO_TOKEN_PARAMETER),
        },
      ],
    });
    closers.push(() => hubspot.close());

    // The two Kongo destination simulators serve the specs without a connector.
    const legacy = starters.filter((s) => s.spec.destination.connector === undefined);
    const destinationWebhooks = (api: 'graphql' | 'rest') =>
      legacy
        .filter((s) => s.spec.destination.api === api && s.spec.destination.webhooks)
        .map((s) => ({
          url: gateway.url + webhookPath(s.spec, 'destination'),
          secret: secret(s.spec.destination.webhooks?.secretParameter ?? ''),
        }));
    const tokensFor = (api: 'graphql' | 'rest') =>
      legacy
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

    const realSystems = startRealSystems({
      stateDir,
      ...(options.inMemory ? { inMemory: true } : {}),
    });
    closers.push(() => realSystems.close());
    if (options.realSystems) await realSystems.all();

    /** The real-system simulator serving a spec's connector (started now if needed). */
    const realSystemFor = async (spec: IntegrationSpec): Promise<RealSystem | undefined> => {
      const id = spec.destination.connector;
      if (id === undefined) return undefined;
      const running = realSystems.for(id);
      if (!running)
        throw new Error(
          `no local simulator serves connector "${id}" (the sandbox simulates zoom-meeting-registrants, servicem8-jobs, jobber-clients and webex-events-attendees)`,
        );
      return running;
    };

    const integrations = new Map<string, LoadedIntegration>();
    const timers = new Map<string, Timers>();

    const stopTimers = (name: string) => {
      const t = timers.get(name);
      if (!t) return;
      t.stop = true;
      void t.worker?.stop();
      if (t.heartbeat) clearInterval(t.heartbeat);
      if (t.poll) clearInterval(t.poll);
      if (t.hubspotPoll) clearInterval(t.hubspotPoll);
    };

    const startTimers = (loaded: LoadedIntegration) => {
      stopTimers(loaded.name);
      const t: Timers = { stop: false };
      timers.set(loaded.name, t);
      const { runtime, spec } = loaded;
      t.worker = startWorkerLoops(loaded.name, runtime, {
        ...(options.workers === undefined ? {} : { workers: options.workers }),
        log,
      });
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

    /** The local destination simulator serving a spec's API (GraphQL → events, REST → jobs). */
    const simulatorFor = (spec: IntegrationSpec) =>
      spec.destination.connector !== undefined
        ? undefined
        : spec.destination.api === 'graphql'
          ? {
              name: 'events-platform',
              url: events.url,
              token: events.token,
              subscriptions: events.subscriptions,
            }
          : spec.destination.api === 'rest'
            ? { name: 'job-system', url: jobs.url, token: jobs.token, subscriptions: jobs.subscriptions }
            : undefined;

    /**
     * Every secret the spec names, in the secrets file: missing ones are created — the destination
     * token as the local simulator's own token (a made-up one would be refused with INVALID_TOKEN),
     * the rest with fresh random values. Existing values are never changed. Answers what it created.
     */
    const ensureSpecSecrets = (spec: IntegrationSpec, real?: RealSystem): Map<string, string> => {
      const created = new Map<string, string>();
      const before = ensureLocalSecrets(secretsFile, []);
      if (real) {
        // The simulator stands for the client's account: its credentials (and a fixed webhook secret).
        const values: Record<string, string> = { ...real.credentials };
        const parameters = spec.destination.credentials ?? {};
        const missingFresh = Object.entries(parameters).some(
          ([name, parameter]) => !before[parameter] && !(name in values),
        );
        if (missingFresh && real.fresh) Object.assign(values, real.fresh());
        for (const [name, parameter] of Object.entries(parameters)) {
          const value = values[name];
          if (value === undefined || before[parameter]) continue;
          setLocalSecret(secretsFile, parameter, value);
          created.set(parameter, `the ${real.label}'s ${name}`);
        }
        const hooks = spec.destination.webhooks;
        if (hooks && real.webhookSecret !== undefined && !before[hooks.secretParameter]) {
          setLocalSecret(secretsFile, hooks.secretParameter, real.webhookSecret);
          created.set(hooks.secretParameter, `the ${real.label}'s webhook signing secret`);
        }
      }
      const tokenParameter = spec.destination.auth.tokenParameter;
      const simulator = simulatorFor(spec);
      if (!before[tokenParameter] && simulator && spec.destination.connector === undefined) {
        setLocalSecret(secretsFile, tokenParameter, simulator.token);
        created.set(tokenParameter, `the ${simulator.name} simulator's token`);
      }
      const wanted = secretsFor(spec);
      const after = ensureLocalSecrets(secretsFile, wanted);
      for (const { name, kind } of wanted)
        if (!before[name] && !created.has(name)) created.set(name, `a new random ${kind}`);
      if (realHubSpot && after[spec.hubspot.accessTokenParameter] !== realHubSpot.accessToken) {
        // The portal is the client's: its private-app token is the one given to npm start.
        setLocalSecret(secretsFile, spec.hubspot.accessTokenParameter, realHubSpot.accessToken);
        after[spec.hubspot.accessTokenParameter] = realHubSpot.accessToken;
      }
      Object.assign(secrets, after);
      return created;
    };

    /** The destination simulator sends this integration's changes to its webhook URL, signed with its secret. */
    const subscribeDestination = async (spec: IntegrationSpec, real?: RealSystem): Promise<void> => {
      const hooks = spec.destination.webhooks;
      if (hooks && real?.subscribe) {
        await real.subscribe(gateway.url + webhookPath(spec, 'destination'), secret(hooks.secretParameter));
        return;
      }
      const simulator = simulatorFor(spec);
      if (!hooks || !simulator) return;
      const url = gateway.url + webhookPath(spec, 'destination');
      const secretValue = secret(hooks.secretParameter);
      for (const existing of simulator.subscriptions.list())
        if (existing.url === url && existing.secret !== secretValue)
          simulator.subscriptions.remove(existing.id);
      if (!simulator.subscriptions.list().some((sub) => sub.url === url))
        simulator.subscriptions.add({ url, secret: secretValue });
    };

    /** Remove an app's webhook target and subscriptions in the simulator (through HubSpot's webhooks API). */
    const forgetHubSpotApp = async (appId: number): Promise<void> => {
      const base = `${hubspot.url}/webhooks/v3/${appId}`;
      const key = `hapikey=${DEVELOPER_API_KEY}`;
      const listed = await fetch(`${base}/subscriptions?${key}`);
      if (listed.ok) {
        const { results } = (await listed.json()) as { results: Array<{ id: number }> };
        for (const sub of results)
          await fetch(`${base}/subscriptions/${sub.id}?${key}`, { method: 'DELETE' });
      }
      await fetch(`${base}/settings?${key}`, { method: 'DELETE' });
      log(`removed HubSpot app ${appId}'s webhook target and subscriptions`);
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
      const { connector } = await importFresh<{ connector: ConnectorDocument | undefined }>(
        'src/connector.gen.ts',
      );
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
      const real = await realSystemFor(spec);
      const destinationBaseUrl = real
        ? real.baseUrl
        : spec.destination.api === 'graphql'
          ? events.url
          : jobs.url;
      const hubspotBaseUrl = realHubSpot ? (realHubSpot.baseUrl ?? 'https://api.hubapi.com') : hubspot.url;
      ensureSpecSecrets(spec, real);
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
        ...(connector ? { connector } : {}),
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
        await timers.get(name)?.worker?.stop();
        await previous.runtime.close();
        // The replaced spec's own HubSpot app must stop calling this integration's URL, or every
        // HubSpot change would arrive twice (once per app).
        if (!realHubSpot && previous.spec.hubspot.appId !== spec.hubspot.appId)
          await forgetHubSpotApp(previous.spec.hubspot.appId);
      }
      const loaded: LoadedIntegration = {
        name,
        spec,
        runtime,
        running: false,
        generation,
        hubspotWebhookUrl: gateway.url + webhookPath(spec, 'hubspot'),
        destinationWebhookUrl: gateway.url + webhookPath(spec, 'destination'),
        specText,
        loadedAt: Date.now(),
      };
      integrations.set(name, loaded);
      gateway.setRoutes(name, routesFor(loaded));
      // After the routes: a subscription may be verified at once (ServiceM8's challenge, Zoom's URL validation).
      await subscribeDestination(spec, real);
      startTimers(loaded);
      log(`loaded ${name} (generation ${generation}) from ${basename(specFileName)}`);
      return loaded;
    };

    for (const starter of starters) await load(starter.text, basename(starter.file));

    // What Run locally loaded in an earlier session is not loaded again at start: its webhook
    // subscriptions (kept in the simulators' state files) would call routes that no longer exist,
    // and their retries would delay every live delivery. Remove them.
    const ours = `${gateway.url}/webhooks/`;
    const stale = (url: string | undefined) =>
      url?.startsWith(ours) === true && !integrations.has(url.slice(ours.length).split('/')[0] ?? '');
    for (const simulator of [events, jobs])
      for (const sub of simulator.subscriptions.list())
        if (stale(sub.url)) simulator.subscriptions.remove(sub.id);
    for (const real of await realSystems.running()) real.forget((url) => !stale(url), ours);
    if (!realHubSpot) {
      const listed = await fetch(`${hubspot.url}/_admin/subscriptions`);
      const { results } = (await listed.json()) as {
        results: Array<{ appId: number; settings: { targetUrl?: string } | null }>;
      };
      for (const app of results) if (stale(app.settings?.targetUrl)) await forgetHubSpotApp(app.appId);
    }

    closers.push(async () => {
      for (const name of integrations.keys()) stopTimers(name);
      await Promise.all([...timers.values()].map((t) => t.worker?.stop()));
      for (const loaded of integrations.values()) await loaded.runtime.close();
    });

    const refuse = (message: string, checks: PreflightCheck[]): never => {
      throw new RunLocallyRefusal('refused', message, checks);
    };

    const runLocally = async (
      specText: string,
      options: { replace?: boolean } = {},
    ): Promise<RunLocallyAnswer> => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(specText);
      } catch (error) {
        return refuse('The spec is not JSON', [
          { id: 'spec', title: 'the spec validates', ok: false, detail: (error as Error).message },
        ]);
      }
      const validated = validateSpec(parsed);
      if (!validated.ok) {
        const problems = validated.problems.slice(0, 5).map((p) => `${p.pointer || '/'}: ${p.message}`);
        return refuse(`The spec does not validate (${validated.problems.length} problems)`, [
          {
            id: 'spec',
            title: 'the spec validates',
            ok: false,
            detail: problems.join('; '),
            fix: 'Fix the problems listed in the Problems tab, then Run locally again.',
          },
        ]);
      }
      const spec = validated.spec;
      const name = spec.integration.name;
      const previous = integrations.get(name);
      if (previous && options.replace !== true)
        throw new RunLocallyRefusal(
          'exists',
          `${name} already runs locally (generation ${previous.generation}, ${Object.values(
            Object.fromEntries(previous.spec.flows.map((f) => [f.direction, f.mappings.length])),
          ).reduce((a, b) => a + b, 0)} mappings). Replace it with this spec?`,
        );

      const checks: PreflightCheck[] = [
        { id: 'spec', title: 'the spec validates', ok: true, detail: `${name} for ${spec.client.name}` },
      ];
      let real: RealSystem | undefined;
      try {
        real = await realSystemFor(spec);
      } catch (error) {
        return refuse('No local simulator for this connector', [
          ...checks,
          {
            id: 'destination',
            title: `a local ${spec.destination.connector} simulator`,
            ok: false,
            detail: (error as Error).message,
            fix: 'Pick a destination the sandbox simulates in New integration.',
          },
        ]);
      }
      const created = ensureSpecSecrets(spec, real);
      checks.push(
        ...secretChecks(
          [...secretsFor(spec).map((r) => r.name), ...Object.values(spec.destination.credentials ?? {})],
          created,
          secretsFile,
        ),
      );
      const otherApps = new Map<number, string>();
      for (const other of integrations.values())
        if (other.name !== name) otherApps.set(other.spec.hubspot.appId, other.name);
      const simulator = simulatorFor(spec);
      const context: PreflightContext = {
        secretsFile,
        secrets,
        hubspotUrl: realHubSpot ? (realHubSpot.baseUrl ?? 'https://api.hubapi.com') : hubspot.url,
        destination: simulator && { name: simulator.name, url: simulator.url, token: simulator.token },
        otherApps,
        realHubSpot: realHubSpot !== undefined,
      };
      checks.push(checkOwnApp(spec, context));
      if (!realHubSpot)
        // The simulator stands for the client's developer account: the spec's app exists there with its secrets.
        hubspot.registerApp({
          appId: spec.hubspot.appId,
          clientSecret: secret(spec.hubspot.secretParameter),
          accessToken: secret(spec.hubspot.accessTokenParameter),
        });
      const connector =
        spec.destination.connector === undefined ? undefined : getConnector(spec.destination.connector);
      checks.push(
        await checkHubSpot(spec, context),
        real && connector
          ? await checkConnectorDestination(spec, connector, real, secretsFile)
          : await checkDestination(spec, context),
      );
      const failed = checks.filter((c) => !c.ok);
      if (failed.length > 0) refuse(`Not loaded: ${failed.map((c) => c.title).join('; ')}`, checks);

      let loaded: LoadedIntegration;
      try {
        loaded = await load(specText, 'integration-spec.json');
      } catch (error) {
        return refuse(`Not loaded: ${(error as Error).message}`, [
          ...checks,
          {
            id: 'load',
            title: 'generate and load',
            ok: false,
            detail: (error as Error).message,
            fix: 'Check the spec in the Code tab (Generate code shows what the generator refuses).',
          },
        ]);
      }
      checks.push(...(await subscriptionChecks(loaded)));
      const broken = checks.filter((c) => !c.ok);
      if (broken.length > 0) {
        sandbox.stopIntegration(name);
        refuse(`Stopped ${name}: ${broken.map((c) => c.title).join('; ')}`, checks);
      }
      return {
        integration: loaded.name,
        generation: loaded.generation,
        webhooks: { HubSpot: loaded.hubspotWebhookUrl, Destination: loaded.destinationWebhookUrl },
        checks,
        replaced: previous !== undefined,
        loadedAt: loaded.loadedAt,
      };
    };

    /** Right after loading: both sides will call this integration, and only its own HubSpot app does. */
    const subscriptionChecks = async (loaded: LoadedIntegration): Promise<PreflightCheck[]> => {
      const { spec } = loaded;
      const checks: PreflightCheck[] = [];
      if (!realHubSpot) {
        const steps = await hubspotSetup(spec, {
          baseUrl: hubspot.url,
          accessToken: secret(spec.hubspot.accessTokenParameter),
          developerApiKey: DEVELOPER_API_KEY,
          targetUrl: loaded.hubspotWebhookUrl,
          dryRun: true,
        });
        const missing = steps.filter((step) => step.status !== 'exists');
        checks.push({
          id: 'hubspot-subscriptions',
          title: `HubSpot app ${spec.hubspot.appId} calls ${loaded.hubspotWebhookUrl}`,
          ok: missing.length === 0,
          detail:
            missing.length === 0
              ? `${steps.length - 2} subscriptions and the webhook target exist`
              : `missing: ${missing.map((step) => step.what).join(', ')}`,
          ...(missing.length === 0
            ? {}
            : { fix: 'Run locally again; if it persists, run npx kongo hubspot setup.' }),
        });
        const response = await fetch(`${hubspot.url}/_admin/subscriptions`);
        const { results } = (await response.json()) as {
          results: Array<{ appId: number; settings: { targetUrl?: string } | null }>;
        };
        const others = results.filter(
          (app) => app.appId !== spec.hubspot.appId && app.settings?.targetUrl === loaded.hubspotWebhookUrl,
        );
        checks.push({
          id: 'hubspot-single-app',
          title: 'no other HubSpot app calls this integration',
          ok: others.length === 0,
          detail:
            others.length === 0
              ? 'each HubSpot change arrives once'
              : `app ${others.map((o) => o.appId).join(', ')} also targets ${loaded.hubspotWebhookUrl}: every change would be processed twice`,
          ...(others.length === 0
            ? {}
            : { fix: "Remove that app's webhook target in HubSpot (developer account › app › Webhooks)." }),
        });
      }
      const hooks = spec.destination.webhooks;
      const simulator = simulatorFor(spec);
      const real = spec.destination.connector === undefined ? undefined : await realSystemFor(spec);
      if (hooks && real?.subscribed) {
        const subscribed = real.subscribed(loaded.destinationWebhookUrl);
        checks.push({
          id: 'destination-subscription',
          title: `the ${real.label} calls ${loaded.destinationWebhookUrl}`,
          ok: subscribed,
          detail: subscribed ? `verified with ${hooks.secretParameter}` : 'no webhook subscription',
          ...(subscribed ? {} : { fix: 'Run locally again (it subscribes the URL).' }),
        });
      }
      if (hooks && simulator) {
        const subscribed = simulator.subscriptions
          .list()
          .some((sub) => sub.url === loaded.destinationWebhookUrl);
        checks.push({
          id: 'destination-subscription',
          title: `${simulator.name} calls ${loaded.destinationWebhookUrl}`,
          ok: subscribed,
          detail: subscribed ? `signed with ${hooks.secretParameter}` : 'no webhook subscription',
          ...(subscribed ? {} : { fix: `Add a webhook subscription in ${simulator.name} for that URL.` }),
        });
      }
      return checks;
    };

    const localRuns: LocalRuns = {
      run: (specText, options) => runLocally(specText, options),
      list: () =>
        [...integrations.values()].map((loaded) => ({
          name: loaded.name,
          client: { slug: loaded.spec.client.slug, name: loaded.spec.client.name },
          hubspotObject: loaded.spec.hubspot.objectType,
          destination: loaded.spec.destination.name,
          appId: loaded.spec.hubspot.appId,
          generation: loaded.generation,
          running: loaded.running,
          loadedAt: loaded.loadedAt,
          mappings: {
            'hubspot-to-destination':
              loaded.spec.flows.find((f) => f.direction === 'hubspot-to-destination')?.mappings.length ?? 0,
            'destination-to-hubspot':
              loaded.spec.flows.find((f) => f.direction === 'destination-to-hubspot')?.mappings.length ?? 0,
          },
        })),
      specText: (name) => integrations.get(name)?.specText,
      setRunning(name, running) {
        const loaded = integrations.get(name);
        if (!loaded) throw new Error(`no integration named ${name} is loaded locally`);
        if (loaded.running === running) return;
        if (running) sandbox.startIntegration(name);
        else sandbox.stopIntegration(name);
      },
      activity(name, since) {
        const loaded = integrations.get(name);
        if (!loaded) return { traces: [], failures: [] };
        const snapshot = loaded.runtime.logger.snapshot();
        return {
          traces: snapshot.recentTraces.filter((t) => t.startedAt >= since),
          failures: snapshot.recentFailures.filter((f) => f.at >= since),
        };
      },
    };

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
      realSystems: () => realSystems.running(),
      load,
      runLocally,
      localRuns,
      studioHubSpotToken: realHubSpot ? realHubSpot.accessToken : secret(STUDIO_TOKEN_PARAMETER),
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
