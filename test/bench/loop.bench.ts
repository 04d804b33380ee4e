/**
 * The local loop benchmark (not a test; prints figures): the whole sandbox as `npm start` runs it,
 * in this process.
 *
 * 1. change → landed, per direction: a person edits a record on one side (the simulator's admin API)
 *    at a sustained rate (open loop: a change never waits for the previous one); the change counts as
 *    landed when the other simulator holds the new value. p50/p99 per direction, plus where the time
 *    went: change → the webhook reaching the integration's handler, and handler → landed (queue,
 *    worker, hydration, write).
 * 2. the same with 10% injected 429s carrying short retry hints (100–1000 ms) on both simulators' APIs;
 *    landed vs made, so nothing lost is checked.
 * 3. webhook acknowledge latency at 100 requests/s through the local gateway (signed HubSpot webhooks).
 *
 * HubSpot → events runs at min(--rate, 90% of the events platform's own write limit), printed. Each
 * phase ends with one JSON line (issue #12): {"phase","direction","rate","made","landed","coalesced",
 * "lost","writtenBack","p99Ms","hubspotCallsPerChange","http429"} — a change that did not land itself
 * but whose record later holds a newer change is `coalesced` (superseded in a batch), not lost; `lost`
 * is what had not landed when the watcher gave up (`--settle-seconds` after the last change).
 *
 * node --import tsx test/bench/loop.bench.ts [--seconds 60] [--rate 5] [--ack-seconds 10] [--ack-rate 100]
 *   [--phases steady,faults,ack] [--pool 100]
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DEFAULT_COST_LIMITS, MUTATION_COST } from '../../sandbox/src/events/cost.ts';
import { signV3, v3SigningUri } from '../../sandbox/src/hubspot/index.ts';
import type { LoadedIntegration, Sandbox } from '../../sandbox/src/start/sandbox.ts';
import {
  ATTENDEES,
  eventsMutations,
  getJson,
  type HubSpotRecord,
  hubspotContactWrites,
  type SimCounters,
  sendJson,
  settle,
  startTestSandbox,
} from '../e2e/harness.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '5' },
    'ack-seconds': { type: 'string', default: '10' },
    'ack-rate': { type: 'string', default: '100' },
    phases: { type: 'string', default: 'steady,faults,ack' },
    pool: { type: 'string', default: '100' },
    'settle-seconds': { type: 'string', default: '30' },
    /** Print queue depths and API counters every 5 s (where is the time going?). */
    progress: { type: 'boolean', default: false },
    /** Concurrent worker loops per integration (sandbox option `workers`; npm start's default). */
    workers: { type: 'string' },
    /** Pause the integration during the acknowledge phase: the edge alone, no worker deliveries. */
    'ack-paused': { type: 'boolean', default: false },
    directions: { type: 'string', default: 'hubspot-to-destination,destination-to-hubspot' },
    /** Where dynalite runs: its own process, as `npm start` runs it, or inside the gateway's process. */
    dynamo: { type: 'string', default: 'child' },
  },
});
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);
const ACK_SECONDS = Number(args['ack-seconds']);
const ACK_RATE = Number(args['ack-rate']);
const POOL = Number(args.pool);
const SETTLE_MS = Number(args['settle-seconds']) * 1000;
const PHASES = new Set((args.phases ?? '').split(','));
const DIRECTIONS = (args.directions ?? '').split(',') as Direction[];

type Direction = 'hubspot-to-destination' | 'destination-to-hubspot';

interface Change {
  value: string;
  /** Index of the record (pair) it changed. */
  pair: number;
  madeAt: number;
  webhookAt?: number;
  landedAt?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
const ms = (n: number) => (Number.isNaN(n) ? '–' : `${n.toFixed(n < 10 ? 2 : 0)} ms`);
function summary(values: number[]): { p50: number; p99: number; max: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    n: sorted.length,
  };
}
const describe = (s: ReturnType<typeof summary>) =>
  `p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  max ${ms(s.max)}  (n=${s.n})`;

