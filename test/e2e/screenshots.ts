/**
 * Screenshots of what `npm start` shows, at 1440×900, into docs/screenshots/sandbox-*.png: the
 * Notification Centre after a contact change landed, and the studio with the starter spec open.
 * Run: node --import tsx test/e2e/screenshots.ts
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStudio } from '@kongo/studio';
import {
  ATTENDEES,
  type Attendee,
  getJson,
  type HubSpotRecord,
  launchBrowser,
  sendJson,
  startTestSandbox,
  until,
} from './harness.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'docs', 'screenshots');
mkdirSync(OUT, { recursive: true });

const running = await startTestSandbox({ heartbeatSeconds: 5, alertRules: { minIntervalSeconds: 1 } });
const sb = running.sandbox;
const studio = await startStudio({
  port: 0,
  hubspotBaseUrl: sb.urls.hubspot,
  destinations: [
    {
      name: 'events-platform',
      api: 'graphql',
      url: sb.urls.events,
      token: sb.events.token,
      objectType: 'Attendee',
    },
    { name: 'job-system', api: 'rest', url: sb.urls.jobs, token: sb.jobs.token, objectType: 'jobs' },
  ],
  mode: 'dist',
});
const browser = await launchBrowser();
try {
  // A few people changed in HubSpot, as in a demo: each lands in the events platform.
  const people = [
    {
      email: 'ada.lovelace@example.com',
      firstname: 'Ada',
      lastname: 'Lovelace',
      company: 'Analytical Engines',
    },
    { email: 'grace.hopper@example.com', firstname: 'Grace', lastname: 'Hopper', company: 'Harvard Mark I' },
    { email: 'alan.turing@example.com', firstname: 'Alan', lastname: 'Turing', company: 'Bletchley Park' },
  ];
  const contacts: HubSpotRecord[] = [];
  for (const properties of people)
    contacts.push(
      await sendJson<HubSpotRecord>('POST', `${sb.urls.hubspot}/_admin/records/contacts`, { properties }),
    );
  const first = contacts[0];
  if (!first) throw new Error('no contact');
  await sendJson('PATCH', `${sb.urls.hubspot}/_admin/records/contacts/${first.id}`, {
    properties: { jobtitle: 'Analyst', lifecyclestage: 'customer' },
  });
  await until(
    'the changes to land',
    async () => {
      const found = await getJson<{ data: Attendee[] }>(
        `${sb.urls.events}/_admin/records?email=ada.lovelace@example.com`,
      );
      return found.data[0]?.jobTitle === 'Analyst' ? true : undefined;
    },
    { timeoutMs: 20_000 },
  );
  // One heartbeat after the change, so the centre shows it.
  await new Promise((resolve) => setTimeout(resolve, 6_000));

  const page = await browser.context.newPage();
  await page.goto(`${sb.urls.notificationCentre}/#/i/${ATTENDEES}`);
  await page.locator('.detail-head').waitFor();
  await page.waitForTimeout(2_500);
  await page.screenshot({ path: join(OUT, 'sandbox-notification-centre.png') });
  console.log('docs/screenshots/sandbox-notification-centre.png');

  await page.goto(studio.url);
  await page.waitForSelector('[data-testid="canvas"]');
  await page.setInputFiles(
    '[data-testid="open-spec"]',
    join(ROOT, 'templates', 'starters', 'contacts-events.integration-spec.json'),
  );
  // Connect both sides as a consultant would, so the canvas shows the fields and their mappings.
  const secrets = JSON.parse(readFileSync(join(running.stateDir, 'secrets.json'), 'utf8')) as Record<
    string,
    string
  >;
  await page.click('[data-testid="open-connect-hubspot"]');
  await page.fill('[data-testid="hubspot-token"]', secrets['/velflex/hubspot-access-token'] ?? '');
  await page.click('[data-testid="hubspot-connect"]');
  await page.waitForSelector('[data-testid="source-search"]');
  await page.click('[data-testid="open-connect-destination"]');
  await page.click('[data-testid="destination-events-platform"]');
  await page.waitForSelector('[data-testid="target-search"]');
  await page.click('[data-testid="tab-preview"]');
  await page.click('[data-testid="preview-load"]');
  await page.waitForSelector('[data-testid="preview-table"]');
  await page.waitForTimeout(1_500);
  await page.screenshot({ path: join(OUT, 'sandbox-studio.png') });
  console.log('docs/screenshots/sandbox-studio.png');
} finally {
  await browser.close();
  await studio.close();
  await running.close();
}
