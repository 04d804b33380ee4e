/**
 * Runtime worker benchmark (a script, not a test): `node --import tsx test/bench/runtime.bench.ts`.
 * 1. CPU per event with the real store: the real worker over DynamoMappingStore and the real AWS SDK
 *    client (request building, signing, parsing included) against dynalite **in its own process**
 *    (so dynalite's own CPU is not counted, as on AWS), one HubSpot propertyChange per record for
 *    100 records already mapped, all 100 messages in one batch (`processMessages`, as Lambda's SQS
 *    batch of 100 gives them). The API clients answer from memory (no HTTP). process.cpuUsage()
 *    (user + system) of this process divided by events; median of the rounds. Beside it: DynamoDB
 *    requests per event and item reads / writes per event (what AWS bills), counted by the store.
 * 2. The same in memory (MemoryMappingStore): the hot path alone, labelled as such.
 * 3. DynamoDB requests for one single-event update in steady state, each listed.
 * Options: --events N (2000 per round), --rounds N (5), --batch N (100).
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoMappingStore } from '../../runtime/src/mapping-store/dynamo-store.ts';
import { MemoryMappingStore } from '../../runtime/src/mapping-store/memory-store.ts';
import type { MappingStore } from '../../runtime/src/mapping-store/types.ts';
import { IntegrationLogger } from '../../runtime/src/monitor/logger.ts';
import type { DestinationClient, DestinationRecord } from '../../runtime/src/outbound/destination.ts';
import type { HubSpotClient, HubSpotRecord } from '../../runtime/src/outbound/hubspot-client.ts';
import { startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { createKongoTable } from '../../runtime/src/queue/table.ts';
import type {
  DeadLetterQueue,
  QueueEnvelope,
  ReceivedMessage,
  WorkQueue,
} from '../../runtime/src/queue/types.ts';
import type { IntegrationSpec } from '../../runtime/src/spec/types.ts';
import { validateSpec } from '../../runtime/src/spec/validate.ts';
import { createWorker } from '../../runtime/src/worker/pipeline.ts';
import { startDynaliteProcess } from '../../sandbox/src/start/dynalite-child.ts';
import starter from '../../templates/starters/contacts-events.integration-spec.json' with { type: 'json' };

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '5' },
    batch: { type: 'string', default: '100' },
  },
});
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);
const BATCH = Number(args.batch);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const result = validateSpec(structuredClone(starter));
if (!result.ok) throw new Error('starter spec invalid');
const spec: IntegrationSpec = result.spec;

/** HubSpot answers at once from memory; the record's properties change per event. */
function fakeHubSpot(): HubSpotClient & { contacts: Map<string, HubSpotRecord> } {
  const contacts = new Map<string, HubSpotRecord>();
  return {
    contacts,
    calls: 0,
    async batchRead(ids) {
      return { records: ids.flatMap((id) => contacts.get(id) ?? []), missing: [] };
    },
    async batchUpsert() {
      return { records: [], errors: [] };
    },
    async batchUpdate() {
      return { records: [], errors: [] };
    },
    async batchArchive() {},
  };
}

function fakeDestination(): DestinationClient {
  let n = 0;
  const answer = (values: Record<string, unknown>, id: string): DestinationRecord => ({
    id,
    values,
    updatedAt: Date.now(),
  });
  return {
    calls: 0,
    async get() {
      return null;
    },
    async findByNaturalKey() {
      return null;
    },
    async create(values) {
      return answer(values, `att_${++n}`);
    },
    async update(id, values) {
      return answer(values, id);
    },
    async remove() {
      return true;
    },
    async listChanged() {
      return { records: [], next: null, end: null };
    },
  };
}

