import { createRequire } from 'node:module';
import type { Server } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { runNcStoreContract } from './contract.ts';
import { DynamoNcStore, ensureNcTable } from './dynamodb.ts';

// dynalite ships no types; the loaded function is typed here rather than with an ambient declaration.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: {
  createTableMs?: number;
}) => Server;

let server: Server;
let raw: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'ap-southeast-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  raw.destroy();
  await new Promise((resolve) => server.close(resolve));
});

// A fresh table per test keeps the contract's cases independent.
runNcStoreContract('DynamoDB (dynalite)', async () => {
  const tableName = `nc-test-${++tables}`;
  await ensureNcTable(raw, tableName);
  await ensureNcTable(raw, tableName);
  return new DynamoNcStore({ client: DynamoDBDocumentClient.from(raw), tableName });
});
