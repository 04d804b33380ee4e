/**
 * Starts what the studio's browser tests, screenshots and benchmark need, all on 127.0.0.1: the
 * HubSpot, events and jobs simulators (seeded), the studio server on the built app, and Chromium.
 */

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEventsSimulator } from '@kongo/sandbox/events';
import { startHubSpotSimulator } from '@kongo/sandbox/hubspot';
import { startJobsSimulator } from '@kongo/sandbox/jobs';
import { type StudioServer, startStudio } from '@kongo/studio';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const STUDIO_DIR = join(ROOT, 'studio');
export const HUBSPOT_TOKEN = 'pat-na1-studio-e2e';

/** `vite build` of the studio into studio/dist (once per run). */
export async function buildStudio(outDir?: string): Promise<void> {
  await build({
    configFile: join(STUDIO_DIR, 'vite.config.ts'),
    root: STUDIO_DIR,
    logLevel: 'warn',
    // A test file building in parallel with another gets its own folder (never half of studio/dist).
    ...(outDir ? { build: { outDir, emptyOutDir: true } } : {}),
  });
}

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium with a fresh profile (playwright-core makes and removes a temporary one per launch). */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
  });
  return { browser, close: () => browser.close() };
}

export interface Sandbox {
  studio: StudioServer;
  hubspotUrl: string;
  eventsUrl: string;
  /** The client's admin changing a property in HubSpot (e.g. adding an option): drift for the studio. */
  updateHubSpotProperty(name: string, patch: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** The simulators with a client's data (a custom "Event status" property, contacts, attendees), and the studio. */
export async function startSandbox(): Promise<Sandbox> {
  const hubspot = await startHubSpotSimulator({
    apps: [{ appId: 424242, clientSecret: 'studio-e2e-secret', accessToken: HUBSPOT_TOKEN }],
    indexingLagMs: 0,
  });
  const events = await startEventsSimulator({ webhooks: 'none' });
  const jobs = await startJobsSimulator({});

  const createProperty = await fetch(`${hubspot.url}/crm/v3/properties/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${HUBSPOT_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'event_status',
      label: 'Event status',
      type: 'enumeration',
      fieldType: 'select',
      groupName: 'contactinformation',
      options: [
        { label: 'Registered', value: 'registered', displayOrder: 0 },
        { label: 'Checked in', value: 'checked_in', displayOrder: 1 },
        { label: 'Cancelled', value: 'cancelled', displayOrder: 2 },
        { label: 'Wait-listed', value: 'waitlisted', displayOrder: 3 },
        { label: 'No show', value: 'no_show', displayOrder: 4 },
      ],
    }),
  });
  if (!createProperty.ok)
    throw new Error(`Could not create event_status: ${createProperty.status} ${await createProperty.text()}`);

  const people = [
    ['Ann', 'Lee', 'ann.lee@velflex.example', 'Velflex', 'CTO', '+61 2 5550 1234', 'registered'],
    ['Bo', 'Chan', 'bo@acme.example', 'Acme', 'Buyer', '+61 3 5550 9876', 'checked_in'],
    ['Cy', 'Diaz', 'cy@globex.example', 'Globex', 'Engineer', '+1 415 555 0100', 'no_show'],
  ] as const;
  for (const [firstname, lastname, email, company, jobtitle, phone, status] of people)
    await hubspot.ui.create('contacts', {
      firstname,
      lastname,
      email: email.toUpperCase(),
      company,
      jobtitle,
      phone,
      event_status: status,
    });
  events.store.create(
    {
      email: 'ann.lee@velflex.example',
      firstName: 'Ann',
      lastName: 'Li',
      company: 'Velflex',
      status: 'WAITLISTED',
    },
    'ui',
  );

  const studio = await startStudio({
    port: 0,
    hubspotBaseUrl: hubspot.url,
    mode: 'dist',
    destinations: [
      {
        name: 'events-platform',
        api: 'graphql',
        url: events.url,
        token: events.token,
        objectType: 'Attendee',
      },
      { name: 'job-system', api: 'rest', url: jobs.url, token: jobs.token, objectType: 'jobs' },
    ],
  });
  return {
    studio,
    hubspotUrl: hubspot.url,
    eventsUrl: events.url,
    async updateHubSpotProperty(name, patch) {
      const res = await fetch(`${hubspot.url}/crm/v3/properties/contacts/${name}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${HUBSPOT_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(patch),
      });
      if (!res.ok) throw new Error(`Could not update ${name}: ${res.status} ${await res.text()}`);
    },
    async close() {
      await studio.close();
      await Promise.all([hubspot.close(), events.close(), jobs.close()]);
    },
  };
}
