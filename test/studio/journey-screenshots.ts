/**
 * Screenshots of the journey's screens for docs/screenshots/: New integration, the opened
 * integration, Run locally's checks and live trace, a refusal with its fix, Open running.
 * Run: node --import tsx test/studio/journey-screenshots.ts (starts its own sandbox on free ports).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStudio } from '@kongo/studio';
import { newIntegrationSpec } from '@kongo/studio/model';
import { destinationTemplates, studioOptionsFor } from '../../sandbox/src/start/studio-wiring.ts';
import { sendJson, startTestSandbox } from '../e2e/harness.ts';
import { buildStudio, launchChromium } from './harness.ts';
import { jobsIntegrationInUi } from './journeys.ts';

const OUT = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
const test = await startTestSandbox();
const distDir = join(test.stateDir, 'studio-dist');
await buildStudio(distDir);
const studio = await startStudio({ port: 0, ...studioOptionsFor(test.sandbox), mode: 'dist', distDir });
const chromium = await launchChromium();
try {
  const page = await chromium.browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(studio.url);
  await page.waitForSelector('[data-testid="canvas"]');
  const shot = (name: string) => page.screenshot({ path: join(OUT, `${name}.png`) });

  await page.click('[data-testid="new-integration-open"]');
  await page.fill('[data-testid="new-client"]', 'Acme Events');
  await shot('studio-new-integration');
  // The catalog picker with a destination the sandbox cannot run picked: it says so.
  await page.click('[data-testid="new-destination-zoom-meeting-registrants"]');
  await page.waitForSelector('[data-testid="new-not-runnable"]');
  await shot('studio-new-picker');
  await page.click('[data-testid="new-destination-events-platform"]');
  await page.click('[data-testid="new-create"]');
  await page.waitForFunction(() =>
    document.querySelector('[data-testid="open-connect-destination"]')?.textContent?.includes('12 fields'),
  );
  await shot('studio-new-created');

  // The same integration with the journey's first pairs, opened as a file, then Run locally.
  const template = destinationTemplates().get('events-platform')!;
  const spec = newIntegrationSpec({
    name: 'acme-events-attendees',
    clientName: 'Acme Events',
    objectType: 'contacts',
    destination: { name: 'events-platform', template },
  });
  spec.flows[0]!.mappings = [
    { target: 'email', value: { lowercase: [{ stripSpaces: [{ field: 'email' }] }] } },
    { target: 'firstName', value: { field: 'firstname' } },
    { target: 'company', value: { field: 'company' } },
  ];
  spec.flows[1]!.mappings = [
    { target: 'email', value: { field: 'email' } },
    { target: 'firstname', value: { field: 'firstName' } },
  ];
  const dir = join(test.stateDir, 'specs');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'acme.json'), JSON.stringify(spec, null, 2));
  await page.setInputFiles('[data-testid="open-spec"]', join(dir, 'acme.json'));
  await page.click('[data-testid="run-locally"]');
  await page.waitForSelector('[data-testid="run-waiting"]', { timeout: 30_000 });
  await sendJson('POST', `${test.sandbox.urls.hubspot}/_admin/records/contacts`, {
    properties: { email: ' Grace@Example.com', firstname: 'Grace', company: 'Navy' },
  });
  await page.waitForSelector('[data-testid="run-trace-outcome"]', { timeout: 30_000 });
  await shot('studio-run-live-trace');

  // A token typed by hand that the destination rejects: refused, with the fix.
  const file = join(test.stateDir, 'secrets.json');
  const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  secrets['/globex/destination-api-token'] = 'sk_test_typed_by_hand';
  writeFileSync(file, JSON.stringify(secrets));
  const globex = {
    ...spec,
    client: { slug: 'globex', name: 'Globex' },
    integration: { ...spec.integration, name: 'globex-attendees' },
  };
  const text = JSON.stringify(globex, null, 2).replaceAll('/acme-events/', '/globex/');
  writeFileSync(join(dir, 'globex.json'), text);
  await page.setInputFiles('[data-testid="open-spec"]', join(dir, 'globex.json'));
  await page.click('[data-testid="run-locally"]');
  await page.waitForSelector('[data-testid="run-refused"]', { timeout: 30_000 });
  await shot('studio-run-refused');

  await page.click('[data-testid="open-running-open"]');
  await page.waitForSelector('[data-testid="running-acme-events-attendees"]');
  await shot('studio-open-running');
  await page.keyboard.press('Escape');

  // The jobs journey (as the benchmark drives it), then its pairs and its concat on the canvas.
  const act = <T>(_what: string, work: () => Promise<T>) => work();
  await jobsIntegrationInUi(page, act, { client: 'Porter Builders', stop: ['porter-group-jobs'] });
  await shot('studio-jobs-running');
  await page.click('[data-testid="view-table"]');
  await page.waitForSelector('[data-testid="pair-row"]');
  await shot('studio-jobs-pairs');
  console.log(`screenshots written to ${OUT}`);
} finally {
  await chromium.close();
  await studio.close();
  await test.close();
}
