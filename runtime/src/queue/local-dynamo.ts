/**
 * An in-process dynalite (the DynamoDB wire API on LevelDB) and a client pointed at it, for local
 * start-up and tests. In memory unless `path` is given (then it survives a process restart).
 */

import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createKongoTable, DEFAULT_KONGO_TABLE } from './table.ts';

type Dynalite = (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  path?: string;
}) => Server;

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  tableName: string;
  close(): Promise<void>;
}

/** Starts dynalite on 127.0.0.1 (port 0 = any free port) and creates the Kongo table in it. */
export async function startLocalDynamo(
  options: { port?: number; path?: string; tableName?: string } = {},
): Promise<LocalDynamo> {
  // Loaded on first use, never at module load: Lambda bundles import this module but never call it.
  // dynalite ships no types; the loaded function is typed here rather than with an ambient declaration.
  const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localDynamoClient(endpoint);
  const tableName = options.tableName ?? DEFAULT_KONGO_TABLE;
  await createKongoTable(client, tableName);
  return {
    endpoint,
    client,
    tableName,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A DynamoDB client for a local endpoint: region `local`, dummy credentials. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}
