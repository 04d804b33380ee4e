/**
 * The soak benchmark (issue #11; not a test — it prints figures): thousands of people's edits on both sides
 * through `npm start`'s parts, with the outside world misbehaving and Kongo's processes killed, then a check
 * of where everything ended against the generator's own log and the newest-edit-by-source-time rule.
 *
 * Parts, as `npm start` has them: the HubSpot and events simulators (in this process: they are the outside
 * world and are never killed; their state files in the data folder), dynalite in its own process on the data
 * folder, and Kongo's gateway + worker loops in another (test/bench/soak/kongo-process.ts). The SIGKILLs hit
 * those two; each is started again on the same data folder (and port).
 *
 * node --import tsx test/bench/soak.bench.ts [--changes 10000] [--people 1000] [--rate 20] [--no-faults]
 *   [--kills 3] [--clock-offset-ms 3000] [--seed 11] [--settle-seconds 600] [--workers 4] [--keep]
 *
 * See docs/BENCHMARKS.md ("Soak") for what each figure means and the recorded runs.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hubspotSetup } from '../../generator/src/index.ts';
import { DynamoDeadLetterQueue } from '../../runtime/src/queue/dynamo-dead-letters.ts';
import { DynamoWorkQueue } from '../../runtime/src/queue/dynamo-queue.ts';
import { type IntegrationSpec, validateSpec, webhookPath } from '../../runtime/src/spec/index.ts';
import { type EventsSimulator, startEventsSimulator } from '../../sandbox/src/events/index.ts';
import { type HubSpotSimulator, startHubSpotSimulator } from '../../sandbox/src/hubspot/index.ts';
import { type DynaliteProcess, startDynaliteProcess } from '../../sandbox/src/start/dynalite-child.ts';
import { ensureLocalSecrets } from '../../sandbox/src/start/local-secrets.ts';
import { secretsFor } from '../../sandbox/src/start/sandbox.ts';
import { processMemoryMb } from './process-memory.ts';
import type { KongoProcessConfig } from './soak/kongo-process.ts';
import {
  causelessWrites,
  type EditLogEntry,
  expectedState,
  type FinalRecord,
  heldBeforeFrom,
  judge,
  type Side,
} from './soak/model.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { values: args } = parseArgs({
  options: {
    changes: { type: 'string', default: '10000' },
    people: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '20' },
    'no-faults': { type: 'boolean', default: false },
    kills: { type: 'string', default: '3' },
    'clock-offset-ms': { type: 'string', default: '3000' },
    seed: { type: 'string', default: '11' },
    'settle-seconds': { type: 'string', default: '600' },
    workers: { type: 'string', default: '4' },
    keep: { type: 'boolean', default: false },
  },
});
const CHANGES = Number(args.changes);
const PEOPLE = Number(args.people);
const RATE = Number(args.rate);
const FAULTS = !args['no-faults'];
const KILLS = FAULTS ? Number(args.kills) : 0;
const OFFSET_MS = Number(args['clock-offset-ms']);
const SEED = Number(args.seed);
const SETTLE_MS = Number(args['settle-seconds']) * 1000;
for (const [name, value] of Object.entries({ CHANGES, PEOPLE, RATE, KILLS, OFFSET_MS, SEED, SETTLE_MS })) {
  if (!Number.isFinite(value) || (name !== 'OFFSET_MS' && value < 0))
    throw new Error(`--${name.toLowerCase()} must be a number ≥ 0, got ${value}`);
}
if (PEOPLE < 2 || CHANGES < PEOPLE)
  throw new Error('--changes must be at least --people (the first changes create the people), --people ≥ 2');

const REPO = join(import.meta.dirname, '..', '..');
const SPEC_FILE = join(REPO, 'templates', 'starters', 'contacts-events.integration-spec.json');
const DEVELOPER_API_KEY = 'dev-hapikey';
/** The mapped fields both sides edit (identity mappings both ways in the contacts-events starter). */
const FIELDS: Record<string, string> = {
  firstname: 'firstName',
  lastname: 'lastName',
  company: 'company',
  jobtitle: 'jobTitle',
  country: 'country',
};
const TO_HUBSPOT = new Map(Object.entries(FIELDS).map(([h, d]) => [d, h]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** mulberry32: the edit stream is the same for the same seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

async function call<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${text.slice(0, 200)}`);
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

interface World {
  dataDir: string;
  spec: IntegrationSpec;
  hubspot: HubSpotSimulator;
  events: EventsSimulator;
  dynamo: DynaliteProcess;
  dynamoPort: number;
  kongo: { child: ChildProcess; exited: Promise<unknown> };
  gatewayPort: number;
  peakMb: number;
  kills: string[];
  kongoLog: ReturnType<typeof createWriteStream>;
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startKongo(world: Omit<World, 'kongo'>): Promise<World['kongo']> {
  const config: KongoProcessConfig = {
    specFile: SPEC_FILE,
    gatewayPort: world.gatewayPort,
    dynamoEndpoint: world.dynamo.endpoint,
    tableName: world.dynamo.tableName,
    secretsFile: join(world.dataDir, 'secrets.json'),
    hubspotBaseUrl: world.hubspot.url,
    destinationBaseUrl: world.events.url,
    workers: Number(args.workers),
    log: args.keep,
  };
  const child = fork(join(import.meta.dirname, 'soak', 'kongo-process.ts'), [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  child.stdout?.pipe(world.kongoLog, { end: false });
  child.stderr?.pipe(world.kongoLog, { end: false });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) =>
      reject(new Error(`Kongo's process exited during start (${code}); see kongo.log`)),
    );
  });
  return { child, exited };
}

