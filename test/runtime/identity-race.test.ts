// The natural-key claim under a forced interleaving: two workers, one handling the HubSpot contact
// and one the destination attendee of the same person, both look the person up before either has
// claimed anything. The attribute_not_exists claim must still make them one entity.
import { describe, expect, it } from 'vitest';
import { MemoryMappingStore } from '../../runtime/src/mapping-store/memory-store.ts';
import { IntegrationLogger } from '../../runtime/src/monitor/logger.ts';
import type { DestinationClient, DestinationRecord } from '../../runtime/src/outbound/destination.ts';
import type { HubSpotClient } from '../../runtime/src/outbound/hubspot-client.ts';
import type {
  DeadLetterQueue,
  QueueEnvelope,
  ReceivedMessage,
  WorkQueue,
} from '../../runtime/src/queue/types.ts';
import { createWorker } from '../../runtime/src/worker/pipeline.ts';
import { harnessSpec } from './harness.ts';

const spec = harnessSpec('https://hooks.example.com', 'https://events.example.com');
const integration = spec.integration.name;

/** Lets `parties` callers through together: each waits until all have arrived. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return async () => {
    arrived++;
    if (arrived >= parties) open();
    await opened;
  };
}

class RacingStore extends MemoryMappingStore {
  constructor(readonly meet: () => Promise<void>) {
    super();
  }
  override async lookupNaturalKey(i: string, key: string): Promise<string | null> {
    const holder = await super.lookupNaturalKey(i, key);
    await this.meet(); // both workers have looked (and found nothing) before either claims
    return holder;
  }
}

const contact = {
  id: '901',
  properties: { email: 'twin@example.com', firstname: 'Twin', lastname: 'Race' } as Record<
    string,
    string | null
  >,
};
const attendee: DestinationRecord = {
  id: 'att_1',
  values: {
    id: 'att_1',
    email: 'twin@example.com',
    firstName: 'Twin',
    lastName: 'Race',
    status: 'REGISTERED',
  },
};

const hubspot: HubSpotClient = {
  calls: 0,
  batchRead: async () => ({ records: [contact], missing: [] }),
  batchUpsert: async () => ({ records: [], errors: [] }),
  batchUpdate: async (inputs) => ({
    records: inputs.map((i) => ({ id: i.id, properties: { ...contact.properties, ...i.properties } })),
    errors: [],
  }),
  batchArchive: async () => {},
};
const destination: DestinationClient = {
  calls: 0,
  get: async () => attendee,
  findByNaturalKey: async () => attendee,
  create: async () => {
    throw new Error('nothing may be created: both records exist');
  },
  update: async (id, values) => ({ id, values: { ...attendee.values, ...values } }),
  remove: async () => true,
  listChanged: async () => ({ records: [], next: null, end: null }),
};
const queue: WorkQueue = {
  send: async () => ({ messageId: 'x' }),
  receive: async () => [],
  ack: async () => {},
  retryLater: async () => {},
  depth: async () => ({ visible: 0, inFlight: 0, oldestAgeMs: null }),
};
const deadLetters: DeadLetterQueue = {
  put: async () => ({ id: 'x' }),
  list: async () => [],
  remove: async () => {},
  oldestAgeMs: async () => null,
};

function message(
  kind: QueueEnvelope['kind'],
  body: unknown,
  id: string,
  headers: Record<string, string> = {},
): ReceivedMessage {
  return {
    messageId: id,
    receiptHandle: id,
    receiveCount: 1,
    envelope: {
      v: 1,
      kind,
      integration,
      traceId: id,
      receivedAt: Date.now(),
      headers,
      body: JSON.stringify(body),
    },
  };
}

describe('identity under a forced race', () => {
  it('makes one entity of a person whose two records are processed at the same moment', async () => {
    const store = new RacingStore(barrier(2));
    const worker = () =>
      createWorker({
        spec,
        store,
        queue,
        deadLetters,
        hubspot,
        destination,
        logger: new IntegrationLogger({ integrationId: integration, sink: () => {} }),
        clock: { now: () => Date.now() },
      });
    const fromHubSpot = message(
      'hubspot-webhook',
      [
        {
          eventId: 1,
          subscriptionId: 1,
          portalId: 1,
          occurredAt: 1000,
          subscriptionType: 'contact.creation',
          objectId: 901,
          changeSource: 'CRM_UI',
        },
      ],
      'm-hub',
    );
    const fromDestination = message(
      'destination-webhook',
      { type: 'attendee.created', timestamp: new Date(1000).toISOString(), data: attendee.values },
      'm-dst',
      { 'webhook-id': 'msg_1' },
    );
    const [a, b] = await Promise.all([
      worker().processMessages([fromHubSpot]),
      worker().processMessages([fromDestination]),
    ]);
    expect([...a.records, ...b.records].map((r) => r.outcome)).not.toContain('dead-lettered');
    const byContact = await store.resolve(integration, 'hubspot', '901');
    const byAttendee = await store.resolve(integration, 'destination', 'att_1');
    expect(byContact?.kongoId).toBeDefined();
    expect(byAttendee?.kongoId).toBe(byContact?.kongoId);
    expect(byContact?.ids).toEqual({ hubspot: '901', destination: 'att_1' });
  });
});
