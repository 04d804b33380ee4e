import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeadLetterQueue } from './dynamo-dead-letters.ts';
import { DynamoWorkQueue } from './dynamo-queue.ts';
import { type LocalDynamo, localDynamoClient, startLocalDynamo } from './local-dynamo.ts';
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

/** A client whose next claim (UpdateItem) waits until `release()`: two consumers interleave at will. */
function gatedClient(endpoint: string) {
  const client = localDynamoClient(endpoint);
  let open: () => void = () => {};
  let gate: Promise<void> | null = null;
  let reached: () => void = () => {};
  const atGate = new Promise<void>((resolve) => {
    reached = resolve;
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (gate && /Update/.test(String(context.commandName))) {
        const wait = gate;
        gate = null;
        reached();
        await wait;
      }
      return next(args);
    },
    { step: 'initialize', name: 'claimGate' },
  );
  return {
    client,
    hold() {
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
    atGate,
    release: () => open(),
  };
}

describe('DynamoWorkQueue claim race', () => {
  it('gives a message to one consumer only, even to a late claimer after the visibility timeout', async () => {
    const tableName = await freshTable();
    const clock = new ManualClock();
    const a = gatedClient(local.endpoint);
    const b = gatedClient(local.endpoint);
    const open = (client: typeof a.client) =>
      new DynamoWorkQueue({ client, tableName, queueName: 'race', clock, pollIntervalMs: 20 });
    await open(a.client).send(envelope(1));
    // A sees the message visible and stops just before its claim; then B, later (after A's
    // visibility timeout would have passed), sees the same version and stops too.
    a.hold();
    const first = open(a.client).receive({ max: 1, visibilityTimeoutMs: 1_000 });
    await a.atGate;
    clock.advance(5_000);
    b.hold();
    const second = open(b.client).receive({ max: 1, visibilityTimeoutMs: 1_000 });
    await b.atGate;
    a.release();
    const [gotA] = await first;
    b.release();
    const got = await second;
    expect(gotA?.envelope).toEqual(envelope(1));
    // B saw an older version: its claim must fail, or both would hold the same receipt.
    expect(got).toEqual([]);
  });
});