async function startDynamo(dataDir: string, port: number): Promise<DynaliteProcess> {
  // The port may linger for a moment after a SIGKILL: retry the bind briefly.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDynaliteProcess({ path: join(dataDir, 'dynamo'), port });
    } catch (error) {
      if (attempt >= 20) throw error;
      await sleep(250);
    }
  }
}

function sampleMemory(world: World): void {
  try {
    const { peak } = processMemoryMb(world.dynamo.pid);
    if (Number.isFinite(peak)) world.peakMb = Math.max(world.peakMb, peak);
  } catch {
    // dynalite is between a kill and its restart
  }
}

async function setUp(): Promise<World> {
  const dataDir = join(REPO, '.kongo', `soak-${Date.now()}`);
  mkdirSync(dataDir, { recursive: true });
  const checked = validateSpec(JSON.parse(readFileSync(SPEC_FILE, 'utf8')));
  if (!checked.ok) throw new Error(`${SPEC_FILE} is not a valid spec`);
  const gatewayPort = await freePort();
  const spec: IntegrationSpec = { ...checked.spec, publicBaseUrl: `http://127.0.0.1:${gatewayPort}` };
  const secrets = ensureLocalSecrets(join(dataDir, 'secrets.json'), secretsFor(spec));
  const secret = (name: string) => secrets[name] ?? '';
  const dynamoPort = await freePort();
  const dynamo = await startDynamo(dataDir, dynamoPort);
  const faults = (seed: number) =>
    FAULTS
      ? {
          seed,
          rate429: 0.1,
          rate5xx: 0.05,
          rateTimeout: 0.02,
          retryAfterMs: { min: 100, max: 1000 },
          duplicateWebhookRate: 0.05,
          reorderWebhooks: true,
          echoBeforeResponse: true,
        }
      : {};
  const hubspot = await startHubSpotSimulator({
    port: 0,
    indexingLagMs: 2000,
    stateFile: join(dataDir, 'hubspot.json'),
    developerApiKey: DEVELOPER_API_KEY,
    apps: [
      {
        appId: spec.hubspot.appId,
        clientSecret: secret(spec.hubspot.secretParameter),
        accessToken: secret(spec.hubspot.accessTokenParameter),
      },
    ],
    // HubSpot's retry schedule (3 min doubling, ~a day) compressed 100×: first retry after ~1.8 s.
    webhooks: { timeScale: 0.01 },
  });
  // The app's setup (subscriptions) is the consultant's, before the run: the faults start after it.
  await hubspotSetup(spec, {
    baseUrl: hubspot.url,
    accessToken: secret(spec.hubspot.accessTokenParameter),
    developerApiKey: DEVELOPER_API_KEY,
  });
  hubspot.setFaults(faults(SEED));
  const events = await startEventsSimulator({
    port: 0,
    tokens: [secret(spec.destination.auth.tokenParameter)],
    stateFile: join(dataDir, 'events.json'),
    clockOffsetMs: OFFSET_MS,
    subscriptions: [
      {
        url: spec.publicBaseUrl + webhookPath(spec, 'destination'),
        secret: secret(spec.destination.webhooks?.secretParameter ?? ''),
      },
    ],
    // Svix's schedule (5 s, 5 min, 30 min, …) compressed 100×.
    webhookTiming: { timeCompression: 100 },
    // The platform's cost limits are generous next to HubSpot's 100 per 10 s: leave them as they are.
    faults: faults(SEED + 1),
  });
  const kongoLog = createWriteStream(join(dataDir, 'kongo.log'));
  const partial = {
    dataDir,
    spec,
    hubspot,
    events,
    dynamo,
    dynamoPort,
    gatewayPort,
    peakMb: 0,
    kills: [],
    kongoLog,
  };
  const kongo = await startKongo(partial);
  return { ...partial, kongo };
}

