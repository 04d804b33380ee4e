// Webhook events and delivery: fields, sources, signatures, batching, retries with compressed time, concurrency, faults.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Signature } from '@hubspot/api-client';
import { createVerifier } from '@kongo/runtime/verify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HubSpotSimulator, signV1, signV3, startHubSpotSimulator, type WebhookEvent } from './index.ts';

const APP = { appId: 31337, clientSecret: 'hook-secret', accessToken: 'pat-na1-hooks' };

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  events: WebhookEvent[];
  at: number;
}

/** A webhook receiver whose answer per request the test decides. */
class Receiver {
  received: Received[] = [];
  inFlight = 0;
  maxInFlight = 0;
  respond: (n: number) => { status: number; delayMs?: number; hang?: boolean } = () => ({ status: 200 });
  #server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const n = this.received.length;
      this.received.push({
        headers: req.headers,
        body,
        events: JSON.parse(body) as WebhookEvent[],
        at: Date.now(),
      });
      this.inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
      const answer = this.respond(n);
      if (answer.hang) return;
      setTimeout(() => {
        this.inFlight--;
        res.writeHead(answer.status).end();
      }, answer.delayMs ?? 0);
    });
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((r) => this.#server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/webhooks/velflex/hubspot`;
  }
  reset(): void {
    this.received = [];
    this.inFlight = 0;
    this.maxInFlight = 0;
    this.respond = () => ({ status: 200 });
  }
  events(): WebhookEvent[] {
    return this.received.flatMap((r) => r.events);
  }
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

let sim: HubSpotSimulator;
let receiver: Receiver;
let client: Client;

beforeAll(async () => {
  receiver = new Receiver();
  await receiver.start();
  sim = await startHubSpotSimulator({
    indexingLagMs: 0,
    apps: [APP],
    webhooks: { timeScale: 0.00005, timeoutMs: 300, batchWindowMs: 10 },
  });
  client = new Client({ accessToken: APP.accessToken, basePath: sim.url, numberOfApiCallRetries: 1 });
});

afterAll(async () => {
  await sim.close();
  await receiver.close();
});

beforeEach(() => {
  sim.reset();
  sim.setFaults({});
  sim.registerApp(APP);
  receiver.reset();
  sim.setWebhookTarget(APP.appId, receiver.url);
});

afterEach(async () => {
  receiver.respond = () => ({ status: 200 });
});

describe('events', () => {
  it('delivers creation and per-property change events for an API write with changeSource INTEGRATION', async () => {
    const creation = sim.subscribe(APP.appId, 'contact.creation');
    const emailChange = sim.subscribe(APP.appId, 'contact.propertyChange', 'email');
    sim.subscribe(APP.appId, 'contact.propertyChange', 'lastname');
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'ada@example.com', firstname: 'Ada' },
      associations: [],
    });
    await sim.webhooksIdle();
    const events = receiver.events().sort((a, b) => a.eventId - b.eventId);
    expect(events).toHaveLength(2);
    const [first, second] = events;
    expect(first).toMatchObject({
      subscriptionId: creation.id,
      portalId: 62515,
      appId: APP.appId,
      subscriptionType: 'contact.creation',
      attemptNumber: 0,
      objectId: Number(created.id),
      changeSource: 'INTEGRATION',
      sourceId: '31337',
      changeFlag: 'NEW',
    });
    expect(second).toMatchObject({
      subscriptionId: emailChange.id,
      subscriptionType: 'contact.propertyChange',
      propertyName: 'email',
      propertyValue: 'ada@example.com',
      objectId: 1001,
      changeSource: 'INTEGRATION',
      sourceId: '31337',
    });
    expect(first?.occurredAt).toBe(created.createdAt.getTime());
  });

  it('marks a UI edit CRM_UI with sourceId userId:NNN', async () => {
    sim.subscribe(APP.appId, 'contact.propertyChange', 'firstname');
    const record = await sim.ui.create('contacts', { email: 'ui@example.com', firstname: 'Ui' }, 555);
    await sim.ui.update('contacts', record.id, { firstname: 'Uma' }, 555);
    await sim.webhooksIdle();
    const values = receiver
      .events()
      .sort((a, b) => a.eventId - b.eventId)
      .map((e) => [e.propertyValue, e.changeSource, e.sourceId]);
    expect(values).toEqual([
      ['Ui', 'CRM_UI', 'userId:555'],
      ['Uma', 'CRM_UI', 'userId:555'],
    ]);
  });

  it('emits deletion, restore, merge and privacyDeletion events', async () => {
    for (const t of ['deletion', 'restore', 'merge', 'privacyDeletion'])
      sim.subscribe(APP.appId, `contact.${t}`);
    await client.crm.contacts.basicApi.create({ properties: { email: 'a@example.com' }, associations: [] });
    await client.crm.contacts.basicApi.create({ properties: { email: 'b@example.com' }, associations: [] });
    await client.crm.contacts.basicApi.create({ properties: { email: 'c@example.com' }, associations: [] });
    await client.crm.contacts.basicApi.archive('1001');
    await sim.ui.restore('contacts', '1001');
    await client.crm.contacts.basicApi.merge({ primaryObjectId: '1001', objectIdToMerge: '1002' });
    await client.crm.contacts.basicApi.purge({ objectId: '1003' });
    await sim.webhooksIdle();
    const events = receiver.events().sort((a, b) => a.eventId - b.eventId);
    expect(events.map((e) => [e.subscriptionType, e.objectId, e.changeSource])).toEqual([
      ['contact.deletion', 1001, 'INTEGRATION'],
      ['contact.restore', 1001, 'CRM_UI'],
      ['contact.merge', 1001, 'INTEGRATION'],
      ['contact.privacyDeletion', 1003, 'INTEGRATION'],
    ]);
    expect(events[2]).toMatchObject({ primaryObjectId: 1001, mergedObjectIds: [1002], newObjectId: 1001 });
  });
});

