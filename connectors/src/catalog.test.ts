import { readFile } from 'node:fs/promises';
import { connectorForLegacySpec } from '@kongo/runtime/connector';
import { assertValidSpec, PATTERNS } from '@kongo/runtime/spec';
import { describe, expect, it } from 'vitest';
import { readConnectorDirectory } from './files.ts';
import { catalog, listConnectors } from './index.ts';

const starter = async (name: string) =>
  assertValidSpec(
    JSON.parse(await readFile(new URL(`../../templates/starters/${name}`, import.meta.url), 'utf8')),
  );

describe('the connector catalog', () => {
  it('holds every file of connectors/catalog, each valid (a new file needs its import in src/index.ts)', async () => {
    const files = await readConnectorDirectory();
    expect([...catalog().keys()].sort()).toEqual([...files.keys()].sort());
  });

  it('is exactly what a spec without a connector means: the two starters map to the two legacy entries', async () => {
    for (const [file, id] of [
      ['contacts-events.integration-spec.json', 'kongo-events-graphql'],
      ['deals-jobs.integration-spec.json', 'kongo-jobs-rest'],
    ] as const) {
      const derived = connectorForLegacySpec((await starter(file)).destination);
      const { $schema, description, sources, notes, ...entry } = catalog().get(id) ?? ({} as never);
      void $schema;
      void description;
      void sources;
      void notes;
      expect(derived).toEqual(entry);
    }
  });

  it('describes only fields a spec can name (every path fits the spec field-path grammar)', () => {
    const grammar = new RegExp(PATTERNS.fieldPath.pattern);
    const misfits = [...catalog().values()].flatMap((doc) =>
      doc.record.fields.filter((f) => !grammar.test(f.path)).map((f) => `${doc.id}: ${f.path}`),
    );
    expect(misfits).toEqual([]);
  });

  it('lists name, API style, auth, webhook scheme and what each was verified against', () => {
    const jobs = listConnectors().find((c) => c.id === 'kongo-jobs-rest');
    expect(jobs).toMatchObject({
      api: 'rest',
      auth: 'bearer',
      webhooks: 'HMAC-SHA256 hex in x-jobs-signature',
      pollable: true,
      verifiedAgainst: 'sandbox/src/jobs (the job system simulator)',
      credentials: [{ name: 'token', rotates: false }],
    });
    expect(jobs?.fields.find((f) => f.path === 'updatedAt')?.writableOn).toEqual([]);
  });
});
