/**
 * A consultant's session in headless Chromium against the real simulators: connect HubSpot with a
 * private-app token, read the events platform's schema, draw mappings with real pointer drags
 * (formulas included), confirm an enumMap, preview a record, export a spec that validates.
 */
import { readFile } from 'node:fs/promises';
import { validateSpec } from '@kongo/runtime/spec';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { buildStudio, HUBSPOT_TOKEN, launchChromium, type Sandbox, startSandbox } from './harness.ts';

let sandbox: Sandbox;
let chromium: { browser: Browser; close: () => Promise<void> };
let page: Page;
const consoleErrors: string[] = [];
const foreignRequests: string[] = [];

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

const handle = (list: 'source' | 'target', field: string) =>
  page.locator(`[data-testid="${list}-list"] [data-field="${field}"] .react-flow__handle`);

async function center(locator: ReturnType<Page['locator']>) {
  await locator.waitFor({ state: 'visible' });
  const box = await locator.boundingBox();
  if (!box) throw new Error('element has no box');
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** A real pointer drag: press on one handle, move in steps, release on the other. */
async function drag(from: ReturnType<Page['locator']>, to: ReturnType<Page['locator']>) {
  const a = await center(from);
  const b = await center(to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 6 });
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
}

async function search(list: 'source' | 'target', text: string) {
  await page.fill(`[data-testid="${list}-search"]`, text);
}

async function mapField(source: string, target: string) {
  await search('source', source);
  await search('target', target);
  await drag(handle('source', source), handle('target', target));
}

const formulaNode = (kind: string) => page.locator(`.react-flow__node-${kind}`).last();
const slot = (kind: string, id: string) => formulaNode(kind).locator(`[data-handleid="${id}"]`);

async function mappingCount(direction: string) {
  return Number(await page.locator(`[data-testid="direction-${direction}"] .count`).textContent());
}

describe('the studio in a browser', () => {
  it('lets a consultant map both directions with drags, preview a record and export a valid spec', async () => {
    onTestFailed(async () => {
      await page.screenshot({ path: 'test-results/studio-e2e-failure.png' });
    });
    await page.goto(sandbox.studio.url);
    expect(new URL(page.url()).search).toBe(''); // the session moved from the URL into a cookie
    await page.waitForSelector('[data-testid="canvas"]');

    // Connect both sides.
    await page.click('[data-testid="open-connect-hubspot"]');
    await page.fill('[data-testid="hubspot-token"]', HUBSPOT_TOKEN);
    await page.click('[data-testid="hubspot-connect"]');
    await page.waitForSelector('[data-testid="source-search"]');
    await page.click('[data-testid="open-connect-destination"]');
    await page.click('[data-testid="destination-events-platform"]');
    await page.waitForSelector('[data-testid="target-search"]');

    // 1. email, through lowercase (palette → wire input → wire output).
    await page.click('[data-testid="palette-lowercase"]');
    await search('source', 'email');
    await drag(handle('source', 'email'), slot('lowercase', 'in:0'));
    await search('target', 'email');
    await drag(slot('lowercase', 'out'), handle('target', 'email'));
    // 2–4. straight field-to-field.
    await mapField('firstname', 'firstName');
    await mapField('lastname', 'lastName');
    await mapField('country', 'country');
    // 5. phone through stripSpaces.
    await page.click('[data-testid="palette-stripSpaces"]');
    await search('source', 'phone');
    await drag(handle('source', 'phone'), slot('stripSpaces', 'in:0'));
    await search('target', 'phone');
    await drag(slot('stripSpaces', 'out'), handle('target', 'phone'));
    // 6. jobTitle = concat(jobtitle, " at ", company)
    await page.click('[data-testid="palette-concat"]');
    await search('source', 'jobtitle');
    await drag(handle('source', 'jobtitle'), slot('concat', 'in:append'));
    await formulaNode('concat').getByRole('button', { name: '+ text' }).click();
    const literal = formulaNode('concat').getByLabel('Text part 2');
    await literal.fill(' at ');
    await literal.press('Enter');
    await search('source', 'company');
    await drag(handle('source', 'company'), slot('concat', 'in:append'));
    await search('target', 'jobTitle');
    await drag(slot('concat', 'out'), handle('target', 'jobTitle'));
    // 7. company straight across.
    await mapField('company', 'company');
    // 8. status = enumMap(event_status) with label suggestions confirmed, otherwise no value.
    await page.click('[data-testid="palette-enumMap"]');
    await search('source', 'event_status');
    await drag(handle('source', 'event_status'), slot('enumMap', 'in:input'));
    await search('target', 'status');
    await drag(slot('enumMap', 'out'), handle('target', 'status'));
    await formulaNode('enumMap').getByRole('button', { name: 'Edit map…' }).click();
    await expect
      .poll(() => page.textContent('[data-testid="enum-editor-coverage"]'))
      .toContain('0 of 5 options mapped');
    await page.click('[data-testid="enum-accept-all"]');
    await page.selectOption('[data-testid="enum-otherwise"]', { label: 'no value (null)' });
    await expect
      .poll(() => page.textContent('[data-testid="enum-editor-coverage"]'))
      .toContain('4 of 5 options mapped');
    expect(await mappingCount('hubspot-to-destination')).toBe(8);

    // The other direction: destination → HubSpot.
    await page.click('[data-testid="direction-destination-to-hubspot"]');
    await mapField('email', 'email');
    await mapField('firstName', 'firstname');
    await mapField('lastName', 'lastname');
    expect(await mappingCount('destination-to-hubspot')).toBe(3);

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
    const exported = JSON.parse(await readFile(path, 'utf8')) as unknown;
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

    // Autosave kept the work and never the token or sample records.
    const saved = await page.evaluate(() => JSON.stringify(localStorage));
    expect(saved).toContain('event_status');
    expect(saved).not.toContain(HUBSPOT_TOKEN);
    expect(saved).not.toContain('ANN.LEE@VELFLEX.EXAMPLE');

    expect(consoleErrors).toEqual([]);
    expect(foreignRequests).toEqual([]);
  }, 60_000);
});
