import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JobsSimulator, startJobsSimulator } from './index.ts';

let sim: JobsSimulator;
const SHARED = '2026-06-01T00:00:00.000Z';

async function list(
  query: string,
): Promise<{ data: Array<{ id: string; updatedAt: string }>; nextCursor: string | null }> {
  const response = await fetch(`${sim.url}/jobs?${query}`, {
    headers: { authorization: `Bearer ${sim.token}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    data: Array<{ id: string; updatedAt: string }>;
    nextCursor: string | null;
  };
}

beforeAll(async () => {
  sim = await startJobsSimulator({ limits: { requestsPerSecond: 100_000 } });
  const seeded = await fetch(`${sim.url}/_admin/seed`, {
    method: 'POST',
    body: JSON.stringify({ count: 25_000, updatedAt: SHARED }),
  });
  expect(await seeded.json()).toEqual({ created: 25_000, firstId: 'job_000001', lastId: 'job_025000' });
});

afterAll(async () => {
  await sim?.close();
});

describe('GET /jobs paging by (updatedAt, id)', () => {
  it('walks 25,000 jobs sharing one updatedAt in 250 pages, none skipped or repeated', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `updatedAfter=${encodeURIComponent(SHARED)}&limit=100${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await list(query);
      pages += 1;
      for (const job of page.data) seen.add(job.id);
      cursor = page.nextCursor;
      expect(pages).toBeLessThan(260);
    } while (cursor !== null);
    expect(pages).toBe(250);
    expect(seen.size).toBe(25_000);
  });

  it('orders ties by id and treats updatedAfter as inclusive', async () => {
    const first = await list(`updatedAfter=${encodeURIComponent(SHARED)}&limit=3`);
    expect(first.data.map((job) => job.id)).toEqual(['job_000001', 'job_000002', 'job_000003']);
    const later = await list(`updatedAfter=${encodeURIComponent('2026-06-01T00:00:00.001Z')}`);
    expect(later).toEqual({ data: [], nextCursor: null });
  });
});
