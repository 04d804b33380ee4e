// A poll-only destination feeds the same worker; the heartbeat reports to a Notification Centre.

import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { type Harness, startHarness } from './harness.ts';

let dynamo: LocalDynamo;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

describe('poll-only destination', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      dynamo,
      events: { webhooks: 'none' },
      patchSpec: (spec) => {
        delete spec.destination.webhooks;
        spec.destination.polling = { intervalSeconds: 60, cursorField: 'updatedAt' };
      },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lands a destination change found by a poll once, and a second poll writes nothing', async () => {
    await fetch(`${h.events.url}/_admin/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'polled@example.com', firstName: 'Polled', status: 'REGISTERED' }),
    });
    const first = await h.runtime.poll();
    expect(first.records).toBeGreaterThanOrEqual(1);
    await h.settle();
    expect(h.contactsWithEmail('polled@example.com')).toHaveLength(1);

    await h.runtime.poll();
    const again = await h.settle();
    expect(again.records.filter((r) => r.outcome === 'delivered')).toHaveLength(0);
    expect(h.contactsWithEmail('polled@example.com')).toHaveLength(1);
  });
});

describe('heartbeat', () => {
  it('posts counters and checks (never record contents) to the Notification Centre', async () => {
    // Heartbeats only: finished traces are posted to /api/events as well (the live anatomy view).
    const received: Array<{ auth: string | undefined; body: Record<string, unknown> }> = [];
    const nc = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url !== '/api/heartbeats') {
          res.writeHead(202, { 'content-type': 'application/json' }).end('{"ok":true}');
          return;
        }
        received.push({
          auth: req.headers.authorization,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: true, commands: [] }));
      });
    });
    await new Promise<void>((resolve) => nc.listen(0, '127.0.0.1', () => resolve()));
    const ncUrl = `http://127.0.0.1:${(nc.address() as AddressInfo).port}`;
    const h = await startHarness({ dynamo, environment: { notificationCentreUrl: ncUrl } });
    try {
      const secrets = JSON.parse(
        await (await import('node:fs/promises')).readFile(h.secretsFile, 'utf8'),
      ) as Record<string, string>;
      secrets[h.spec.monitoring.notificationCentre.keyParameter] = 'nc-key-123';
      await writeFile(h.secretsFile, JSON.stringify(secrets));
      await new Promise((resolve) => setTimeout(resolve, 1_100)); // the secrets file is re-read after 1 s

      await h.hub.ui.create('contacts', { email: 'beat@example.com', firstname: 'Beat' });
      await h.settle();
      await h.runtime.heartbeat();
      expect(received).toHaveLength(1);
      expect(received[0]?.auth).toBe('Bearer nc-key-123');
      const payload = received[0]?.body ?? {};
      expect(payload.integrationId).toBe(h.spec.integration.name);
      expect(JSON.stringify(payload.counters)).toContain('deliver.delivered');
      expect(JSON.stringify(payload)).not.toContain('beat@example.com');
      expect((payload.checks as Array<{ name: string; ok: boolean }>).map((c) => c.name).sort()).toEqual([
        'oldestDeadLetter',
        'queueDepth',
        'table',
      ]);
    } finally {
      await h.close();
      nc.closeAllConnections();
      await new Promise<void>((resolve) => nc.close(() => resolve()));
    }
  });
});