interface Person {
  email: string;
  retired: boolean;
  lastEditAt: number;
}

/** The generator: makes each change through the simulators' admin API (a person in the UI) and logs it. */
class Generator {
  readonly log: EditLogEntry[] = [];
  readonly people: Person[] = [];
  failures = 0;
  #change = 0;
  constructor(readonly world: World) {}

  #contact(email: string) {
    return this.world.hubspot.listRecords('contacts').find((r) => r.properties.email === email);
  }

  #attendee(email: string) {
    return this.world.events.store.findByEmail(email);
  }

  sidesHolding(email: string): Side[] {
    const sides: Side[] = [];
    if (this.#contact(email)) sides.push('hubspot');
    if (this.#attendee(email)) sides.push('destination');
    return sides;
  }

  #values(fields: string[], change: number): Record<string, string> {
    return Object.fromEntries(fields.map((f) => [f, `${f}-${change}-${Math.floor(rand() * 1e6)}`]));
  }

  async create(email: string, side: Side, change: number): Promise<void> {
    const fields = this.#values(Object.keys(FIELDS), change);
    const entry = await this.#write(side, 'create', email, fields);
    if (entry) this.log.push({ ...entry, change });
  }

  async edit(person: Person, side: Side, fields: string[], change: number): Promise<void> {
    const values = this.#values(fields, change);
    person.lastEditAt = Date.now();
    const entry = await this.#write(side, 'edit', person.email, values);
    if (entry) this.log.push({ ...entry, change });
  }

  async remove(person: Person, side: Side, change: number): Promise<void> {
    person.retired = true;
    const entry = await this.#write(side, 'delete', person.email, {});
    if (entry) this.log.push({ ...entry, change });
  }

  async #write(
    side: Side,
    kind: EditLogEntry['kind'],
    email: string,
    fields: Record<string, string>,
  ): Promise<Omit<EditLogEntry, 'change'> | undefined> {
    const { hubspot, events } = this.world;
    try {
      if (side === 'hubspot') {
        const base = `${hubspot.url}/_admin/records/contacts`;
        const id = kind === 'create' ? undefined : this.#contact(email)?.id;
        if (kind !== 'create' && id === undefined) return undefined;
        if (kind === 'delete') {
          await call('DELETE', `${base}/${id}`);
          return { email, side, kind, fields, sourceTimeMs: Date.now(), realTimeMs: Date.now() };
        }
        const answer = await call<{ updatedAt: string }>(
          kind === 'create' ? 'POST' : 'PATCH',
          kind === 'create' ? base : `${base}/${id}`,
          { properties: kind === 'create' ? { email, ...fields } : fields },
        );
        return {
          email,
          side,
          kind,
          fields,
          sourceTimeMs: Date.parse(answer.body.updatedAt),
          realTimeMs: Date.now(),
        };
      }
      const base = `${events.url}/_admin/records`;
      const id = kind === 'create' ? undefined : this.#attendee(email)?.id;
      if (kind !== 'create' && id === undefined) return undefined;
      if (kind === 'delete') {
        await call('DELETE', `${base}/${id}`);
        return { email, side, kind, fields, sourceTimeMs: Date.now() + OFFSET_MS, realTimeMs: Date.now() };
      }
      const input = Object.fromEntries(Object.entries(fields).map(([f, v]) => [FIELDS[f] ?? f, v]));
      const answer = await call<{ updatedAt: string }>(
        kind === 'create' ? 'POST' : 'PATCH',
        kind === 'create' ? base : `${base}/${id}`,
        kind === 'create' ? { email, ...input } : input,
      );
      return {
        email,
        side,
        kind,
        fields,
        sourceTimeMs: Date.parse(answer.body.updatedAt),
        realTimeMs: Date.now(),
      };
    } catch (error) {
      // The answer may be lost after the write was applied (a connection reset under load): then the record
      // holds what we wrote, and the change counts, at the record's own time.
      const applied = this.#appliedAnyway(side, kind, email, fields);
      if (applied) return applied;
      // e.g. a racing create that lost to Kongo's own create of the same email: the person's write failed.
      this.failures += 1;
      if (this.failures <= 5) console.log(`  (generator: ${(error as Error).message.slice(0, 160)})`);
      return undefined;
    }
  }

  #appliedAnyway(
    side: Side,
    kind: EditLogEntry['kind'],
    email: string,
    fields: Record<string, string>,
  ): Omit<EditLogEntry, 'change'> | undefined {
    if (kind === 'delete') {
      const gone = side === 'hubspot' ? !this.#contact(email) : !this.#attendee(email);
      const at = Date.now() + (side === 'destination' ? OFFSET_MS : 0);
      return gone ? { email, side, kind, fields, sourceTimeMs: at, realTimeMs: Date.now() } : undefined;
    }
    const record =
      side === 'hubspot'
        ? this.#contact(email)
        : (() => {
            const a = this.#attendee(email);
            if (!a) return undefined;
            const row = a as unknown as Record<string, string | null>;
            return {
              updatedAt: a.updatedAt,
              properties: Object.fromEntries(Object.entries(FIELDS).map(([h, d]) => [h, row[d] ?? null])),
            };
          })();
    if (!record || !Object.entries(fields).every(([f, v]) => record.properties[f] === v)) return undefined;
    return { email, side, kind, fields, sourceTimeMs: Date.parse(record.updatedAt), realTimeMs: Date.now() };
  }

  next(): number {
    return this.#change++;
  }
}

