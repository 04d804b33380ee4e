// The anatomy view and the dashboard's replay button, end to end in one process: the runtime on dynalite and
// both simulators, reporting to a real Notification Centre. Record changes show up on the centre's
// integration detail with all seven stages (posted live, without waiting for a heartbeat); a dead letter
// replayed from the centre is carried out on the next heartbeat and lands.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  memoryNotifier,
  type RunningNotificationCentre,
  startNotificationCentre,
} from '../../notification-centre/src/index.ts';
import type { TraceSummary } from '../../runtime/src/monitor/types.ts';
import { STAGES } from '../../runtime/src/monitor/types.ts';
import { type LocalDynamo, startLocalDynamo } from '../../runtime/src/queue/local-dynamo.ts';
import { type Harness, startHarness } from './harness.ts';

const NC_KEY = 'nck_traces-and-replay-test-key-0123456789';

interface Detail {
  traces: TraceSummary[];
  deadLetters: { count: number; recent: Array<{ id: string; recordId?: string }> } | null;
  commands: Array<{ id: string; status: string; count?: number; reason?: string }>;
  rejectedPayloads: number;
}

let dynamo: LocalDynamo;
let nc: RunningNotificationCentre;
let h: Harness;

async function detail(): Promise<Detail> {
  const response = await fetch(`${nc.url}/api/integrations/${encodeURIComponent(h.spec.integration.name)}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Detail;
}

/** Polls the centre's detail until `pick` finds something (the traces are posted in the background). */
async function until<T>(what: string, pick: (d: Detail) => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = pick(await detail());
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const stageOf = (trace: TraceSummary, stage: string) => trace.stages.find((s) => s.stage === stage);

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  nc = await startNotificationCentre({
    notifier: memoryNotifier(),
    logSink: () => {},
    detectEverySeconds: 0,
    rules: { minIntervalSeconds: 1 },
    config: {
      clients: [{ slug: 'acme', name: 'Acme' }],
      integrations: [],
    },
  });
  h = await startHarness({
    dynamo,
    environment: { notificationCentreUrl: nc.url, maxReceives: 1, traceBatchMs: 20 },
    secrets: (spec) => ({ [spec.monitoring.notificationCentre.keyParameter]: NC_KEY }),
  });
  // Registered once the spec (and so its client and integration names) is known.
  const clientSlug = h.spec.client.slug;
  const client = await fetch(`${nc.url}/api/admin/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: nc.url, 'x-kongo-session': nc.sessionToken },
    body: JSON.stringify({ slug: clientSlug, name: h.spec.client.name }),
  });
  expect(client.status).toBe(201);
  const integration = await fetch(`${nc.url}/api/admin/integrations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: nc.url, 'x-kongo-session': nc.sessionToken },
    body: JSON.stringify({ id: h.spec.integration.name, clientSlug, key: NC_KEY, intervalSeconds: 60 }),
  });
  expect(integration.status).toBe(201);
});

afterAll(async () => {
  await h?.close();
  await nc?.close();
  await dynamo?.close();
});

describe('traces on the Notification Centre', () => {
  it('shows a HubSpot change landing through all seven stages, and its echo dropped, without record contents', async () => {
    const contact = await h.hub.ui.create('contacts', {
      email: 'anatomy@example.com',
      firstname: 'Anatomy',
      lastname: 'Lesson',
    });
    await h.settle();
    expect(h.attendeesWithEmail('anatomy@example.com')).toHaveLength(1);

    // Posted as they finish — no heartbeat has run yet.
    const landed = await until('the landed trace', (d) =>
      d.traces.find((t) => t.recordId === String(contact.id) && t.outcome === 'landed'),
    );
    expect(landed.direction).toBe('hubspot-to-destination');
    expect(landed.objectType).toBe('contacts');
    expect(landed.stages.map((s) => s.stage)).toEqual([...STAGES]);
    for (const stage of landed.stages) {
      expect(stage.status, stage.stage).toBe('ok');
      expect(stage.durationMs, stage.stage).toBeGreaterThanOrEqual(0);
    }
    expect(stageOf(landed, 'trigger')?.note).toMatch(/^contact\./);
    expect(stageOf(landed, 'receive')?.note).toMatch(/^queued-\d+ms$/);
    expect(stageOf(landed, 'verify')?.note).toBe('signature-valid');
    expect(stageOf(landed, 'transform')?.note).toBe('hydrated');
    expect(stageOf(landed, 'idempotency')?.note).toBe('create');
    expect(stageOf(landed, 'deliver')?.note).toBe('destination-create');
    expect(stageOf(landed, 'observe')?.note).toBe('committed');
    // The trigger is the change in HubSpot; everything after it happens later, in order.
    const starts = landed.stages.map((s) => s.startedAt);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(landed.startedAt).toBe(stageOf(landed, 'trigger')?.startedAt);

    // Our own write comes back from the events platform as attendee.created: dropped as an echo.
    const attendeeId = String(h.attendeesWithEmail('anatomy@example.com')[0]?.id);
    const echo = await until('the echo trace', (d) =>
      d.traces.find((t) => t.recordId === attendeeId && t.outcome === 'echo-dropped'),
    );
    expect(echo.direction).toBe('destination-to-hubspot');
    expect(echo.stages.map((s) => s.stage)).toEqual([...STAGES]);
    expect(stageOf(echo, 'idempotency')?.note).toMatch(/^echo:field-history/);
    expect(stageOf(echo, 'deliver')?.status).toBe('skipped');
    expect(stageOf(echo, 'transform')?.note).toBe('record-in-event');

    const everything = JSON.stringify(await detail());
    for (const content of ['anatomy@example.com', 'Anatomy', 'Lesson'])
      expect(everything).not.toContain(content);
    expect((await detail()).rejectedPayloads).toBe(0);
    expect(h.runtime.traces.stats()).toMatchObject({ dropped: 0, unconfigured: 0 });
    expect(h.runtime.traces.stats().posted).toBeGreaterThanOrEqual(2);
  });
});

describe('replay from the Notification Centre', () => {
  it('dead-letters a failed delivery, then replays it on the next heartbeat when the dashboard asks', async () => {
    h.events.faults.configure({ seed: 11, rate5xx: 1, operations: ['mutation createAttendee'] });
    const contact = await h.hub.ui.create('contacts', { email: 'replayed@example.com', firstname: 'Later' });
    await h.settle();
    expect(h.attendeesWithEmail('replayed@example.com')).toHaveLength(0);

    const lettered = await until('the dead-lettered trace', (d) =>
      d.traces.find((t) => t.recordId === String(contact.id) && t.outcome === 'dead-lettered'),
    );
    expect(stageOf(lettered, 'deliver')).toMatchObject({ status: 'failed' });
    expect(stageOf(lettered, 'deliver')?.note).toMatch(/^destination-http-5\d\d/);
    expect(stageOf(lettered, 'observe')).toMatchObject({ status: 'failed', note: 'dead-lettered' });

    // The heartbeat reports the dead letter; the dashboard's replay button asks for it by id.
    await h.runtime.heartbeat();
    const letter = await until('the dead letter on the dashboard', (d) =>
      d.deadLetters?.recent.find((l) => l.recordId === String(contact.id)),
    );
    h.events.faults.configure({ seed: 11, rate5xx: 0 });
    const asked = await fetch(
      `${nc.url}/api/integrations/${encodeURIComponent(h.spec.integration.name)}/replay`,
      {
        method: 'POST',
        // As the dashboard's own page does it: same origin, this launch's session.
        headers: { 'content-type': 'application/json', origin: nc.url, 'x-kongo-session': nc.sessionToken },
        body: JSON.stringify({ deadLetterIds: [letter.id] }),
      },
    );
    expect(asked.status).toBe(202);
    const { command } = (await asked.json()) as { command: { id: string } };
    expect(h.attendeesWithEmail('replayed@example.com')).toHaveLength(0);

    // Next heartbeat: the command rides on the answer, is carried out, and its result is reported at once.
    await h.runtime.heartbeat();
    const after = await detail();
    expect(after.commands.find((c) => c.id === command.id)).toMatchObject({ status: 'done', count: 1 });
    // The result beat reports the queue as it is after the replay: the letter has left the dashboard.
    expect(after.deadLetters?.recent.map((l) => l.id)).not.toContain(letter.id);
    await h.settle();
    expect(h.attendeesWithEmail('replayed@example.com')).toHaveLength(1);
    expect(await h.runtime.deadLetters.list({ integration: h.spec.integration.name })).toHaveLength(0);

    const replayed = await until('the replayed trace', (d) =>
      d.traces.find((t) => t.recordId === String(contact.id) && t.outcome === 'landed'),
    );
    expect(stageOf(replayed, 'receive')?.note).toBe('replayed-dead-letter');
    expect(stageOf(replayed, 'verify')?.note).toBe('verified-at-first-delivery');

    // A second replay of the same letter (the centre offers a command until it hears back) has nothing to do.
    await h.runtime.heartbeat();
    expect((await detail()).deadLetters?.count).toBe(0);
    expect((await h.runtime.replay({ ids: [letter.id] })).replayed).toEqual([]);
  });
});
