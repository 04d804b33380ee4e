/**
 * The consultant's journey in headless Chromium against the whole sandbox (as `npm start` wires
 * it): a new integration with nothing pasted, Run locally that creates a missing secret or refuses
 * with the fix (never "Running" with a broken integration), the next record's live trace, and
 * opening what runs — replacing one only after asking.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type StudioServer, startStudio } from '@kongo/studio';
import { newIntegrationSpec } from '@kongo/studio/model';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed, onTestFinished } from 'vitest';
import { destinationTemplates, studioOptionsFor } from '../../sandbox/src/start/studio-wiring.ts';
import { sendJson, startTestSandbox, type TestSandbox } from '../e2e/harness.ts';
import { buildStudio, launchChromium } from './harness.ts';
import { actionCounter, jobsIntegrationInUi } from './journeys.ts';

let test: TestSandbox;
let studio: StudioServer;
let chromium: { browser: Browser; close: () => Promise<void> };
let page: Page;
const consoleErrors: string[] = [];

/** The text as rendered (line breaks between blocks), which the assertions below read. */
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, not the DOM property; textContent would lose the rendered line breaks.
const shown = (locator: Locator): Promise<string> => locator.innerText();

beforeAll(async () => {
  test = await startTestSandbox();
  const distDir = join(test.stateDir, 'studio-dist');
  await buildStudio(distDir);
  studio = await startStudio({ port: 0, ...studioOptionsFor(test.sandbox), mode: 'dist', distDir });
  chromium = await launchChromium();
  const context = await chromium.browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => {
    // A refused Run locally answers 409/422 on purpose; the browser logs those responses.
    if (m.type() === 'error' && !/status of (409|422)/.test(m.text())) consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(studio.url);
  await page.waitForSelector('[data-testid="canvas"]');
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await studio?.close();
  await test?.close();
});

/** A spec file as New integration makes it, with the journey's first mappings, opened with Open (Ctrl+O). */
async function openSpecFile(name: string, clientName: string): Promise<string> {
  const template = destinationTemplates().get('events-platform');
  if (!template) throw new Error('no events-platform template');
  const spec = newIntegrationSpec({
    name,
    clientName,
    objectType: 'contacts',
    destination: { name: 'events-platform', template },
  });
  spec.flows[0]!.mappings = [
    { target: 'email', value: { lowercase: [{ field: 'email' }] } },
    { target: 'company', value: { field: 'company' } },
  ];
  spec.flows[1]!.mappings = [
    { target: 'email', value: { field: 'email' } },
    { target: 'company', value: { field: 'company' } },
  ];
  const dir = join(test.stateDir, 'specs');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.integration-spec.json`);
  writeFileSync(file, JSON.stringify(spec, null, 2));
  await page.setInputFiles('[data-testid="open-spec"]', file);
  await expect.poll(() => shown(page.locator('.topbar .brand'))).toContain(name);
  return spec.client.slug;
}

describe('the consultant journey in a browser', () => {
  it('starts a new integration from four answers, both schemas read with nothing pasted', async () => {
    onTestFailed(() => page.screenshot({ path: 'test-results/journey-new.png' }).then(() => {}));
    await page.click('[data-testid="new-integration-open"]');
    await page.fill('[data-testid="new-client"]', 'Acme Events');
    await expect.poll(() => page.inputValue('[data-testid="new-name"]')).toBe('acme-events-attendees');
    await page.click('[data-testid="new-create"]');
    await expect
      .poll(() => shown(page.locator('.topbar .brand')))
      .toContain('Acme Events · acme-events-attendees');
    await expect
      .poll(() => shown(page.locator('[data-testid="open-connect-hubspot"]')))
      .toMatch(/\d{3} properties · connected/);
    await expect
      .poll(() => shown(page.locator('[data-testid="open-connect-destination"]')))
      .toBe('Destination: 12 fields');
    expect(await page.locator('input[type="password"]').count()).toBe(0); // no token asked for
  });

  it('offers every catalog connector as a destination; one the sandbox cannot run is mapped on its connector schema and Run locally says why', async () => {
    onTestFailed(() => page.screenshot({ path: 'test-results/journey-catalog.png' }).then(() => {}));
    await page.click('[data-testid="new-integration-open"]');
    const choices = page.locator('[data-testid^="new-destination-"]');
    await expect.poll(() => choices.count()).toBe(7);
    const keys = await choices.evaluateAll((els) => els.map((e) => e.getAttribute('value')));
    // The two the sandbox runs come first, under the names the studio server reads them by.
    expect(keys.slice(0, 2)).toEqual(['events-platform', 'job-system']);
    expect(keys.slice(2).sort()).toEqual([
      'eventbrite-attendees',
      'jobber-clients',
      'servicem8-jobs',
      'webex-events-attendees',
      'zoom-meeting-registrants',
    ]);
    await page.fill('[data-testid="new-client"]', 'Fairground');
    await page.click('[data-testid="new-destination-eventbrite-attendees"]');
    expect(await shown(page.locator('[data-testid="new-not-runnable"]'))).toMatch(
      /^Eventbrite attendees: the sandbox runs no simulator of Eventbrite attendees/,
    );
    expect(await page.inputValue('[data-testid="new-name"]')).toBe('fairground-attendees');
    await page.click('[data-testid="new-create"]');
    await expect.poll(() => shown(page.locator('.topbar .brand'))).toContain('fairground-attendees');
    // The record schema from the connector document: nested profile fields, no call to Eventbrite.
    await expect
      .poll(() => shown(page.locator('[data-testid="open-connect-destination"]')))
      .toBe('Destination: 12 fields');
    await page.fill('[data-testid="target-search"]', 'email');
    await page.locator('[data-testid="target-list"] [data-field="profile.email"]').waitFor();
    await page.click('[data-testid="run-locally"]');
    await expect
      .poll(() => shown(page.locator('[data-testid="run-refused"]')))
      .toContain('Not loaded: Eventbrite attendees: the sandbox runs no simulator of Eventbrite attendees');
    expect(await page.locator('[data-testid="run-locally-status"]').count()).toBe(0);
    expect(test.sandbox.integrations.has('fairground-attendees')).toBe(false);
  });

  it("creates a missing destination secret with the simulator's token, runs beside the others, and shows the next record land", async () => {
    onTestFailed(() => page.screenshot({ path: 'test-results/journey-run.png' }).then(() => {}));
    const slug = await openSpecFile('acme-attendees', 'Acme Events');
    await page.click('[data-testid="run-locally"]');
    const status = page.locator('[data-testid="run-locally-status"]');
    await expect
      .poll(() => shown(status), { timeout: 20_000 })
      .toMatch(
        /^Running acme-attendees locally \(generation 1, beside the others\) — all \d+ checks passed\.$/,
      );
    await page.click('text=Show the');
    expect(await shown(page.locator('[data-testid="run-checks"]'))).toContain(
      `secret /${slug}/destination-api-token\ncreated in ${join(test.stateDir, 'secrets.json')} (the events-platform simulator's token)`,
    );
    expect(await shown(page.locator('[data-testid="run-waiting"]'))).toMatch(
      /^Waiting for the next record change/,
    );

    // The starter velflex-attendees syncs the same contacts and attendees: both would create Grace's
    // attendee at once and one of them is refused (a duplicate email), dead-lettering one trace or
    // the other. Paused while the change goes through (Open running's Stop does the same).
    test.sandbox.stopIntegration('velflex-attendees');
    onTestFinished(() => test.sandbox.startIntegration('velflex-attendees'));
    await sendJson('POST', `${test.sandbox.urls.hubspot}/_admin/records/contacts`, {
      properties: { email: 'Grace@Example.com', firstname: 'Grace', company: 'Navy' },
    });
    await expect
      .poll(() => shown(page.locator('[data-testid="run-trace-outcome"]')), { timeout: 20_000 })
      .toBe('landed');
    for (const stage of ['trigger', 'receive', 'verify', 'transform', 'idempotency', 'deliver', 'observe'])
      expect(await page.locator(`[data-testid="stage-${stage}"]`).getAttribute('class')).toMatch(
        /stage (ok|skipped)/,
      );
    expect(await page.locator('[data-testid="run-no-failures"]').count()).toBe(1);
  });

  it('refuses a destination token the destination rejects, with the secret named and the fix — never "Running"', async () => {
    onTestFailed(() => page.screenshot({ path: 'test-results/journey-refused.png' }).then(() => {}));
    const file = join(test.stateDir, 'secrets.json');
    const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    secrets['/globex/destination-api-token'] = 'sk_test_typed_by_hand';
    writeFileSync(file, JSON.stringify(secrets));
    await openSpecFile('globex-attendees', 'Globex');
    await page.click('[data-testid="run-locally"]');
    const refused = page.locator('[data-testid="run-refused"]');
    await expect
      .poll(() => shown(refused), { timeout: 20_000 })
      .toContain('Not loaded: events-platform answers with /globex/destination-api-token');
    const text = await shown(refused);
    expect(text).toMatch(/rejected the token in \/globex\/destination-api-token .*: 400 INVALID_TOKEN/);
    expect(text).toContain('Fix: Delete /globex/destination-api-token from');
    expect(await page.locator('[data-testid="run-locally-status"]').count()).toBe(0);
    expect(test.sandbox.integrations.has('globex-attendees')).toBe(false);
  });

  it('lists what runs, opens one with its schemas, and asks before replacing it', async () => {
    onTestFailed(() => page.screenshot({ path: 'test-results/journey-open.png' }).then(() => {}));
    await page.click('[data-testid="open-running-open"]');
    await page.waitForSelector('[data-testid="running-porter-group-jobs"]');
    const rows = await page
      .locator('[data-testid^="running-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(rows.sort()).toEqual([
      'running-acme-attendees',
      'running-porter-group-jobs',
      'running-velflex-attendees',
    ]);
    await page.click('[data-testid="open-running-porter-group-jobs"]');
    await expect
      .poll(() => shown(page.locator('.topbar .brand')))
      .toContain('Porter Group · porter-group-jobs');
    // A fresh job system holds no job: its documented fields are the schema.
    await expect
      .poll(() => shown(page.locator('[data-testid="open-connect-destination"]')))
      .toBe('Destination: 11 fields');
    expect(await shown(page.locator('[data-testid="direction-hubspot-to-destination"] .count'))).toBe('3');

    await page.click('[data-testid="run-locally"]');
    const confirm = page.locator('[data-testid="run-confirm"]');
    await expect
      .poll(() => shown(confirm))
      .toMatch(
        /porter-group-jobs already runs locally \(generation 1, 8 mappings\)\. Replace it with this spec\?/,
      );
    expect(test.sandbox.integrations.get('porter-group-jobs')?.generation).toBe(1);
    await page.click('[data-testid="run-replace"]');
    await expect
      .poll(() => shown(page.locator('[data-testid="run-locally-status"]')), { timeout: 20_000 })
      .toMatch(/^Running porter-group-jobs locally \(generation 2, replaced the previous one\)/);
    expect(consoleErrors).toEqual([]);
  });

  it('builds deals ↔ jobs from New integration — title by concat one way, deal stage ↔ status both ways — and a change lands each way', async () => {
    onTestFailed(() => page.screenshot({ path: 'test-results/journey-jobs.png' }).then(() => {}));
    const { act, count } = actionCounter('jobs e2e');
    const name = await jobsIntegrationInUi(page, act, {
      client: 'Porter Builders',
      stop: ['porter-group-jobs'],
    });
    expect(name).toBe('porter-builders-jobs');
    expect(count()).toBeLessThanOrEqual(41);
    await expect
      .poll(() => shown(page.locator('[data-testid="run-locally-status"]')), { timeout: 20_000 })
      .toMatch(/^Running porter-builders-jobs locally \(generation 1, beside the others\)/);
    // Stopped in Open running: its routes are gone, so it cannot write the same jobs.
    expect(test.sandbox.integrations.get('porter-group-jobs')?.running).toBe(false);

    await sendJson('POST', `${test.sandbox.urls.hubspot}/_admin/records/deals`, {
      properties: { dealname: 'Roof repair', job_reference: 'J-77', dealstage: 'closedwon', amount: '1200' },
    });
    await expect
      .poll(() => shown(page.locator('[data-testid="run-trace-outcome"]')), { timeout: 20_000 })
      .toBe('landed');
    type Job = { id: string; title?: string; status?: string };
    const job = async () =>
      (
        await sendJson<{ data: Job[] }>(
          'GET',
          `${test.sandbox.urls.jobs}/_admin/records?reference=J-77`,
          undefined,
        )
      ).data[0];
    await expect.poll(async () => (await job())?.title, { timeout: 20_000 }).toBe('Roof repair – J-77');
    expect((await job())?.status).toBe('SCHEDULED');

    // The field team cancels the job after the conflict window (5 s): the deal is lost, its name untouched.
    await new Promise((r) => setTimeout(r, 6_000));
    await sendJson('PATCH', `${test.sandbox.urls.jobs}/_admin/records/${(await job())?.id}`, {
      status: 'CANCELLED',
    });
    const deal = async () =>
      (
        await sendJson<{ results: Array<{ properties: Record<string, string> }> }>(
          'GET',
          `${test.sandbox.urls.hubspot}/_admin/records/deals`,
          undefined,
        )
      ).results.find((d) => d.properties.job_reference === 'J-77')?.properties;
    await expect.poll(async () => (await deal())?.dealstage, { timeout: 30_000 }).toBe('closedlost');
    expect((await deal())?.dealname).toBe('Roof repair');
    expect(consoleErrors).toEqual([]);
  }, 120_000);
});
