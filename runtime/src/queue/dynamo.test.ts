import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeadLetterQueue } from './dynamo-dead-letters.ts';
import { DynamoWorkQueue } from './dynamo-queue.ts';
import { type LocalDynamo, startLocalDynamo } from './local-dynamo.ts';
import { deadLetterQueueContract, envelope, ManualClock, workQueueContract } from './queue.contract.ts';
import { createKongoTable } from './table.ts';

let local: LocalDynamo;
let tables = 0;

beforeAll(async () => {
  local = await startLocalDynamo();
});
afterAll(async () => {
  await local.close();
});

/** A fresh table per test keeps tests independent without restarting dynalite. */
async function freshTable(): Promise<string> {
  const tableName = `kongo-${++tables}`;
  await createKongoTable(local.client, tableName);
  return tableName;
}

workQueueContract('DynamoWorkQueue on dynalite', async () => {
  const tableName = await freshTable();
  const clock = new ManualClock();
  const open = () =>
    new DynamoWorkQueue({
      client: local.client,
      tableName,
      queueName: 'acme-attendees',
      clock,
      pollIntervalMs: 20,
    });
  return { queue: open(), reopen: open, clock };
});

deadLetterQueueContract('DynamoDeadLetterQueue on dynalite', async () => {
  const tableName = await freshTable();
  const clock = new ManualClock();
  const open = () => new DynamoDeadLetterQueue({ client: local.client, tableName, clock });
  return { deadLetters: open(), reopen: open, clock };
});

describe('DynamoWorkQueue on a dynalite that persists to disk', () => {
  it('keeps a message across a full dynalite restart', async () => {
    const path = await mkdtemp(join(tmpdir(), 'kongo-queue-'));
    try {
      const first = await startLocalDynamo({ path });
      await new DynamoWorkQueue({ client: first.client, tableName: first.tableName, queueName: 'q' }).send(
        envelope(9),
      );
      await first.close();
      const second = await startLocalDynamo({ path });
      try {
        const queue = new DynamoWorkQueue({
          client: second.client,
          tableName: second.tableName,
          queueName: 'q',
        });
        const [message] = await queue.receive({ max: 1, visibilityTimeoutMs: 1_000 });
        expect(message?.envelope).toEqual(envelope(9));
      } finally {
        await second.close();
      }
    } finally {
      await rm(path, { recursive: true, force: true });
    }
  });
});
