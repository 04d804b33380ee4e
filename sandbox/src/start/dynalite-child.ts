/**
 * dynalite in its own process, so DynamoDB work (LevelDB, request parsing) never shares the event
 * loop with the gateway that must acknowledge webhooks in milliseconds. The parent starts this file,
 * reads `{"port":N}` from its stdout, and kills it on shutdown; it also exits when the parent dies
 * (the IPC channel closes), so no orphan keeps the port.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createKongoTable, DEFAULT_KONGO_TABLE, type LocalDynamo, localDynamoClient } from '@kongo/runtime';
import { closeAbandonedDynaliteIterators } from './dynalite-iterators.ts';

type Dynalite = (options: Record<string, unknown>) => import('node:http').Server;

/** dynalite in a child process: the in-process `LocalDynamo` shape plus the child's pid (the soak benchmark kills it). */
export interface DynaliteProcess extends LocalDynamo {
  pid: number;
  /** Settles when the child has exited, with its signal or exit code. */
  exited: Promise<NodeJS.Signals | number | null>;
}

/** Start dynalite in a child process; same shape as the in-process `startLocalDynamo`. */
export async function startDynaliteProcess(
  options: { port?: number; path?: string; tableName?: string } = {},
): Promise<DynaliteProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'dynalite-child.ts'), JSON.stringify(options)],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const line = text.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`dynalite exited early (code ${code})`)));
    child.once('error', reject);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  const tableName = options.tableName ?? DEFAULT_KONGO_TABLE;
  await createKongoTable(client, tableName);
  return {
    endpoint,
    pid: child.pid ?? 0,
    exited,
    client,
    tableName,
    close: async () => {
      client.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// Child side: run when this file is the entry point.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const options = JSON.parse(process.argv[2] ?? '{}') as { port?: number; path?: string };
  // Without this every full Query page leaks a LevelDB iterator (dynalite-iterators.ts).
  if (process.env.KONGO_DYNALITE_KEEP_ITERATORS !== '1') closeAbandonedDynaliteIterators();
  const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  server.listen(options.port ?? 0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
}
