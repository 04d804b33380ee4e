/**
 * Every crash point by SIGKILL: the worker runs as a child process, kills itself at the point,
 * is restarted, and the change lands exactly once — no duplicate, nothing lost. Split over two
 * test files (crash-early / crash-late) to keep each under ~20 s.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoWorkQueue } from '../../runtime/src/queue/dynamo-queue.ts';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { createKongoTable } from '../../runtime/src/queue/table.ts';
import { webhookPath } from '../../runtime/src/spec/paths.ts';
import type { CrashPoint } from '../../runtime/src/worker/crash.ts';
import { APP, EVENTS_SECRET, type Harness, startHarness } from './harness.ts';

export function crashSuite(points: readonly CrashPoint[]): void {
  let dynamo: LocalDynamo;
  let h: Harness;
  let port: number;
  let specFile: string;
  let childBundle: string;

  async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    const found = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return found;
  }

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    h = await startHarness({ dynamo });
    port = await freePort();
    // The child serves the webhooks: point both simulators at it instead of the harness gateway.
    const childBase = `http://127.0.0.1:${port}`;
    const spec = { ...h.spec, publicBaseUrl: childBase };
    specFile = join(h.secretsFile, '..', 'spec.json');
    // Bundled once, like a Lambda: the child then starts in a fraction of tsx's time.
    childBundle = join(h.secretsFile, '..', 'crash-child.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, 'crash-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      // Everything in one file (node built-ins aside): loading hundreds of SDK files is the slow part.
      external: ['dynalite'],
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      outfile: childBundle,
      logLevel: 'silent',
    });
    await writeFile(specFile, JSON.stringify(spec));
    h.hub.setWebhookTarget(APP.appId, childBase + webhookPath(spec, 'hubspot'));
    h.events.subscriptions.clear();
    h.events.subscriptions.add({ url: childBase + webhookPath(spec, 'destination'), secret: EVENTS_SECRET });
  });
  afterAll(async () => {
    await h?.close();
    await dynamo?.close();
  });

  function startChild(
    tableName: string,
    crashAt?: CrashPoint,
  ): { child: ChildProcess; exited: Promise<NodeJS.Signals | number | null> } {
    const child = fork(join(import.meta.dirname, 'crash-child.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: {
        ...process.env,
        KONGO_CRASH_AT: crashAt ?? '',
        KONGO_CRASH_CONFIG: JSON.stringify({
          port,
          specFile,
          dynamoEndpoint: dynamo.endpoint,
          tableName,
          secretsFile: h.secretsFile,
          hubspotBaseUrl: h.hub.url,
          destinationBaseUrl: h.events.url,
        }),
      },
    });
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    return { child, exited };
  }

  function ready(child: ChildProcess): Promise<void> {
    return new Promise((resolve) => child.once('message', () => resolve()));
  }

  async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  describe('crash consistency by SIGKILL', () => {
    it.each(points.map((point) => [point]))(
      'loses nothing and duplicates nothing when killed %s',
      async (point) => {
        const tableName = `crash-${point}`;
        await createKongoTable(dynamo.client, tableName);
        const queue = new DynamoWorkQueue({
          client: dynamo.client,
          tableName,
          queueName: h.spec.integration.name,
        });
        const email = `${point}@crash.example.com`;

        const first = startChild(tableName, point);
        await ready(first.child);
        const contact = await h.hub.ui.create('contacts', { email, firstname: 'Before', lastname: 'Crash' });
        const signal = await Promise.race([
          first.exited,
          new Promise((resolve) => setTimeout(() => resolve('alive'), 10_000)),
        ]);
        if (signal === 'alive') first.child.kill('SIGKILL');
        expect(signal).toBe('SIGKILL');

        const second = startChild(tableName);
        await ready(second.child);
        // The in-flight message reappears after its visibility timeout and is finished.
        const recovered = await waitFor(() => h.attendeesWithEmail(email)[0]?.firstName === 'Before', 8_000);
        expect(recovered).toBe(true);
        await h.hub.ui.update('contacts', contact.id, { firstname: 'After' });
        const landed = await waitFor(async () => {
          const depth = await queue.depth();
          return (
            depth.visible + depth.inFlight === 0 && h.attendeesWithEmail(email)[0]?.firstName === 'After'
          );
        }, 10_000);
        second.child.kill('SIGTERM');
        await second.exited;

        expect(landed).toBe(true);
        expect(h.attendeesWithEmail(email)).toHaveLength(1);
        expect(h.contactsWithEmail(email)).toHaveLength(1);
        expect(h.attendeesWithEmail(email)[0]).toMatchObject({ firstName: 'After', lastName: 'Crash' });
      },
      // Two child processes start per point; leave room on a loaded machine.
      60_000,
    );
  });
}