describe('signatures on delivery', () => {
  it('signs every request v3 so that Signature.isValid accepts it', async () => {
    sim.subscribe(APP.appId, 'contact.creation');
    await client.crm.contacts.basicApi.create({ properties: { email: 'sig@example.com' }, associations: [] });
    await sim.webhooksIdle();
    const [request] = receiver.received;
    if (!request) throw new Error('no delivery');
    const timestamp = Number(request.headers['x-hubspot-request-timestamp']);
    const signature = String(request.headers['x-hubspot-signature-v3']);
    expect(signature).toBe(signV3(APP.clientSecret, 'POST', receiver.url, request.body, timestamp));
    expect(
      Signature.isValid({
        signatureVersion: 'v3',
        signature,
        clientSecret: APP.clientSecret,
        requestBody: request.body,
        url: receiver.url,
        method: 'POST',
        timestamp,
      }),
    ).toBe(true);
    expect(request.headers['x-hubspot-signature']).toBeUndefined();
  });

  it('adds a v1 signature for an app configured for it', async () => {
    sim.registerApp({ ...APP, legacySignature: 'v1' });
    sim.subscribe(APP.appId, 'contact.creation');
    await client.crm.contacts.basicApi.create({ properties: { email: 'v1@example.com' }, associations: [] });
    await sim.webhooksIdle();
    const [request] = receiver.received;
    expect(request?.headers['x-hubspot-signature-version']).toBe('v1');
    expect(request?.headers['x-hubspot-signature']).toBe(signV1(APP.clientSecret, request?.body ?? ''));
  });
});

describe("the runtime's verifier", () => {
  it('accepts the v3 and legacy v2 signatures of real deliveries, and refuses a tampered body', async () => {
    sim.registerApp({ ...APP, legacySignature: 'v2' });
    sim.subscribe(APP.appId, 'contact.creation');
    await client.crm.contacts.basicApi.create({
      properties: { email: 'verify@example.com' },
      associations: [],
    });
    await sim.webhooksIdle();
    const [request] = receiver.received;
    if (!request) throw new Error('no delivery');
    const signed = (body: string) => ({
      method: 'POST',
      url: receiver.url,
      body: new TextEncoder().encode(body),
      header: (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      },
    });
    const v3 = createVerifier({ type: 'hubspot', version: 'v3' }, [APP.clientSecret]);
    const v2 = createVerifier({ type: 'hubspot', version: 'v2' }, [APP.clientSecret]);
    expect(v3(signed(request.body))).toEqual({ ok: true, secret: 'current' });
    expect(v2(signed(request.body))).toEqual({ ok: true, secret: 'current' });
    expect(v3(signed(request.body.replace('"attemptNumber":0', '"attemptNumber":1')))).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });
});