/** Records when each change's webhook reached the integration's handler (bench-only instrumentation). */
function instrument(loaded: LoadedIntegration, pending: Map<string, Change>): void {
  const runtime = loaded.runtime;
  const hubspotWebhook = runtime.hubspotWebhook.bind(runtime);
  const destinationWebhook = runtime.destinationWebhook.bind(runtime);
  const mark = (values: string[]) => {
    const now = performance.now();
    for (const value of values) {
      const change = pending.get(value);
      if (change && change.webhookAt === undefined) change.webhookAt = now;
    }
  };
  // The gateway's routes call runtime.hubspotWebhook(request) at request time, so wrapping here sees every call.
  runtime.hubspotWebhook = async (request) => {
    const text = await request.clone().text();
    mark([...text.matchAll(/"propertyValue":"(bench-[^"]+)"/g)].map((m) => m[1] ?? ''));
    return hubspotWebhook(request);
  };
  runtime.destinationWebhook = async (request) => {
    const text = await request.clone().text();
    mark([...text.matchAll(/"jobTitle":"(bench-[^"]+)"/g)].map((m) => m[1] ?? ''));
    return destinationWebhook(request);
  };
}

interface Pair {
  contactId: string;
  attendeeId: string;
}

/** Contacts made in HubSpot and landed in the events platform before measuring (their own loop). */
async function seedPairs(sb: Sandbox, count: number): Promise<Pair[]> {
  const contacts: HubSpotRecord[] = [];
  for (let i = 0; i < count; i++) {
    contacts.push(
      await sendJson<HubSpotRecord>('POST', `${sb.urls.hubspot}/_admin/records/contacts`, {
        properties: {
          email: `bench-${i}@example.com`,
          firstname: `Bench${i}`,
          lastname: 'Person',
          jobtitle: 'seed',
        },
      }),
    );
    // Paced under the events platform's write limit (each contact becomes one attendee create).
    if (i % 40 === 39) await sleep(1_000);
  }
  const deadline = Date.now() + 120_000 + count * 200;
  for (;;) {
    const pairs = contacts.flatMap((c) => {
      const attendee = sb.events.store.findByEmail(c.properties.email ?? '');
      return attendee ? [{ contactId: c.id, attendeeId: attendee.id }] : [];
    });
    if (pairs.length === count) {
      await settle(sb, 60_000);
      return pairs;
    }
    if (Date.now() > deadline) throw new Error(`only ${pairs.length} of ${count} seed contacts landed`);
    await sleep(200);
  }
}

interface PhaseResult {
  direction: Direction;
  rate: number;
  made: number;
  landed: number;
  /** Not landed, but a newer change of the same record did: superseded in a batch, not lost. */
  coalesced: number;
  lost: number;
  hubspotCalls: number;
  hubspot429: number;
  total: ReturnType<typeof summary>;
  toWebhook: ReturnType<typeof summary>;
  afterWebhook: ReturnType<typeof summary>;
  writesOtherSide: number;
  writesBack: number;
  loopDelayP99: number;
}

async function runDirection(
  sb: Sandbox,
  pairs: Pair[],
  pending: Map<string, Change>,
  direction: Direction,
  label: string,
  rate: number,
): Promise<PhaseResult> {
  await settle(sb, 60_000);
  await fetch(`${sb.urls.hubspot}/_admin/counters`, { method: 'DELETE' });
  await fetch(`${sb.urls.events}/_admin/counters`, { method: 'DELETE' });
  pending.clear();
  const changes: Change[] = [];
  const watching = new Map<string, { change: Change; pair: Pair }>();
  let stopWatching = false;
  let giveUpAt = Number.POSITIVE_INFINITY;
  // Watch the other side in-process every 5 ms (cheaper and finer than polling its admin API).
  const watcher = (async () => {
    while (!stopWatching || watching.size > 0) {
      for (const [value, { change, pair }] of watching) {
        const current =
          direction === 'hubspot-to-destination'
            ? sb.events.store.get(pair.attendeeId)?.jobTitle
            : sb.hubspot.getRecord('contacts', pair.contactId)?.properties.jobtitle;
        if (current === value) {
          change.landedAt = performance.now();
          watching.delete(value);
        }
      }
      if (stopWatching && Date.now() > giveUpAt) break;
      await sleep(5);
    }
  })();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();

  const total = Math.round(SECONDS * rate);
  const start = performance.now();
  const sends: Array<Promise<unknown>> = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const pair = pairs[i % pairs.length];
    if (!pair) throw new Error('no pairs');
    const value = `bench-${label}-${i}`;
    const change: Change = { value, pair: i % pairs.length, madeAt: performance.now() };
    changes.push(change);
    pending.set(value, change);
    watching.set(value, { change, pair });
    sends.push(
      direction === 'hubspot-to-destination'
        ? sendJson('PATCH', `${sb.urls.hubspot}/_admin/records/contacts/${pair.contactId}`, {
            properties: { jobtitle: value },
          })
        : sendJson('PATCH', `${sb.urls.events}/_admin/records/${pair.attendeeId}`, { jobTitle: value }),
    );
  }
  await Promise.all(sends);
  delay.disable();
  stopWatching = true;
  giveUpAt = Date.now() + SETTLE_MS;
  await watcher;
  await settle(sb, 60_000).catch((error: unknown) => console.log(`  (settle: ${(error as Error).message})`));

  const landed = changes.filter((c) => c.landedAt !== undefined);
  // A change that did not land itself but whose record later holds a newer change was coalesced.
  const newestLanded = new Map<number, number>();
  changes.forEach((c, i) => {
    if (c.landedAt !== undefined) newestLanded.set(c.pair, Math.max(newestLanded.get(c.pair) ?? -1, i));
  });
  const coalesced = changes.filter(
    (c, i) => c.landedAt === undefined && (newestLanded.get(c.pair) ?? -1) > i,
  ).length;
  const hubspotCounters = await getJson<SimCounters>(`${sb.urls.hubspot}/_admin/counters`);
  const eventsCounters = await getJson<SimCounters>(`${sb.urls.events}/_admin/counters`);
  const otherSide =
    direction === 'hubspot-to-destination'
      ? eventsMutations(eventsCounters)
      : hubspotContactWrites(hubspotCounters);
  const back =
    direction === 'hubspot-to-destination'
      ? hubspotContactWrites(hubspotCounters)
      : eventsMutations(eventsCounters);
  const hubspotApi = Object.entries(hubspotCounters.byEndpoint).filter(([endpoint]) =>
    / \/crm\//.test(endpoint),
  );
  return {
    direction,
    rate,
    made: changes.length,
    landed: landed.length,
    coalesced,
    lost: changes.length - landed.length - coalesced,
    hubspotCalls: hubspotApi.reduce(
      (n, [, statuses]) => n + Object.values(statuses).reduce((a, b) => a + b, 0),
      0,
    ),
    hubspot429: hubspotApi.reduce((n, [, statuses]) => n + (statuses['429'] ?? 0), 0),
    total: summary(landed.map((c) => (c.landedAt ?? 0) - c.madeAt)),
    toWebhook: summary(landed.flatMap((c) => (c.webhookAt === undefined ? [] : [c.webhookAt - c.madeAt]))),
    afterWebhook: summary(
      landed.flatMap((c) => (c.webhookAt === undefined ? [] : [(c.landedAt ?? 0) - c.webhookAt])),
    ),
    writesOtherSide: otherSide,
    writesBack: back,
    loopDelayP99: delay.percentile(99) / 1e6,
  };
}

/** The phase's one JSON line (issue #12): what a user pays and gets. */
function phaseLine(phase: string, result: PhaseResult): void {
  console.log(
    JSON.stringify({
      phase,
      direction: result.direction,
      rate: result.rate,
      made: result.made,
      landed: result.landed,
      coalesced: result.coalesced,
      lost: result.lost,
      writtenBack: result.writesBack,
      p99Ms: Math.round(result.total.p99),
      hubspotCallsPerChange: Number((result.hubspotCalls / Math.max(1, result.made)).toFixed(4)),
      http429: result.hubspot429,
    }),
  );
}

function printPhase(title: string, result: PhaseResult, goalMs: number): void {
  const arrow = result.direction === 'hubspot-to-destination' ? 'HubSpot → events' : 'events → HubSpot';
  console.log(`\n${title}: ${arrow}`);
  console.log(`  change → landed      ${describe(result.total)}   goal p99 ≤ ${goalMs} ms`);
  console.log(`    change → webhook   ${describe(result.toWebhook)}`);
  console.log(`    webhook → landed   ${describe(result.afterWebhook)}`);
  console.log(
    `  landed ${result.landed} of ${result.made} made (${result.coalesced} coalesced, ${result.lost} not landed by the end); ` +
      `successful writes on the other side ${result.writesOtherSide}, written back ${result.writesBack}; ` +
      `event-loop delay p99 ${ms(result.loopDelayP99)}`,
  );
}

async function ackLatency(sb: Sandbox, loaded: LoadedIntegration, pairs: Pair[], secret: string) {
  await settle(sb, 60_000);
  const url = loaded.hubspotWebhookUrl;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const late: number[] = [];
  const total = Math.round(ACK_SECONDS * ACK_RATE);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const start = performance.now();
  const inFlight: Array<Promise<void>> = [];
  let eventId = 50_000_000;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / ACK_RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    late.push(performance.now() - due);
    const pair = pairs[i % pairs.length];
    const body = JSON.stringify([
      {
        eventId: eventId++,
        subscriptionId: 1,
        portalId: 62515,
        appId: loaded.spec.hubspot.appId,
        occurredAt: Date.now(),
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: Number(pair?.contactId),
        propertyName: 'firstname',
        propertyValue: 'unchanged',
        changeSource: 'CRM_UI',
        sourceId: 'userId:9012345',
      },
    ]);
    const timestamp = Date.now();
    const sent = performance.now();
    inFlight.push(
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hubspot-signature-v3': signV3(secret, 'POST', v3SigningUri(url), body, timestamp),
          'x-hubspot-request-timestamp': String(timestamp),
        },
        body,
      }).then(async (response) => {
        await response.arrayBuffer();
        latencies.push(performance.now() - sent);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(inFlight);
  delay.disable();
  return {
    latency: summary(latencies),
    statuses,
    late: summary(late),
    loopDelayP99: delay.percentile(99) / 1e6,
  };
}

/** Every 5 s: each integration's queue depth and the simulators' API counters (non-2xx broken out). */
function startProgress(sb: Sandbox): () => void {
  const started = performance.now();
  const timer = setInterval(async () => {
    const depths: string[] = [];
    for (const loaded of sb.integrations.values()) {
      const d = await loaded.runtime.queue.depth();
      depths.push(
        `${loaded.name} visible ${d.visible} inFlight ${d.inFlight} oldest ${d.oldestAgeMs ?? 0} ms`,
      );
    }
    const brief = (c: SimCounters, by: Record<string, Record<string, number>>) =>
      Object.entries(by)
        .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
        .join('; ') || `total ${c.total}`;
    const hubspot = sb.hubspot.counters();
    const events = await getJson<SimCounters>(`${sb.urls.events}/_admin/counters`);
    console.log(`  [${((performance.now() - started) / 1000).toFixed(0)} s] ${depths.join(' | ')}`);
    console.log(`    HubSpot: ${brief(hubspot, hubspot.byEndpoint)}`);
    console.log(`    events: ${brief(events, events.byOperation ?? {})}`);
  }, 5_000);
  return () => clearInterval(timer);
}

async function main(): Promise<void> {
  console.log(
    `Local loop benchmark — ${new Date().toISOString()} — ${cpus().length}× ${cpus()[0]?.model ?? '?'}, Node ${process.version}`,
  );
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${SECONDS} s at ${RATE} changes/s per direction; pool ${POOL} records; ` +
      `workers per integration ${args.workers ?? 'default'}; dynalite ${args.dynamo}`,
  );
  // As `npm start` runs it (search indexing lag 2 s, heartbeat every minute), on free ports, in memory.
  const running = await startTestSandbox({
    indexingLagMs: 2000,
    dynamoProcess: args.dynamo === 'in-process' ? 'in-process' : 'child',
    heartbeatSeconds: 60,
    log: (line) => console.log(`  · ${line}`),
    ...(args.workers === undefined ? {} : { workers: Number(args.workers) }),
  });
  const sb = running.sandbox;
  try {
    const loaded = sb.integrations.get(ATTENDEES);
    if (!loaded) throw new Error(`${ATTENDEES} not loaded`);
    const pending = new Map<string, Change>();
    instrument(loaded, pending);
    const stopProgress = args.progress ? startProgress(sb) : () => {};
    const seeded = performance.now();
    const pairs = await seedPairs(sb, POOL);
    console.log(`seeded ${pairs.length} contact/attendee pairs in ${ms(performance.now() - seeded)}`);

    // HubSpot → events is held to 90% of the events platform's own write limit (cost per second /
    // cost of a mutation), so the sustained phase measures Kongo, not the destination's 429s.
    const destinationWrites = DEFAULT_COST_LIMITS.secondlyThreshold / MUTATION_COST;
    const rateFor = (direction: Direction) =>
      direction === 'hubspot-to-destination' ? Math.min(RATE, 0.9 * destinationWrites) : RATE;
    console.log(
      `events platform write limit ${destinationWrites}/s → HubSpot → events at ${rateFor('hubspot-to-destination')}/s`,
    );
    if (PHASES.has('steady')) {
      for (const direction of DIRECTIONS) {
        const result = await runDirection(
          sb,
          pairs,
          pending,
          direction,
          `s${direction[0]}`,
          rateFor(direction),
        );
        printPhase('Sustained', result, 5000);
        phaseLine('sustained', result);
      }
    }
    if (PHASES.has('faults')) {
      const faults = { seed: 7, rate429: 0.1, retryAfterMs: { min: 100, max: 1000 } };
      sb.hubspot.setFaults(faults);
      await sendJson('PUT', `${sb.urls.events}/_admin/faults`, faults);
      for (const direction of DIRECTIONS) {
        const result = await runDirection(
          sb,
          pairs,
          pending,
          direction,
          `f${direction[0]}`,
          rateFor(direction),
        );
        phaseLine('faults', result);
        const hubspot = await getJson<SimCounters>(`${sb.urls.hubspot}/_admin/counters`);
        const events = await getJson<SimCounters>(`${sb.urls.events}/_admin/counters`);
        const injected = (c: SimCounters) =>
          Object.values(c.byEndpoint).reduce((n, statuses) => n + (statuses['429'] ?? 0), 0);
        printPhase('With 10% injected 429s (retry hints 100–1000 ms)', result, 3000);
        console.log(
          `  429s answered: HubSpot ${injected(hubspot)} of ${hubspot.total}, events ${injected(events)} of ${events.total}`,
        );
      }
      sb.hubspot.setFaults({ rate429: 0 });
      await fetch(`${sb.urls.events}/_admin/faults`, { method: 'DELETE' });
    }
    if (PHASES.has('ack')) {
      const secrets = JSON.parse(readFileSync(join(running.stateDir, 'secrets.json'), 'utf8')) as Record<
        string,
        string
      >;
      const secret = secrets[loaded.spec.hubspot.secretParameter] ?? '';
      if (args['ack-paused']) await loaded.runtime.controls.pause();
      const ack = await ackLatency(sb, loaded, pairs, secret);
      if (args['ack-paused']) await loaded.runtime.controls.resume();
      console.log(
        `\nWebhook acknowledge latency, ${ACK_RATE} requests/s for ${ACK_SECONDS} s through the gateway` +
          `${args['ack-paused'] ? ' (integration paused: no deliveries meanwhile)' : ''}:`,
      );
      console.log(`  ${describe(ack.latency)}   goal p99 ≤ 50 ms`);
      console.log(
        `  statuses ${JSON.stringify(ack.statuses)}; sends late by ${describe(ack.late)}; event-loop delay p99 ${ms(ack.loopDelayP99)}`,
      );
    }
    stopProgress();
    console.log(
      `\nload average at the end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await running.close();
  }
}

await main();
