/**
 * Pieces every cross-package harness shares (test/runtime/harness.ts, test/e2e/connector-harness.ts): a tiny
 * gateway handing webhooks to a runtime as web-standard Requests, the unique sync-id property HubSpot upserts on,
 * and "settle" — drain until the senders are idle and two drains in a row find nothing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IntegrationRuntime } from '../../runtime/src/integration.ts';
import { webhookPath } from '../../runtime/src/spec/paths.ts';
import type { IntegrationSpec } from '../../runtime/src/spec/types.ts';
import type { BatchOutcome } from '../../runtime/src/worker/types.ts';

export interface TestGateway {
  url: string;
  close(): Promise<void>;
}

/** Routes the spec's two webhook paths to the runtime `current()` returns (404 before it exists). */
export async function startTestGateway(current: () => IntegrationRuntime | undefined): Promise<TestGateway> {
  let url = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
      }
      const request = new Request(`${url}${req.url ?? '/'}`, {
        method: req.method ?? 'POST',
        headers,
        body: Buffer.concat(chunks),
      });
      const path = new URL(request.url).pathname;
      const runtime = current();
      const handler =
        runtime && path === webhookPath(runtime.spec, 'hubspot')
          ? runtime.hubspotWebhook
          : runtime && path === webhookPath(runtime.spec, 'destination')
            ? runtime.destinationWebhook
            : null;
      if (!handler) {
        res.writeHead(404).end();
        return;
      }
      handler(request).then(
        async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        },
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Creates the spec's unique sync-id property in the HubSpot simulator. */
export async function createSyncIdProperty(
  hubspotUrl: string,
  spec: IntegrationSpec,
  accessToken: string,
): Promise<void> {
  const created = await fetch(`${hubspotUrl}/crm/v3/properties/${spec.hubspot.objectType}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: spec.hubspot.syncIdProperty,
      label: 'Kongo sync id',
      type: 'string',
      fieldType: 'text',
      groupName: 'contactinformation',
      hasUniqueValue: true,
    }),
  });
  if (created.status !== 201)
    throw new Error(`could not create the sync-id property: ${await created.text()}`);
}

/** Drains until `idle()` has returned and two drains in a row found nothing (writes echo); every outcome merged. */
export async function settleRuntime(
  runtime: IntegrationRuntime,
  idle: () => Promise<void>,
  timeoutMs: number,
): Promise<BatchOutcome> {
  const total: BatchOutcome = {
    failedMessageIds: [],
    messages: 0,
    acked: 0,
    retried: 0,
    paused: 0,
    quarantined: 0,
    events: 0,
    duplicates: 0,
    records: [],
  };
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2 && Date.now() < deadline) {
    await idle();
    const outcome = await runtime.drain({ untilEmpty: true, timeoutMs: Math.max(1, deadline - Date.now()) });
    total.messages += outcome.messages;
    total.acked += outcome.acked;
    total.retried += outcome.retried;
    total.paused += outcome.paused;
    total.quarantined += outcome.quarantined;
    total.events += outcome.events;
    total.duplicates += outcome.duplicates;
    total.records.push(...outcome.records);
    quiet = outcome.messages === 0 ? quiet + 1 : 0;
    if (quiet < 2) await new Promise((resolve) => setTimeout(resolve, 30));
  }
  return total;
}
