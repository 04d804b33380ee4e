/**
 * Runtime worker benchmark (a script, not a test): `node --import tsx test/bench/runtime.bench.ts`.
 * 1. CPU per event on the hot path, I/O excluded: the real worker (split → dedupe → order →
 *    hydrate → transform → echo guard → identity → intent → outbound → commit → ack) over
 *    in-memory ports (MemoryMappingStore, a memory queue, clients that answer at once), one
 *    HubSpot propertyChange per message for records already mapped — the steady state.
 *    process.cpuUsage() (user + system) divided by events; median of 5 rounds.
 * 2. DynamoDB item operations for one single-event update in steady state, each listed: the
 *    same worker on DynamoMappingStore against dynalite, counting every item operation.
 * Options: --events N (2000 per round), --rounds N (5).
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
import starter from '../../templates/starters/contacts-events.integration-spec.json' with { type: 'json' };

const { values: args } = parseArgs({
  options: { events: { type: 'string', default: '2000' }, rounds: { type: 'string', default: '5' } },
});
const EVENTS = Number(args.events);
const ROUNDS = Number(args.rounds);

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

async function cpuPerEvent(): Promise<{ medianUs: number; rounds: number[] }> {
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const store = new MemoryMappingStore();
    const hubspot = fakeHubSpot();
    const worker = workerOn(store, hubspot);
    const ids = Array.from({ length: 100 }, (_, i) => String(1000 + i));
    // Warm-up: map every record (creates), then one update each so the JIT has seen the path.
    for (const id of ids) {
      hubspot.contacts.set(id, contact(id, 'warm'));
      await worker.processMessages([propertyChange(id, 'warm')]);
    }
    for (const id of ids) {
      hubspot.contacts.set(id, contact(id, 'warm2'));
      await worker.processMessages([propertyChange(id, 'warm2')]);
    }
    const messages: ReceivedMessage[] = [];
    for (let i = 0; i < EVENTS; i++)
      messages.push(propertyChange(ids[i % ids.length] ?? '1000', `v${round}-${i}`));
    const start = process.cpuUsage();
    for (let i = 0; i < EVENTS; i++) {
      const id = ids[i % ids.length] ?? '1000';
      hubspot.contacts.set(id, contact(id, `v${round}-${i}`));
      const message = messages[i];
      if (message) await worker.processMessages([message]);
    }
    const used = process.cpuUsage(start);
    rounds.push((used.user + used.system) / EVENTS);
  }
  const sorted = [...rounds].sort((a, b) => a - b);
  return { medianUs: sorted[Math.floor(sorted.length / 2)] ?? 0, rounds };
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

const cpu = await cpuPerEvent();
const operations = await itemOperations();
console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, node ${process.version}`,
);
console.log(
  `CPU per event (hot path, I/O excluded): median ${cpu.medianUs.toFixed(1)} µs over ${ROUNDS} rounds of ${EVENTS} events ` +
    `(rounds: ${cpu.rounds.map((r) => r.toFixed(1)).join(', ')} µs; goal ≤ 100 µs)`,
);
console.log(
  `DynamoDB item operations for one single-event update in steady state: ${operations.length} (goal ≤ 4)`,
);
operations.forEach((op, i) => {
  console.log(`  ${i + 1}. ${op.operation} ${op.item}`);
});