const noQueue: WorkQueue = {
  send: async () => ({ messageId: 'x' }),
  receive: async () => [],
  ack: async () => {},
  retryLater: async () => {},
  depth: async () => ({ visible: 0, inFlight: 0, oldestAgeMs: null }),
};
const noDeadLetters: DeadLetterQueue = {
  put: async () => ({ id: 'x' }),
  list: async () => [],
  remove: async () => {},
  oldestAgeMs: async () => null,
};

let sequence = 0;
function propertyChange(objectId: string, value: string): ReceivedMessage {
  sequence++;
  const body = [
    {
      eventId: sequence,
      subscriptionId: 7,
      portalId: 1,
      appId: spec.hubspot.appId,
      occurredAt: 1_700_000_000_000 + sequence,
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: Number(objectId),
      propertyName: 'firstname',
      propertyValue: value,
      changeSource: 'CRM_UI',
    },
  ];
  const envelope: QueueEnvelope = {
    v: 1,
    kind: 'hubspot-webhook',
    integration: spec.integration.name,
    traceId: `t${sequence}`,
    receivedAt: Date.now(),
    headers: {},
    body: JSON.stringify(body),
  };
  return { messageId: `m${sequence}`, receiptHandle: `r${sequence}`, envelope, receiveCount: 1 };
}

function workerOn(store: MappingStore, hubspot: ReturnType<typeof fakeHubSpot>) {
  return createWorker({
    spec,
    store,
    queue: noQueue,
    deadLetters: noDeadLetters,
    hubspot,
    destination: fakeDestination(),
    logger: new IntegrationLogger({ integrationId: spec.integration.name, sink: () => {} }),
    clock: { now: () => Date.now() },
  });
}

function contact(id: string, firstname: string): HubSpotRecord {
  return {
    id,
    properties: {
      email: `p${id}@example.com`,
      firstname,
      lastname: 'Bench',
      company: 'Kongo',
      jobtitle: 'Tester',
      phone: '+61 400 000 000',
      country: 'AU',
      lifecyclestage: 'customer',
    },
    updatedAt: Date.now(),
  };
}

interface StoreCounts {
  requests: number;
  reads: number;
  writes: number;
}

/**
 * CPU per event over `store`, every round's events in batches of BATCH messages (one event per
 * record, BATCH distinct records), after a warm-up that maps the records and updates each once.
 */
async function cpuPerEvent(
  open: () => Promise<{ store: MappingStore; counts: StoreCounts; close(): Promise<void> }>,
): Promise<{ medianUs: number; rounds: number[]; perEvent: StoreCounts }> {
  const rounds: number[] = [];
  const totals: StoreCounts = { requests: 0, reads: 0, writes: 0 };
  let measured = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const { store, counts, close } = await open();
    const hubspot = fakeHubSpot();
    const worker = workerOn(store, hubspot);
    const ids = Array.from({ length: BATCH }, (_, i) => String(1000 + i));
    const inBatches = async (value: (i: number) => string, total: number) => {
      for (let first = 0; first < total; first += BATCH) {
        const messages: ReceivedMessage[] = [];
        for (let i = first; i < Math.min(total, first + BATCH); i++) {
          const id = ids[i % ids.length] ?? '1000';
          hubspot.contacts.set(id, contact(id, value(i)));
          messages.push(propertyChange(id, value(i)));
        }
        const outcome = await worker.processMessages(messages);
        const delivered = outcome.records.filter((r) => r.outcome === 'delivered').length;
        if (delivered !== messages.length)
          throw new Error(
            `expected ${messages.length} delivered, got ${JSON.stringify(outcome.records.slice(0, 3))}`,
          );
      }
    };
    // Warm-up: map every record (creates), then one update each so the JIT and the id cache are warm.
    await inBatches(() => 'warm', ids.length);
    await inBatches(() => 'warm2', ids.length);
    const before = { ...counts };
    const start = process.cpuUsage();
    await inBatches((i) => `v${round}-${i}`, EVENTS);
    const used = process.cpuUsage(start);
    totals.requests += counts.requests - before.requests;
    totals.reads += counts.reads - before.reads;
    totals.writes += counts.writes - before.writes;
    measured += EVENTS;
    rounds.push((used.user + used.system) / EVENTS);
    await close();
  }
  const sorted = [...rounds].sort((a, b) => a - b);
  return {
    medianUs: sorted[Math.floor(sorted.length / 2)] ?? 0,
    rounds,
    perEvent: {
      requests: totals.requests / measured,
      reads: totals.reads / measured,
      writes: totals.writes / measured,
    },
  };
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query']);

