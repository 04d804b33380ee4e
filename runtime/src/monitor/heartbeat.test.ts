import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  deadLetterAgeCheck,
  deadLetterReport,
  queueDepthCheck,
  runHeartbeat,
  startHeartbeatLoop,
  tableCheck,
} from './heartbeat.ts';
import { httpHeartbeatSink, memoryHeartbeatSink } from './http-sink.ts';
import { IntegrationLogger, memoryLogSink } from './logger.ts';

const T0 = Date.UTC(2026, 10, 25, 13, 0, 0);

function logger() {
  const memory = memoryLogSink();
  return { log: new IntegrationLogger({ integrationId: 'velflex-attendees', sink: memory.sink }), memory };
}

describe('runHeartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs the dependency checks and posts ids, counts and reasons', async () => {
    const { log } = logger();
    log.count('deliver', 'delivered', 4);
    log.failure({ stage: 'deliver', kind: 'http-429', reason: 'rate limited', recordId: '51' });
    const sink = memoryHeartbeatSink();
    const letters = [
      {
        id: 'dl-1',
        kind: 'http-500',
        reason: 'server error',
        failedAt: T0 - 90_000,
        attempts: 5,
        recordId: '7',
      },
      {
        id: 'dl-2',
        kind: 'validation',
        reason: 'bad email ada@example.com',
        failedAt: T0 - 1000,
        attempts: 1,
      },
    ];
    const dlq = { list: async () => letters, oldestAgeMs: async () => 90_000 };
    const run = await runHeartbeat({
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      intervalSeconds: 60,
      checks: {
        table: tableCheck(async () => ({})),
        queueDepth: queueDepthCheck({ depth: async () => ({ visible: 3, inFlight: 1, oldestAgeMs: 20 }) }),
        deadLetterAge: deadLetterAgeCheck(dlq, 'velflex-attendees', 60_000),
      },
      deadLetters: deadLetterReport(dlq, 'velflex-attendees'),
      counters: log,
      sink,
    });
    expect(run.ok).toBe(true);
    const [payload] = sink.sent;
    expect(payload).toMatchObject({
      v: 1,
      integrationId: 'velflex-attendees',
      clientSlug: 'velflex',
      sentAt: T0,
      intervalSeconds: 60,
      counters: { 'deliver.delivered': 4 },
      errorsByKind: { 'http-429': 1 },
      lastEventAt: T0,
      failures: [{ stage: 'deliver', kind: 'http-429', reason: 'rate limited', recordId: '51' }],
    });
    expect(payload?.checks.map((c) => [c.name, c.ok, c.value ?? null])).toEqual([
      ['table', true, null],
      ['queueDepth', true, 3],
      ['deadLetterAge', false, 90_000],
    ]);
    expect(payload?.deadLetters).toEqual({
      count: 2,
      oldestAgeMs: 90_000,
      recent: [
        { id: 'dl-2', kind: 'validation', reason: 'bad email [email]', failedAt: T0 - 1000, attempts: 1 },
        {
          id: 'dl-1',
          kind: 'http-500',
          reason: 'server error',
          failedAt: T0 - 90_000,
          attempts: 5,
          recordId: '7',
        },
      ],
    });
    expect(JSON.stringify(payload)).not.toContain('ada@example.com');
  });

  it('fails a check that throws or hangs, with the reason, and still sends the beat', async () => {
    const { log } = logger();
    const sink = memoryHeartbeatSink();
    const pending = runHeartbeat({
      integrationId: 'i',
      clientSlug: 'c',
      intervalSeconds: 60,
      checks: {
        table: async () => {
          throw new Error('ResourceNotFoundException: table kongo-velflex not found');
        },
        queueDepth: () => new Promise(() => {}),
      },
      counters: log,
      sink,
      checkTimeoutMs: 2000,
    });
    await vi.advanceTimersByTimeAsync(2000);
    const run = await pending;
    expect(run.ok).toBe(true);
    expect(sink.sent[0]?.checks).toEqual([
      {
        name: 'table',
        ok: false,
        reason: 'Error: ResourceNotFoundException: table kongo-velflex not found',
        durationMs: 0,
      },
      { name: 'queueDepth', ok: false, reason: 'timeout after 2000 ms', durationMs: 2000 },
    ]);
  });

  it('re-sends a failed beat under its own id before a new one, so a lost answer is not counted twice', async () => {
    const { log, memory } = logger();
    const sink = memoryHeartbeatSink();
    sink.failNext = 1;
    log.count('deliver', 'delivered', 2);
    const options = {
      integrationId: 'i',
      clientSlug: 'c',
      intervalSeconds: 60,
      checks: {},
      counters: log,
      sink,
      log,
    };
    const failed = await runHeartbeat(options);
    expect(failed.ok).toBe(false);
    expect(failed.error?.name).toBe('HeartbeatDeliveryError');
    log.count('deliver', 'delivered');
    sink.failNext = 1;
    // The held beat fails again: nothing new is drained meanwhile.
    expect((await runHeartbeat(options)).payload.beatId).toBe(failed.payload.beatId);
    await runHeartbeat(options);
    expect(sink.sent.map((p) => [p.beatId === failed.payload.beatId, p.counters])).toEqual([
      [true, { 'deliver.delivered': 2 }],
      [false, { 'deliver.delivered': 1 }],
    ]);
    await runHeartbeat(options);
    expect(sink.sent).toHaveLength(3);
    expect(new Set(sink.sent.map((p) => p.beatId)).size).toBe(3);
    expect(memory.entries().some((e) => e.msg === 'heartbeat not delivered')).toBe(true);
  });

  it('runs replay commands from the answer and reports their results on an immediate second beat', async () => {
    const { log } = logger();
    const sink = memoryHeartbeatSink();
    sink.commands.push({ id: 'cmd-1', type: 'replay', deadLetterIds: ['dl-1'], requestedAt: T0 - 5 });
    const seen: string[] = [];
    const run = await runHeartbeat({
      integrationId: 'i',
      clientSlug: 'c',
      intervalSeconds: 60,
      checks: {},
      counters: log,
      sink,
      onCommands: async (commands) => {
        seen.push(...commands.map((c) => c.id));
        return commands.map((c) => ({ id: c.id, status: 'done' as const, count: 1 }));
      },
    });
    expect(seen).toEqual(['cmd-1']);
    expect(run.commandResults).toEqual([{ id: 'cmd-1', status: 'done', count: 1 }]);
    expect(sink.sent.map((p) => p.commandResults)).toEqual([[], [{ id: 'cmd-1', status: 'done', count: 1 }]]);
    expect(sink.commands).toEqual([]);
  });

  it('reports the dead-letter queue as the commands left it on the result beat', async () => {
    const { log } = logger();
    const sink = memoryHeartbeatSink();
    sink.commands.push({ id: 'cmd-2', type: 'replay', requestedAt: T0 - 5 });
    let waiting = 1;
    await runHeartbeat({
      integrationId: 'i',
      clientSlug: 'c',
      intervalSeconds: 60,
      checks: {},
      counters: log,
      sink,
      deadLetters: async () => ({ count: waiting, oldestAgeMs: waiting > 0 ? 1_000 : null, recent: [] }),
      onCommands: async (commands) => {
        waiting = 0;
        return commands.map((c) => ({ id: c.id, status: 'done' as const, count: 1 }));
      },
    });
    expect(sink.sent.map((p) => p.deadLetters?.count)).toEqual([1, 0]);
  });
});

