// Model-based test of convergence (issue #11 point 6): fast-check generates people's edits on both sides
// with random gaps, and a misbehaving world — 429s and 5xx from both APIs, client timeouts before and after a
// write landed, duplicate and reordered webhooks, echoes before the API answers, redelivery after the
// visibility timeout while a worker still holds the message, and a crash at one of the worker's crash points
// (in-process: the crash hook throws, the batch stops there unacked, leases are left to expire). It runs them
// through the real runtime (two concurrent workers) against the simulators over HTTP and dynalite, waits for
// quiescence and checks, from the outside world's own records only:
//   - every mapped field on both sides holds the newest edit by source time, through the mapping (the soak's
//     oracle, test/bench/soak/model.ts: conflict window to the declared side, an edit made after its side
//     held the other side's edit succeeds it);
//   - zero writes without a cause, counted from the simulators' write logs (`/_admin/writes`);
//   - zero duplicate records.
// A failure prints fast-check's seed and path; `KONGO_MODEL_SEED=<seed> KONGO_MODEL_PATH=<path>` replays that
// scenario (the same edits, gaps and faults; the interleaving of real processes may still differ).
// `KONGO_MODEL_SHRINK=1` shrinks a failure to a smaller scenario first; `KONGO_MODEL_RUNS=50` makes a longer
// run; `KONGO_MODEL_STRICT=1` also fails on the known HubSpot repeat after a lost answer (see below).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { CRASH_POINTS, type CrashPoint } from '../../runtime/src/worker/crash.ts';
import {
  causelessWrites,
  type EditLogEntry,
  expectedState,
  type FinalRecord,
  heldBeforeFrom,
  judge,
  type Side,
} from '../bench/soak/model.ts';
import { type Harness, startHarness } from './harness.ts';

const RUNS = Number(process.env.KONGO_MODEL_RUNS ?? 4);
// `npm test` runs a fixed set of scenarios (seed 11) so main does not turn red on a new draw; any other
// seed, or `KONGO_MODEL_SEED=random`, explores further.
const SEED =
  process.env.KONGO_MODEL_SEED === 'random'
    ? undefined
    : process.env.KONGO_MODEL_SEED === undefined
      ? 11
      : Number(process.env.KONGO_MODEL_SEED);
const PATH = process.env.KONGO_MODEL_PATH;
const STRICT = process.env.KONGO_MODEL_STRICT === '1';
const WINDOW_MS = 1_000;
/** HubSpot property → attendee field: the identity mappings both directions of the starter hold. */
const FIELDS: Record<string, string> = {
  firstname: 'firstName',
  lastname: 'lastName',
  company: 'company',
  jobtitle: 'jobTitle',
};
const TO_HUBSPOT = new Map(Object.entries(FIELDS).map(([h, d]) => [d, h]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class SimulatedCrash extends Error {
  override name = 'SimulatedCrash';
}

const side = fc.constantFrom<Side>('hubspot', 'destination');
const scenario = fc.record({
  people: fc.integer({ min: 1, max: 2 }),
  createdOn: fc.tuple(side, side),
  steps: fc.array(
    fc.record({
      person: fc.integer({ min: 0, max: 1 }),
      side,
      fields: fc.subarray(Object.keys(FIELDS), { minLength: 1 }),
      // Close edits (inside the window, before or after our write lands) and separate ones.
      gapMs: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1_300, max: 1_800 })),
    }),
    { minLength: 2, maxLength: 6 },
  ),
  faults: fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    api: fc.boolean(),
    duplicates: fc.boolean(),
    reorder: fc.boolean(),
    echoFirst: fc.boolean(),
    timeoutBefore: fc.constantFrom(0, 0.1),
    timeoutAfter: fc.constantFrom(0, 0.1),
  }),
  crash: fc.option(
    fc.record({ point: fc.constantFrom<CrashPoint>(...CRASH_POINTS), nth: fc.integer({ min: 1, max: 4 }) }),
    { nil: undefined },
  ),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** mulberry32, for the client-side timeouts (the simulators draw their own faults from their seeds). */
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

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${text.slice(0, 200)}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo?.close();
});

