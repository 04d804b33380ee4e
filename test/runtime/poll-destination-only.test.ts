// The deployed poller's role can read the destination token only: a destination poll must not need the
// HubSpot access token (nor build the worker, which would read it).

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegrationRuntime, localEnvironment } from '../../runtime/src/integration.ts';
import { EVENTS_TOKEN, type Harness, startHarness } from './harness.ts';

describe('a destination poll with the destination token only', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness({
      events: { webhooks: 'none' },
      patchSpec: (spec) => {
        delete spec.destination.webhooks;
        spec.destination.polling = { intervalSeconds: 60, cursorField: 'updatedAt' };
      },
    });
    dir = await mkdtemp(join(tmpdir(), 'kongo-poller-'));
  });
  afterAll(async () => {
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('enqueues the change without the HubSpot token, and the worker then lands it', async () => {
    const secretsFile = join(dir, 'secrets.json');
    // What the poller's role may read on AWS: the destination API token, nothing else.
    await writeFile(secretsFile, JSON.stringify({ [h.spec.destination.auth.tokenParameter]: EVENTS_TOKEN }));
    const poller = createIntegrationRuntime({
      spec: h.spec,
      environment: localEnvironment({
        dynamoEndpoint: h.dynamo.endpoint,
        dynamoClient: h.dynamo.client,
        tableName: h.tableName,
        secretsFile,
        hubspotBaseUrl: h.hub.url,
        destinationBaseUrl: h.events.url,
        livePosting: 'off',
        logSink: () => {},
        crash: () => {},
      }),
    });
    try {
      await fetch(`${h.events.url}/_admin/records`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'poller-only@example.com', firstName: 'Poller', status: 'REGISTERED' }),
      });
      const outcome = await poller.poll({ source: 'destination' });
      expect(outcome.records).toBeGreaterThanOrEqual(1);
      expect(outcome.messages).toBeGreaterThanOrEqual(1);
      // A HubSpot poll still needs the HubSpot token, and says which parameter is missing.
      await expect(poller.poll({ source: 'hubspot' })).rejects.toThrow(h.spec.hubspot.accessTokenParameter);
    } finally {
      await poller.close();
    }
    await h.settle();
    expect(h.contactsWithEmail('poller-only@example.com')).toHaveLength(1);
  });
});
