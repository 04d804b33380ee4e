// Fault injection on the HubSpot API: deterministic by seed, with 429 retry hints, 5xx, timeouts and resets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HubSpotSimulator, startHubSpotSimulator } from './index.ts';

const APP = { appId: 9, clientSecret: 's', accessToken: 'pat-faults', per10Seconds: 10_000 };
let sim: HubSpotSimulator;

beforeAll(async () => {
  sim = await startHubSpotSimulator({ indexingLagMs: 0, apps: [APP] });
});

afterAll(async () => {
  await sim.close();
});

const list = () =>
  fetch(`${sim.url}/crm/v3/objects/contacts?limit=1`, {
    headers: { authorization: `Bearer ${APP.accessToken}` },
    signal: AbortSignal.timeout(1_000),
  });

async function statuses(seed: number, n: number): Promise<string[]> {
  sim.setFaults({ seed, rate429: 0.25, rate5xx: 0.25, retryAfterMs: { min: 50, max: 2_000 } });
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await list();
    out.push(res.status === 429 ? `429:${res.headers.get('retry-after')}` : String(res.status));
  }
  return out;
}

describe('fault injection', () => {
  it('gives the same faults for the same seed, and different ones for another seed', async () => {
    const a = await statuses(42, 40);
    const b = await statuses(42, 40);
    const c = await statuses(43, 40);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(a.some((s) => s.startsWith('429:'))).toBe(true);
    expect(a.some((s) => ['500', '502', '503'].includes(s))).toBe(true);
    expect(a.filter((s) => s === '200').length).toBeGreaterThan(5);
  });

  it('sends a retry hint with an injected 429 and HubSpot 429 body', async () => {
    sim.setFaults({ seed: 1, rate429: 1, retryAfterMs: { min: 200, max: 200 } });
    const res = await list();
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('0.2');
    expect(await res.json()).toMatchObject({
      status: 'error',
      errorType: 'RATE_LIMIT',
      policyName: 'TEN_SECONDLY_ROLLING',
    });
  });

  it('applies a write whose answer then never comes (timeout) or whose connection is reset', async () => {
    sim.reset();
    sim.registerApp(APP);
    const create = (email: string) =>
      fetch(`${sim.url}/crm/v3/objects/contacts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${APP.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { email } }),
        signal: AbortSignal.timeout(300),
      });
    sim.setFaults({ seed: 5, rateTimeout: 1, faultAfterProcessingRate: 1 });
    await expect(create('lost@example.com')).rejects.toThrow();
    sim.setFaults({ seed: 5, rateReset: 1, faultAfterProcessingRate: 1 });
    await expect(create('reset@example.com')).rejects.toThrow();
    sim.setFaults({ seed: 5, rate5xx: 1, faultAfterProcessingRate: 1 });
    expect((await create('answer-lost@example.com')).status).toBeGreaterThanOrEqual(500);
    sim.setFaults({ seed: 5, rateReset: 1 }); // phase "before": nothing is written
    await expect(create('never@example.com')).rejects.toThrow();
    sim.setFaults({});
    expect(sim.listRecords('contacts').map((r) => r.properties.email)).toEqual([
      'lost@example.com',
      'reset@example.com',
      'answer-lost@example.com',
    ]);
    expect(sim.counters().byEndpoint['POST /crm/v3/objects/contacts']).toMatchObject({
      timeout: 1,
      reset: 2,
    });
  });

  it('limits request faults to the listed operations', async () => {
    sim.setFaults({ seed: 1, rate5xx: 1, operations: ['POST /crm/v3/objects/contacts/search'] });
    expect((await list()).status).toBe(200);
    const res = await fetch(`${sim.url}/crm/v3/objects/contacts/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${APP.accessToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBeGreaterThanOrEqual(500);
    sim.setFaults({});
  });

  it('races an API update with a UI edit of the same record (concurrent edits)', async () => {
    sim.reset();
    sim.registerApp(APP);
    const record = await sim.ui.create('contacts', { email: 'race@example.com', firstname: 'Ra' });
    const sides: string[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      sim.setFaults({ seed, concurrentEditRate: 1 });
      const res = await fetch(`${sim.url}/crm/v3/objects/contacts/${record.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${APP.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { firstname: `Api ${seed}` } }),
      });
      const body = (await res.json()) as { properties: Record<string, string> };
      // The API answers with its own write whichever side the UI edit lands on.
      expect(body.properties.firstname).toBe(`Api ${seed}`);
      const stored = sim.getRecord('contacts', record.id)?.properties.firstname ?? '';
      sides.push(stored.startsWith('Edited in UI') ? 'after' : 'before');
    }
    sim.setFaults({});
    expect(sides).toContain('before');
    expect(sides).toContain('after');
  });

  it('adds latency from the configured distribution', async () => {
    sim.setFaults({ seed: 2, latencyMs: { min: 120, max: 150 } });
    const started = Date.now();
    await list();
    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
    sim.setFaults({});
  });
});
