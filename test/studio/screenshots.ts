/**
 * Screenshots of the studio's main screens at 1440×900 into docs/screenshots/studio-*.png.
 * Run: node --import tsx test/studio/screenshots.ts
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Consultant } from './consultant.ts';
import { buildStudio, HUBSPOT_TOKEN, launchChromium, startSandbox } from './harness.ts';

const OUT = join(import.meta.dirname, '../../docs/screenshots');
mkdirSync(OUT, { recursive: true });

await buildStudio();
const sandbox = await startSandbox();
const chromium = await launchChromium();
try {
  const context = await chromium.browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const shot = async (name: string) => {
    await page.waitForTimeout(250);
    await page.screenshot({ path: join(OUT, `studio-${name}.png`) });
    console.log(`docs/screenshots/studio-${name}.png`);
  };
  await page.goto(sandbox.studio.url);
  await page.waitForSelector('[data-testid="canvas"]');
  await shot('empty');

  const me = new Consultant(page);
  await page.click('[data-testid="open-connect-hubspot"]');
  await page.fill('[data-testid="hubspot-token"]', HUBSPOT_TOKEN);
  await shot('connect');
  await page.click('[data-testid="hubspot-connect"]');
  await page.waitForSelector('[data-testid="source-search"]');
  await me.readDestination('events-platform');

  await me.mapThrough('lowercase', 'email', 'email');
  await me.mapField('firstname', 'firstName');
  await me.mapField('lastname', 'lastName');
  await me.mapThrough('stripSpaces', 'phone', 'phone');
  await me.mapConcat('jobtitle', ' at ', 'company', 'jobTitle');
  await me.mapEnum('event_status', 'status');
  await shot('enum-editor');
  await page.click('[data-testid="enum-accept-all"]');
  await me.search('source', '');
  await me.search('target', '');
  await page.click('[data-testid="tab-problems"]');
  await shot('canvas-all-fields');
  await page.check('[data-testid="source-list"] .mapped-toggle input');
  await shot('canvas');
  await page.uncheck('[data-testid="source-list"] .mapped-toggle input');

  await page.click('[data-testid="tab-suggestions"]');
  await shot('suggestions');

  await page.click('[data-testid="tab-preview"]');
  await page.click('[data-testid="preview-load"]');
  await page.waitForSelector('[data-testid="preview-table"]');
  await shot('preview');

  await page.click('[data-testid="tab-spec"]');
  await page.waitForSelector('.monaco-editor .view-lines');
  await page.waitForTimeout(800);
  await shot('spec');

  // The reverse direction needs one mapping before the spec validates and generates.
  await page.click('[data-testid="direction-destination-to-hubspot"]');
  await me.mapField('email', 'email');
  await me.search('source', '');
  await me.search('target', '');
  await page.click('[data-testid="direction-hubspot-to-destination"]');
  await page.click('[data-testid="tab-code"]');
  await page.getByRole('button', { name: 'Generate code' }).click();
  await page.waitForSelector('.file-list button', { timeout: 20_000 });
  await page.locator('.file-list button', { hasText: 'mappings' }).first().click();
  await shot('code');

  await page.click('[data-testid="direction-destination-to-hubspot"]');
  await page.click('[data-testid="tab-suggestions"]');
  await shot('reverse-direction');

  // The client's admin adds an option in HubSpot; reloading the properties shows the drift.
  await sandbox.updateHubSpotProperty('event_status', {
    options: ['registered', 'checked_in', 'cancelled', 'waitlisted', 'no_show', 'vip'].map(
      (value, displayOrder) => ({
        label: value === 'vip' ? 'VIP guest' : value,
        value,
        displayOrder,
      }),
    ),
  });
  await page.click('[data-testid="direction-hubspot-to-destination"]');
  await page.click('[data-testid="open-connect-hubspot"]');
  await page.click('[data-testid="hubspot-connect"]');
  await page.click('[data-testid="tab-problems"]');
  await page.waitForSelector('[data-testid="drift-hubspot"]');
  await shot('drift');
} finally {
  await chromium.close();
  await sandbox.close();
}
