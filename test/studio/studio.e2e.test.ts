/**
 * A consultant's session in headless Chromium against the real simulators: connect HubSpot with a
 * private-app token, read the events platform's schema, draw mappings with real pointer drags
 * (formulas included), confirm an enumMap, preview a record, export a spec that validates.
 */
import { readFile } from 'node:fs/promises';
import { validateSpec } from '@kongo/runtime/spec';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Consultant } from './consultant.ts';
import { buildStudio, HUBSPOT_TOKEN, launchChromium, type Sandbox, startSandbox } from './harness.ts';

let sandbox: Sandbox;
let chromium: { browser: Browser; close: () => Promise<void> };
let page: Page;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];
let exportedPath = '';
let exportedSpec: { flows: { direction: string; mappings: { target: string; value: unknown }[] }[] } | null =
  null;

beforeAll(async () => {
  await buildStudio();
  sandbox = await startSandbox();
  chromium = await launchChromium();
  const context = await chromium.browser.newContext({
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  // Nothing may leave 127.0.0.1: record and refuse anything else.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1')
      return route.continue();
    foreignRequests.push(url.href);
    return route.abort();
  });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
}, 90_000);

afterAll(async () => {
  await chromium?.close();
  await sandbox?.close();
});

describe('the studio in a browser', () => {
  it('lets a consultant map both directions with drags, preview a record and export a valid spec', async () => {
    onTestFailed(async () => {
      await page.screenshot({ path: 'test-results/studio-e2e-failure.png' });
    });
    await page.goto(sandbox.studio.url);
    expect(new URL(page.url()).search).toBe(''); // the session moved from the URL into a cookie
    await page.waitForSelector('[data-testid="canvas"]');

    const me = new Consultant(page);
    await me.connectHubSpot(HUBSPOT_TOKEN);
    await me.readDestination('events-platform');

    // HubSpot → events platform: formulas from the palette, straight pairs, a concat and an enumMap.
    await me.mapThrough('lowercase', 'email', 'email');
    await me.mapField('firstname', 'firstName');
    await me.mapField('lastname', 'lastName');
    await me.mapField('country', 'country');
    await me.mapThrough('stripSpaces', 'phone', 'phone');
    await me.mapConcat('jobtitle', ' at ', 'company', 'jobTitle');
    await me.mapField('company', 'company');
    await me.mapEnum('event_status', 'status');
    await expect
      .poll(() => page.textContent('[data-testid="enum-editor-coverage"]'))
      .toContain('0 of 5 options mapped');
    await page.click('[data-testid="enum-accept-all"]'); // label suggestions, confirmed by the consultant
    await page.selectOption('[data-testid="enum-otherwise"]', { label: 'no value (null)' });
    await expect
      .poll(() => page.textContent('[data-testid="enum-editor-coverage"]'))
      .toContain('4 of 5 options mapped');
    expect(await me.mappingCount('hubspot-to-destination')).toBe(8);

    // The other direction: events platform → HubSpot.
    await page.click('[data-testid="direction-destination-to-hubspot"]');
    await me.mapField('email', 'email');
    await me.mapField('firstName', 'firstname');
    await me.mapField('lastName', 'lastname');
    expect(await me.mappingCount('destination-to-hubspot')).toBe(3);

    // Preview a HubSpot record going to the events platform.
    await page.click('[data-testid="direction-hubspot-to-destination"]');
    await page.click('[data-testid="tab-preview"]');
    await page.click('[data-testid="preview-load"]');
    await page.waitForSelector('[data-testid="preview-pick"]');
    const annOption = page.locator('[data-testid="preview-pick"] option', {
      hasText: 'ANN.LEE@VELFLEX.EXAMPLE',
    });
    await page.selectOption('[data-testid="preview-pick"]', (await annOption.getAttribute('value')) ?? '0');
    const table = page.locator('[data-testid="preview-table"]');
    await expect.poll(() => table.textContent()).toContain('"ann.lee@velflex.example"');
    const text = (await table.textContent()) ?? '';
    expect(text).toContain('"CTO at Velflex"');
    expect(text).toContain('"+61255501234"');
    expect(text).toContain('"REGISTERED"');
    expect(await page.textContent('[data-testid="preview"]')).toContain(
      'Matches an existing record by email',
    );
    expect(await table.locator('tr', { hasText: 'lastName' }).textContent()).toContain('"Li"');

    // Export: the downloaded file is a valid integration-spec.json.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="export"]'),
    ]);
    const path = await download.path();
    exportedPath = path;
    const exported = JSON.parse(await readFile(path, 'utf8')) as unknown;
    exportedSpec = exported as typeof exportedSpec;
    const result = validateSpec(exported);
    expect(result.ok ? [] : result.problems).toEqual([]);
    const flows = (
      exported as { flows: { direction: string; mappings: { target: string; value: unknown }[] }[] }
    ).flows;
    const h2d = flows.find((f) => f.direction === 'hubspot-to-destination')?.mappings ?? [];
    expect(h2d.find((m) => m.target === 'jobTitle')?.value).toEqual({
      concat: [{ field: 'jobtitle' }, { literal: ' at ' }, { field: 'company' }],
    });
    expect(h2d.find((m) => m.target === 'status')?.value).toEqual({
      enumMap: {
        input: { field: 'event_status' },
        map: {
          registered: 'REGISTERED',
          checked_in: 'CHECKED_IN',
          cancelled: 'CANCELLED',
          waitlisted: 'WAITLISTED',
        },
        otherwise: { null: {} },
      },
    });
    expect(h2d.find((m) => m.target === 'email')?.value).toEqual({ lowercase: [{ field: 'email' }] });
    expect(JSON.stringify(exported)).not.toContain(HUBSPOT_TOKEN);

    // The generator (through the studio server) turns the spec into files, shown read-only.
    await page.click('[data-testid="tab-code"]');
    await page.getByRole('button', { name: 'Generate code' }).click();
    await page.waitForSelector('.file-list button', { timeout: 20_000 });
    expect(await page.locator('.file-list button').count()).toBeGreaterThan(5);

    // Autosave kept the work and never the token or sample records.
    const saved = await page.evaluate(() => JSON.stringify(localStorage));
    expect(saved).toContain('event_status');
    expect(saved).not.toContain(HUBSPOT_TOKEN);
    expect(saved).not.toContain('ANN.LEE@VELFLEX.EXAMPLE');
  }, 60_000);

  it('keeps the spec editor (Monaco, served locally) and the canvas in step both ways', async () => {
    onTestFailed(async () => {
      await page.screenshot({ path: 'test-results/studio-e2e-spec-failure.png' });
    });
    if (!exportedSpec) throw new Error('the mapping session did not export a spec');
    const me = new Consultant(page);
    await page.click('[data-testid="tab-spec"]');
    const lines = page.locator('[data-testid="spec-editor"] .monaco-editor .view-lines');
    /** Select all and paste, as a consultant replacing the spec with an edited copy would. */
    const pasteIntoEditor = async (text: string) => {
      await page.evaluate((t) => navigator.clipboard.writeText(t), text);
      await lines.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Control+V');
    };
    await expect.poll(() => lines.textContent(), { timeout: 15_000 }).toContain('specVersion');

    // Text → canvas: a mapping added in the editor appears on the canvas.
    const edited = structuredClone(exportedSpec);
    edited.flows
      .find((f) => f.direction === 'destination-to-hubspot')
      ?.mappings.push({ target: 'company', value: { field: 'company' } });
    await pasteIntoEditor(JSON.stringify(edited, null, 2));
    // 400 ms of debounce, then the whole canvas re-renders: a second is too little under load.
    await expect.poll(() => me.mappingCount('destination-to-hubspot'), { timeout: 5_000 }).toBe(4);

    // Canvas → text: removing that mapping on the canvas rewrites the editor's text.
    await page.click('[data-testid="direction-destination-to-hubspot"]');
    await me.search('target', 'company');
    await page.click('.react-flow__edge[data-id="m|company"]', { force: true });
    await page.getByTestId('mapping-inspector').getByRole('button', { name: 'Remove' }).click();
    expect(await me.mappingCount('destination-to-hubspot')).toBe(3);
    await page.keyboard.press('Control+Z');
    expect(await me.mappingCount('destination-to-hubspot')).toBe(4);

    // The spec's JSON Schema drives the editor's diagnostics. The paste follows the undo at once:
    // the editor applies it rather than letting the canvas's sync write over it (spec-editor.e2e).
    await pasteIntoEditor(JSON.stringify({ ...edited, environment: 'moon' }, null, 2));
    await page.keyboard.press('Control+Home');
    await expect.poll(() => lines.textContent(), { timeout: 5_000 }).toContain('moon');
    await page.waitForSelector('[data-testid="spec-editor"] .squiggly-error', { timeout: 15_000 });

    // Open the exported file again: the canvas and the editor show it, exactly.
    await page.setInputFiles('[data-testid="open-spec"]', exportedPath);
    await expect.poll(() => me.mappingCount('destination-to-hubspot')).toBe(3);
    expect(await me.mappingCount('hubspot-to-destination')).toBe(8);
    await expect.poll(() => lines.textContent()).not.toContain('moon');
  }, 45_000);

  it('says when the live HubSpot schema drifted from the one the spec was built against', async () => {
    await sandbox.updateHubSpotProperty('event_status', {
      options: [
        { label: 'Registered', value: 'registered', displayOrder: 0 },
        { label: 'Checked in', value: 'checked_in', displayOrder: 1 },
        { label: 'Cancelled', value: 'cancelled', displayOrder: 2 },
        { label: 'Wait-listed', value: 'waitlisted', displayOrder: 3 },
        { label: 'No show', value: 'no_show', displayOrder: 4 },
        { label: 'VIP guest', value: 'vip', displayOrder: 5 },
      ],
    });
    await page.click('[data-testid="open-connect-hubspot"]');
    await page.click('[data-testid="hubspot-connect"]'); // "Reload properties": the server still holds the token
    await page.click('[data-testid="tab-problems"]');
    const list = page.locator('[data-testid="problem-list"]');
    await expect.poll(() => list.textContent()).toContain('Schema drift: event_status has new option: vip');
    await page
      .locator('[data-testid="drift-hubspot"]')
      .getByRole('button', { name: 'accept the live schema' })
      .click();
    await expect
      .poll(
        () =>
          page.locator('[data-testid="problems-empty"], [data-testid="problem-list"]').first().textContent(),
        { timeout: 15_000 },
      )
      .not.toContain('Schema drift');

    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  }, 30_000);
});