describe('delivery', () => {
  it('batches events fewer than 100 to a request', async () => {
    sim.subscribe(APP.appId, 'contact.creation');
    for (let b = 0; b < 3; b++) {
      await client.crm.contacts.batchApi.create({
        inputs: Array.from({ length: 100 }, (_, i) => ({
          properties: { email: `n${b}-${i}@example.com` },
          associations: [],
        })),
      });
    }
    await sim.webhooksIdle();
    expect(receiver.events()).toHaveLength(300);
    expect(Math.max(...receiver.received.map((r) => r.events.length))).toBeLessThan(100);
    expect(new Set(receiver.events().map((e) => e.objectId)).size).toBe(300);
  });

  it('retries on 5xx with growing attemptNumber, in compressed time', async () => {
    sim.subscribe(APP.appId, 'contact.creation');
    receiver.respond = (n) => ({ status: n < 2 ? 503 : 200 });
    const started = Date.now();
    await client.crm.contacts.basicApi.create({
      properties: { email: 'retry@example.com' },
      associations: [],
    });
    await sim.webhooksIdle();
    expect(receiver.received.map((r) => r.events[0]?.attemptNumber)).toEqual([0, 1, 2]);
    expect(new Set(receiver.received.map((r) => r.events[0]?.eventId)).size).toBe(1);
    expect(sim.deliveries().map((d) => d.status)).toEqual([503, 503, 200]);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('treats no answer within the timeout as a failure and gives up after 10 attempts', async () => {
    sim.subscribe(APP.appId, 'contact.creation');
    receiver.respond = (n) => (n === 0 ? { status: 200, hang: true } : { status: 400 });
    const compress = (timeScale: number) =>
      fetch(`${sim.url}/_admin/webhook-delivery`, { method: 'PUT', body: JSON.stringify({ timeScale }) });
    await compress(0.000005); // nine retries spread over ~25 h real time: ~0.5 s here
    await client.crm.contacts.basicApi.create({
      properties: { email: 'timeout@example.com' },
      associations: [],
    });
    await sim.webhooksIdle();
    const log = sim.deliveries();
    expect(log).toHaveLength(10);
    expect(log[0]?.error).toBe('no answer within 300 ms');
    expect(log.slice(1).every((d) => d.status === 400)).toBe(true);
    expect(log.map((d) => d.attemptNumber)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const gaps = log.slice(1).map((d, i) => d.startedAt - (log[i]?.startedAt ?? 0));
    expect(gaps[8] ?? 0).toBeGreaterThan(gaps[1] ?? 0); // delays grow
    await compress(0.00005);
  });

  it('keeps at most maxConcurrentRequests deliveries in flight', async () => {
    sim.setWebhookTarget(APP.appId, receiver.url, 2);
    sim.subscribe(APP.appId, 'contact.creation');
    receiver.respond = () => ({ status: 200, delayMs: 60 });
    for (let i = 0; i < 6; i++) {
      await client.crm.contacts.basicApi.create({
        properties: { email: `c${i}@example.com` },
        associations: [],
      });
      await new Promise((r) => setTimeout(r, 15)); // one batch each
    }
    await sim.webhooksIdle();
    expect(receiver.events()).toHaveLength(6);
    expect(receiver.maxInFlight).toBe(2);
  });
});

describe('webhook faults', () => {
  it('delivers the echo before the write’s response when echoBeforeResponse is on', async () => {
    sim.subscribe(APP.appId, 'contact.creation');
    const window = (batchWindowMs: number) =>
      fetch(`${sim.url}/_admin/webhook-delivery`, { method: 'PUT', body: JSON.stringify({ batchWindowMs }) });
    await window(300);
    await client.crm.contacts.basicApi.create({
      properties: { email: 'plain@example.com' },
      associations: [],
    });
    expect(receiver.received).toHaveLength(0); // normally the batch window has not closed yet
    await window(10);
    await sim.webhooksIdle();
    sim.setFaults({ echoBeforeResponse: true });
    receiver.reset();
    const created = await client.crm.contacts.basicApi.create({
      properties: { email: 'echo@example.com' },
      associations: [],
    });
    expect(receiver.events().map((e) => e.objectId)).toEqual([Number(created.id)]);
  });

  it('duplicates deliveries at the duplicate rate, same events and eventIds', async () => {
    sim.setFaults({ seed: 3, duplicateWebhookRate: 1 });
    sim.subscribe(APP.appId, 'contact.creation');
    await client.crm.contacts.basicApi.create({
      properties: { email: 'twice@example.com' },
      associations: [],
    });
    await sim.webhooksIdle();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]?.body).toBe(receiver.received[1]?.body);
    expect(sim.deliveries().map((d) => d.duplicate)).toEqual([false, true]);
  });

  it('reorders events within a batch, the same way for the same seed', async () => {
    const order = async () => {
      sim.reset();
      sim.registerApp(APP);
      sim.setWebhookTarget(APP.appId, receiver.url);
      receiver.reset();
      sim.setFaults({ seed: 11, reorderWebhooks: true });
      sim.subscribe(APP.appId, 'contact.creation');
      await client.crm.contacts.batchApi.create({
        inputs: Array.from({ length: 8 }, (_, i) => ({
          properties: { email: `o${i}@example.com` },
          associations: [],
        })),
      });
      await sim.webhooksIdle();
      return receiver.events().map((e) => e.objectId);
    };
    const first = await order();
    const second = await order();
    expect(first).toEqual(second);
    expect([...first].sort((a, b) => a - b)).toEqual([1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008]);
    expect(first).not.toEqual([1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008]);
  });
});
