/**
 * Screenshots of the field-pair table at 1440×900 into docs/screenshots/studio-pairs*.png.
 * Run: node --import tsx test/studio/pairs-screenshots.ts
 */
import { join } from 'node:path';
import { Consultant } from './consultant.ts';
import { buildStudio, HUBSPOT_TOKEN, launchChromium, startSandbox } from './harness.ts';

const OUT = join(import.meta.dirname, '../../docs/screenshots');
await buildStudio();
const sandbox = await startSandbox();
const chromium = await launchChromium();
try {
  const page = await (
    await chromium.browser.newContext({ viewport: { width: 1440, height: 900 } })
  ).newPage();
  const shot = async (name: string) => {
    await page.screenshot({ path: join(OUT, `studio-${name}.png`) });
    console.log(`docs/screenshots/studio-${name}.png`);
  };
  await page.goto(sandbox.studio.url);
  await page.waitForSelector('[data-testid="canvas"]');
  const me = new Consultant(page);
  await me.connectHubSpot(HUBSPOT_TOKEN);
  await me.readDestination('events-platform');
  await page.click('[data-testid="tab-suggestions"]');
  await page.click('[data-testid="view-table"]');
  await page.click('[data-testid="pairs-load-samples"]');
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="pairs-load-samples"]')?.textContent?.includes('Reload'),
  );
  await shot('pairs-likely');
  await page.click('[data-testid="pairs-accept-likely"]');
  await page
    .locator('[data-testid="pair-row"][data-pair="email|email"] [data-testid="pair-formula-to-destination"]')
    .selectOption('lowercase+stripSpaces');
  await page
    .locator('[data-testid="pair-row"][data-pair="phone|phone"] [data-testid="pair-formula-to-destination"]')
    .selectOption('stripSpaces');
  await page
    .locator(
      '[data-testid="pair-row"][data-pair="country|country"] [data-testid="pair-direction-to-destination"]',
    )
    .click();
  await page
    .locator('[data-testid="pair-row"][data-pair="email|email"] [data-testid="pair-owner"]')
    .selectOption('hubspot');
  await page.click('[data-testid="pair-new-hubspot"]');
  await page.keyboard.type('event st');
  await page.keyboard.press('Enter');
  await page.click('[data-testid="pair-new-destination"]');
  await page.keyboard.type('stat');
  await shot('pairs-picker');
  await page.keyboard.press('Enter');
  await page
    .locator(
      '[data-testid="pair-row"][data-pair="event_status|status"] [data-testid="pair-direction-to-destination"]',
    )
    .click();
  await page.click('[data-testid="tab-problems"]');
  await shot('pairs');
} finally {
  await chromium.close();
  await sandbox.close();
}