/** Runs one scenario; returns the problems found (empty when it converged). */
async function run(s: Scenario): Promise<string[]> {
  const chaos = { on: true };
  const draw = random(s.faults.seed);
  const clockSkew = { ms: 0 };
  let crashesLeft = s.crash ? 1 : 0;
  let reached = 0;
  const apiFaults = s.faults.api ? { rate429: 0.1, rate5xx: 0.05, retryAfterMs: { min: 20, max: 100 } } : {};
  const webhookFaults = {
    ...(s.faults.duplicates ? { duplicateWebhookRate: 0.2 } : {}),
    ...(s.faults.reorder ? { reorderWebhooks: true } : {}),
    ...(s.faults.echoFirst ? { echoBeforeResponse: true } : {}),
  };
  const h: Harness = await startHarness({
    dynamo,
    events: { webhookTiming: { timeCompression: 10_000, reorderWindowMs: s.faults.reorder ? 400 : 25 } },
    patchSpec: (spec) => {
      spec.policies.conflicts = { windowSeconds: WINDOW_MS / 1000, winner: 'hubspot' };
    },
    environment: {
      clock: { now: () => Date.now() + clockSkew.ms },
      visibilityTimeoutMs: 1_500,
      maxReceives: 1_000,
      retryDelayMs: 30,
      crash: (point) => {
        if (!chaos.on || crashesLeft === 0 || point !== s.crash?.point) return;
        reached += 1;
        if (reached < (s.crash?.nth ?? 1)) return;
        crashesLeft = 0;
        throw new SimulatedCrash(`crash at ${point}`);
      },
      // Client timeouts on writes: before the request left (it never landed) or after it landed (the
      // answer is lost). Reads are left alone: the simulators' own faults cover them.
      fetch: async (input, init) => {
        const url = String(input);
        const body = typeof init?.body === 'string' ? init.body : '';
        const write = /\/batch\/(update|upsert|create)$/.test(url) || /mutation/.test(body);
        if (chaos.on && write && draw() < s.faults.timeoutBefore)
          throw new DOMException('The operation timed out.', 'TimeoutError');
        const response = await fetch(input, init);
        if (chaos.on && write && draw() < s.faults.timeoutAfter) {
          await response.arrayBuffer();
          throw new DOMException('The operation timed out.', 'TimeoutError');
        }
        return response;
      },
    },
  });
  // The world misbehaves once the harness' own setup (the sync-id property, subscriptions) is done.
  h.hub.setFaults({ seed: s.faults.seed, ...apiFaults, ...webhookFaults });
  h.events.faults.configure({ seed: s.faults.seed + 1, ...apiFaults, ...webhookFaults });
  const log: EditLogEntry[] = [];
  const problems: string[] = [];
  let workersDone = false;
  const worker = async () => {
    while (!workersDone) {
      try {
        await h.runtime.drain({ timeoutMs: 500 });
      } catch (error) {
        if (!(error instanceof SimulatedCrash)) problems.push(`worker threw: ${(error as Error).stack}`);
      }
      await sleep(15);
    }
  };
  const workers = [worker(), worker()];
  try {
    const emails = Array.from({ length: s.people }, (_, i) => `model-${i}@example.com`);
    const write = async (
      person: number,
      on: Side,
      kind: 'create' | 'edit',
      fields: Record<string, string>,
    ): Promise<void> => {
      const email = emails[person] as string;
      let updatedAt: string;
      if (on === 'hubspot') {
        const base = `${h.hub.url}/_admin/records/contacts`;
        if (kind === 'create') {
          updatedAt = (await call<{ updatedAt: string }>('POST', base, { properties: { email, ...fields } }))
            .updatedAt;
        } else {
          const id = h.contactsWithEmail(email)[0]?.id;
          if (id === undefined) return;
          updatedAt = (await call<{ updatedAt: string }>('PATCH', `${base}/${id}`, { properties: fields }))
            .updatedAt;
        }
      } else {
        const base = `${h.events.url}/_admin/records`;
        const input = Object.fromEntries(Object.entries(fields).map(([f, v]) => [FIELDS[f] ?? f, v]));
        if (kind === 'create') {
          updatedAt = (await call<{ updatedAt: string }>('POST', base, { email, ...input })).updatedAt;
        } else {
          const id = h.attendeesWithEmail(email)[0]?.id;
          if (id === undefined) return;
          updatedAt = (await call<{ updatedAt: string }>('PATCH', `${base}/${String(id)}`, input)).updatedAt;
        }
      }
      log.push({
        change: log.length,
        email,
        side: on,
        kind,
        fields,
        sourceTimeMs: Date.parse(updatedAt),
        realTimeMs: Date.now(),
      });
    };
    let n = 0;
    const values = (fields: readonly string[]) =>
      Object.fromEntries(fields.map((f) => [f, `${f}-${++n}`])) as Record<string, string>;
    for (let p = 0; p < s.people; p++)
      await write(p, s.createdOn[p] as Side, 'create', values(Object.keys(FIELDS)));
    // Edits start once each person exists on both sides (a person edits what they see).
    const deadline = Date.now() + 15_000;
    while (
      emails.some((e) => h.contactsWithEmail(e).length === 0 || h.attendeesWithEmail(e).length === 0) &&
      Date.now() < deadline
    )
      await sleep(50);
    await sleep(WINDOW_MS + 300); // the edits below are not in a conflict with the creates
    for (const step of s.steps) {
      await sleep(step.gapMs);
      await write(step.person % s.people, step.side, 'edit', values(step.fields));
    }

    // Quiescence: the world stops misbehaving; the queue and both simulators' webhooks drain. A crashed
    // batch's messages and leases come back when Kongo's clock passes their visibility timeout / lease.
    chaos.on = false;
    h.hub.setFaults({});
    h.events.faults.configure({});
    let quiet = 0;
    let stuckSince = Date.now();
    const settleBy = Date.now() + 45_000;
    while (quiet < 3 && Date.now() < settleBy) {
      await h.hub.webhooksIdle();
      await h.events.idle(5_000);
      const depth = await h.runtime.queue.depth();
      if (depth.visible === 0 && depth.inFlight === 0) quiet += 1;
      else {
        quiet = 0;
        if (depth.visible > 0) stuckSince = Date.now();
        else if (Date.now() - stuckSince > 2_000) {
          clockSkew.ms += 31_000; // past every lease (30 s) and visibility timeout
          stuckSince = Date.now();
        }
      }
      await sleep(300);
    }
    if (quiet < 3) problems.push('not quiet after 45 s');
  } finally {
    workersDone = true;
    await Promise.all(workers);
  }

  const finals: Record<Side, Map<string, FinalRecord[]>> = { hubspot: new Map(), destination: new Map() };
  for (const record of h.hub.listRecords('contacts')) {
    const email = String(record.properties.email ?? '').toLowerCase();
    const mapped = Object.fromEntries(Object.keys(FIELDS).map((f) => [f, record.properties[f] ?? null]));
    finals.hubspot.set(email, [...(finals.hubspot.get(email) ?? []), mapped]);
  }
  for (const attendee of h.events.store.all()) {
    const row = attendee as unknown as Record<string, string | null>;
    const mapped = Object.fromEntries(Object.entries(FIELDS).map(([f, d]) => [f, row[d] ?? null]));
    finals.destination.set(attendee.email, [...(finals.destination.get(attendee.email) ?? []), mapped]);
  }
  const hubspotLog = h.hub.writes().filter((w) => w.objectType === 'contacts');
  const eventsLog = h.events.writes.list();
  const truth = expectedState(
    log,
    { windowMs: WINDOW_MS, winner: 'hubspot' },
    heldBeforeFrom({ hubspot: hubspotLog, destination: eventsLog }, (on, f) =>
      on === 'hubspot' ? f : (FIELDS[f] ?? f),
    ),
  );
  const verdict = judge(truth, finals, 'flag');
  const toHubSpot = (f: string) => (f in FIELDS ? f : undefined);
  const causeless = {
    hubspot: causelessWrites(hubspotLog, truth, toHubSpot, 'flag'),
    destination: causelessWrites(eventsLog, truth, (f) => TO_HUBSPOT.get(f), 'flag'),
  };
  if (verdict.converged !== verdict.people)
    problems.push(
      `${verdict.people - verdict.converged} of ${verdict.people} people not at the newest edits: ${verdict.misses
        .map((m) => `${m.email} ${m.side} ${m.field} expected ${m.expected} found ${m.actual}`)
        .join('; ')}`,
    );
  if (verdict.duplicates > 0) problems.push(`${verdict.duplicates} duplicate records`);
  // Known gap (docs/LIMITATIONS.md, W2/W4 in the report): when a write's answer was lost (a timeout after it
  // landed, a crash before the commit), the retry may write the same values again — HubSpot has no
  // idempotency key, and a destination create found again by its natural key is updated without a look at
  // what it holds. Such a repeat (a no-op update carrying only fields of the previous API write to that
  // record) is reported, and fails the run only with KONGO_MODEL_STRICT=1. Any other write without a cause
  // fails it.
  const lostAnswers = s.faults.timeoutAfter > 0 || s.crash?.point === 'after-outbound';
  const repeatsIn = (writes: typeof hubspotLog | typeof eventsLog): number =>
    writes.filter((w, i) => {
      if (w.by !== 'api' || w.operation !== 'update' || Object.keys(w.changed).length > 0) return false;
      const previous = writes
        .slice(0, i)
        .reverse()
        .find((p) => p.by === 'api' && p.recordId === w.recordId);
      return previous !== undefined && w.written.every((f) => previous.written.includes(f));
    }).length;
  for (const [on, writes] of [
    ['hubspot', hubspotLog],
    ['destination', eventsLog],
  ] as const) {
    const repeats = repeatsIn(writes);
    const tolerated = lostAnswers && !STRICT ? repeats : 0;
    if (causeless[on].total - tolerated > 0)
      problems.push(`${on}: writes without a cause ${JSON.stringify(causeless[on])}, ${repeats} repeats`);
  }
  if (problems.length > 0) {
    problems.push(`edit log: ${JSON.stringify(log.map((e) => [e.side, e.email, e.sourceTimeMs, e.fields]))}`);
    problems.push(
      `write logs: HubSpot ${JSON.stringify(hubspotLog.map((w) => [w.seq, w.by, w.at, w.changed]))} events ${JSON.stringify(eventsLog.map((w) => [w.seq, w.by, w.at, w.changed]))}`,
    );
  }
  await h.close();
  return problems;
}

describe('convergence, model-based (fast-check)', () => {
  it(
    'ends with the newest edit per field on both sides, no write without a cause and no duplicate',
    async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async (s) => {
          const problems = await run(s);
          if (problems.length > 0) throw new Error(problems.join('\n'));
        }),
        {
          numRuns: RUNS,
          ...(SEED === undefined ? {} : { seed: SEED }),
          ...(PATH === undefined ? {} : { path: PATH }),
          // Shrinking re-runs whole scenarios (≈10 s each): on request only; a failure still prints the
          // seed and path that replay it.
          endOnFailure: process.env.KONGO_MODEL_SHRINK !== '1',
        },
      );
    },
    Math.max(240_000, RUNS * 60_000),
  );
});
