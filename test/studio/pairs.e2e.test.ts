/**
 * The field-pair table and the tab defects, in headless Chromium against the simulators: pairs made
 * with type-to-search pickers (sample values shown), both flows written by one ↔ pair, "accept all
 * likely" in one click, ↔ refused for concat with its reason; the Spec tab reopened without Monaco
 * errors; a pasted preview record kept across tabs.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { starterSpec } from '../../studio/src/model/workspace.ts';
import { Consultant } from './consultant.ts';
import { buildStudio, HUBSPOT_TOKEN, launchChromium, type Sandbox, startSandbox } from './harness.ts';

let sandbox: Sandbox;
let chromium: { browser: Browser; close: () => Promise<void> };
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  await buildStudio();
  sandbox = await startSandbox();
  chromium = await launchChromium();
  const context = await chromium.browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(sandbox.studio.url);
  await page.waitForSelector('[data-testid="canvas"]');
  const me = new Consultant(page);
  await me.connectHubSpot(HUBSPOT_TOKEN);
  await me.readDestination('events-platform');
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await sandbox?.close();
});

const count = async (direction: string) =>
  Number(await page.locator(`[data-testid="direction-${direction}"] .count`).textContent());

describe('the field-pair table', () => {
  it('shows confidence honestly: a label-only match is "possible", with its reason', async () => {
    await page.click('[data-testid="tab-suggestions"]');
    const membership = page.locator('[data-testid="suggestion-list"] li', {
      hasText: 'hs_content_membership_status',
    });
    // HubSpot labels hs_content_membership_status just "Status": a label-only match, never "same name".
    await expect.poll(() => membership.count()).toBe(1);
    expect(await membership.getAttribute('data-confidence')).toBe('possible');
    expect(await membership.textContent()).toMatch(/names something narrower/);
    expect(await membership.textContent()).not.toMatch(/same name|100%/);
    const likely = page.locator('[data-testid="suggestion-list"] li[data-confidence="likely"]');
    expect(await likely.count()).toBeGreaterThanOrEqual(6);
    for (const item of await likely.all()) expect(await item.textContent()).not.toContain('hs_');
  });

  it('makes a ↔ pair with type-to-search pickers that show sample values, writing both flows', async () => {
    onTestFailed(async () => {
      await page.screenshot({ path: 'test-results/pairs-e2e-failure.png' });
    });
    await page.click('[data-testid="view-table"]');
    await page.click('[data-testid="pairs-load-samples"]');
    await expect.poll(() => page.textContent('[data-testid="pairs-load-samples"]')).toContain('Reload');

    await page.click('[data-testid="pair-new-hubspot"]');
    await page.keyboard.type('event stat');
    const options = page.locator('[data-testid="pair-new-hubspot-options"] [role="option"]');
    await expect.poll(() => options.first().getAttribute('data-field')).toBe('event_status');
    // The seeded contacts' values, read through the studio server from the HubSpot simulator.
    expect(await options.first().textContent()).toMatch(/e\.g\. .*(registered|checked_in|no_show)/);
    await page.keyboard.press('Enter');
    await page.click('[data-testid="pair-new-destination"]');
    await page.keyboard.type('status');
    await page.keyboard.press('Enter');

    const row = page.locator('[data-testid="pair-row"][data-pair="event_status|status"]');
    await row.waitFor();
    expect(await row.locator('[data-testid="pair-direction-both"]').getAttribute('aria-pressed')).toBe(
      'true',
    );
    expect(await count('hubspot-to-destination')).toBe(1);
    expect(await count('destination-to-hubspot')).toBe(1);
    // Two option lists: an enumMap each way, waiting for the editor (the enumMap editor is unchanged).
    expect(await row.locator('[data-testid="pair-formula-to-destination"]').inputValue()).toBe('enumMap');

    // → only: the reverse mapping goes.
    await row.locator('[data-testid="pair-direction-to-destination"]').click();
    await expect.poll(() => count('destination-to-hubspot')).toBe(0);
  });

  it('accepts every likely pair in one click and sets a formula per direction', async () => {
    const before = await count('hubspot-to-destination');
    const button = page.locator('[data-testid="pairs-accept-likely"]');
    const likely = Number(/\((\d+)\)/.exec((await button.textContent()) ?? '')?.[1]);
    expect(likely).toBeGreaterThanOrEqual(6);
    await button.click();
    await expect.poll(() => count('hubspot-to-destination')).toBeGreaterThanOrEqual(before + 6);
    expect(await button.isDisabled()).toBe(true);

    const email = page.locator('[data-testid="pair-row"][data-pair="email|email"]');
    await email.locator('[data-testid="pair-formula-to-destination"]').selectOption('lowercase+stripSpaces');
    expect(await email.locator('[data-testid="pair-formula-to-destination"]').inputValue()).toBe(
      'lowercase+stripSpaces',
    );
    // The canvas shows the same spec: lowercase(stripSpaces(email)) as two formula nodes.
    await page.click('[data-testid="view-canvas"]');
    await page.waitForSelector('.react-flow__node-stripSpaces');
    expect(await page.locator('.react-flow__node-lowercase').count()).toBe(1);
    await page.click('[data-testid="view-table"]');
  });

  it('refuses ↔ for a concat pair and says why', async () => {
    onTestFailed(async () => {
      await page.screenshot({ path: 'test-results/pairs-e2e-concat-failure.png' });
    });
    const spec = starterSpec();
    spec.flows = [
      {
        direction: 'hubspot-to-destination',
        triggers: ['contact.creation'],
        mappings: [
          { target: 'email', value: { field: 'email' } },
          {
            target: 'jobTitle',
            value: { concat: [{ field: 'jobtitle' }, { literal: ' at ' }, { field: 'company' }] },
          },
        ],
      },
    ];
    await page.setInputFiles('[data-testid="open-spec"]', {
      name: 'concat.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(spec)),
    });
    const row = page.locator('[data-testid="pair-row"][data-pair="jobtitle|jobTitle"]');
    await row.waitFor();
    expect(await row.locator('[data-testid="pair-formula-to-destination-canvas"]').count()).toBe(1);
    await row.locator('[data-testid="pair-direction-both"]').click();
    await expect
      .poll(() => row.locator('[data-testid="pair-message"]').textContent())
      .toMatch(/concat .*no inverse/);
    expect(await count('destination-to-hubspot')).toBe(0);
  });
});

describe('tabs', () => {
  it('reopens the Spec tab without Monaco service errors', async () => {
    await page.click('[data-testid="tab-problems"]');
    await page.click('[data-testid="tab-spec"]');
    await page.waitForSelector('.monaco-editor .view-lines');
    await page.click('[data-testid="tab-code"]');
    await page.click('[data-testid="tab-spec"]');
    await page.waitForSelector('.monaco-editor .view-lines');
    await page.waitForTimeout(300);
    expect(consoleErrors.filter((e) => /UNKNOWN service|createInstance/.test(e))).toEqual([]);
  });

  it('keeps a pasted preview record when switching tabs', async () => {
    await page.click('[data-testid="tab-preview"]');
    await page.locator('[data-testid="preview"] summary').click();
    await page
      .getByLabel('Paste a record')
      .fill('{"email": "Pasted@Example.com ", "jobtitle": "CTO", "company": "Acme"}');
    await expect.poll(() => page.textContent('[data-testid="preview-table"]')).toContain('CTO at Acme');
    await page.click('[data-testid="tab-problems"]');
    await page.click('[data-testid="tab-preview"]');
    expect(await page.getByLabel('Paste a record').inputValue()).toContain('Pasted@Example.com');
    expect(await page.textContent('[data-testid="preview-table"]')).toContain('CTO at Acme');
    expect(consoleErrors).toEqual([]);
  });
});
