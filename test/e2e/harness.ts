/**
 * What the end-to-end tests and the loop benchmark share: the whole sandbox (`startSandbox`, as
 * `npm start` runs it) on free ports with test settings, headless Chromium, and small readers for
 * the simulators' admin APIs and counters.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../sandbox/src/start/sandbox.ts';

const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** The starters' integration names (templates/starters/). */
export const ATTENDEES = 'velflex-attendees';
export const JOBS = 'porter-group-jobs';

export interface TestSandbox {
  sandbox: Sandbox;
  stateDir: string;
  close(): Promise<void>;
}

/**
 * The sandbox on port 0s, dynalite in memory, a fresh state folder. The folder sits under the
 * repository's git-ignored `.kongo/` (not the OS temp dir) because the generated integrations
 * import `@kongo/runtime`, which only resolves from inside the repository's node_modules tree.
 */
export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const parent = join(REPO_ROOT, '.kongo', 'test-runs');
  mkdirSync(parent, { recursive: true });
  const stateDir = mkdtempSync(join(parent, 'e2e-'));
  const sandbox = await startSandbox({
    stateDir,
    inMemory: true,
    indexingLagMs: 0,
    studio: false,
    ports: {
      studio: 0,
      notificationCentre: 0,
      gateway: 0,
      hubspot: 0,
      events: 0,
      jobs: 0,
      dynamo: 0,
      slack: 0,
    },
    ...options,
  });
  return {
    sandbox,
    stateDir,
    async close() {
      await sandbox.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** REFERENCE.md §8: the flags Debian's Chromium needs headless as root. */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Headless Chromium (Debian's, never a downloaded one) with a fresh profile that is removed on close. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'kongo-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1440, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} → ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A JSON request to an admin API; throws with the answer unless it is 2xx. */
export async function sendJson<T>(method: string, url: string, body: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export interface HubSpotRecord {
  id: string;
  properties: Record<string, string | null>;
}

export interface Attendee {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  jobTitle: string | null;
  status: string;
  updatedAt: string;
}

export interface SimCounters {
  total: number;
  byEndpoint: Record<string, Record<string, number>>;
  byOperation?: Record<string, Record<string, number>>;
}

function sum(statuses: Record<string, number> | undefined, ok: (status: string) => boolean): number {
  return Object.entries(statuses ?? {}).reduce((n, [status, count]) => n + (ok(status) ? count : 0), 0);
}
const is2xx = (status: string) => status.startsWith('2');

/** Successful contact writes by the integration (reads, searches and batch reads excluded). */
export function hubspotContactWrites(counters: SimCounters): number {
  return Object.entries(counters.byEndpoint)
    .filter(
      ([endpoint]) =>
        /^(POST|PATCH|PUT|DELETE) \/crm\/v3\/objects\/contacts/.test(endpoint) &&
        !/\/(search|batch\/read)$/.test(endpoint),
    )
    .reduce((n, [, statuses]) => n + sum(statuses, is2xx), 0);
}

/** Successful GraphQL mutations (the events platform answers errors with 200, so 200 = answered). */
export function eventsMutations(counters: SimCounters, name?: string): number {
  return Object.entries(counters.byOperation ?? {})
    .filter(([operation]) => (name ? operation === `mutation ${name}` : operation.startsWith('mutation ')))
    .reduce((n, [, statuses]) => n + sum(statuses, is2xx), 0);
}

/** Poll `read` every `everyMs` until it returns something other than undefined; throws after `timeoutMs`. */
export async function until<T>(
  what: string,
  read: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 10_000, everyMs = 25 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Until every webhook has been delivered and every loaded integration's queue is empty. */
export async function settle(sandbox: Sandbox, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // Two quiet looks in a row: a message acked between the two reads may just have caused a write.
  let quiet = 0;
  for (;;) {
    await sandbox.hubspot.webhooksIdle();
    await sandbox.events.idle(timeoutMs);
    await sandbox.jobs.idle();
    let busy = 0;
    for (const loaded of sandbox.integrations.values()) {
      const depth = await loaded.runtime.queue.depth();
      busy += depth.visible + depth.inFlight;
    }
    quiet = busy === 0 ? quiet + 1 : 0;
    if (quiet === 2) return;
    if (Date.now() > deadline) throw new Error(`queues still hold ${busy} message(s) after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
