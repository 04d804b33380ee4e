/**
 * `npm start` runs a starter on a catalog connector as it runs the others: the ServiceM8 starter is
 * generated (its connector embedded in connector.gen.ts), its simulator started on first use, the
 * simulator's API key put in the local secrets, its callback subscribed (challenge answered through the
 * gateway), and a deal reaches ServiceM8 and a person's job edit comes back.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealSystem } from '../../sandbox/src/start/real-systems.ts';
import { getJson, sendJson, startTestSandbox, type TestSandbox } from './harness.ts';

const STARTER = join(
  import.meta.dirname,
  '..',
  '..',
  'templates',
  'starters',
  'deals-servicem8.integration-spec.json',
);

interface Job {
  uuid: string;
  status: string;
  purchase_order_number: string;
  job_description: string;
}

let test: TestSandbox;
let sm8: RealSystem;

async function until<T>(
  what: string,
  read: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await read();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  test = await startTestSandbox({ specs: [STARTER], workers: 1 });
  const running = await test.sandbox.realSystems();
  expect(running.map((r) => r.label)).toEqual(['ServiceM8 simulator']);
  sm8 = running[0] as RealSystem;
}, 90_000);

afterAll(async () => {
  await test?.close();
});

describe('npm start with the ServiceM8 starter', () => {
  it('loads the generated integration with its embedded connector and a verified callback', () => {
    const loaded = test.sandbox.integrations.get('porter-servicem8-jobs');
    expect(loaded?.spec.destination.connector).toBe('servicem8-jobs');
    expect(sm8.subscribed?.(loaded?.destinationWebhookUrl ?? '')).toBe(true);
  });

  it('creates a job from a deal and carries a person’s job edit back to the deal', async () => {
    const deal = await test.sandbox.hubspot.ui.create('deals', {
      dealname: 'Gutter clean',
      job_reference: 'PO-7001',
      dealstage: 'appointmentscheduled',
    });
    const job = await until('the job in ServiceM8', async () => {
      const { data } = await getJson<{ data: Job[] }>(`${sm8.url}/_admin/records`);
      return data.find((j) => j.purchase_order_number === 'PO-7001');
    });
    expect(job).toMatchObject({ job_description: 'Gutter clean', status: 'Quote' });
    // ServiceM8 keeps edit times to the second, and the starter's conflict window is 5 s: edit after it.
    await new Promise((r) => setTimeout(r, 5_500));
    await sendJson('PATCH', `${sm8.url}/_admin/records/${job.uuid}`, { status: 'Completed' });
    await until('the deal closed won', () =>
      test.sandbox.hubspot.getRecord('deals', String(deal.id))?.properties.dealstage === 'closedwon'
        ? true
        : undefined,
    );
    // ServiceM8 posted that edit as JSON (the simulator's default; its staff describe JSON) although the docs
    // and the connector say form: the request's Content-Type decided, nothing was quarantined.
    const runtime = test.sandbox.integrations.get('porter-servicem8-jobs')?.runtime;
    expect(await runtime?.deadLetters.list()).toEqual([]);
    const { data } = await getJson<{ data: Job[] }>(`${sm8.url}/_admin/records`);
    expect(data.filter((j) => j.purchase_order_number === 'PO-7001')).toHaveLength(1);
  }, 60_000);
});