async function killAndRestart(world: World, target: 'kongo' | 'dynamo'): Promise<void> {
  const started = Date.now();
  if (target === 'kongo') {
    world.kongo.child.kill('SIGKILL');
    await world.kongo.exited;
    await sleep(2_000);
    world.kongo = await startKongo(world);
  } else {
    sampleMemory(world);
    process.kill(world.dynamo.pid, 'SIGKILL');
    await world.dynamo.exited;
    await sleep(2_000);
    world.dynamo = await startDynamo(world.dataDir, world.dynamoPort);
  }
  world.kills.push(
    `${target === 'kongo' ? 'gateway + workers' : 'dynalite'} (down ${Date.now() - started} ms)`,
  );
}

async function queueDepth(world: World): Promise<number> {
  const queue = new DynamoWorkQueue({
    client: world.dynamo.client,
    tableName: world.dynamo.tableName,
    queueName: world.spec.integration.name,
  });
  const depth = await queue.depth();
  return depth.visible + depth.inFlight;
}

async function settle(world: World): Promise<{ ms: number; quiet: boolean }> {
  const started = Date.now();
  let quietChecks = 0;
  while (Date.now() - started < SETTLE_MS) {
    sampleMemory(world);
    await Promise.race([Promise.all([world.hubspot.webhooksIdle(), world.events.idle(5_000)]), sleep(5_000)]);
    const depth = await queueDepth(world).catch(() => -1);
    quietChecks = depth === 0 ? quietChecks + 1 : 0;
    if (quietChecks >= 3) return { ms: Date.now() - started, quiet: true };
    await sleep(2_000);
  }
  return { ms: Date.now() - started, quiet: false };
}

