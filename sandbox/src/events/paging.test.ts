import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventsSimulator, startEventsSimulator } from './index.ts';
import { callGraphql } from './test-client.ts';

let sim: EventsSimulator;
const SHARED = '2026-05-05T12:00:00.000Z';
const PAGE = `query Page($after: String, $updatedAfter: DateTime) {
  attendees(first: 100, after: $after, updatedAfter: $updatedAfter) {
    totalCount edges { cursor node { id updatedAt } } pageInfo { hasNextPage endCursor }
  }
}`;

interface Page {
  totalCount: number;
  edges: Array<{ cursor: string; node: { id: string; updatedAt: string } }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function page(after: string | null, updatedAfter: string | null = SHARED): Promise<Page> {
  const answer = await callGraphql(sim.graphqlUrl, sim.token, PAGE, { after, updatedAfter });
  expect(answer.status).toBe(200);
  return (answer.body.data as { attendees: Page }).attendees;
}

beforeAll(async () => {
  sim = await startEventsSimulator({ webhooks: 'none', limits: { secondlyThreshold: 1_000_000 } });
  const seeded = await fetch(`${sim.url}/_admin/seed`, {
    method: 'POST',
    body: JSON.stringify({ count: 25_000, updatedAt: SHARED }),
  });
  expect(await seeded.json()).toEqual({ created: 25_000, firstId: '100001', lastId: '125000' });
});

afterAll(async () => {
  await sim?.close();
});

describe('attendees paging by (updatedAt, id)', () => {
  it('walks 25,000 attendees sharing one updatedAt in 250 pages, none skipped or repeated', async () => {
    const seen = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const current: Page = await page(after);
      pages += 1;
      expect(current.totalCount).toBe(25_000);
      for (const edge of current.edges) {
        expect(edge.node.updatedAt).toBe(SHARED);
        seen.add(edge.node.id);
      }
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
      expect(pages).toBeLessThan(260);
    }
    expect(pages).toBe(250);
    expect(seen.size).toBe(25_000);
    expect(seen.has('100001')).toBe(true);
    expect(seen.has('125000')).toBe(true);
  });

  it('treats updatedAfter as inclusive', async () => {
    expect((await page(null, SHARED)).totalCount).toBe(25_000);
    expect((await page(null, '2026-05-05T12:00:00.001Z')).totalCount).toBe(0);
  });

  it('moves a record updated mid-walk to the end, so the walk still sees every record', async () => {
    const first = await page(null);
    expect(first.edges[0]?.node.id).toBe('100001');
    await callGraphql(
      sim.graphqlUrl,
      sim.token,
      'mutation { updateAttendee(id: "100050", input: { company: "Moved" }) { id } }',
    );
    const seen = new Set<string>();
    let after: string | null = first.pageInfo.endCursor;
    let moved = 0;
    for (;;) {
      const current: Page = await page(after);
      for (const edge of current.edges) {
        seen.add(edge.node.id);
        if (edge.node.id === '100050') moved += 1;
      }
      if (!current.pageInfo.hasNextPage) break;
      after = current.pageInfo.endCursor;
    }
    // The update gave 100050 a later updatedAt: it reappears once at the end of the walk.
    expect(moved).toBe(1);
    expect(seen.size).toBe(24_901);
  });

  it('restores the shared timestamp in bulk through the admin API', async () => {
    const reset = await fetch(`${sim.url}/_admin/updated-at`, {
      method: 'POST',
      body: JSON.stringify({ updatedAt: SHARED }),
    });
    expect(await reset.json()).toEqual({ updated: 25_000 });
    expect((await page(null, '2026-05-05T12:00:00.001Z')).totalCount).toBe(0);
  });
});
