/**
 * The consultant's journey, measured: `npm start`, then in Chromium a NEW contacts ↔ attendees
 * integration with the issue's 15 fixed mappings, Run locally, and one change each way landing.
 * The browser part uses only Playwright's pointer and keyboard on what is on screen (no
 * page.evaluate, no storage, no API calls); every click, key chord, typed string and option pick is
 * counted. Setup outside the studio (not counted): the client's portal holds a custom "Ticket type"
 * property, as a real client's would; the two changes are made the way a person makes them, in the
 * HubSpot and events simulators (their admin APIs stand for the systems' own screens).
 *
 *   node --import tsx test/bench/journey.bench.ts
 *
 * Needs the fixed ports 4300–4370 free (it runs `npm start` itself) and Debian's chromium.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Locator } from 'playwright-core';

const ROOT = join(import.meta.dirname, '..', '..');
const started = Date.now();

const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/src/start.ts'], {
  cwd: ROOT,
  env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const lines: Record<string, string> = {};
await new Promise<void>((ready, fail) => {
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (const line of buffer.split('\n')) {
      const m = /^([A-Za-z ()-]+): (http\S+)$/.exec(line.trim());
      if (m) lines[m[1]!] = m[2]!;
    }
    if (buffer.includes('Ctrl-C stops everything')) ready();
  });
  child.once('exit', (code) => fail(new Error(`npm start exited (${code})`)));
});
const studioUrl = lines.Studio!;
const hubspotUrl = lines['HubSpot simulator']!.replace(/\/$/, '');
const eventsUrl = lines['Events simulator']!.replace(/\/$/, '');

// The client's portal: a custom ticket-type property (HubSpot's properties API, the starter's token).
const secrets = JSON.parse(readFileSync(join(ROOT, '.kongo', 'secrets.json'), 'utf8')) as Record<
  string,
  string
>;
const portalToken = secrets['/velflex/hubspot-access-token'];
const created = await fetch(`${hubspotUrl}/crm/v3/properties/contacts`, {
  method: 'POST',
  headers: { authorization: `Bearer ${portalToken}`, 'content-type': 'application/json' },
  body: JSON.stringify({
    name: 'ticket_type',
    label: 'Ticket type',
    type: 'enumeration',
    fieldType: 'select',
    groupName: 'contactinformation',
    options: ['General', 'VIP', 'Speaker', 'Sponsor'].map((label, i) => ({
      label,
      value: label.toLowerCase(),
      displayOrder: i,
    })),
  }),
});
if (!created.ok && created.status !== 409)
  throw new Error(`ticket_type: ${created.status} ${await created.text()}`);

let actions = 0;
const act = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
  actions++;
  if (process.env.JOURNEY_VERBOSE) console.log(`${actions}. ${what}`);
  return work();
};
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
const browserStart = Date.now();
let landedBothWays = false;
let contactsActions = 0;
let pairsMade = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(studioUrl);
  await page.waitForSelector('[data-testid="canvas"]');
  const name = `journey-${Date.now().toString(36)}`;

  await act('New integration', () => page.click('[data-testid="new-integration-open"]'));
  await act('type the client', () => page.fill('[data-testid="new-client"]', 'Journey Events'));
  await act('type the name', () => page.fill('[data-testid="new-name"]', name));
  await act('Create', () => page.click('[data-testid="new-create"]'));
  await page.locator('[data-testid="open-connect-destination"]').filter({ hasText: '12 fields' }).waitFor();
  await act('Field pairs view', () => page.click('[data-testid="view-table"]'));
  await act('Accept all likely', () => page.click('[data-testid="pairs-accept-likely"]'));

  const row = (pair: string): Locator => page.locator(`[data-testid="pair-row"][data-pair="${pair}"]`);
  const addPair = async (hubspotQuery: string, hubspot: string, destQuery: string, destination: string) => {
    if ((await row(`${hubspot}|${destination}`).count()) > 0) return;
    await act(`HubSpot picker for ${hubspot}`, () => page.click('[data-testid="pair-new-hubspot"]'));
    await act(`type ${hubspotQuery}`, () => page.keyboard.type(hubspotQuery));
    await page.locator(`[data-testid="pair-new-hubspot-options"] [data-field="${hubspot}"]`).waitFor();
    await act(`pick ${hubspot}`, () =>
      page.click(`[data-testid="pair-new-hubspot-options"] [data-field="${hubspot}"]`),
    );
    await act(`destination picker for ${destination}`, () =>
      page.click('[data-testid="pair-new-destination"]'),
    );
    await act(`type ${destQuery}`, () => page.keyboard.type(destQuery));
    await page
      .locator(`[data-testid="pair-new-destination-options"] [data-field="${destination}"]`)
      .waitFor();
    await act(`pick ${destination}`, () =>
      page.click(`[data-testid="pair-new-destination-options"] [data-field="${destination}"]`),
    );
    await row(`${hubspot}|${destination}`).waitFor();
  };
  const direction = async (pair: string, d: 'to-destination' | 'to-hubspot' | 'both') => {
    const button = row(pair).locator(`[data-testid="pair-direction-${d}"]`);
    if ((await button.getAttribute('aria-pressed')) !== 'true')
      await act(`${pair} ${d}`, () => button.click());
  };
  const formula = async (pair: string, preset: string) => {
    const select = row(pair).locator('[data-testid="pair-formula-to-destination"]');
    if ((await select.inputValue()) !== preset)
      await act(`${pair} → ${preset}`, () => select.selectOption(preset));
  };

  // Both ways: email, first/last name, company, job title, phone.
  for (const [h, q, d] of [
    ['email', 'email', 'email'],
    ['firstname', 'first name', 'firstName'],
    ['lastname', 'last name', 'lastName'],
    ['company', 'company name', 'company'],
    ['jobtitle', 'job title', 'jobTitle'],
    ['phone', 'phone number', 'phone'],
  ] as const) {
    await addPair(q, h, d, d);
    await direction(`${h}|${d}`, 'both');
  }
  await formula('email|email', 'lowercase+stripSpaces');
  await formula('phone|phone', 'stripSpaces');
  // HubSpot → events only: country, status from Lead Status, ticket type.
  await addPair('country', 'country', 'country', 'country');
  await direction('country|country', 'to-destination');
  await addPair('lead status', 'hs_lead_status', 'status', 'status');
  await direction('hs_lead_status|status', 'to-destination');
  await addPair('ticket type', 'ticket_type', 'ticket', 'ticketType');
  await direction('ticket_type|ticketType', 'to-destination');

  // Lead Status has no option named like an attendee status: NEW → REGISTERED, the rest otherwise WAITLISTED.
  await act('Edit Lead Status map', () =>
    row('hs_lead_status|status').locator('[data-testid="pair-formula-to-destination-enum"]').click(),
  );
  await act('NEW → REGISTERED', () =>
    page.locator('[data-testid="enum-editor"] select[aria-label="Map NEW"]').selectOption('REGISTERED'),
  );
  await act('otherwise WAITLISTED', () =>
    page.locator('[data-testid="enum-otherwise"]').selectOption({ label: 'WAITLISTED' }),
  );
  await act('Edit ticket type map', () =>
    row('ticket_type|ticketType').locator('[data-testid="pair-formula-to-destination-enum"]').click(),
  );
  await act('Accept all option suggestions', () => page.click('[data-testid="enum-accept-all"]'));

  pairsMade =
    Number(
      /(\d+)/.exec(
        await page.locator('[data-testid="direction-hubspot-to-destination"] .count').innerText(),
      )?.[1],
    ) +
    Number(
      /(\d+)/.exec(
        await page.locator('[data-testid="direction-destination-to-hubspot"] .count').innerText(),
      )?.[1],
    );

  await act('Run locally', () => page.click('[data-testid="run-locally"]'));
  await page.locator('[data-testid="run-locally-status"]').waitFor({ timeout: 60_000 });

  // One change each way, made as a person makes it in each system.
  const email = `${name}@example.com`;
  await fetch(`${hubspotUrl}/_admin/records/contacts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      properties: {
        email: ` ${email.toUpperCase()}`,
        firstname: 'Ada',
        lastname: 'Lovelace',
        company: 'Engines',
        jobtitle: 'Analyst',
        phone: '+44 20 7946 0000',
        country: 'UK',
        hs_lead_status: 'NEW',
        ticket_type: 'vip',
      },
    }),
  });
  await page
    .locator('[data-testid="run-trace-outcome"]')
    .filter({ hasText: 'landed' })
    .waitFor({ timeout: 60_000 });
  type Attendee = Record<string, string | null>;
  const attendee = async (): Promise<Attendee | undefined> => {
    const { data } = (await (await fetch(`${eventsUrl}/_admin/records`)).json()) as { data: Attendee[] };
    return data.find((a) => a.email === email);
  };
  let out: Attendee | undefined;
  for (let i = 0; i < 100 && !out; i++) {
    out = await attendee();
    if (!out) await new Promise((r) => setTimeout(r, 200));
  }
  const outOk =
    out?.firstName === 'Ada' &&
    out.lastName === 'Lovelace' &&
    out.company === 'Engines' &&
    out.jobTitle === 'Analyst' &&
    out.phone === '+442079460000' &&
    out.country === 'UK' &&
    out.status === 'REGISTERED' &&
    out.ticketType === 'VIP';
  let backOk = false;
  if (out?.id) {
    // A person edits the attendee later than policies.conflicts.windowSeconds (5 s) after the
    // HubSpot change: within the window the spec's conflict winner (HubSpot) would keep HubSpot's values.
    await new Promise((r) => setTimeout(r, 6_000));
    await fetch(`${eventsUrl}/_admin/records/${out.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jobTitle: 'Chief Analyst', company: 'Analytical Engines' }),
    });
    for (let i = 0; i < 150 && !backOk; i++) {
      const search = await fetch(`${hubspotUrl}/_admin/records/contacts`);
      const { results } = (await search.json()) as { results: Array<{ properties: Record<string, string> }> };
      const contact = results.find((c) => c.properties.email === email);
      backOk =
        contact?.properties.jobtitle === 'Chief Analyst' &&
        contact.properties.company === 'Analytical Engines';
      if (!backOk) await new Promise((r) => setTimeout(r, 200));
    }
  }
  if (!outOk) console.log(`HubSpot → events landed as ${JSON.stringify(out)}`);
  landedBothWays = outOk && backOk;
  contactsActions = actions;
} finally {
  const browserSeconds = (Date.now() - browserStart) / 1000;
  await browser.close();
  console.log(`UI actions: ${contactsActions || actions}`);
  console.log(`field pairs: ${pairsMade}`);
  console.log(`browser time: ${browserSeconds.toFixed(1)} s`);
  console.log(`landed both ways: ${landedBothWays ? 'yes' : 'no'}`);
  console.log(`(total with npm start: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  child.kill('SIGINT');
}
