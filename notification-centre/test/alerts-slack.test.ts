// The Notification Centre end to end over HTTP, with Slack played by the local incoming-webhook receiver.
import { request } from 'node:http';
import { type SlackReceiver, startSlackReceiver } from '@kongo/sandbox/slack-receiver';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningNotificationCentre, startNotificationCentre } from '../src/server.ts';

const T0 = Date.UTC(2026, 10, 25, 13, 0, 0);
const KEY = 'velflex-key-0123456789abcdef';
let now = T0;
let slack: SlackReceiver;
let nc: RunningNotificationCentre;
let seq = 0;
let integrationId = '';

function heartbeat(extra: Record<string, unknown> = {}) {
  return {
    v: 1,
    integrationId,
    clientSlug: 'velflex',
    sentAt: now,
    intervalSeconds: 60,
    counters: {},
    errorsByKind: {},
    lastEventAt: null,
    checks: [],
    deadLetters: null,
    failures: [],
    traces: [],
    commandResults: [],
    ...extra,
  };
}

/** Posts with an integration key, or (key null) as the centre's own page: its Origin and this launch's session. */
async function post(path: string, body: unknown, key: string | null = KEY) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  else Object.assign(headers, { origin: nc.url, 'x-kongo-session': nc.sessionToken });
  const res = await fetch(`${nc.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const beat = (extra: Record<string, unknown> = {}) => post('/api/heartbeats', heartbeat(extra));
const detail = async () =>
  (await fetch(`${nc.url}/api/integrations/${integrationId}`)).json() as Promise<Record<string, unknown>>;
const texts = () => slack.messages.map((m) => m.text ?? '');

beforeAll(async () => {
  slack = await startSlackReceiver();
});
afterAll(async () => {
  await slack.close();
});

// Each test gets its own centre (in memory) so alert episodes don't leak between tests.
beforeEach(async () => {
  now = T0;
  integrationId = `velflex-${++seq}`;
  nc = await startNotificationCentre({
    clock: { now: () => now },
    detectEverySeconds: 0,
    logSink: () => {},
    config: {
      clients: [{ slug: 'velflex', name: 'Velflex', slackWebhookUrl: slack.webhookUrl('velflex') }],
      integrations: [
        {
          id: integrationId,
          clientSlug: 'velflex',
          name: 'Velflex Integration',
          key: KEY,
          intervalSeconds: 60,
        },
      ],
    },
  });
  slack.clear();
});
afterEach(async () => {
  await nc.close();
});

describe('heartbeat authentication', () => {
  it('answers 401 to a missing key, a wrong key and an unknown integration, and 200 to the right key', async () => {
    expect((await post('/api/heartbeats', heartbeat(), null)).status).toBe(401);
    expect((await post('/api/heartbeats', heartbeat(), 'not-the-key-at-all')).status).toBe(401);
    expect((await post('/api/heartbeats', { ...heartbeat(), integrationId: 'nobody' })).status).toBe(401);
    const ok = await beat();
    expect(ok).toEqual({ status: 200, body: { ok: true, status: 'up', commands: [] } });
  });

  it("does not accept one integration's key for another", async () => {
    await nc.centre.registerIntegration({
      id: `${integrationId}-b`,
      clientSlug: 'velflex',
      key: 'another-key-0123456789',
    });
    expect((await post('/api/heartbeats', heartbeat(), 'another-key-0123456789')).status).toBe(401);
  });

  it('answers 401 before it looks at the schema', async () => {
    const res = await post(
      '/api/heartbeats',
      { integrationId, email: 'ada@example.com' },
      'wrong-key-wrong-key',
    );
    expect(res.status).toBe(401);
    expect(res.body.problems).toBeUndefined();
  });
});

describe('no record contents', () => {
  it('rejects a heartbeat with an unexpected field anywhere and stores none of it', async () => {
    const leaky = heartbeat({
      failures: [
        {
          at: now,
          stage: 'deliver',
          kind: 'validation',
          reason: 'bad',
          recordId: '51',
          email: 'ada@example.com',
        },
      ],
    });
    const res = await post('/api/heartbeats', leaky);
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      '/failures/0/email: unexpected field (only ids, counts, outcomes, reasons and timings are accepted)',
    ]);
    const top = await post('/api/heartbeats', { ...heartbeat(), contact: { firstName: 'Ada' } });
    expect(top.status).toBe(400);
    const d = await detail();
    expect(d.failures).toEqual([]);
    expect(d.lastHeartbeatAt).toBeNull();
    expect(d.rejectedPayloads).toBe(2);
    expect(JSON.stringify(d)).not.toContain('ada@example.com');
    expect(JSON.stringify(d)).not.toContain('Ada');
  });

  it('rejects reasons that carry record data and counters outside the vocabulary', async () => {
    const res = await post(
      '/api/heartbeats',
      heartbeat({
        counters: { 'deliver.delivered': 1, 'ada@example.com': 1 },
        failures: [
          { at: now, stage: 'transform', kind: 'validation', reason: 'invalid email ada@example.com' },
        ],
        checks: [{ name: 'table', ok: false, durationMs: 3, reason: 'call +61 412 345 678' }],
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      '/counters/ada@example.com: must be named {stage}.{outcome} from the monitor vocabulary',
      '/checks/0/reason: looks like record data (a phone-like number)',
      '/failures/0/reason: looks like record data (an email address)',
    ]);
  });
});

describe('down and recovery', () => {
  it('sends one down alert after 2× the interval without a heartbeat, however often detection runs', async () => {
    await beat();
    now = T0 + 119_000;
    await nc.detectDown();
    expect(slack.messages).toHaveLength(0);
    now = T0 + 121_000;
    await Promise.all([nc.detectDown(), nc.detectDown(), nc.detectDown()]);
    now = T0 + 300_000;
    await nc.detectDown();
    await slack.waitFor(1);
    expect(texts()).toEqual([
      `:red_circle: *Velflex Integration* (\`${integrationId}\`) is down — no heartbeat for 2m 1s (expected every 60s). Last heartbeat at 13:00:00 UTC.`,
    ]);
    expect(slack.messages[0]?.path).toBe('/services/T00000000/B00000000/velflex');
    expect(((await detail()).alerts as Array<{ delivery: string }>)[0]?.delivery).toBe('sent');
  });

  it('sends one recovered alert when heartbeats come back', async () => {
    await beat();
    now = T0 + 130_000;
    await nc.detectDown();
    now = T0 + 250_000;
    const res = await beat();
    expect(res.body.status).toBe('up');
    now = T0 + 310_000;
    await beat();
    await nc.detectDown();
    expect(texts()).toHaveLength(2);
    expect(texts()[1]).toBe(
      `:large_green_circle: *Velflex Integration* (\`${integrationId}\`) recovered — heartbeats are arriving again after 2m down.`,
    );
  });

  it('never alerts for an integration that has not sent its first heartbeat', async () => {
    now = T0 + 3_600_000;
    await nc.detectDown();
    expect(slack.messages).toHaveLength(0);
    expect((await detail()).status).toBe('pending');
  });

  it('holds intervals below the minimum to 60 s', async () => {
    await beat({ intervalSeconds: 5 });
    now = T0 + 100_000;
    await nc.detectDown();
    expect(slack.messages).toHaveLength(0);
  });
});

