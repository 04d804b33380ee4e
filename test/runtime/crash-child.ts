/**
 * The worker (and its webhook gateway) as a child process for the crash tests: it serves the two
 * webhook paths and drains the queue until told to stop; KONGO_CRASH_AT makes it SIGKILL itself.
 * Config comes as JSON in KONGO_CRASH_CONFIG.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createIntegrationRuntime, localEnvironment } from '../../runtime/src/integration.ts';
import { webhookPath } from '../../runtime/src/spec/paths.ts';
import type { IntegrationSpec } from '../../runtime/src/spec/types.ts';

interface ChildConfig {
  port: number;
  specFile: string;
  dynamoEndpoint: string;
  tableName: string;
  secretsFile: string;
  hubspotBaseUrl: string;
  destinationBaseUrl: string;
}

const config = JSON.parse(process.env.KONGO_CRASH_CONFIG ?? '{}') as ChildConfig;
const spec = JSON.parse(readFileSync(config.specFile, 'utf8')) as IntegrationSpec;
const runtime = createIntegrationRuntime({
  spec,
  environment: localEnvironment({
    dynamoEndpoint: config.dynamoEndpoint,
    tableName: config.tableName,
    secretsFile: config.secretsFile,
    hubspotBaseUrl: config.hubspotBaseUrl,
    destinationBaseUrl: config.destinationBaseUrl,
    logSink: () => {},
    visibilityTimeoutMs: 500,
    retryDelayMs: 50,
    retry: { sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))) },
  }),
});

const base = `http://127.0.0.1:${config.port}`;
const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === 'string') headers.set(name, value);
    const request = new Request(base + (req.url ?? '/'), {
      method: req.method ?? 'POST',
      headers,
      body: Buffer.concat(chunks),
    });
    const path = new URL(request.url).pathname;
    const handler =
      path === webhookPath(spec, 'hubspot')
        ? runtime.hubspotWebhook
        : path === webhookPath(spec, 'destination')
          ? runtime.destinationWebhook
          : undefined;
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    handler(request).then(
      async (response) => res.writeHead(response.status).end(Buffer.from(await response.arrayBuffer())),
      () => res.writeHead(500).end(),
    );
  });
});

let running = true;
process.on('SIGTERM', () => {
  running = false;
});

server.listen(config.port, '127.0.0.1', async () => {
  process.send?.('ready');
  while (running) {
    const outcome = await runtime.drain();
    if (outcome.messages === 0) await new Promise((resolve) => setTimeout(resolve, 25));
  }
  server.close();
  await runtime.close();
  process.exit(0);
});