describe('startHeartbeatLoop', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('beats at once and then every interval until stopped', async () => {
    const { log } = logger();
    const sink = memoryHeartbeatSink();
    const loop = startHeartbeatLoop({
      integrationId: 'i',
      clientSlug: 'c',
      intervalSeconds: 60,
      checks: {},
      counters: log,
      sink,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(59_000);
    expect(sink.sent).toHaveLength(1);
    log.count('deliver', 'delivered');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sink.sent).toHaveLength(2);
    expect(sink.sent[1]?.counters).toEqual({ 'deliver.delivered': 1 });
    expect(sink.sent[1]?.sentAt).toBe(T0 + 60_000);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sink.sent).toHaveLength(4);
    await loop.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(sink.sent).toHaveLength(4);
  });
});

describe('httpHeartbeatSink', () => {
  let server: Server;
  let url = '';
  const received: Array<{ auth: string | undefined; path: string | undefined; body: unknown }> = [];
  let answer: { status: number; body: string } = {
    status: 200,
    body: '{"ok":true,"status":"up","commands":[]}',
  };

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      received.push({
        auth: req.headers.authorization,
        path: req.url,
        body: JSON.parse(await readBody(req)),
      });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts JSON to /api/heartbeats with the key as a bearer token and reads commands back', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        ok: true,
        status: 'up',
        commands: [{ id: 'c1', type: 'replay', requestedAt: 5 }, { junk: 1 }],
      }),
    };
    const sink = httpHeartbeatSink({ url, key: 'nc_key_1' });
    const { log } = logger();
    const run = await runHeartbeat({
      integrationId: 'i',
      clientSlug: 'c',
      intervalSeconds: 60,
      checks: {},
      counters: log,
      sink,
    });
    expect(received.at(-1)).toMatchObject({
      auth: 'Bearer nc_key_1',
      path: '/api/heartbeats',
      body: { v: 1, integrationId: 'i' },
    });
    expect(run.response?.commands).toEqual([{ id: 'c1', type: 'replay', requestedAt: 5 }]);
  });

  it('turns a 401 into a HeartbeatDeliveryError with the status', async () => {
    answer = { status: 401, body: '{"error":"unauthorised"}' };
    const sink = httpHeartbeatSink({ url, key: 'wrong' });
    const { log } = logger();
    const run = await runHeartbeat({
      integrationId: 'i',
      clientSlug: 'c',
      intervalSeconds: 60,
      checks: {},
      counters: log,
      sink,
    });
    expect(run.ok).toBe(false);
    expect(run.error).toMatchObject({ name: 'HeartbeatDeliveryError', status: 401 });
  });
});
