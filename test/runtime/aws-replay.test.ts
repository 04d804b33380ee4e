// On AWS the heartbeat never lists the SQS dead-letter queue (a listing hides the letters for the peek
// window): it reports their count and oldest age, so the dashboard offers "Replay all", and a replay-all
// command re-sends every letter to the heartbeat's work queue and deletes it from the dead-letter queue —
// exactly the SQS calls the stack grants the heartbeat (infra/src/integration-stack.ts).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegrationRuntime, type RuntimeEnvironment } from '../../runtime/src/integration.ts';
import type { MappingStore } from '../../runtime/src/mapping-store/types.ts';
import { SqsDeadLetterQueue } from '../../runtime/src/queue/sqs-dead-letters.ts';
import { type SqsSender, SqsWorkQueue } from '../../runtime/src/queue/sqs-queue.ts';
import type { QueueEnvelope } from '../../runtime/src/queue/types.ts';
import type { SecretSource } from '../../runtime/src/secrets/types.ts';
import { harnessSpec } from './harness.ts';

const WORK = 'https://sqs.ap-southeast-2.amazonaws.com/1/work';
const DLQ = 'https://sqs.ap-southeast-2.amazonaws.com/1/dead-letters';

type Call = { command: string; queue: string; input: Record<string, unknown> };

/** A fake SQS: the dead-letter queue holds two letters until they are deleted. */
function fakeSqs(integration: string): { client: SqsSender; calls: Call[] } {
  const calls: Call[] = [];
  const envelope = (n: number): QueueEnvelope => ({
    v: 1,
    kind: 'hubspot-webhook',
    integration,
    traceId: `t-${n}`,
    receivedAt: 1_000 * n,
    headers: {},
    body: '[]',
  });
  const letters = new Map(
    [1, 2].map((n) => [
      `rh-${n}`,
      { MessageId: `m-${n}`, ReceiptHandle: `rh-${n}`, Body: JSON.stringify(envelope(n)), Attributes: {} },
    ]),
  );
  let peeked = false;
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const queue = command.input.QueueUrl === DLQ ? 'dlq' : 'work';
      calls.push({ command: command.constructor.name, queue, input: command.input });
      switch (command.constructor.name) {
        case 'GetQueueAttributesCommand':
          return {
            Attributes: {
              ApproximateNumberOfMessages: String(queue === 'dlq' ? letters.size : 0),
              ApproximateNumberOfMessagesNotVisible: '0',
            },
          };
        case 'ReceiveMessageCommand': {
          if (queue !== 'dlq') return { Messages: [] };
          // A peek (visibility > 0) hides the letters until deleted; a visibility-0 sample hides nothing.
          if (peeked) return { Messages: [] };
          if (Number(command.input.VisibilityTimeout) > 0) peeked = true;
          return { Messages: [...letters.values()] };
        }
        case 'DeleteMessageCommand':
          letters.delete(String(command.input.ReceiptHandle));
          return {};
        case 'SendMessageCommand':
          return { MessageId: `sent-${calls.length}` };
        default:
          return {};
      }
    },
  } as unknown as SqsSender;
  return { client, calls };
}

describe('replay from the Notification Centre on AWS (SQS dead-letter queue)', () => {
  const beats: Array<Record<string, unknown>> = [];
  let server: http.Server;
  let url = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        beats.push(body);
        // The first beat's answer carries a replay-all command (no ids); later answers none.
        const commands = beats.length === 1 ? [{ id: 'cmd-1', type: 'replay', requestedAt: 1 }] : [];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, status: 'up', commands }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('reports the count without a list, then replays all letters onto the work queue and deletes them', async () => {
    const spec = harnessSpec('https://hooks.example.com', 'http://127.0.0.1:1');
    const { client, calls } = fakeSqs(spec.integration.name);
    // The Centre's key only (its URL comes from the environment); no API token is read by a heartbeat.
    const secrets: SecretSource = {
      get: async (name) => (name === spec.monitoring.notificationCentre.keyParameter ? 'nc-key' : undefined),
    };
    const store = {
      getCursor: async () => null,
      getControls: async () => null,
    } as unknown as MappingStore;
    const environment: RuntimeEnvironment = {
      kind: 'aws',
      store: () => store,
      queue: () => new SqsWorkQueue({ client, queueUrl: WORK }),
      deadLetters: () => new SqsDeadLetterQueue({ client, queueUrl: DLQ }),
      secrets: () => secrets,
      notificationCentreUrl: url,
      hubspotBaseUrl: 'http://127.0.0.1:1',
      livePosting: 'off',
      logSink: () => {},
      ping: async () => {},
    };
    const runtime = createIntegrationRuntime({ spec, environment });
    try {
      await runtime.heartbeat();
    } finally {
      await runtime.close();
    }

    expect(beats).toHaveLength(2);
    expect(beats[0]?.deadLetters).toMatchObject({ count: 2, recent: [] });
    expect(beats[1]?.commandResults).toEqual([{ id: 'cmd-1', status: 'done', count: 2 }]);
    const sends = calls.filter((c) => c.command === 'SendMessageCommand');
    expect(sends.map((c) => c.queue)).toEqual(['work', 'work']);
    expect(sends.map((c) => (JSON.parse(String(c.input.MessageBody)) as QueueEnvelope).kind)).toEqual([
      'replay',
      'replay',
    ]);
    const deletes = calls.filter((c) => c.command === 'DeleteMessageCommand');
    expect(deletes.map((c) => [c.queue, c.input.ReceiptHandle])).toEqual([
      ['dlq', 'rh-1'],
      ['dlq', 'rh-2'],
    ]);
    // Exactly the SQS actions the stack grants the heartbeat, per queue.
    const used = [...new Set(calls.map((c) => `${c.queue}:${c.command}`))].sort();
    expect(used).toEqual([
      'dlq:DeleteMessageCommand',
      'dlq:GetQueueAttributesCommand',
      'dlq:ReceiveMessageCommand',
      'work:GetQueueAttributesCommand',
      'work:SendMessageCommand',
    ]);
  });
});