describe('spikes and old dead letters', () => {
  it('alerts once on an error spike and names the commonest kinds', async () => {
    await beat({
      counters: { 'deliver.dead-lettered': 12, 'deliver.delivered': 40 },
      errorsByKind: { 'dead-lettered': 12, 'http-500': 9 },
    });
    now += 30_000;
    await beat({ counters: { 'deliver.dead-lettered': 5 }, errorsByKind: { 'dead-lettered': 5 } });
    await nc.detectDown();
    expect(texts()).toEqual([
      `:warning: *Velflex Integration* (\`${integrationId}\`): 12 errors in the last 5 min (alert at 10). Most common: dead-lettered (12), http-500 (9).`,
    ]);
  });

  it('closes the error episode when the window has passed, so a later spike alerts again', async () => {
    await beat({ counters: { 'deliver.failed': 10 } });
    now += 6 * 60_000;
    await beat();
    await beat({ counters: { 'deliver.failed': 10 } });
    expect(texts().filter((t) => t.includes('errors in the last 5 min'))).toHaveLength(2);
  });

  it('alerts once on a spike of unauthorised requests, separately from errors', async () => {
    await beat({ counters: { 'verify.unauthorised': 25 }, errorsByKind: { unauthorised: 25 } });
    await beat({ counters: { 'verify.unauthorised': 25 }, errorsByKind: { unauthorised: 25 } });
    expect(texts()).toEqual([
      `:rotating_light: *Velflex Integration* (\`${integrationId}\`): 25 unauthorised webhook requests in the last 5 min (alert at 20). A secret may have been rotated on one side only, or someone is probing the endpoint.`,
    ]);
  });

  it('alerts once when dead letters get old, and again only after they were cleared', async () => {
    const letters = (oldestAgeMs: number, count = 3) => ({
      deadLetters: {
        count,
        oldestAgeMs,
        recent: [
          {
            id: 'dl-1',
            kind: 'http-500',
            reason: 'server error',
            failedAt: now - oldestAgeMs,
            attempts: 5,
            recordId: '51',
          },
        ],
      },
    });
    await beat(letters(30 * 60_000));
    expect(slack.messages).toHaveLength(0);
    now += 60_000;
    await beat(letters(2 * 3_600_000));
    now += 60_000;
    await beat(letters(2 * 3_600_000 + 60_000));
    expect(texts()).toEqual([
      `:hourglass: *Velflex Integration* (\`${integrationId}\`): 3 dead letters waiting, the oldest 2h old (alert after 1h). Fix the cause, then replay them from the Notification Centre.`,
    ]);
    await beat({ deadLetters: { count: 0, oldestAgeMs: null, recent: [] } });
    await beat(letters(3 * 3_600_000, 1));
    expect(slack.messages).toHaveLength(2);
  });

  it('records a Slack rejection as a failed delivery', async () => {
    await beat();
    slack.failNext(1, 400, 'invalid_payload');
    now += 200_000;
    await nc.detectDown();
    const alerts = (await detail()).alerts as Array<{
      kind: string;
      delivery: string;
      deliveryReason?: string;
    }>;
    expect(alerts[0]).toMatchObject({ kind: 'down', delivery: 'failed' });
    expect(alerts[0]?.deliveryReason).toContain('400');
  });
});

