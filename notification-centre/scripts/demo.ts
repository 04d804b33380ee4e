/**
 * A self-contained demo of the Notification Centre: the seed's eight integrations, each a runtime
 * IntegrationLogger with a heartbeat loop posting to a local centre, a local Slack receiver printing alerts,
 * an hour of back-filled history, and one integration that stops so its down alert can be seen.
 *   node --import tsx notification-centre/scripts/demo.ts        (NC_PORT, default 4400)
 */
import { randomUUID } from 'node:crypto';
import {
  httpHeartbeatSink,
  IntegrationLogger,
  type Outcome,
  type Stage,
  startHeartbeatLoop,
  type TraceOutcome,
} from '@kongo/runtime/monitor';
import { startSlackReceiver } from '@kongo/sandbox/slack-receiver';
import { startNotificationCentre } from '../src/server.ts';
import { MINUTE, minuteOf } from '../src/types.ts';

const SEED = [
  ['velflex', 'Velflex'],
  ['porter-group', 'Porter Group'],
  ['alloys', 'Alloys'],
  ['omnigon', 'Omnigon'],
  ['kongo-quote', 'Kongo Quote API'],
  ['kongo-timelog', 'Kongo Timelog'],
  ['ews', 'EWS'],
  ['hexhire', 'HexHire'],
] as const;
const INTERVAL = Number(process.env.NC_DEMO_INTERVAL ?? 10);

const slack = await startSlackReceiver({
  onMessage: (m) => console.log(`Slack ${m.path.split('/').pop()}: ${m.text ?? ''}`),
});
const nc = await startNotificationCentre({
  port: Number(process.env.NC_PORT ?? 4400),
  detectEverySeconds: 2,
  rules: { minIntervalSeconds: INTERVAL },
  logSink: () => {},
});
const loops: Array<{ stop(): Promise<void> }> = [];
const timers: Array<ReturnType<typeof setInterval>> = [];

function simulate(log: IntegrationLogger, errorRate: number): void {
  const start = Date.now();
  const direction = Math.random() < 0.5 ? 'hubspot-to-destination' : 'destination-to-hubspot';
  const recordId = String(50_000 + Math.floor(Math.random() * 9000));
  const trace = log.startTrace({ traceId: randomUUID(), direction, objectType: 'contact', recordId });
  let t = start - 400 - Math.random() * 400;
  const step = (stage: Stage, ms: number, note?: string) => {
    trace.mark(stage, { startedAt: t, durationMs: ms, ...(note ? { note } : {}) });
    t += ms + 1;
  };
  step('trigger', 0);
  step('receive', 20 + Math.random() * 60);
  step('verify', 1 + Math.random() * 2, 'hmac-v3');
  step('transform', 1 + Math.random() * 3);
  const roll = Math.random();
  let outcome: TraceOutcome = 'landed';
  let counted: [Stage, Outcome] = ['deliver', 'delivered'];
  if (roll < 0.15) {
    step('idempotency', 8, 'echo-hash-match');
    outcome = 'echo-dropped';
    counted = ['idempotency', 'echo-dropped'];
  } else if (roll < 0.2) {
    step('idempotency', 7, 'duplicate-event');
    outcome = 'duplicate-ignored';
    counted = ['idempotency', 'duplicate-ignored'];
  } else {
    step('idempotency', 6 + Math.random() * 8);
    if (roll > 1 - errorRate) {
      step('deliver', 900, 'http-500');
      outcome = 'dead-lettered';
      counted = ['deliver', 'dead-lettered'];
      log.failure({
        stage: 'deliver',
        kind: 'http-500',
        reason: 'destination answered 500 five times',
        recordId,
      });
    } else {
      step('deliver', 90 + Math.random() * 200, roll > 0.9 ? 'http-429-retried' : 'http-200');
      step('observe', 1);
    }
  }
  log.count(counted[0], counted[1]);
  trace.finish(outcome);
}

for (const [index, [slug, name]] of SEED.entries()) {
  const id = `${slug}-integration`;
  await nc.centre.registerClient({ slug, name, slackWebhookUrl: slack.webhookUrl(slug) });
  const key = `demo-key-${slug}-0123456789`;
  await nc.centre.registerIntegration({
    id,
    clientSlug: slug,
    name: `${name}${name.includes('API') ? '' : ' Integration'}`,
    key,
    intervalSeconds: INTERVAL,
  });
  // An hour of history so the plots have something to show.
  const now = Date.now();
  for (let m = 59; m >= 1; m--) {
    const events = Math.round(4 + 6 * Math.random() + 4 * Math.sin((m + index * 7) / 9));
    const errors = Math.random() < 0.12 ? 1 + Math.floor(Math.random() * 3) : 0;
    await nc.centre.store.addToMinute(id, minuteOf(now - m * MINUTE), {
      events: Math.max(0, events),
      errors,
      unauthorised: 0,
      byKind: errors ? { 'http-500': errors } : {},
    });
  }
  const log = new IntegrationLogger({ integrationId: id, clientSlug: slug, sink: () => {} });
  const letters =
    slug === 'velflex'
      ? [
          {
            id: 'dl-7f3a',
            kind: 'http-500',
            reason: 'destination answered 500 five times',
            failedAt: now - 42 * MINUTE,
            attempts: 5,
            recordId: '51234',
          },
          {
            id: 'dl-81c0',
            kind: 'validation',
            reason: 'ticketType: enum value not mapped',
            failedAt: now - 9 * MINUTE,
            attempts: 1,
            recordId: '51877',
          },
        ]
      : [];
  loops.push(
    startHeartbeatLoop({
      integrationId: id,
      clientSlug: slug,
      intervalSeconds: INTERVAL,
      checks: {
        table: async () => ({ ok: true }),
        queueDepth: async () => ({ ok: true, value: Math.floor(Math.random() * 3) }),
      },
      deadLetters: async () => ({
        count: letters.length,
        oldestAgeMs: letters.length ? Date.now() - Math.min(...letters.map((l) => l.failedAt)) : null,
        recent: letters,
      }),
      onCommands: async (commands) =>
        commands.map((c) => {
          const ids = c.deadLetterIds ?? letters.map((l) => l.id);
          for (const dl of ids) {
            const at = letters.findIndex((l) => l.id === dl);
            if (at >= 0) letters.splice(at, 1);
            log.count('replay', 'replayed');
          }
          return { id: c.id, status: 'done' as const, count: ids.length };
        }),
      counters: log,
      sink: httpHeartbeatSink({ url: nc.url, key }),
    }),
  );
  timers.push(setInterval(() => simulate(log, slug === 'velflex' ? 0.08 : 0.02), 700 + index * 230));
}

// Omnigon's handler "stops" after 30 s: its heartbeats end, and after 2× the interval Slack hears about it.
setTimeout(() => {
  void loops[3]?.stop();
  clearInterval(timers[3]);
  console.log('Demo: stopped the Omnigon Integration — watch for its down alert.');
}, 30_000).unref();

console.log(`Notification Centre: ${nc.url}/`);
console.log(`Slack receiver: ${slack.url}/`);

const shutdown = async () => {
  for (const t of timers) clearInterval(t);
  await Promise.all(loops.map((l) => l.stop()));
  await nc.close();
  await slack.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
