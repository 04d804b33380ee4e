/**
 * The spec editor and the canvas writing the same spec, in headless Chromium: the canvas's change
 * never overwrites a consultant's paste that is still waiting to apply, and undo/redo back to a spec
 * that came from the text rewrites the text (the flake in studio.e2e's paste after an undo).
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { StudioSpec } from '../../studio/src/model/index.ts';
import { Consultant } from './consultant.ts';
import { buildStudio, HUBSPOT_TOKEN, launchChromium, type Sandbox, startSandbox } from './harness.ts';

let sandbox: Sandbox;
let chromium: { browser: Browser; close: () => Promise<void> };
let page: Page;
let lines: Locator;
const consoleErrors: string[] = [];

// biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the text as rendered), not the DOM property.
const shown = (locator: Locator): Promise<string> => locator.innerText();

beforeAll(async () => {
  await buildStudio();
  sandbox = await startSandbox();
  chromium = await launchChromium();
  const context = await chromium.browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
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
  await page.click('[data-testid="view-table"]');
  await page.click('[data-testid="pairs-accept-likely"]');
  await page.click('[data-testid="tab-spec"]');
  lines = page.locator('[data-testid="spec-editor"] .monaco-editor .view-lines');
  await lines.filter({ hasText: 'specVersion' }).waitFor({ timeout: 15_000 });
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await sandbox?.close();
});

/** Select all and paste, as a consultant replacing the spec with an edited copy would. */
async function paste(text: string): Promise<void> {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await lines.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
}

/** The editor's whole text, copied out with the keyboard. */
async function editorText(): Promise<string> {
  await lines.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+C');
  return page.evaluate(() => navigator.clipboard.readText());
}

describe('the spec editor beside the canvas', () => {
  it('applies a paste the canvas changes under before it applied, instead of writing over it', async () => {
    onTestFailed(() => page.screenshot({ path: 'test-results/spec-editor-race.png' }).then(() => {}));
    const spec = JSON.parse(await editorText()) as StudioSpec;
    spec.client.name = 'Moon Co';
    await paste(JSON.stringify(spec, null, 2));
    // The canvas changes before the paste's debounce (400 ms) ran out: the Undo button, at once.
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => shown(page.locator('.topbar .brand'))).toContain('Moon Co');
    await new Promise((r) => setTimeout(r, 800));
    expect((JSON.parse(await editorText()) as StudioSpec).client.name).toBe('Moon Co');
    expect(await shown(page.locator('.topbar .brand'))).toContain('Moon Co');
  });

  it('rewrites the text on undo and redo, also back to a spec that came from the text', async () => {
    onTestFailed(() => page.screenshot({ path: 'test-results/spec-editor-undo.png' }).then(() => {}));
    const before = JSON.parse(await editorText()) as StudioSpec;
    const edited = structuredClone(before);
    edited.client.name = 'Sun Co';
    await paste(JSON.stringify(edited, null, 2));
    await expect.poll(() => shown(page.locator('.topbar .brand'))).toContain('Sun Co');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect
      .poll(async () => (JSON.parse(await editorText()) as StudioSpec).client.name)
      .toBe(before.client.name);
    // Redo returns the very spec object the paste made: the text must show it again.
    await page.getByRole('button', { name: 'Redo' }).click();
    await expect.poll(async () => (JSON.parse(await editorText()) as StudioSpec).client.name).toBe('Sun Co');
    // The canvas's own write is not taken back as an edit: a second undo 1 s later still holds.
    await page.getByRole('button', { name: 'Undo' }).click();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await shown(page.locator('.topbar .brand'))).not.toContain('Sun Co');
    expect((JSON.parse(await editorText()) as StudioSpec).client.name).toBe(before.client.name);
    expect(consoleErrors).toEqual([]);
  });
});