describe('replay commands', () => {
  it('queues a replay that the next heartbeat answer carries until the integration reports it done', async () => {
    const requested = await post(
      `/api/integrations/${integrationId}/replay`,
      { deadLetterIds: ['dl-1', 'dl-2'] },
      null,
    );
    expect(requested.status).toBe(202);
    const command = requested.body.command as { id: string };
    const first = await beat();
    expect(first.body.commands).toEqual([
      { id: command.id, type: 'replay', deadLetterIds: ['dl-1', 'dl-2'], requestedAt: T0 },
    ]);
    expect((await beat()).body.commands).toHaveLength(1);
    await beat({ commandResults: [{ id: command.id, status: 'done', count: 2 }] });
    expect((await beat()).body.commands).toEqual([]);
    const d = await detail();
    expect(d.commands).toEqual([expect.objectContaining({ id: command.id, status: 'done', count: 2 })]);
  });

  it('answers 404 to a replay for an unknown integration', async () => {
    expect((await post('/api/integrations/nobody/replay', {}, null)).status).toBe(404);
  });
});

describe('dashboard and views', () => {
  it('lists every integration like the seed: name, "14s ago", status', async () => {
    await beat({
      counters: { 'deliver.delivered': 3, 'idempotency.echo-dropped': 1 },
      lastEventAt: T0 - 2000,
    });
    now = T0 + 14_000;
    const html = await (await fetch(`${nc.url}/`)).text();
    expect(html).toContain('<link rel="icon" href="data:,">');
    expect(html).toMatch(
      new RegExp(
        `data-id="${integrationId}"[^]*?Velflex Integration</span>\\s*<span class="ago">14s ago</span>\\s*<span class="status up">up</span>`,
      ),
    );
    const script = await fetch(`${nc.url}/dashboard.js`);
    expect(script.headers.get('content-type')).toContain('text/javascript');
    const overview = (await (await fetch(`${nc.url}/api/integrations`)).json()) as {
      integrations: Array<Record<string, unknown>>;
    };
    expect(overview.integrations.find((i) => i.id === integrationId)).toMatchObject({
      status: 'up',
      lastHeartbeatAgo: '14s ago',
      lastEventAgo: '16s ago',
      eventsLastHour: 4,
      errorsLastHour: 0,
    });
  });

  it('keeps 60 minutes of events and errors per minute and the anatomy of record changes', async () => {
    await beat({ counters: { 'deliver.delivered': 5 } });
    now += 60_000;
    await beat({
      counters: { 'deliver.delivered': 2, 'deliver.dead-lettered': 1 },
      errorsByKind: { 'http-500': 1 },
    });
    const trace = {
      traceId: 'tr-1',
      direction: 'hubspot-to-destination',
      recordId: '51',
      startedAt: now - 500,
      outcome: 'landed',
      stages: [
        { stage: 'trigger', startedAt: now - 500, durationMs: 0, status: 'ok' },
        { stage: 'deliver', startedAt: now - 200, durationMs: 150, status: 'ok', note: 'http-200' },
      ],
    };
    expect((await post('/api/events', { v: 1, integrationId, traces: [trace] })).status).toBe(202);
    expect(
      (await post('/api/events', { v: 1, integrationId, traces: [{ ...trace, firstName: 'Ada' }] })).status,
    ).toBe(400);
    const d = await detail();
    const minutes = d.minutes as Array<{ minute: number; events: number; errors: number }>;
    expect(minutes).toHaveLength(60);
    expect(minutes.slice(-2).map((m) => [m.events, m.errors])).toEqual([
      [5, 0],
      [3, 1],
    ]);
    expect(d.errorsByKindLastHour).toEqual({ 'http-500': 1 });
    expect(d.traces).toEqual([trace]);
  });

  it('guards the admin API with the admin token when one is set', async () => {
    const guarded = await startNotificationCentre({
      adminToken: 'admin-secret-token',
      detectEverySeconds: 0,
      logSink: () => {},
    });
    try {
      const body = { slug: 'alloys', name: 'Alloys' };
      expect(
        (await fetch(`${guarded.url}/api/admin/clients`, { method: 'POST', body: JSON.stringify(body) }))
          .status,
      ).toBe(403);
      const auth = { authorization: 'Bearer admin-secret-token' };
      expect(
        (
          await fetch(`${guarded.url}/api/admin/clients`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify(body),
          })
        ).status,
      ).toBe(201);
      const created = await fetch(`${guarded.url}/api/admin/integrations`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ id: 'alloys-jobs', clientSlug: 'alloys', name: 'Alloys Integration' }),
      });
      const issued = (await created.json()) as { key: string };
      expect(created.status).toBe(201);
      expect(issued.key).toMatch(/^nck_[A-Za-z0-9_-]{43}$/);
      expect((await guarded.centre.authenticate('alloys-jobs', issued.key))?.id).toBe('alloys-jobs');
      expect(
        (await fetch(`${guarded.url}/api/integrations/alloys-jobs/replay`, { method: 'POST' })).status,
      ).toBe(403);
    } finally {
      await guarded.close();
    }
  });

  it('opens the admin and replay API only to this launch session from its own origin', async () => {
    const body = JSON.stringify({ id: 'evil', clientSlug: 'velflex', key: 'k'.repeat(20) });
    const call = (path: string, headers: Record<string, string>) =>
      fetch(`${nc.url}${path}`, { method: 'POST', headers, body, redirect: 'manual' });
    const session = { 'x-kongo-session': nc.sessionToken };
    // The curl of the review: another site's Origin.
    expect(
      (await call('/api/admin/integrations', { ...session, origin: 'http://evil.example' })).status,
    ).toBe(403);
    expect((await call('/api/admin/integrations', session)).status).toBe(403);
    expect((await call('/api/admin/integrations', { origin: nc.url })).status).toBe(401);
    expect(
      (await call('/api/admin/integrations', { origin: nc.url, 'x-kongo-session': 'a-guess' })).status,
    ).toBe(401);
    expect(
      (await call(`/api/integrations/${integrationId}/replay`, { origin: 'null', ...session })).status,
    ).toBe(403);
    // DNS rebinding: a foreign name resolving to 127.0.0.1 is not this centre.
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(`${nc.url}/api/integrations`, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(403);
    expect(await nc.centre.store.getIntegration('evil')).toBeNull();

    // The launch link sets the cookie the dashboard's own requests carry.
    expect((await fetch(`${nc.url}/?session=wrong`, { redirect: 'manual' })).status).toBe(401);
    const launch = await fetch(nc.launchUrl, { redirect: 'manual' });
    expect(launch.status).toBe(303);
    const cookie = (launch.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(launch.headers.get('set-cookie')).toContain('HttpOnly; SameSite=Strict');
    const replay = await call(`/api/integrations/${integrationId}/replay`, { cookie, origin: nc.url });
    expect(replay.status).toBe(202);
  });

  it('refuses oversized bodies with 413', async () => {
    const res = await fetch(`${nc.url}/api/heartbeats`, { method: 'POST', body: 'x'.repeat(300 * 1024) });
    expect(res.status).toBe(413);
  });
});
