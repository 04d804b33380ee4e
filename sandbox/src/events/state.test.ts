import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver } from '../sim-kit/webhook-receiver.ts';
import { type Attendee, type EventsSimulator, startEventsSimulator } from './index.ts';
import { callGraphql } from './test-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'kongo-events-state-'));
const open: EventsSimulator[] = [];
let n = 0;
const fresh = (): string => join(dir, `events-${++n}.json`);

async function start(stateFile: string, extra: Parameters<typeof startEventsSimulator>[0] = {}) {
  const sim = await startEventsSimulator({
    stateFile,
    webhooks: 'none',
    rollingIds: { enabled: true, everyNthUpdate: 2 },
    ...extra,
  });
  open.push(sim);
  return sim;
}

async function stop(sim: EventsSimulator): Promise<void> {
  open.splice(open.indexOf(sim), 1);
  await sim.close();
}

const FIELDS =
  'id email firstName lastName company jobTitle phone status ticketType country createdAt updatedAt';

async function create(sim: EventsSimulator, email: string, firstName: string): Promise<Attendee> {
  const answer = await callGraphql(
    sim.graphqlUrl,
    sim.token,
    `mutation($input: AttendeeInput!) { createAttendee(input: $input) { ${FIELDS} } }`,
    { input: { email, firstName } },
  );
  expect(answer.body.errors).toBeUndefined();
  return (answer.body.data as { createAttendee: Attendee }).createAttendee;
}

async function update(sim: EventsSimulator, id: string, firstName: string): Promise<Attendee> {
  const answer = await callGraphql(
    sim.graphqlUrl,
    sim.token,
    `mutation($id: ID!) { updateAttendee(id: $id, input: { firstName: "${firstName}" }) { ${FIELDS} } }`,
    { id },
  );
  expect(answer.body.errors).toBeUndefined();
  return (answer.body.data as { updateAttendee: Attendee }).updateAttendee;
}

async function read(sim: EventsSimulator, id: string) {
  const answer = await callGraphql(sim.graphqlUrl, sim.token, `{ attendee(id: "${id}") { ${FIELDS} } }`);
  return answer.body;
}

