/**
 * The consultant's journeys, measured: `npm start`, then in Chromium two NEW integrations, each
 * Run locally with one change each way landing:
 *
 * - contacts ↔ attendees with the issue's 15 fixed mappings;
 * - deals ↔ jobs: the job's `title` = concat(deal name, " – ", job reference) one way (concat has no
 *   inverse), the job reference as the natural key, and deal stage ↔ job status as an enumMap both
 *   ways. The starter `porter-group-jobs` syncs the same deals and jobs (its `title` ← `dealname`
 *   would feed our concat back into the deal name), so the consultant stops it in Open running first.
 *
 * The browser part uses only Playwright's pointer and keyboard on what is on screen (no
 * page.evaluate, no storage, no API calls); every click, drag, key chord, typed string and option
 * pick is counted. Setup outside the studio (not counted): the client's portal holds a custom
 * "Ticket type" contact property, as a real client's would; the changes are made the way a person
 * makes them, in the HubSpot, events and jobs simulators (their admin APIs stand for the systems'
 * own screens).
 *
 *   node --import tsx test/bench/journey.bench.ts [contacts|jobs]   (both by default)
 *
 * Needs the fixed ports 4300–4370 free (it runs `npm start` itself) and Debian's chromium.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { actionCounter, jobsIntegrationInUi, mappingsMade, pairTable } from '../studio/journeys.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const which = process.argv[2] ?? 'both';
if (!['both', 'contacts', 'jobs'].includes(which))
  throw new Error(`Unknown journey "${which}": use contacts, jobs or nothing (both)`);
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
      if (m?.[1] && m[2]) lines[m[1]] = m[2];
    }
    if (buffer.includes('Ctrl-C stops everything')) ready();
  });
  child.once('exit', (code) => fail(new Error(`npm start exited (${code})`)));
});
const url = (label: string): string => {
  const found = lines[label];
  if (!found) throw new Error(`npm start printed no "${label}" line`);
  return found.replace(/\/$/, '');
};
const studioUrl = url('Studio');
const hubspotUrl = url('HubSpot simulator');
const eventsUrl = url('Events simulator');
const jobsUrl = url('Jobs simulator');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls `probe` every 200 ms until it answers something truthy, or `tries` run out. */
async function until<T>(tries: number, probe: () => Promise<T | undefined | false>): Promise<T | undefined> {
  for (let i = 0; i < tries; i++) {
    const found = await probe();
    if (found) return found;
    await sleep(200);
  }
  return undefined;
}
const sendJson = async (method: string, to: string, body: unknown): Promise<unknown> => {
  const res = await fetch(to, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${to}: ${res.status} ${await res.text()}`);
  return res.json();
};

interface Journey {
  actions: number;
  pairs: number;
  landed: boolean;
  seconds: number;
}

async function contactsJourney(page: Page): Promise<Journey> {
  const begun = Date.now();
  const { act, count } = actionCounter('contacts');
  // The client's portal: a custom ticket-type property (HubSpot's properties API, the starter's token).
  const secrets = JSON.parse(readFileSync(join(ROOT, '.kongo', 'secrets.json'), 'utf8')) as Record<
    string,
    string
  >;
  const created = await fetch(`${hubspotUrl}/crm/v3/properties/contacts`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${secrets['/velflex/hubspot-access-token']}`,
      'content-type': 'application/json',
    },
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

  const name = `journey-${Date.now().toString(36)}`;
  await act('New integration', () => page.click('[data-testid="new-integration-open"]'));
  await act('type the client', () => page.fill('[data-testid="new-client"]', 'Journey Events'));
  await act('type the name', () => page.fill('[data-testid="new-name"]', name));
  await act('Create', () => page.click('[data-testid="new-create"]'));
  await page.locator('[data-testid="open-connect-destination"]').filter({ hasText: '12 fields' }).waitFor();
  await act('Field pairs view', () => page.click('[data-testid="view-table"]'));
  await act('Accept all likely', () => page.click('[data-testid="pairs-accept-likely"]'));

  const t = pairTable(page, act);
  // Both ways: email, first/last name, company, job title, phone.
  for (const [h, q, d] of [
    ['email', 'email', 'email'],
    ['firstname', 'first name', 'firstName'],
    ['lastname', 'last name', 'lastName'],
    ['company', 'company name', 'company'],
    ['jobtitle', 'job title', 'jobTitle'],
    ['phone', 'phone number', 'phone'],
  ] as const) {
    await t.addPair(q, h, d, d);
    await t.direction(`${h}|${d}`, 'both');
  }
  await t.formula('email|email', 'lowercase+stripSpaces');
  await t.formula('phone|phone', 'stripSpaces');
  // HubSpot → events only: country, status from Lead Status, ticket type.
  await t.addPair('country', 'country', 'country', 'country');
  await t.direction('country|country', 'to-destination');
  await t.addPair('lead status', 'hs_lead_status', 'status', 'status');
  await t.direction('hs_lead_status|status', 'to-destination');
  await t.addPair('ticket type', 'ticket_type', 'ticket', 'ticketType');
  await t.direction('ticket_type|ticketType', 'to-destination');

  // Lead Status has no option named like an attendee status: NEW → REGISTERED, the rest otherwise WAITLISTED.
  await act('Edit Lead Status map', () =>
    t.row('hs_lead_status|status').locator('[data-testid="pair-formula-to-destination-enum"]').click(),
  );
  await act('NEW → REGISTERED', () =>
    page.locator('[data-testid="enum-editor"] select[aria-label="Map NEW"]').selectOption('REGISTERED'),
  );
  await act('otherwise WAITLISTED', () =>
    page.locator('[data-testid="enum-otherwise"]').selectOption({ label: 'WAITLISTED' }),
  );
  await act('Edit ticket type map', () =>
    t.row('ticket_type|ticketType').locator('[data-testid="pair-formula-to-destination-enum"]').click(),
  );
  await act('Accept all option suggestions', () => page.click('[data-testid="enum-accept-all"]'));
  const pairs = await mappingsMade(page);

  await act('Run locally', () => page.click('[data-testid="run-locally"]'));
  await page.locator('[data-testid="run-locally-status"]').waitFor({ timeout: 60_000 });
  const actions = count();

  // One change each way, made as a person makes it in each system.
  const email = `${name}@example.com`;
  await sendJson('POST', `${hubspotUrl}/_admin/records/contacts`, {
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
  });
  await page
    .locator('[data-testid="run-trace-outcome"]')
    .filter({ hasText: 'landed' })
    .waitFor({ timeout: 60_000 });
  type Attendee = Record<string, string | null>;
  const out = await until(100, async () => {
    const { data } = (await (await fetch(`${eventsUrl}/_admin/records`)).json()) as { data: Attendee[] };
    return data.find((a) => a.email === email);
  });
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
    await sleep(6_000);
    await sendJson('PATCH', `${eventsUrl}/_admin/records/${out.id}`, {
      jobTitle: 'Chief Analyst',
      company: 'Analytical Engines',
    });
    backOk = Boolean(
      await until(150, async () => {
        const search = await fetch(`${hubspotUrl}/_admin/records/contacts`);
        const { results } = (await search.json()) as {
          results: Array<{ properties: Record<string, string> }>;
        };
        const contact = results.find((c) => c.properties.email === email);
        return (
          contact?.properties.jobtitle === 'Chief Analyst' &&
          contact.properties.company === 'Analytical Engines'
        );
      }),
    );
  }
  if (!outOk) console.log(`contacts: HubSpot → events landed as ${JSON.stringify(out)}`);
  if (!backOk) console.log('contacts: events → HubSpot did not land');
  return { actions, pairs, landed: outOk && backOk, seconds: (Date.now() - begun) / 1000 };
}

