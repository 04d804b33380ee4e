// The optional state file: a restart on the same file finds the same portal, and a bad file is refused.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../sim-kit/webhook-receiver.ts';
import { type HubSpotSimulator, type PublicObject, startHubSpotSimulator } from './index.ts';

const APP = { appId: 4242, clientSecret: 'state-secret', accessToken: 'pat-state' };
const dir = mkdtempSync(join(tmpdir(), 'kongo-hubspot-state-'));
const open: HubSpotSimulator[] = [];
let n = 0;
const fresh = (): string => join(dir, `hubspot-${++n}.json`);

async function start(stateFile: string): Promise<HubSpotSimulator> {
  const sim = await startHubSpotSimulator({ stateFile, indexingLagMs: 0, apps: [APP] });
  open.push(sim);
  return sim;
}

async function stop(sim: HubSpotSimulator): Promise<void> {
  open.splice(open.indexOf(sim), 1);
  await sim.close();
}

async function call(sim: HubSpotSimulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${APP.accessToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const contact = async (sim: HubSpotSimulator, properties: Record<string, string>) => {
  const created = await call(sim, 'POST', '/crm/v3/objects/contacts', { properties });
  expect(created.status).toBe(201);
  return created.body as PublicObject;
};

afterEach(async () => {
  for (const sim of open.splice(0)) await sim.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HubSpot simulator state file', () => {
  it('brings records, archived ones, unique values, properties and webhooks back; new ids are fresh', async () => {
    const file = fresh();
    const first = await start(file);
    const property = await call(first, 'POST', '/crm/v3/properties/deals', {
      name: 'job_reference',
      label: 'Job reference',
      type: 'string',
      fieldType: 'text',
      groupName: 'dealinformation',
      hasUniqueValue: true,
    });
    expect(property.status).toBe(201);
    const deal = await call(first, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'Boiler', job_reference: 'JOB-1' },
    });
    const ada = await contact(first, { email: 'ada@example.com', firstname: 'Ada' });
    const grace = await contact(first, { email: 'grace@example.com', firstname: 'Grace' });
    const archived = await contact(first, { email: 'gone@example.com', firstname: 'Gone' });
    const merged = await contact(first, { email: 'twin@example.com', firstname: 'Twin' });
    const merge = await call(first, 'POST', '/crm/v3/objects/contacts/merge', {
      primaryObjectId: grace.id,
      objectIdToMerge: merged.id,
    });
    expect(merge.status).toBe(200);
    await call(first, 'PATCH', `/crm/v3/objects/contacts/${ada.id}`, {
      properties: { lastname: 'Lovelace' },
    });
    await first.ui.update('contacts', grace.id, { jobtitle: 'Admiral' });
    expect((await call(first, 'DELETE', `/crm/v3/objects/contacts/${archived.id}`)).status).toBe(204);
    first.setWebhookTarget(APP.appId, 'http://127.0.0.1:9/webhooks/x/hubspot');
    const subscription = first.subscribe(APP.appId, 'contact.propertyChange', 'firstname');
    const before = {
      ada: first.getRecord('contacts', ada.id),
      grace: first.getRecord('contacts', grace.id),
      archived: first.getRecord('contacts', archived.id),
      deal: first.getRecord('deals', (deal.body as PublicObject).id),
    };
    await stop(first);

    const second = await start(file);
    expect(second.getRecord('contacts', ada.id)).toEqual(before.ada);
    expect(second.getRecord('contacts', grace.id)).toEqual(before.grace);
    expect(second.getRecord('deals', (deal.body as PublicObject).id)).toEqual(before.deal);
    expect(second.getRecord('contacts', archived.id)).toEqual(before.archived);
    expect(before.archived?.archived).toBe(true);
    expect((await call(second, 'GET', `/crm/v3/objects/contacts/${archived.id}`)).status).toBe(404);
    // A merged-away id still reads as the survivor, and its email finds the survivor too.
    expect(
      ((await call(second, 'GET', `/crm/v3/objects/contacts/${merged.id}`)).body as PublicObject).id,
    ).toBe(grace.id);
    const twin = await call(second, 'GET', '/crm/v3/objects/contacts/twin@example.com?idProperty=email');
    expect((twin.body as PublicObject).id).toBe(grace.id);
    const byEmail = await call(second, 'GET', '/crm/v3/objects/contacts/ada@example.com?idProperty=email');
    expect((byEmail.body as PublicObject).id).toBe(ada.id);
    // Unique values and the custom property came back: duplicates are refused.
    expect(
      (await call(second, 'POST', '/crm/v3/objects/contacts', { properties: { email: 'grace@example.com' } }))
        .status,
    ).toBe(409);
    const duplicateDeal = await call(second, 'POST', '/crm/v3/objects/deals', {
      properties: { dealname: 'Again', job_reference: 'JOB-1' },
    });
    expect(duplicateDeal.status).toBe(409);
    expect((await call(second, 'GET', '/crm/v3/properties/deals/job_reference')).body).toEqual(property.body);
    // The archived record can still be restored.
    await second.ui.restore('contacts', archived.id);
    // Webhook settings and subscriptions survived; new ids never reuse old ones.
    const hooks = await fetch(`${second.url}/webhooks/v3/${APP.appId}/subscriptions?hapikey=dev-hapikey`);
    expect(((await hooks.json()) as { results: Array<{ id: string }> }).results.map((s) => s.id)).toEqual([
      String(subscription.id),
    ]);
    const settings = await fetch(`${second.url}/webhooks/v3/${APP.appId}/settings?hapikey=dev-hapikey`);
    expect(((await settings.json()) as { targetUrl: string }).targetUrl).toBe(
      'http://127.0.0.1:9/webhooks/x/hubspot',
    );
    expect(second.subscribe(APP.appId, 'contact.creation').id).toBeGreaterThan(subscription.id);
    const newcomer = await contact(second, { email: 'new@example.com' });
    const oldIds = [ada.id, grace.id, archived.id, merged.id, (deal.body as PublicObject).id].map(Number);
    expect(Number(newcomer.id)).toBeGreaterThan(Math.max(...oldIds));
  });

  it('has a write and its undelivered webhooks on disk before the 2xx, and retries them after a restart', async () => {
    const file = fresh();
    // The receiver is down at first: every delivery fails, and the retry is hours away (timeScale 1).
    const first = await startHubSpotSimulator({
      stateFile: file,
      indexingLagMs: 0,
      apps: [APP],
      // A 1 s batch window: the copy below is taken before the first (failing) attempt reschedules it hours away.
      webhooks: { batchWindowMs: 1_000, timeoutMs: 500 },
    });
    open.push(first);
    first.setWebhookTarget(APP.appId, 'http://127.0.0.1:9/down');
    first.subscribe(APP.appId, 'contact.propertyChange', 'firstname');
    const created = await contact(first, { email: 'durable@example.com', firstname: 'Kept' });
    // What a SIGKILL right after the 2xx leaves behind is the file as it is now: copy it before anything else.
    const afterAck = join(dir, `killed-${n}.json`);
    writeFileSync(afterAck, readFileSync(file));
    const saved = JSON.parse(readFileSync(afterAck, 'utf8')) as {
      records: Array<[string, Array<{ id: string }>]>;
      webhooks: { undelivered: Array<{ events: Array<{ propertyValue?: string }> }> };
    };
    expect(saved.records.find(([type]) => type === 'contacts')?.[1].map((r) => r.id)).toContain(created.id);
    expect(saved.webhooks.undelivered.flatMap((d) => d.events.map((e) => e.propertyValue))).toContain('Kept');

    // A new start on that file: the receiver is up now, and the saved webhook goes out (HubSpot retries for a day).
    const receiver = await startWebhookReceiver();
    const state = JSON.parse(readFileSync(afterAck, 'utf8')) as {
      webhooks: { settings: Array<[number, { targetUrl: string }]> };
    };
    for (const [, settings] of state.webhooks.settings) settings.targetUrl = receiver.url;
    writeFileSync(afterAck, JSON.stringify(state));
    const second = await start(afterAck);
    const [delivery] = await receiver.waitFor(1, 5_000);
    const events = JSON.parse(delivery?.body ?? '[]') as Array<{
      propertyValue?: string;
      attemptNumber: number;
    }>;
    expect(events.map((e) => e.propertyValue)).toEqual(['Kept']);
    expect(second.getRecord('contacts', created.id)?.properties.firstname).toBe('Kept');
    await receiver.close();
  });

  it('saves shortly after a change, without waiting for close()', async () => {
    const file = fresh();
    const sim = await start(file);
    await contact(sim, { email: 'quick@example.com' });
    const deadline = Date.now() + 3_000;
    let saved = '';
    while (Date.now() < deadline && !saved.includes('quick@example.com')) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        saved = readFileSync(file, 'utf8');
      } catch {
        // not written yet
      }
    }
    expect(saved).toContain('quick@example.com');
  });

  it('refuses a corrupt or malformed state file with a message naming it and what to do', async () => {
    const truncated = fresh();
    writeFileSync(
      truncated,
      '{"format":"kongo-hubspot-simulator-state","version":1,"records":[["contacts",[{',
    );
    await expect(startHubSpotSimulator({ stateFile: truncated })).rejects.toThrow(
      new RegExp(`HubSpot simulator state file ${truncated} is corrupt: it is not valid JSON.*Delete it`),
    );
    const empty = fresh();
    writeFileSync(empty, '');
    await expect(startHubSpotSimulator({ stateFile: empty })).rejects.toThrow(/is corrupt.*Delete it/);
    const wrongShape = fresh();
    const good = fresh();
    await stop(await start(good));
    const data = JSON.parse(readFileSync(good, 'utf8')) as Record<string, unknown>;
    writeFileSync(wrongShape, JSON.stringify({ ...data, records: [['contacts', [{ id: 'x' }]]] }));
    await expect(startHubSpotSimulator({ stateFile: wrongShape })).rejects.toThrow(
      /is corrupt: records\[0\]\[1\]\[0\]\.id is not a numeric id.*Delete it/,
    );
  });
});
