/**
 * `kongo sync SPEC --backfill` and `kongo reconcile SPEC` as a person runs them: a spec file, the
 * local secrets file, dynalite, the simulators and the Notification Centre, which receives the
 * reconciliation summary.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReconcileCommand } from '../../cli/src/commands/reconcile.ts';
import { runBackfillCommand } from '../../cli/src/commands/sync.ts';
import {
  memoryNotifier,
  type RunningNotificationCentre,
  startNotificationCentre,
} from '../../notification-centre/src/index.ts';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { type Harness, startHarness } from '../runtime/harness.ts';

const NC_KEY = 'nc-key-for-the-reconcile-cli-test-0123456789';
let dynamo: LocalDynamo;
let nc: RunningNotificationCentre;
let h: Harness;
let dir: string;
let specFile: string;
let secretsFile: string;

function capture() {
  const lines: string[] = [];
  return { lines, output: { out: (t: string) => lines.push(t), err: (t: string) => lines.push(t) } };
}

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  nc = await startNotificationCentre({
    notifier: memoryNotifier(),
    logSink: () => {},
    detectEverySeconds: 0,
  });
  h = await startHarness({ dynamo });
  await fetch(`${nc.url}/api/admin/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: nc.url, 'x-kongo-session': nc.sessionToken },
    body: JSON.stringify({ slug: h.spec.client.slug, name: h.spec.client.name }),
  });
  await fetch(`${nc.url}/api/admin/integrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: nc.url, 'x-kongo-session': nc.sessionToken },
    body: JSON.stringify({
      id: h.spec.integration.name,
      clientSlug: h.spec.client.slug,
      key: NC_KEY,
      intervalSeconds: 60,
    }),
  });
  dir = await mkdtemp(join(tmpdir(), 'kongo-sync-cli-'));
  specFile = join(dir, 'integration-spec.json');
  await writeFile(specFile, JSON.stringify(h.spec));
  secretsFile = join(dir, 'secrets.json');
  const secrets = JSON.parse(await readFile(h.secretsFile, 'utf8')) as Record<string, string>;
  await writeFile(
    secretsFile,
    JSON.stringify({
      ...secrets,
      [h.spec.monitoring.notificationCentre.urlParameter]: nc.url,
      [h.spec.monitoring.notificationCentre.keyParameter]: NC_KEY,
    }),
  );
}, 30_000);
afterAll(async () => {
  await h.close();
  await nc.close();
  await dynamo.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the sync and reconcile commands', () => {
  it('backfill, then reconcile: everything mapped, summary on the Notification Centre', async () => {
    await fetch(`${h.events.url}/_admin/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ count: 150 }),
    });
    const connection = {
      dynamo: dynamo.endpoint,
      table: h.tableName,
      secrets: secretsFile,
      hubspotBaseUrl: h.hub.url,
      destinationBaseUrl: h.events.url,
    };
    const sync = capture();
    const code = await runBackfillCommand(specFile, { ...connection }, sync.output);
    expect(sync.lines.join('')).toContain('Done: 150 written (0 matched and updated, 150 created), 0 failed');
    expect(code).toBe(0);
    expect(h.hub.listRecords('contacts')).toHaveLength(150);

    const rec = capture();
    expect(await runReconcileCommand(specFile, connection, rec.output)).toBe(0);
    const text = rec.lines.join('');
    expect(text).toContain('N in HubSpot:            150');
    expect(text).toContain('M in the destination:    150');
    expect(text).toContain('K mapped:                150');
    expect(text).toContain('U unmatched:             0');
    expect(text).toContain('Summary posted to the Notification Centre');
    const detail = (await (await fetch(`${nc.url}/api/integrations/${h.spec.integration.name}`)).json()) as {
      checks?: Array<{ name: string; value?: number }>;
    };
    const checks = JSON.stringify(detail);
    expect(checks).toContain('reconcile.mapped');
  }, 60_000);
});