async function jobsJourney(page: Page): Promise<Journey> {
  const begun = Date.now();
  const { act, count } = actionCounter('jobs');
  await jobsIntegrationInUi(page, act, { client: 'Journey Builders', stop: ['porter-group-jobs'] });
  const actions = count();
  const pairs = await mappingsMade(page);

  // A salesperson wins a deal in HubSpot; later the field team cancels the job.
  const reference = `J-${Date.now().toString(36).toUpperCase()}`;
  await sendJson('POST', `${hubspotUrl}/_admin/records/deals`, {
    properties: { dealname: 'Roof repair', job_reference: reference, dealstage: 'closedwon', amount: '1200' },
  });
  await page
    .locator('[data-testid="run-trace-outcome"]')
    .filter({ hasText: 'landed' })
    .waitFor({ timeout: 60_000 });
  type Job = Record<string, unknown>;
  const job = await until(100, async () => {
    const { data } = (await (
      await fetch(`${jobsUrl}/_admin/records?reference=${encodeURIComponent(reference)}`)
    ).json()) as { data: Job[] };
    return data[0]?.title ? data[0] : undefined;
  });
  const outOk = job?.title === `Roof repair – ${reference}` && job.status === 'SCHEDULED';
  if (!outOk) console.log(`jobs: HubSpot → jobs landed as ${JSON.stringify(job)}`);
  let backOk = false;
  if (job?.id) {
    await sleep(6_000); // past policies.conflicts.windowSeconds, as in the contacts journey
    await sendJson('PATCH', `${jobsUrl}/_admin/records/${String(job.id)}`, { status: 'CANCELLED' });
    let last: Record<string, string> | undefined;
    backOk = Boolean(
      await until(150, async () => {
        const { results } = (await (await fetch(`${hubspotUrl}/_admin/records/deals`)).json()) as {
          results: Array<{ properties: Record<string, string> }>;
        };
        last = results.find((d) => d.properties.job_reference === reference)?.properties;
        return last?.dealstage === 'closedlost' && last.dealname === 'Roof repair';
      }),
    );
    if (!backOk) console.log(`jobs: jobs → HubSpot left the deal as ${JSON.stringify(last)}`);
  }
  return { actions, pairs, landed: outOk && backOk, seconds: (Date.now() - begun) / 1000 };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu'],
});
const results: Array<[string, Journey | Error]> = [];
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(studioUrl);
  await page.waitForSelector('[data-testid="canvas"]');
  for (const [label, journey] of [
    ['contacts ↔ attendees', contactsJourney],
    ['deals ↔ jobs', jobsJourney],
  ] as const) {
    if (which !== 'both' && !label.startsWith(which === 'contacts' ? 'contacts' : 'deals')) continue;
    try {
      results.push([label, await journey(page)]);
    } catch (error) {
      results.push([label, error as Error]);
      await page.screenshot({ path: join(ROOT, 'test-results', `journey-bench-${label.split(' ')[0]}.png`) });
    }
  }
} finally {
  await browser.close();
  for (const [label, r] of results) {
    console.log(`\n${label}`);
    if (r instanceof Error) {
      console.log(`  failed: ${r.message}`);
      continue;
    }
    console.log(`UI actions: ${r.actions}`);
    console.log(`field pairs: ${r.pairs}`);
    console.log(`browser time: ${r.seconds.toFixed(1)} s`);
    console.log(`landed both ways: ${r.landed ? 'yes' : 'no'}`);
  }
  console.log(`(total with npm start: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  child.kill('SIGINT');
}
