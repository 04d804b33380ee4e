/**
 * Canvas defects at HubSpot's 356 contact properties, in headless Chromium against the simulators:
 * each list keeps its own search across direction switches; "+ text" focuses the new box; dropping
 * onto a mapped field says what it replaced; formula nodes do not overlap; a cut label shows whole
 * on hover.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { Consultant } from './consultant.ts';
import { buildStudio, HUBSPOT_TOKEN, launchChromium, type Sandbox, startSandbox } from './harness.ts';

let sandbox: Sandbox;
let chromium: { browser: Browser; close: () => Promise<void> };
let page: Page;
let me: Consultant;
const consoleErrors: string[] = [];
// biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the text as rendered), not the DOM property.
const shown = (locator: Locator): Promise<string> => locator.innerText();

beforeAll(async () => {
  await buildStudio();
  sandbox = await startSandbox();
  chromium = await launchChromium();
  page = await (await chromium.browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(sandbox.studio.url);
  await page.waitForSelector('[data-testid="canvas"]');
  me = new Consultant(page);
  await me.connectHubSpot(HUBSPOT_TOKEN);
  await me.readDestination('events-platform');
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await sandbox?.close();
});

describe('the canvas', () => {
  it('keeps each list’s search with its list when the direction switches', async () => {
    onTestFailed(async () => {
      await page.screenshot({ path: 'test-results/canvas-e2e-failure.png' });
    });
    await me.search('source', 'pagevi'); // HubSpot, on the left
    await me.search('target', 'ticket'); // destination, on the right
    await page.click('[data-testid="direction-destination-to-hubspot"]');
    // HubSpot is now on the right and keeps its search; the destination list on the left keeps its own.
    expect(await page.inputValue('[data-testid="target-search"]')).toBe('pagevi');
    expect(await page.inputValue('[data-testid="source-search"]')).toBe('ticket');
    await page.click('[data-testid="direction-hubspot-to-destination"]');
    expect(await page.inputValue('[data-testid="source-search"]')).toBe('pagevi');
    expect(await page.inputValue('[data-testid="target-search"]')).toBe('ticket');
  });

  it('shows a cut label whole on hover', async () => {
    const label = page.locator('[data-testid="source-list"] [data-field] .field-label').first();
    const text = (await label.textContent()) ?? '';
    expect(text.length).toBeGreaterThan(15); // "Average Pageviews"
    const clipped = () => label.evaluate((el) => el.scrollWidth > el.clientWidth);
    expect(await clipped()).toBe(true);
    await label.hover();
    expect(await clipped()).toBe(false);
  });

  it('focuses the new text box when "+ text" is clicked in a concat', async () => {
    await page.click('[data-testid="palette-concat"]');
    await me.formula('concat').getByRole('button', { name: '+ text' }).click();
    const box = me.formula('concat').getByLabel('Text part 1');
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('Dr. ');
    await page.keyboard.press('Enter');
    expect(await box.inputValue()).toBe('Dr. ');
    await me.formula('concat').getByRole('button', { name: 'Delete concat' }).click();
  });

  it('says what a drop onto an already mapped field replaced, with undo', async () => {
    await me.mapField('firstname', 'firstName');
    await expect.poll(() => me.mappingCount('hubspot-to-destination')).toBe(1);
    expect(await page.locator('[data-testid="replace-notice"]').count()).toBe(0);
    await me.mapField('lastname', 'firstName');
    const notice = page.locator('[data-testid="replace-notice"]');
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(
      /Replaced the mapping of firstName: was firstname, now lastname/,
    );
    await notice.getByRole('button', { name: 'Undo' }).click();
    await page.click('[data-testid="view-table"]');
    await page.locator('[data-testid="pair-row"][data-pair="firstname|firstName"]').waitFor();
    await page.click('[data-testid="view-canvas"]');
  });

  it('stacks formula nodes without overlap', async () => {
    await me.mapThrough('lowercase', 'email', 'email');
    await me.mapEnum('event_status', 'status');
    await me.mapThrough('stripSpaces', 'phone', 'phone');
    const boxes = [];
    for (const node of await page.locator('.react-flow__node:not(.react-flow__node-fieldList)').all())
      boxes.push(await node.boundingBox());
    expect(boxes.length).toBe(3);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        const overlap =
          a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap).toBe(false);
      }
    expect(consoleErrors).toEqual([]);
  });

  it('ends each mapping to a field out of view at a stub naming that field, not in one bundle', async () => {
    onTestFailed(() => page.screenshot({ path: 'test-results/canvas-stubs.png' }).then(() => {}));
    await me.search('source', '');
    const rows = page.locator('[data-testid="source-list"] .field-list-rows');
    // The mapped contact fields (email, first name, phone, event status) sit below the first groups.
    await rows.evaluate((el) => {
      el.scrollTop = 0;
    });
    const stubs = page.locator('[data-testid="source-stubs"] [data-stub]');
    await expect
      .poll(async () =>
        (await stubs.evaluateAll((els) => els.map((e) => e.getAttribute('data-stub')))).sort(),
      )
      .toEqual(['email', 'event_status', 'firstname', 'phone']);
    expect(await shown(stubs.filter({ hasText: 'First Name' }))).toContain('firstname');
    // Four edges leave the source list's edge (the leftmost start points), each from its own stub's
    // handle: four distinct start points, not one bundle.
    const starts = async () => {
      const points = (
        await page
          .locator('.react-flow__edge-path')
          .evaluateAll((paths) =>
            paths.map((p) => /^M ?([\d.]+)[ ,]([\d.]+)/.exec(p.getAttribute('d') ?? '')),
          )
      )
        .filter((m) => m !== null)
        .map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
      const left = Math.min(...points.map((p) => p.x));
      return new Set(points.filter((p) => Math.abs(p.x - left) < 2).map((p) => Math.round(p.y))).size;
    };
    await expect.poll(starts).toBe(4);
    // A click on a stub scrolls its field into view, where its edge starts at the row again.
    await stubs.filter({ hasText: 'Email' }).first().click();
    await expect.poll(() => page.locator('[data-testid="source-list"] [data-field="email"]').count()).toBe(1);
    await expect
      .poll(async () =>
        (await stubs.evaluateAll((els) => els.map((e) => e.getAttribute('data-stub')))).includes('email'),
      )
      .toBe(false);
    expect(consoleErrors).toEqual([]);
  });
});