/** DynamoMappingStore on dynalite in its own process, with the AWS SDK client, counting requests and items. */
async function dynamoInChild() {
  const dynamo = await startDynaliteProcess({ tableName: 'bench' });
  const counts: StoreCounts = { requests: 0, reads: 0, writes: 0 };
  const store = new DynamoMappingStore({
    client: dynamo.client,
    tableName: 'bench',
    onOperation: (operation, _key, items) => {
      counts.requests++;
      if (READS.has(operation)) counts.reads += items;
      else counts.writes += items;
    },
  });
  return { store, counts, close: () => dynamo.close() };
}

async function inMemory() {
  return {
    store: new MemoryMappingStore() as MappingStore,
    counts: { requests: 0, reads: 0, writes: 0 },
    close: async () => {},
  };
}

async function itemOperations(): Promise<Array<{ operation: string; item: string }>> {
  const dynamo = await startLocalDynamo({ tableName: 'bench' });
  await createKongoTable(dynamo.client, 'bench');
  let recording = false;
  const log: Array<{ operation: string; item: string }> = [];
  const store = new DynamoMappingStore({
    client: dynamo.client,
    tableName: 'bench',
    onOperation: (operation, key) => {
      if (recording) log.push({ operation, item: `${key.split('#')[0]}#…` });
    },
  });
  const hubspot = fakeHubSpot();
  const worker = workerOn(store, hubspot);
  hubspot.contacts.set('501', contact('501', 'first'));
  await worker.processMessages([propertyChange('501', 'first')]); // create: claims, links
  hubspot.contacts.set('501', contact('501', 'second'));
  await worker.processMessages([propertyChange('501', 'second')]); // first update warms the id cache
  hubspot.contacts.set('501', contact('501', 'third'));
  recording = true;
  const outcome = await worker.processMessages([propertyChange('501', 'third')]);
  recording = false;
  if (outcome.records[0]?.outcome !== 'delivered')
    throw new Error(`expected delivered, got ${outcome.records[0]?.outcome}`);
  await dynamo.close();
  return log;
}

const real = await cpuPerEvent(dynamoInChild);
const memory = await cpuPerEvent(inMemory);
const operations = await itemOperations();
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, node ${process.version}; ${ROUNDS} rounds of ${EVENTS} events, batches of ${BATCH} records`,
);
console.log(
  `CPU per event, real store (DynamoMappingStore + AWS SDK, dynalite in its own process): median ${(real.medianUs / 1000).toFixed(3)} ms ` +
    `(rounds: ${real.rounds.map((r) => (r / 1000).toFixed(3)).join(', ')} ms; goal ≤ 1 ms)`,
);
console.log(
  `  DynamoDB requests per event ${real.perEvent.requests.toFixed(2)} (goal ≤ 1.5); item reads per event ${real.perEvent.reads.toFixed(2)}, item writes per event ${real.perEvent.writes.toFixed(2)}`,
);
console.log(
  `CPU per event, in memory (MemoryMappingStore, no I/O — the hot path alone): median ${memory.medianUs.toFixed(1)} µs ` +
    `(rounds: ${memory.rounds.map((r) => r.toFixed(1)).join(', ')} µs)`,
);
console.log(`DynamoDB requests for one single-event update in steady state: ${operations.length}`);
operations.forEach((op, i) => {
  console.log(`  ${i + 1}. ${op.operation} ${op.item}`);
});
