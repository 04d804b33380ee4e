import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type Job, type JobsSimulator, startJobsSimulator } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'kongo-jobs-state-'));
const open: JobsSimulator[] = [];
let n = 0;

async function start(stateFile: string, extra: Parameters<typeof startJobsSimulator>[0] = {}) {
  const sim = await startJobsSimulator({ stateFile, ...extra });
  open.push(sim);
  return sim;
}

async function stop(sim: JobsSimulator): Promise<void> {
  open.splice(open.indexOf(sim), 1);
  await sim.close();
}

async function call(sim: JobsSimulator, method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const byId = <T extends { id: string }>(list: T[]): T[] => list.sort((a, b) => a.id.localeCompare(b.id));
const fresh = (): string => join(dir, `jobs-${++n}.json`);

afterEach(async () => {
  for (const sim of open.splice(0)) await sim.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('job system state file', () => {
  it('brings jobs, ids and subscriptions back after a restart; new jobs get fresh ids', async () => {
    const file = fresh();
    const first = await start(file);
    const a = (await call(first, 'POST', '/jobs', { reference: 'VF-1', title: 'Boiler' })).body as Job;
    const b = (await call(first, 'POST', '/jobs', { reference: 'VF-2', title: 'Roof' })).body as Job;
    const c = (await call(first, 'POST', '/jobs', { reference: 'VF-3', title: 'Gone soon' })).body as Job;
    const updated = (await call(first, 'PATCH', `/jobs/${a.id}`, { status: 'COMPLETED', value: 99.5 }))
      .body as Job;
    expect((await call(first, 'DELETE', `/jobs/${c.id}`)).status).toBe(204);
    const sub = (await call(first, 'POST', '/_admin/subscriptions', {
      url: 'http://127.0.0.1:9/hook',
      secret: 'a-long-secret',
    })) as { body: { id: string } };
    await stop(first);

    const second = await start(file);
    expect((await call(second, 'GET', `/jobs/${a.id}`)).body).toEqual(updated);
    expect((await call(second, 'GET', `/jobs/${b.id}`)).body).toEqual(b);
    expect((await call(second, 'GET', `/jobs/${c.id}`)).status).toBe(404);
    expect((await call(second, 'GET', '/jobs?reference=VF-2')).body).toEqual({ data: [b], nextCursor: null });
    expect(second.subscriptions.list()).toEqual([
      { id: sub.body.id, url: 'http://127.0.0.1:9/hook', secret: 'a-long-secret' },
    ]);
    const d = (await call(second, 'POST', '/jobs', { reference: 'VF-4', title: 'New' })).body as Job;
    expect([a.id, b.id, c.id]).not.toContain(d.id);
    expect(d.id > c.id).toBe(true);
    // The reference index came back too: a duplicate is refused.
    expect((await call(second, 'POST', '/jobs', { reference: 'VF-1', title: 'Again' })).status).toBe(409);
  });

  it('saves shortly after a change, without waiting for close()', async () => {
    const file = fresh();
    const sim = await start(file);
    await call(sim, 'POST', '/jobs', { reference: 'VF-9', title: 'Quick' });
    const deadline = Date.now() + 3_000;
    let saved = '';
    while (Date.now() < deadline && !saved.includes('VF-9')) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        saved = readFileSync(file, 'utf8');
      } catch {
        // not written yet
      }
    }
    expect(saved).toContain('VF-9');
  });

  it('merges the start options’ subscriptions by URL and drops the ones the options no longer name', async () => {
    const file = fresh();
    const url = 'http://127.0.0.1:9/webhooks/x/destination';
    const first = await start(file, { subscriptions: [{ url, secret: 'first-secret' }] });
    first.subscriptions.add({ url: 'http://127.0.0.1:9/by-hand', secret: 'by-hand-secret' });
    await stop(first);
    const again = await start(file, { subscriptions: [{ url, secret: 'second-secret' }] });
    expect(byId(again.subscriptions.list())).toEqual([
      { id: 'sub_1', url, secret: 'second-secret' },
      { id: 'sub_2', url: 'http://127.0.0.1:9/by-hand', secret: 'by-hand-secret' },
    ]);
    await stop(again);
    // The receiver moved (another gateway port): the old start subscription goes, the hand-made one stays.
    const moved = 'http://127.0.0.1:10/webhooks/x/destination';
    const third = await start(file, { subscriptions: [{ url: moved, secret: 'second-secret' }] });
    expect(byId(third.subscriptions.list())).toEqual([
      { id: 'sub_2', url: 'http://127.0.0.1:9/by-hand', secret: 'by-hand-secret' },
      { id: 'sub_3', url: moved, secret: 'second-secret' },
    ]);
  });

  it('refuses a corrupt or malformed state file with a message naming it and what to do', async () => {
    const truncated = fresh();
    writeFileSync(truncated, '{"format":"kongo-jobs-simulator-state","version":1,"jobs":[{"id":');
    await expect(startJobsSimulator({ stateFile: truncated })).rejects.toThrow(
      new RegExp(`job system simulator state file ${truncated} is corrupt: it is not valid JSON.*Delete it`),
    );
    const wrongShape = fresh();
    writeFileSync(
      wrongShape,
      JSON.stringify({
        format: 'kongo-jobs-simulator-state',
        version: 1,
        nextId: 2,
        jobs: [{ id: 'job_000001', reference: 'X', title: 'T', status: 'LOST' }],
        subscriptions: [],
      }),
    );
    await expect(startJobsSimulator({ stateFile: wrongShape })).rejects.toThrow(
      /is corrupt: jobs\[0\]\.status is not one of .*Delete it/,
    );
    const unreadable = join(dir, 'a-directory');
    mkdirSync(unreadable);
    await expect(startJobsSimulator({ stateFile: unreadable })).rejects.toThrow(
      /Cannot read the job system simulator state file .*a-directory.*delete it/,
    );
  });

  it('keeps the file as it was when the simulator runs without stateFile', async () => {
    const file = fresh();
    const withFile = await start(file);
    await call(withFile, 'POST', '/jobs', { reference: 'VF-5', title: 'Kept' });
    await stop(withFile);
    const before = readFileSync(file, 'utf8');
    const memory = await startJobsSimulator();
    open.push(memory);
    expect(memory.store.size).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});
