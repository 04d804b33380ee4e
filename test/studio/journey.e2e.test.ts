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
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { destinationTemplates, studioOptionsFor } from '../../sandbox/src/start/studio-wiring.ts';
import { sendJson, startTestSandbox, type TestSandbox } from '../e2e/harness.ts';
import { buildStudio, launchChromium } from './harness.ts';

let test: TestSandbox;
let studio: StudioServer;
let chromium: { browser: Browser; close: () => Promise<void> };
let page: Page;
const consoleErrors: string[] = [];

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
  await expect.poll(() => page.locator('.topbar .brand').innerText()).toContain(name);
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
      .poll(() => page.locator('.topbar .brand').innerText())
      .toContain('Acme Events · acme-events-attendees');
    await expect
      .poll(() => page.locator('[data-testid="open-connect-hubspot"]').innerText())
      .toMatch(/\d{3} properties · connected/);
    await expect
      .poll(() => page.locator('[data-testid="open-connect-destination"]').innerText())
      .toBe('Destination: 12 fields');
    expect(await page.locator('input[type="password"]').count()).toBe(0); // no token asked for
  });

  it("creates a missing destination secret with the simulator's token, runs beside the others, and shows the next record land", async () => {
    onTestFailed(() => page.screenshot({ path: 'test-results/journey-run.png' }).then(() => {}));
    const slug = await openSpecFile('acme-attendees', 'Acme Events');
    await page.click('[data-testid="run-locally"]');
    const status = page.locator('[data-testid="run-locally-status"]');
    await expect
      .poll(() => status.innerText(), { timeout: 20_000 })
      .toMatch(
        /^Running acme-attendees locally \(generation 1, beside the others\) — all \d+ checks passed\.$/,
      );
    await page.click('text=Show the');
    expect(await page.locator('[data-testid="run-checks"]').innerText()).toContain(
      `secret /${slug}/destination-api-token\ncreated in ${join(test.stateDir, 'secrets.json')} (the events-platform simulator's token)`,
    );
    expect(await page.locator('[data-testid="run-waiting"]').innerText()).toMatch(
      /^Waiting for the next record change/,
    );

    await sendJson('POST', `${test.sandbox.urls.hubspot}/_admin/records/contacts`, {
      properties: { email: 'Grace@Example.com', firstname: 'Grace', company: 'Navy' },
    });
    await expect
      .poll(() => page.locator('[data-testid="run-trace-outcome"]').innerText(), { timeout: 20_000 })
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
      .poll(() => refused.innerText(), { timeout: 20_000 })
      .toContain('Not loaded: events-platform answers with /globex/destination-api-token');
    const text = await refused.innerText();
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
      .poll(() => page.locator('.topbar .brand').innerText())
      .toContain('Porter Group · porter-group-jobs');
    // A fresh job system holds no job: its documented fields are the schema.
    await expect
      .poll(() => page.locator('[data-testid="open-connect-destination"]').innerText())
      .toBe('Destination: 11 fields');
    expect(await page.locator('[data-testid="direction-hubspot-to-destination"] .count').innerText()).toBe(
      '3',
    );

    await page.click('[data-testid="run-locally"]');
    const confirm = page.locator('[data-testid="run-confirm"]');
    await expect
      .poll(() => confirm.innerText())
      .toMatch(
        /porter-group-jobs already runs locally \(generation 1, 8 mappings\)\. Replace it with this spec\?/,
      );
    expect(test.sandbox.integrations.get('porter-group-jobs')?.generation).toBe(1);
    await page.click('[data-testid="run-replace"]');
    await expect
      .poll(() => page.locator('[data-testid="run-locally-status"]').innerText(), { timeout: 20_000 })
      .toMatch(/^Running porter-group-jobs locally \(generation 2, replaced the previous one\)/);
    expect(consoleErrors).toEqual([]);
  });
});
