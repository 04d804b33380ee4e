/**
 * The generated handlers are real code: the starter spec, pointed at the simulators, is generated
 * into a folder; its webhook handlers serve the local gateway (HTTP API v2 events, deployed paths
 * and throttle), `kongo hubspot setup` subscribes the HubSpot simulator, and its runtime (spec +
 * generated mappings + extensions) syncs a contact to the events platform and an attendee back.
 */
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, hubspotSetup, writeProject } from '@kongo/generator';
import { type IntegrationRuntime, localEnvironment } from '@kongo/runtime';
import { webhookPath } from '@kongo/runtime/spec';
import { type EventsSimulator, startEventsSimulator } from '@kongo/sandbox/events';
import { type HubSpotSimulator, startHubSpotSimulator } from '@kongo/sandbox/hubspot';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { createKongoTable } from '../../runtime/src/queue/table.ts';
import { type Gateway, startGateway } from '../../sandbox/src/gateway/index.ts';
import { ROOT } from './golden.ts';

type HttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

const APP = {
  appId: 5150,
  clientSecret: 'generated-client-secret',
  accessToken: 'pat-generated',
  developerApiKey: 'dev-gen',
};
const EVENTS_SECRET = `whsec_${Buffer.from('kongo-generated-handlers-secret!').toString('base64')}`;

let dynamo: LocalDynamo;
let hub: HubSpotSimulator;
let events: EventsSimulator;
let gateway: Gateway;
let runtime: IntegrationRuntime;
let dir: string;

async function settle(): Promise<void> {
  for (let quiet = 0; quiet < 2; ) {
    await hub.webhooksIdle();
    await events.idle(5_000);
    const outcome = await runtime.drain({ untilEmpty: true, timeoutMs: 10_000 });
    quiet = outcome.messages === 0 ? quiet + 1 : 0;
  }
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  await createKongoTable(dynamo.client, 'generated');
  hub = await startHubSpotSimulator({
    apps: [APP],
    indexingLagMs: 0,
    developerApiKey: APP.developerApiKey,
    webhooks: { timeScale: 0.0001, batchWindowMs: 5 },
  });
  events = await startEventsSimulator({ webhookTiming: { timeCompression: 10_000 } });
  gateway = await startGateway();

  // The starter, pointed at this machine's gateway, simulators and app.
  const spec = JSON.parse(
    readFileSync(join(ROOT, 'templates/starters/contacts-events.integration-spec.json'), 'utf8'),
  );
  spec.publicBaseUrl = gateway.url;
  spec.hubspot.appId = APP.appId;
  spec.destination.baseUrl = events.url;
  dir = mkdtempSync(join(tmpdir(), 'kongo-generated-'));
  writeProject(
    generate({ specText: JSON.stringify(spec), specFileName: 'integration-spec.json' }).files,
    dir,
  );
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const secretsFile = join(dir, 'secrets.json');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    secretsFile,
    JSON.stringify({
      [spec.hubspot.secretParameter]: APP.clientSecret,
      [spec.hubspot.accessTokenParameter]: APP.accessToken,
      [spec.destination.auth.tokenParameter]: events.token,
      [spec.destination.webhooks.secretParameter]: EVENTS_SECRET,
    }),
  );

  const generatedRuntime = (await import(join(dir, 'src/runtime.gen.ts'))) as {
    useEnvironment(environment: ReturnType<typeof localEnvironment>): IntegrationRuntime;
  };
  runtime = generatedRuntime.useEnvironment(
    localEnvironment({
      dynamoEndpoint: dynamo.endpoint,
      dynamoClient: dynamo.client,
      tableName: 'generated',
      secretsFile,
      hubspotBaseUrl: hub.url,
      destinationBaseUrl: events.url,
      logSink: () => {},
      retryDelayMs: 20,
      crash: () => {},
    }),
  );
  const hubspotHandler = (await import(join(dir, 'src/handlers/hubspot-webhook.gen.ts'))) as {
    handler: HttpHandler;
  };
  const destinationHandler = (await import(join(dir, 'src/handlers/destination-webhook.gen.ts'))) as {
    handler: HttpHandler;
  };
  gateway.setRoutes('generated', [
    { name: 'hubspot', method: 'POST', path: webhookPath(spec, 'hubspot'), handler: hubspotHandler.handler },
    {
      name: 'destination',
      method: 'POST',
      path: webhookPath(spec, 'destination'),
      handler: destinationHandler.handler,
    },
  ]);
  const steps = await hubspotSetup(spec, {
    baseUrl: hub.url,
    accessToken: APP.accessToken,
    developerApiKey: APP.developerApiKey,
  });
  expect(steps.every((step) => step.status === 'create')).toBe(true);
  events.subscriptions.add({ url: gateway.url + webhookPath(spec, 'destination'), secret: EVENTS_SECRET });
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  await gateway?.close();
  await hub?.close();
  await events?.close();
  await dynamo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('generated handlers against the simulators', () => {
  it('sync a new HubSpot contact to an attendee through the generated mappings', async () => {
    await hub.ui.create('contacts', {
      email: ' Grace@Example.COM ',
      firstname: 'Grace',
      lastname: 'Hopper',
      phone: '+61 400 000 000',
      lifecyclestage: 'evangelist',
    });
    await settle();
    const attendees = events.store.all().filter((a) => a.email === 'grace@example.com');
    expect(attendees).toHaveLength(1);
    expect(attendees[0]).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      phone: '+61400000000',
      ticketType: 'SPEAKER',
    });
  });

  it('sync an attendee edit back to the HubSpot contact', async () => {
    const attendee = events.store.all().find((a) => a.email === 'grace@example.com');
    if (!attendee) throw new Error('no attendee');
    const edited = await fetch(`${events.url}/_admin/records/${attendee.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jobTitle: 'Rear Admiral', status: 'CHECKED_IN' }),
    });
    expect(edited.status).toBe(200);
    await settle();
    const contacts = hub
      .listRecords('contacts')
      .filter((c) => c.properties.email?.toString().trim().toLowerCase() === 'grace@example.com');
    expect(contacts).toHaveLength(1);
    expect(contacts[0]?.properties).toMatchObject({ jobtitle: 'Rear Admiral', hs_lead_status: 'CONNECTED' });
  });

  it('reconcile both systems from the generated daily handler: the synced pair is mapped, nothing drifted', async () => {
    const reconcile = (await import(join(dir, 'src/handlers/reconcile.gen.ts'))) as {
      handler(): Promise<Record<string, number | boolean>>;
    };
    const summary = await reconcile.handler();
    expect(summary).toEqual({
      hubspot: 1,
      destination: 1,
      mapped: 1,
      drifted: 0,
      linked: 0,
      unmatched: 0,
      labelProblems: 0,
      notified: false, // no Notification Centre parameters in this test's secrets
    });
  });

  it('reject an unsigned webhook at the gateway with 401', async () => {
    const response = await fetch(`${gateway.url}/webhooks/velflex-attendees/hubspot`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    expect(response.status).toBe(401);
  });
});
