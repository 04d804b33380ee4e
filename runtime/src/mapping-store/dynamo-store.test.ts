import { afterAll, beforeAll } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../queue/local-dynamo.ts';
import { createKongoTable } from '../queue/table.ts';
import { DynamoMappingStore } from './dynamo-store.ts';
import { mappingStoreContract } from './store.contract.ts';

let local: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  local = await startLocalDynamo();
});
afterAll(async () => {
  await local.close();
});

mappingStoreContract('DynamoMappingStore on dynalite', async () => {
  const tableName = `map-${++tables}`;
  await createKongoTable(local.client, tableName);
  let now = 1_000;
  const store = new DynamoMappingStore({ client: local.client, tableName, clock: { now: () => now } });
  return {
    store,
    advance: (ms) => {
      now += ms;
    },
  };
});