function finals(world: World): Record<Side, Map<string, FinalRecord[]>> {
  const hubspot = new Map<string, FinalRecord[]>();
  for (const record of world.hubspot.listRecords('contacts')) {
    const email = (record.properties.email ?? '').toLowerCase();
    const mapped = Object.fromEntries(Object.keys(FIELDS).map((f) => [f, record.properties[f] ?? null]));
    hubspot.set(email, [...(hubspot.get(email) ?? []), mapped]);
  }
  const destination = new Map<string, FinalRecord[]>();
  for (const attendee of world.events.store.all()) {
    const row = attendee as unknown as Record<string, string | null>;
    const mapped = Object.fromEntries(Object.entries(FIELDS).map(([h, d]) => [h, row[d] ?? null]));
    destination.set(attendee.email, [...(destination.get(attendee.email) ?? []), mapped]);
  }
  return { hubspot, destination };
}

async function main(): Promise<void> {
  console.log(
    `Soak benchmark — ${new Date().toISOString()} — ${cpus().length}× ${cpus()[0]?.model ?? '?'}, Node ${process.version}, ` +
      `load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  console.log(
    `${CHANGES} changes at ${RATE}/s over ${PEOPLE} people; faults ${FAULTS ? 'on (429 10%, 5xx 5%, timeouts 2%, duplicate webhooks 5%, reordering, echo-before-response)' : 'off'}; ` +
      `${KILLS} SIGKILLs; events clock ${OFFSET_MS >= 0 ? '+' : ''}${OFFSET_MS} ms; seed ${SEED}`,
  );
  const world = await setUp();
  const windowMs = world.spec.policies.conflicts.windowSeconds * 1000;
  const winner: Side = world.spec.policies.conflicts.winner;
  const generator = new Generator(world);
  const memoryTimer = setInterval(() => sampleMemory(world), 1_000);
  const started = Date.now();
  try {
    const killAt = Array.from({ length: KILLS }, (_, i) => Math.floor((CHANGES * (i + 1)) / (KILLS + 1)));
    const inFlight = new Set<Promise<void>>();
    const track = (p: Promise<void>) => {
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    };
    let racing = 0;
    let pairs = 0;
    let deletes = 0;
    let made = 0;
    let progressAt = Date.now();
    while (made < CHANGES) {
      const due = started + (made * 1000) / RATE;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      if (killAt.length > 0 && made >= (killAt[0] ?? Number.POSITIVE_INFINITY)) {
        killAt.shift();
        const target = world.kills.length === 1 ? 'dynamo' : 'kongo';
        void killAndRestart(world, target).catch((error: unknown) =>
          console.log(`  kill/restart of ${target} failed: ${(error as Error).message}`),
        );
      }
      if (Date.now() - progressAt > 30_000) {
        progressAt = Date.now();
        const depth = await queueDepth(world).catch(() => -1);
        console.log(
          `  [${((Date.now() - started) / 1000).toFixed(0)} s] ${made} changes made, queue ${depth}, dynalite peak ${world.peakMb.toFixed(0)} MB`,
        );
      }
      const change = generator.next();
      if (generator.people.length < PEOPLE) {
        const person = {
          email: `soak-${generator.people.length}@example.com`,
          retired: false,
          lastEditAt: Date.now(),
        };
        generator.people.push(person);
        track(
          generator.create(
            person.email,
            generator.people.length % 2 === 0 ? 'hubspot' : 'destination',
            change,
          ),
        );
        made += 1;
        continue;
      }
      const roll = rand();
      if (roll < 0.01) {
        // A racing create: the same new person on both sides, 0–500 ms apart.
        const person = { email: `soak-race-${racing++}@example.com`, retired: false, lastEditAt: Date.now() };
        generator.people.push(person);
        const first: Side = rand() < 0.5 ? 'hubspot' : 'destination';
        track(generator.create(person.email, first, change));
        const gap = Math.floor(rand() * 500);
        track(
          sleep(gap).then(() =>
            generator.create(person.email, first === 'hubspot' ? 'destination' : 'hubspot', change),
          ),
        );
        made += 2;
        continue;
      }
      const now = Date.now();
      // Leave each person ≥ 10 s between edits (beyond the window and the clock offset), conflict pairs aside.
      const eligible = generator.people.filter((p) => !p.retired && now - p.lastEditAt > 10_000);
      if (eligible.length === 0) continue;
      const person = pick(eligible);
      const sides = generator.sidesHolding(person.email);
      if (sides.length === 0) continue;
      if (roll < 0.02) {
        deletes += 1;
        track(generator.remove(person, pick(sides), change));
        made += 1;
        continue;
      }
      const fields = Object.keys(FIELDS).filter(() => rand() < 0.4);
      if (fields.length === 0) fields.push(pick(Object.keys(FIELDS)));
      if (roll < 0.07 && sides.length === 2) {
        // Both sides edit the same person 0–500 ms apart (one shared field at least).
        pairs += 1;
        const first: Side = rand() < 0.5 ? 'hubspot' : 'destination';
        const otherFields = [fields[0] as string, ...Object.keys(FIELDS).filter(() => rand() < 0.3)];
        track(generator.edit(person, first, fields, change));
        const gap = Math.floor(rand() * 500);
        track(
          sleep(gap).then(() =>
            generator.edit(
              person,
              first === 'hubspot' ? 'destination' : 'hubspot',
              [...new Set(otherFields)],
              change,
            ),
          ),
        );
        made += 2;
        continue;
      }
      track(generator.edit(person, pick(sides), fields, change));
      made += 1;
    }
    await Promise.all(inFlight);
    const madeMs = Date.now() - started;
    console.log(
      `made ${made} changes in ${(madeMs / 1000).toFixed(0)} s (${((made * 1000) / madeMs).toFixed(1)}/s): ` +
        `${PEOPLE} creates, ${racing} racing creates, ${pairs} both-sides pairs, ${deletes} deletes; ` +
        `${generator.failures} person writes refused by a simulator`,
    );
    // Let the kills finish before settling (a restart may still be under way).
    while (world.kills.length < KILLS) await sleep(500);
    const settled = await settle(world);
    console.log(
      `settled in ${(settled.ms / 1000).toFixed(0)} s${settled.quiet ? '' : ` — NOT quiet after ${SETTLE_MS / 1000} s (queue or webhooks still busy)`}`,
    );

    // Who saw whose edit comes from the simulators' own write logs (an edit made after its side held the
    // other side's edit follows it; docs/RUNTIME.md "Decide").
    const heldBefore = heldBeforeFrom(
      {
        hubspot: world.hubspot.writes().filter((w) => w.objectType === 'contacts'),
        destination: world.events.writes.list(),
      },
      (side, field) => (side === 'hubspot' ? field : (FIELDS[field] ?? field)),
    );
    const truth = expectedState(generator.log, { windowMs, winner }, heldBefore);
    const policy = world.spec.policies.deletes;
    const verdict = judge(truth, finals(world), policy);
    const hubspotWrites = causelessWrites(
      world.hubspot.writes().filter((w) => w.objectType === 'contacts'),
      truth,
      (field) => (field in FIELDS ? field : undefined),
      policy,
    );
    const eventsWrites = causelessWrites(world.events.writes.list(), truth, (f) => TO_HUBSPOT.get(f), policy);
    const letters = await new DynamoDeadLetterQueue({
      client: world.dynamo.client,
      tableName: world.dynamo.tableName,
    }).list({ integration: world.spec.integration.name, limit: 10_000 });
    const reasons: Record<string, number> = {};
    for (const letter of letters) reasons[letter.reason] = (reasons[letter.reason] ?? 0) + 1;
    sampleMemory(world);

    const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(2)}%`;
    console.log('\nResults');
    console.log(
      `  people converged         ${verdict.converged} of ${verdict.people} (${pct(verdict.converged, verdict.people)})   goal 100%`,
    );
    console.log(
      `  lost changes             ${verdict.lostChanges}   goal 0   (person × field not at its newest edit; ` +
        `${verdict.misses.filter((m) => m.kind === 'older').length} sides hold an older value, ` +
        `${verdict.misses.filter((m) => m.kind === 'invented').length} a value no one set, ` +
        `${verdict.missing} records missing, ${verdict.resurrected} deleted records back)`,
    );
    console.log(`  duplicate records        ${verdict.duplicates}   goal 0`);
    console.log(
      `  writes without a cause   ${hubspotWrites.total + eventsWrites.total}   goal 0   (from the simulators' write logs: ` +
        `HubSpot ${hubspotWrites.noOp} no-op, ${hubspotWrites.invented} invented, ${hubspotWrites.deletes} deletes; ` +
        `events ${eventsWrites.noOp} no-op, ${eventsWrites.invented} invented, ${eventsWrites.deletes} deletes)`,
    );
    console.log(
      `  conflicts                ${verdict.conflictsExpected} fields expected within the ${windowMs / 1000} s window ` +
        `(declared winner ${winner}); Kongo's own count: see its traces (not read here)`,
    );
    console.log(
      `  dead letters             ${letters.length}${letters.length > 0 ? ` — ${JSON.stringify(reasons)}` : ''}`,
    );
    console.log(`  dynalite peak memory     ${world.peakMb.toFixed(0)} MB (VmHWM, highest of its processes)`);
    console.log(`  SIGKILLs                 ${world.kills.length > 0 ? world.kills.join('; ') : 'none'}`);
    const sample = verdict.misses.slice(0, 8);
    if (sample.length > 0) {
      console.log('  first misses:');
      for (const m of sample)
        console.log(
          `    ${m.email} ${m.side} ${m.field}: expected ${m.expected}, found ${m.actual} (${m.kind})`,
        );
    }
    if (args.keep) {
      writeFileSync(join(world.dataDir, 'edit-log.json'), JSON.stringify(generator.log));
      writeFileSync(join(world.dataDir, 'hubspot-writes.json'), JSON.stringify(world.hubspot.writes()));
      writeFileSync(join(world.dataDir, 'events-writes.json'), JSON.stringify(world.events.writes.list()));
    }
    if (args.keep)
      writeFileSync(
        join(world.dataDir, 'soak-result.json'),
        JSON.stringify(
          {
            verdict: { ...verdict, misses: verdict.misses.slice(0, 200) },
            hubspotWrites,
            eventsWrites,
            reasons,
            peakMb: world.peakMb,
            kills: world.kills,
          },
          null,
          2,
        ),
      );
    console.log(
      args.keep
        ? `\n(details: ${join(world.dataDir, 'soak-result.json')}; Kongo's log: kongo.log there)`
        : "\n(--keep keeps the data folder, the details and Kongo's log)",
    );
  } finally {
    clearInterval(memoryTimer);
    world.kongo.child.kill('SIGTERM');
    await Promise.race([world.kongo.exited, sleep(5_000)]);
    await world.hubspot.close();
    await world.events.close();
    await world.dynamo.close();
    world.kongoLog.end();
    if (!args.keep) rmSync(world.dataDir, { recursive: true, force: true });
  }
}

await main();
