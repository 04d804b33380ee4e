// HubSpot's rate limits as the simulator enforces them: the rolling 10 s window, the daily cap, search's 5/s.
import { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type HubSpotSimulator, startHubSpotSimulator } from './index.ts';

const TOKEN = 'pat-na1-limits';
const APP = { appId: 7, clientSecret: 'secret-7', accessToken: TOKEN, per10Seconds: 100, daily: 1000 };

let sim: HubSpotSimulator;
let clock = Date.UTC(2026, 10, 25, 12, 0, 0);

beforeAll(async () => {
  sim = await startHubSpotSimulator({ indexingLagMs: 0, apps: [APP], now: () => clock });
});

afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  sim.reset();
  sim.registerApp(APP);
  clock += 86_400_000; // a fresh day and window for every test
});

const get = (path: string) => fetch(`${sim.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
const searchReq = () =>
  fetch(`${sim.url}/crm/v3/objects/contacts/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ filterGroups: [], limit: 1 }),
  });

describe('the ten-second rolling window', () => {
  it('sends the rate-limit headers on a normal response', async () => {
    const res = await get('/crm/v3/objects/contacts');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-hubspot-ratelimit-interval-milliseconds')).toBe('10000');
    expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('100');
    expect(res.headers.get('x-hubspot-ratelimit-remaining')).toBe('99');
    expect(res.headers.get('x-hubspot-ratelimit-daily')).toBe('1000');
    expect(res.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('999');
  });

  it('answers the 101st request inside 10 s with 429 TEN_SECONDLY_ROLLING, and admits again once the window rolls', async () => {
    for (let i = 0; i < 100; i++) {
      clock += 50; // 100 requests over 5 s
      const ok = await get('/crm/v3/objects/contacts');
      expect(ok.status).toBe(200);
    }
    const res = await get('/crm/v3/objects/contacts');
    expect(res.status).toBe(429);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.status).toBe('error');
    expect(body.errorType).toBe('RATE_LIMIT');
    expect(body.policyName).toBe('TEN_SECONDLY_ROLLING');
    expect(body.message).toBe('You have reached your ten_secondly_rolling limit.');
    expect(typeof body.correlationId).toBe('string');
    expect(typeof body.requestId).toBe('string');
    expect(res.headers.get('x-hubspot-ratelimit-max')).toBe('100');
    expect(res.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');

    clock += 5_051; // the first request (at +50 ms) leaves the window
    expect((await get('/crm/v3/objects/contacts')).status).toBe(200);
  });

  it('surfaces the 429 body through @hubspot/api-client', async () => {
    sim.setLimits({ per10Seconds: 2 }, APP.appId);
    const client = new Client({ accessToken: TOKEN, basePath: sim.url, numberOfApiCallRetries: 1 });
    await client.crm.contacts.basicApi.getPage(1);
    await client.crm.contacts.basicApi.getPage(1);
    const error = await client.crm.contacts.basicApi.getPage(1).then(
      () => undefined,
      (e: { code: number; body: Record<string, unknown> }) => e,
    );
    expect(error?.code).toBe(429);
    expect(error?.body.policyName).toBe('TEN_SECONDLY_ROLLING');
  });
});

describe('the daily cap', () => {
  it('answers 429 DAILY once the day is used up, which the client does not retry, until the next day', async () => {
    sim.setLimits({ daily: 5 }, APP.appId);
    for (let i = 0; i < 5; i++) expect((await get('/crm/v3/objects/contacts')).status).toBe(200);
    const res = await get('/crm/v3/objects/contacts');
    expect(res.status).toBe(429);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.policyName).toBe('DAILY');
    expect(body.errorType).toBe('RATE_LIMIT');
    expect(body.message).toBe('You have reached your daily limit.');
    expect(res.headers.get('x-hubspot-ratelimit-daily')).toBe('5');
    expect(res.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('0');

    sim.resetCounters();
    const client = new Client({ accessToken: TOKEN, basePath: sim.url, numberOfApiCallRetries: 3 });
    await expect(client.crm.contacts.basicApi.getPage(1)).rejects.toMatchObject({ code: 429 });
    expect(sim.counters().byEndpoint['GET /crm/v3/objects/contacts']).toEqual({ '429': 1 });

    clock += 86_400_000;
    expect((await get('/crm/v3/objects/contacts')).status).toBe(200);
  });
});

describe('the daily cap across apps', () => {
  it('is shared by every app of the account', async () => {
    const other = { appId: 8, clientSecret: 'secret-8', accessToken: 'pat-other', daily: 4 };
    sim.registerApp(other);
    sim.setLimits({ daily: 4 }, APP.appId);
    const as = (token: string) =>
      fetch(`${sim.url}/crm/v3/objects/contacts`, { headers: { authorization: `Bearer ${token}` } });
    expect((await as(TOKEN)).status).toBe(200);
    expect((await as(TOKEN)).status).toBe(200);
    const third = await as(other.accessToken);
    expect(third.headers.get('x-hubspot-ratelimit-daily-remaining')).toBe('1');
    expect((await as(other.accessToken)).status).toBe(200);
    expect((await as(TOKEN)).status).toBe(429);
  });
});

describe('search', () => {
  it('allows 5 searches a second, answers the 6th with the secondly limit and never sends rate-limit headers', async () => {
    for (let i = 0; i < 5; i++) {
      const ok = await searchReq();
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-hubspot-ratelimit-remaining')).toBeNull();
      expect(ok.headers.get('x-hubspot-ratelimit-max')).toBeNull();
    }
    const res = await searchReq();
    expect(res.status).toBe(429);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.message).toBe('You have reached your secondly limit.');
    expect(body.errorType).toBe('RATE_LIMIT');
    expect(res.headers.get('x-hubspot-ratelimit-remaining')).toBeNull();

    clock += 1_000;
    expect((await searchReq()).status).toBe(200);
  });

  it('does not spend the ten-second window', async () => {
    sim.setLimits({ per10Seconds: 1 }, APP.appId);
    expect((await searchReq()).status).toBe(200);
    expect((await get('/crm/v3/objects/contacts')).status).toBe(200);
  });
});
