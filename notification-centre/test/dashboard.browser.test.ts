// The dashboard in headless Chromium at 1440×900: the list, the detail, the anatomy, replay — and no console errors.
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningNotificationCentre, startNotificationCentre } from '../src/server.ts';

const KEY = 'velflex-key-0123456789abcdef';
let nc: RunningNotificationCentre;
let browser: Browser;

beforeAll(async () => {
  nc = await startNotificationCentre({
    detectEverySeconds: 0,
    logSink: () => {},
    config: {
      clients: [
        { slug: 'velflex', name: 'Velflex' },
        { slug: 'alloys', name: 'Alloys' },
      ],
      integrations: [
        { id: 'velflex-attendees', clientSlug: 'velflex', name: 'Velflex Integration', key: KEY },
        { id: 'alloys-jobs', clientSlug: 'alloys', name: 'Alloys Integration', key: KEY },
      ],
    },
  });
  const now = Date.now();
  const response = await fetch(`${nc.url}/api/heartbeats`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}` },
    body: JSON.stringify({
      v: 1,
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      sentAt: now,
      intervalSeconds: 60,
      counters: { 'deliver.delivered': 4, 'deliver.dead-lettered': 1 },
      errorsByKind: { 'http-500': 1 },
      deadLetters: {
        count: 1,
        oldestAgeMs: 60_000,
        recent: [
          { id: 'dl-1', kind: 'http-500', reason: 'server error', failedAt: now - 60_000, attempts: 5 },
        ],
      },
      traces: [
        {
          traceId: 'tr-echo',
          recordId: '51',
          direction: 'hubspot-to-destination',
          startedAt: now - 900,
          outcome: 'echo-dropped',
          stages: [
            { stage: 'trigger', startedAt: now - 900, durationMs: 0, status: 'ok' },
            { stage: 'receive', startedAt: now - 880, durationMs: 30, status: 'ok' },
            { stage: 'verify', startedAt: now - 850, durationMs: 2, status: 'ok' },
            { stage: 'transform', startedAt: now - 848, durationMs: 1, status: 'ok' },
            {
              stage: 'idempotency',
              startedAt: now - 846,
              durationMs: 9,
              status: 'ok',
              note: 'echo-hash-match',
            },
          ],
        },
      ],
    }),
  });
  expect(response.status).toBe(200);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await nc.close();
});

describe('dashboard', () => {
  it('shows every integration, the chosen one in detail, and requests a replay', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    // The launch link sets this launch's session cookie; replay needs it.
    await page.goto(nc.launchUrl);
    await page.goto(`${nc.url}/#/i/velflex-attendees`);

    const velflex = page.locator('a.row[data-id="velflex-attendees"]');
    await expect.poll(() => velflex.textContent()).toMatch(/Velflex Integration\s*\d+s ago\s*up/);
    expect(await page.locator('a.row[data-id="alloys-jobs"]').textContent()).toMatch(
      /Alloys Integration\s*no heartbeat yet\s*pending/,
    );

    await page.locator('.stages').waitFor();
    expect(await page.locator('#detail svg rect').count()).toBeGreaterThan(0);
    const stages = await page.locator('.stage').allInnerTexts();
    expect(stages).toHaveLength(7);
    expect(stages[4]).toContain('Idempotency');
    expect(stages[4]).toContain('echo-hash-match');
    expect(stages[5]).toContain('not reached');

    await page.getByRole('button', { name: 'Replay all' }).click();
    await expect.poll(async () => (await nc.centre.detail('velflex-attendees')).commands.length).toBe(1);
    await page.getByText('Replay requested').waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
