/**
 * dynalite's memory under the work queue's access pattern (not a test; prints figures). dynalite runs in
 * its own process on a LevelDB path, as `npm start` runs it; a backlog of messages sits claimed (invisible),
 * so every receive pages past it with full `Limit: 100` Query pages — the case that leaked one LevelDB
 * iterator per page before sandbox/src/start/dynalite-iterators.ts. Prints the child's RSS as it goes.
 *
 * node --import tsx test/bench/dynalite-memory.bench.ts [--rounds 1500] [--backlog 250]
 * KONGO_DYNALITE_KEEP_ITERATORS=1 node --import tsx test/bench/dynalite-memory.bench.ts   # without the fix
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoWorkQueue } from '../../runtime/src/queue/dynamo-queue.ts';
import type { QueueEnvelope } from '../../runtime/src/queue/types.ts';
import { startDynaliteProcess } from '../../sandbox/src/start/dynalite-child.ts';
import { processMemoryMb } from './process-memory.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '1500' }, backlog: { type: 'string', default: '250' } },
});
const ROUNDS = Number(args.rounds);
const BACKLOG = Number(args.backlog);

const dir = mkdtempSync(join(tmpdir(), 'kongo-dynalite-memory-'));
const dynamo = await startDynaliteProcess({ path: join(dir, 'dynamo') });
const queue = new DynamoWorkQueue({ client: dynamo.client, tableName: dynamo.tableName, queueName: 'bench' });
const envelope = (): QueueEnvelope =>
  ({ integration: 'bench', source: 'hubspot', body: 'x'.repeat(500), receivedAt: Date.now() }) as never;
try {
  console.log(
    `dynalite memory — ${new Date().toISOString()} — ${ROUNDS} rounds (send, receive, ack, idle receive) ` +
      `past ${BACKLOG} invisible messages; iterator fix ${process.env.KONGO_DYNALITE_KEEP_ITERATORS === '1' ? 'OFF' : 'on'}`,
  );
  for (let i = 0; i < BACKLOG; i++) await queue.send(envelope());
  for (let i = 0; i < BACKLOG; i += 10) await queue.receive({ max: 10, visibilityTimeoutMs: 3_600_000 });
  const started = performance.now();
  for (let i = 0; i <= ROUNDS; i++) {
    if (i % 250 === 0) {
      const mem = processMemoryMb(dynamo.pid);
      console.log(
        `  round ${String(i).padStart(5)}: RSS ${mem.rss.toFixed(0)} MB (peak ${mem.peak.toFixed(0)} MB), ` +
          `${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    }
    if (i === ROUNDS) break;
    await queue.send(envelope());
    for (const message of await queue.receive({ max: 10, visibilityTimeoutMs: 30_000 }))
      await queue.ack(message);
    await queue.receive({ max: 10, visibilityTimeoutMs: 30_000 });
  }
} finally {
  await dynamo.close();
  rmSync(dir, { recursive: true, force: true });
}
