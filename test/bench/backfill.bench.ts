/**
 * Backfill benchmark (a script, not a test): `node --import tsx test/bench/backfill.bench.ts`.
 * 50,000 attendees in the events simulator, half of them already in the HubSpot simulator (every
 * other one, typed in upper case, without a sync id), the app limited to 100 requests / 10 s and
 * the spec's reserve set to 0 (so "what the limit allows" is 10 requests/s). The backfill is
 * interrupted at 50 % (its AbortSignal, as Ctrl-C in `kongo sync --backfill`) and resumed.
 * Printed: HubSpot calls by endpoint and status (the simulator's admin counters), calls per record,
 * throughput against the limit, duplicates (the simulator's admin records), and a naive per-record
 * sync through @hubspot/api-client (`basicApi.update` by email, `basicApi.create` on 404) on 1,000
 * of the same records against a second simulator with the same starting state, same limit.
 * Options: --records N (50000), --naive N (1000), --per10 N (100).
 * Simulators and dynalite run in child processes so their work doesn't share this event loop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@hubspot/api-client';
import { createPacedBudget } from '../../runtime/src/backfill/budget.ts';
import { BackfillLedger } from '../../runtime/src/backfill/ledger.ts';
import { type BackfillReport, runBackfill } from '../../runtime/src/backfill/run.ts';
import { DynamoMappingStore } from '../../runtime/src/mapping-store/dynamo-store.ts';
import { controlPanel } from '../../runtime/src/ops/controls.ts';
import { createGraphQLDestination } from '../../runtime/src/outbound/graphql-client.ts';
import { createHubSpotClient } from '../../runtime/src/outbound/hubspot-client.ts';
import { localDynamoClient } from '../../runtime/src/queue/local-dynamo.ts';
import { createKongoTable, DEFAULT_KONGO_TABLE } from '../../runtime/src/queue/table.ts';
import { validateSpec } from '../../runtime/src/spec/validate.ts';
import starter from '../../templates/starters/contacts-events.integration-spec.json' with { type: 'json' };

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '50000' },
    naive: { type: 'string', default: '1000' },
    per10: { type: 'string', default: '100' },
  },
});
const RECORDS = Number(args.records);
const NAIVE = Number(args.naive);
const PER10 = Number(args.per10);
const BENCH_APP = { appId: 5150, accessToken: 'pat-bench-backfill' };
const SETUP_TOKEN = 'pat-bench-setup';

const children: ChildProcess[] = [];
const stopChildren = () => {
  for (const child of children) child.kill('SIGTERM');
};
process.on('exit', stopChildren);

async function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function startChild(command: string[], ready: (line: string) => boolean): Promise<string> {
  const child = spawn(process.execPath, command, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited with ${code}`)));
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) if (ready(line)) resolve(line);
    });
  });
}

async function json(url: string, init: RequestInit = {}): Promise<unknown> {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  if (response.status >= 300)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? null : response.json();
}

interface Counters {
  byEndpoint: Record<string, Record<string, number>>;
  total: number;
}

function summarise(counters: Counters): {
  byEndpoint: Record<string, Record<string, number>>;
  total: number;
  writes: number;
  limited: number;
} {
  const byEndpoint: Record<string, Record<string, number>> = {};
  let total = 0;
  let writes = 0;
  let limited = 0;
  for (const [endpoint, statuses] of Object.entries(counters.byEndpoint)) {
    if (!endpoint.includes('/crm/v3/objects')) continue;
    byEndpoint[endpoint] = statuses;
    for (const [status, n] of Object.entries(statuses)) {
      total += n;
      if (status === '429') limited += n;
      if (/batch\/(update|upsert|create)|^POST \/crm\/v3\/objects\/contacts$|^PATCH/.test(endpoint))
        writes += n;
    }
  }
  return { byEndpoint, total, writes, limited };
}

async function main(): Promise<void> {
  console.log(
    `backfill benchmark: ${RECORDS} records (half already in HubSpot), ${PER10} requests / 10 s, naive comparison on ${NAIVE}\n` +
      `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}, node ${process.version}`,
  );
  const dynamoPort = await freePort();
  const dynaliteCli = createRequire(import.meta.url).resolve('dynalite/cli.js');
  await startChild(
    [dynaliteCli, '--port', String(dynamoPort), '--host', '127.0.0.1', '--createTableMs', '0'],
    (l) => l.includes('listening'),
  );
  const simsLine = await startChild(
    ['--import', 'tsx', fileURLToPath(new URL('./backfill-sims.ts', import.meta.url)), String(PER10)],
    (l) => l.startsWith('{'),
  );
  const sims = JSON.parse(simsLine) as {
    hubspot: [string, string, string];
    events: string;
    eventsToken: string;
  };
  const dynamo = localDynamoClient(`http://127.0.0.1:${dynamoPort}`);
  await createKongoTable(dynamo, DEFAULT_KONGO_TABLE);

  const validated = validateSpec(structuredClone(starter));
  if (!validated.ok) throw new Error('starter spec invalid');
  const spec = validated.spec;
  spec.destination.baseUrl = sims.events;
  spec.hubspot.appId = BENCH_APP.appId;
  spec.hubspot.rateLimit = { per10Seconds: PER10, daily: 250_000, reservePercent: 0 };

  // ---- setup (not measured): the records, the sync-id property, half of them in HubSpot ----
  const setupStarted = Date.now();
  await json(`${sims.events}/_admin/seed`, { method: 'POST', body: JSON.stringify({ count: RECORDS }) });
  const seeded = (await json(`${sims.events}/_admin/records?limit=${RECORDS}`)) as {
    data: Array<{ email: string; firstName: string | null }>;
  };
  for (const hub of sims.hubspot) {
    await json(`${hub}/crm/v3/properties/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SETUP_TOKEN}` },
      body: JSON.stringify({
        name: spec.hubspot.syncIdProperty,
        label: 'Kongo sync id',
        type: 'string',
        fieldType: 'text',
        groupName: 'contactinformation',
        hasUniqueValue: true,
      }),
    });
  }
  const existing = seeded.data.filter((_, i) => i % 2 === 0);
  for (const [index, hub] of sims.hubspot.entries()) {
    const subset = index === 1 ? seeded.data.slice(0, NAIVE).filter((_, i) => i % 2 === 0) : existing;
    for (let i = 0; i < subset.length; i += 100) {
      await json(`${hub}/crm/v3/objects/contacts/batch/create`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SETUP_TOKEN}` },
        body: JSON.stringify({
          inputs: subset
            .slice(i, i + 100)
            .map((a) => ({ properties: { email: a.email.toUpperCase(), firstname: 'Existing' } })),
        }),
      });
    }
    await json(`${hub}/_admin/counters`, { method: 'DELETE' });
  }
  console.log(
    `setup: ${RECORDS} attendees, ${existing.length} contacts already in HubSpot (${((Date.now() - setupStarted) / 1000).toFixed(1)} s)`,
  );

  // ---- 1. the backfill, measured; 2. the same on a fresh simulator, interrupted at 50 % and resumed ----
  const store = new DynamoMappingStore({ client: dynamo, tableName: DEFAULT_KONGO_TABLE });
  const ledger = new BackfillLedger({ client: dynamo, tableName: DEFAULT_KONGO_TABLE });
  // Where the time goes (cumulative, overlapping): printed at the end.
  const timings: Record<string, { ms: number; n: number }> = {};
  const timed =
    <A extends unknown[], R>(name: string, fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      const t = performance.now();
      try {
        return await fn(...a);
      } finally {
        const entry = timings[name] ?? { ms: 0, n: 0 };
        entry.ms += performance.now() - t;
        entry.n++;
        timings[name] = entry;
      }
    };
  ledger.naturalKeys = timed('dynamo: natural-key reads', ledger.naturalKeys.bind(ledger));
  ledger.claimNaturalKeys = timed('dynamo: natural-key claims', ledger.claimNaturalKeys.bind(ledger));
  ledger.recordIdentities = timed('dynamo: identities', ledger.recordIdentities.bind(ledger));
  const resumeSpec = structuredClone(spec);
  resumeSpec.integration.name = `${spec.integration.name}-resumed`;
  const destination = createGraphQLDestination({
    destination: spec.destination,
    token: sims.eventsToken,
    fields: ['firstName', 'lastName', 'company', 'jobTitle', 'phone', 'country', 'status'],
  });
  destination.listChanged = timed('destination: list', destination.listChanged.bind(destination));
  const run = async (
    hub: string,
    runSpec: typeof spec,
    stopAt?: number,
  ): Promise<{ report: BackfillReport; seconds: number }> => {
    const controls = controlPanel(store, runSpec.integration.name, { now: () => Date.now() });
    const budget = createPacedBudget({ limit: spec.hubspot.rateLimit });
    const hubspot = createHubSpotClient({
      objectType: 'contacts',
      accessToken: BENCH_APP.accessToken,
      basePath: hub,
      syncIdProperty: spec.hubspot.syncIdProperty,
      budget,
    });
    hubspot.batchRead = timed('hubspot: batch read', hubspot.batchRead.bind(hubspot));
    hubspot.batchUpdate = timed('hubspot: batch update', hubspot.batchUpdate.bind(hubspot));
    hubspot.batchUpsert = timed('hubspot: batch upsert', hubspot.batchUpsert.bind(hubspot));
    const controller = new AbortController();
    const started = Date.now();
    let lastLog = 0;
    const report = await runBackfill({
      spec: runSpec,
      store,
      ledger,
      hubspot,
      destination,
      controls,
      signal: controller.signal,
      onProgress: (p) => {
        if (stopAt !== undefined && p.written >= stopAt) controller.abort();
        if (Date.now() - lastLog > 10_000) {
          lastLog = Date.now();
          const seconds = (Date.now() - started) / 1000;
          console.log(
            `  … ${p.written} written, ${p.hubspotCalls} HubSpot calls, ${(p.hubspotCalls / seconds).toFixed(2)} calls/s`,
          );
        }
      },
    });
    await budget.stop();
    return { report, seconds: (Date.now() - started) / 1000 };
  };
  const contactsPerEmail = async (hub: string): Promise<{ count: number; duplicates: number }> => {
    const contacts = (await json(`${hub}/_admin/records/contacts`)) as
      | { results?: Array<{ properties: Record<string, string | null> }> }
      | Array<{ properties: Record<string, string | null> }>;
    const list = Array.isArray(contacts) ? contacts : (contacts.results ?? []);
    const byEmail = new Map<string, number>();
    for (const c of list) {
      const email = String(c.properties.email ?? '').toLowerCase();
      byEmail.set(email, (byEmail.get(email) ?? 0) + 1);
    }
    return { count: list.length, duplicates: [...byEmail.values()].filter((n) => n > 1).length };
  };
  const allowedPerSecond = PER10 / 10;

  const measured = await run(sims.hubspot[0], spec);
  const counters = summarise((await json(`${sims.hubspot[0]}/_admin/counters`)) as Counters);
  const measuredContacts = await contactsPerEmail(sims.hubspot[0]);
  const seconds = measured.seconds;
  const callsPerSecond = counters.total / seconds;
  console.log(
    `1. backfill: ${measured.report.written} written (${measured.report.matched} matched, ${measured.report.created} created), failed ${measured.report.failed}, in ${seconds.toFixed(1)} s\n` +
      `HubSpot calls by endpoint and status: ${JSON.stringify(counters.byEndpoint)}\n` +
      `records: ${RECORDS}; contacts in HubSpot: ${measuredContacts.count}; duplicates: ${measuredContacts.duplicates}; 429s: ${counters.limited}\n` +
      `HubSpot write calls per record: ${(counters.writes / RECORDS).toFixed(4)} (goal ≤ 0.0105)\n` +
      `all HubSpot calls per record (matching included): ${(counters.total / RECORDS).toFixed(4)} (goal ≤ 0.025)\n` +
      `throughput: ${(RECORDS / seconds).toFixed(0)} records/s, ${callsPerSecond.toFixed(2)} calls/s of ${allowedPerSecond} allowed = ${((callsPerSecond / allowedPerSecond) * 100).toFixed(1)} % (goal ≥ 90 %)`,
  );

  const first = await run(sims.hubspot[2], resumeSpec, RECORDS / 2);
  const second = await run(sims.hubspot[2], resumeSpec);
  const resumedCounters = summarise((await json(`${sims.hubspot[2]}/_admin/counters`)) as Counters);
  const resumedContacts = await contactsPerEmail(sims.hubspot[2]);
  const duplicates = measuredContacts.duplicates + resumedContacts.duplicates;
  console.log(
    `2. interrupted at ${first.report.written} written (${first.seconds.toFixed(1)} s, interrupted=${first.report.interrupted}), resumed: ${second.report.written - first.report.written} more in ${second.seconds.toFixed(1)} s (resumed=${second.report.resumed}), failed ${second.report.failed}\n` +
      `   contacts in HubSpot: ${resumedContacts.count}; duplicates: ${resumedContacts.duplicates}; HubSpot calls ${resumedCounters.total} (${(resumedCounters.total / RECORDS).toFixed(4)} per record, writes ${(resumedCounters.writes / RECORDS).toFixed(4)}), 429s: ${resumedCounters.limited}; ` +
      `${((resumedCounters.total / (first.seconds + second.seconds) / allowedPerSecond) * 100).toFixed(1)} % of the limit over both runs`,
  );

  console.log(
    `time inside each step (cumulative; steps overlap): ${Object.entries(timings)
      .map(([k, v]) => `${k} ${(v.ms / 1000).toFixed(1)} s / ${v.n}`)
      .join('; ')}`,
  );

  // ---- naive per-record sync through @hubspot/api-client on the first NAIVE records ----
  const client = new Client({
    accessToken: BENCH_APP.accessToken,
    basePath: sims.hubspot[1],
    numberOfApiCallRetries: 3,
    // The same pace as the limit allows, through the client's own bottleneck.
    limiterOptions: { minTime: Math.ceil(10_000 / PER10) + 1, maxConcurrent: 1 },
  });
  const naiveStarted = Date.now();
  for (const attendee of seeded.data.slice(0, NAIVE)) {
    const properties = { email: attendee.email.toLowerCase(), firstname: attendee.firstName ?? '' };
    try {
      await client.crm.contacts.basicApi.update(attendee.email, { properties }, 'email');
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
      await client.crm.contacts.basicApi.create({ properties, associations: [] });
    }
  }
  const naiveSeconds = (Date.now() - naiveStarted) / 1000;
  const naive = summarise((await json(`${sims.hubspot[1]}/_admin/counters`)) as Counters);
  const backfillCallsPerRecord = counters.total / RECORDS;
  const naiveCallsPerRecord = naive.total / NAIVE;
  console.log(
    `naive per-record sync (@hubspot/api-client basicApi, update by email then create on 404): ${NAIVE} records, ${naive.total} calls (${JSON.stringify(naive.byEndpoint)}), ${naiveSeconds.toFixed(1)} s, ${(NAIVE / naiveSeconds).toFixed(1)} records/s\n` +
      `ratio naive / backfill: ${(naiveCallsPerRecord / backfillCallsPerRecord).toFixed(1)}× the calls per record, ${(RECORDS / seconds / (NAIVE / naiveSeconds)).toFixed(1)}× slower per record`,
  );
  dynamo.destroy();
  stopChildren();
  process.exit(duplicates === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  stopChildren();
  process.exit(1);
});
