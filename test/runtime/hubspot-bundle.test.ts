/**
 * What a Lambda bundle of the runtime holds of @hubspot/api-client, built by esbuild the way infra's
 * KongoFunction builds the integration handlers (minified ESM for node22, `form-data` aliased to
 * infra's stub): only the object type named (`hubspotContactsApi`), no form-data / mime-db — and the
 * bundle, loaded in a fresh Node process, makes real HubSpot batch and search calls against the
 * simulator (the stub is never constructed on that path).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FORM_DATA_STUB } from '@kongo/infra';
import { type HubSpotSimulator, startHubSpotSimulator } from '@kongo/sandbox/hubspot';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../generator/golden.ts';

const APP = { appId: 4242, clientSecret: 'bundle-secret', accessToken: 'pat-bundle' };

const PROBE = `
import { hubspotClientOn, hubspotContactsApi, unlimitedBudget } from '@kongo/runtime/outbound';
import { hubspotSearchApiOn } from '@kongo/runtime/poll';

export async function probe(basePath, accessToken, id) {
  const client = hubspotClientOn(hubspotContactsApi, {
    basePath,
    accessToken,
    syncIdProperty: 'kongo_sync_id',
    budget: unlimitedBudget(),
  });
  const updated = await client.batchUpdate([{ id, properties: { jobtitle: 'Bundled' } }]);
  const read = await client.batchRead([id, '999999'], ['email', 'jobtitle']);
  const search = hubspotSearchApiOn(hubspotContactsApi, { basePath, accessToken, budget: unlimitedBudget() });
  const found = await search.search({
    filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'bundle@example.com' }] }],
    sort: 'hs_object_id',
    properties: ['email'],
    limit: 10,
  });
  await search.stop();
  return { updated, read, found, calls: client.calls + search.calls };
}
`;

let hub: HubSpotSimulator;
let dir: string;
let outfile: string;
let metafile: Metafile;

beforeAll(async () => {
  hub = await startHubSpotSimulator({ apps: [APP], indexingLagMs: 0 });
  dir = mkdtempSync(join(tmpdir(), 'kongo-hubspot-bundle-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'probe.mjs'), PROBE);
  outfile = join(dir, 'dist', 'probe.mjs');
  const result = await build({
    absWorkingDir: dir,
    entryPoints: [join(dir, 'probe.mjs')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    legalComments: 'none',
    alias: { 'form-data': FORM_DATA_STUB },
    banner: {
      js: "import { createRequire as __kongoCreateRequire } from 'node:module'; const require = __kongoCreateRequire(import.meta.url);",
    },
    metafile: true,
    outfile,
    logLevel: 'silent',
  });
  metafile = result.metafile;
}, 60_000);

afterAll(async () => {
  await hub?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a bundle of the HubSpot client', () => {
  it('holds only the named object type and the form-data stub', () => {
    // What is in the output (esbuild parses more — e.g. the object types it then tree-shakes away).
    const output = Object.values(metafile.outputs)[0];
    const inputs = Object.entries(output?.inputs ?? {})
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path);
    const has = (part: string) => inputs.some((input) => input.includes(part));
    expect(has('@hubspot/api-client/lib/codegen/crm/contacts/')).toBe(true);
    expect(has('@hubspot/api-client/lib/codegen/crm/companies/')).toBe(false);
    expect(has('@hubspot/api-client/lib/codegen/crm/deals/')).toBe(false);
    expect(has('node_modules/form-data/')).toBe(false);
    expect(has('node_modules/mime-db/')).toBe(false);
    expect(has('infra/src/stubs/form-data.cjs')).toBe(true);
  });

  it('loads in a fresh Node process and reads, writes and searches HubSpot records', async () => {
    const contact = await hub.ui.create('contacts', { email: 'bundle@example.com', firstname: 'Bun' });
    const script = `const m = await import(${JSON.stringify(outfile)}); console.log(JSON.stringify(await m.probe(${JSON.stringify(hub.url)}, ${JSON.stringify(APP.accessToken)}, ${JSON.stringify(String(contact.id))})));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      timeout: 20_000,
    });
    const result = JSON.parse(stdout) as {
      updated: { records: Array<{ id: string; properties: Record<string, string> }>; errors: unknown[] };
      read: { records: Array<{ id: string; properties: Record<string, string> }>; missing: string[] };
      found: { total: number; results: Array<{ id: string }> };
      calls: number;
    };
    expect(result.updated.errors).toEqual([]);
    expect(result.updated.records[0]?.properties.jobtitle).toBe('Bundled');
    expect(result.read.records).toHaveLength(1);
    expect(result.read.records[0]?.properties).toMatchObject({
      email: 'bundle@example.com',
      jobtitle: 'Bundled',
    });
    expect(result.read.missing).toEqual(['999999']);
    expect(result.found.results.map((r) => r.id)).toEqual([String(contact.id)]);
    expect(result.calls).toBe(3);
  });
});