afterEach(async () => {
  for (const sim of open.splice(0)) await sim.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('events platform state file', () => {
  it('brings attendees, rolled ids and subscriptions back after a restart; new ids are fresh', async () => {
    const file = fresh();
    const first = await start(file);
    const ada = await create(first, 'ada@example.com', 'Ada');
    const grace = await create(first, 'grace@example.com', 'Grace');
    const gone = await create(first, 'gone@example.com', 'Gone');
    await update(first, ada.id, 'Ada 1');
    const rolled = await update(first, ada.id, 'Ada 2'); // 2nd update: the id rolls
    expect(rolled.id).not.toBe(ada.id);
    await callGraphql(first.graphqlUrl, first.token, `mutation { deleteAttendee(id: "${gone.id}") }`);
    const subscription = { url: 'http://127.0.0.1:9/hook', secret: `whsec_${'a'.repeat(24)}` };
    const added = await fetch(`${first.url}/_admin/subscriptions`, {
      method: 'POST',
      body: JSON.stringify(subscription),
    });
    const { id: subscriptionId } = (await added.json()) as { id: string };
    await stop(first);

    const second = await start(file);
    expect((await read(second, rolled.id)).data).toEqual({ attendee: rolled });
    expect((await read(second, grace.id)).data).toEqual({ attendee: grace });
    expect((await read(second, ada.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await read(second, gone.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const history = await (await fetch(`${second.url}/_admin/records/${ada.id}/history`)).json();
    expect(history).toEqual({ currentId: rolled.id, ids: [ada.id, rolled.id] });
    expect(second.subscriptions.list()).toEqual([{ id: subscriptionId, ...subscription }]);

    // The update count survived: one more update keeps the id, the next one rolls it to an unused id.
    expect((await update(second, rolled.id, 'Ada 3')).id).toBe(rolled.id);
    const rolledAgain = await update(second, rolled.id, 'Ada 4');
    const used = [ada.id, grace.id, gone.id, rolled.id];
    expect(used).not.toContain(rolledAgain.id);
    const newcomer = await create(second, 'new@example.com', 'New');
    expect([...used, rolledAgain.id]).not.toContain(newcomer.id);
    // The email index came back too.
    const duplicate = await callGraphql(
      second.graphqlUrl,
      second.token,
      'mutation { createAttendee(input: { email: "grace@example.com" }) { id } }',
    );
    expect(duplicate.body.errors?.[0]?.extensions?.code).toBe('ALREADY_EXISTS');
  });

  it('has a write and its undelivered webhook on disk before the answer, and retries it after a restart', async () => {
    const file = fresh();
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    // Every attempt to the dead URL fails; the next retry is 5 s away.
    const first = await start(file, {
      webhooks: 'standard-webhooks',
      subscriptions: [{ url: 'http://127.0.0.1:9/down', secret }],
      webhookTiming: { timeoutMs: 500 },
    });
    const made = await create(first, 'durable@example.com', 'Kept');
    // A SIGKILL right after the answer leaves the file as it is now.
    const afterAnswer = join(dir, `killed-${n}.json`);
    writeFileSync(afterAnswer, readFileSync(file));
    const saved = JSON.parse(readFileSync(afterAnswer, 'utf8')) as {
      records: Array<{ attendee: Attendee }>;
      undeliveredWebhooks: Array<{ subscriptionId: string; body: string; attempt: number }>;
      subscriptions: Array<{ id: string; url: string; secret: string }>;
    };
    expect(saved.records.map((r) => r.attendee.id)).toContain(made.id);
    expect(saved.undeliveredWebhooks.map((w) => JSON.parse(w.body).data.firstName)).toEqual(['Kept']);

    // Restart on that file with the receiver up at the subscription's URL: the saved event goes out.
    const receiver = await startWebhookReceiver();
    for (const sub of saved.subscriptions) sub.url = receiver.url;
    writeFileSync(afterAnswer, JSON.stringify(saved));
    const second = await start(afterAnswer, { webhooks: 'standard-webhooks' });
    const [delivery] = await receiver.waitFor(1, 5_000);
    expect(JSON.parse(delivery?.body ?? '{}').data).toMatchObject({ id: made.id, firstName: 'Kept' });
    expect(delivery?.headers['webhook-id']).toMatch(/^msg_/);
    await second.idle(5_000);
    expect(second.dispatcher.undelivered()).toEqual([]);
    await receiver.close();
  });

  it('saves shortly after a change, without waiting for close()', async () => {
    const file = fresh();
    const sim = await start(file);
    await create(sim, 'quick@example.com', 'Quick');
    const deadline = Date.now() + 3_000;
    let saved = '';
    while (Date.now() < deadline && !saved.includes('quick@example.com')) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        saved = readFileSync(file, 'utf8');
      } catch {
        // not written yet
      }
    }
    expect(saved).toContain('quick@example.com');
  });

  it('refuses a corrupt or malformed state file with a message naming it and what to do', async () => {
    const truncated = fresh();
    writeFileSync(truncated, '{"format":"kongo-events-simulator-state","version":1,"records":[');
    await expect(startEventsSimulator({ stateFile: truncated })).rejects.toThrow(
      new RegExp(
        `events platform simulator state file ${truncated} is corrupt: it is not valid JSON.*Delete it`,
      ),
    );
    const otherFile = fresh();
    writeFileSync(otherFile, JSON.stringify({ format: 'kongo-jobs-simulator-state', version: 1 }));
    await expect(startEventsSimulator({ stateFile: otherFile })).rejects.toThrow(
      /is corrupt: it does not hold "format": "kongo-events-simulator-state".*Delete it/,
    );
    const badHistory = fresh();
    writeFileSync(
      badHistory,
      JSON.stringify({
        format: 'kongo-events-simulator-state',
        version: 1,
        nextId: 100_002,
        records: [
          {
            attendee: {
              id: '100001',
              email: 'a@example.com',
              firstName: null,
              lastName: null,
              company: null,
              jobTitle: null,
              phone: null,
              status: 'REGISTERED',
              ticketType: 'GENERAL',
              country: null,
              createdAt: '2026-01-01T00:00:00.000Z',
              updatedAt: '2026-01-01T00:00:00.000Z',
            },
            updates: 0,
            ids: ['100000'],
          },
        ],
        subscriptions: [],
      }),
    );
    await expect(startEventsSimulator({ stateFile: badHistory })).rejects.toThrow(
      /is corrupt: records\[0\]\.ids does not end with the attendee's current id 100001/,
    );
  });
});
