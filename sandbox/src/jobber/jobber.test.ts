import { createHmac } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { JOBBER_VECTOR } from '../../../test/fixtures/webhook-signature-vectors.ts';
import { hmacSha256Base64, startWebhookReceiver, type WebhookReceiver } from '../sim-kit/index.ts';
import { decodeId, encodeId, type JobberSimulator, startJobberSimulator } from './index.ts';

let clock = Date.parse('2026-04-01T08:00:00.000Z');
let jobber: JobberSimulator;

beforeEach(async () => {
  jobber ??= await startJobberSimulator({ now: () => clock, webhookTiming: { timeCompression: 1_000_000 } });
  jobber.reset();
  clock = Date.parse('2026-04-01T08:00:00.000Z');
});

afterAll(async () => {
  await jobber?.close();
});

async function refresh(refreshToken: string) {
  const response = await fetch(jobber.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: jobber.app.clientId,
      client_secret: jobber.app.clientSecret,
      refresh_token: refreshToken,
    }).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, string> };
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read deep GraphQL answers whose shape the assertions check
type Answer = any;
type GraphqlBody = {
  data?: Record<string, Answer> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  extensions?: { cost: { requestedQueryCost: number; throttleStatus: { currentlyAvailable: number } } };
};

async function gql(
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  const response = await fetch(jobber.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${jobber.issueAccessToken()}`,
      'x-jobber-graphql-version': '2025-01-20',
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: GraphqlBody = {};
  try {
    body = JSON.parse(text) as GraphqlBody;
  } catch {
    // plain-text 429
  }
  return { status: response.status, body, text };
}

const CREATE = `mutation Create($input: ClientCreateInput!) {
  clientCreate(input: $input) { client { id firstName lastName emails { id address primary } } userErrors { message path } } }`;

describe('Jobber OAuth with rotating refresh tokens', () => {
  it('rotates: each refresh returns a new refresh token and the used one is invalid thereafter', async () => {
    const first = await refresh('jobber-refresh-kongo-demo');
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe('jobber-refresh-kongo-demo');
    expect(first.body.access_token?.split('.')).toHaveLength(3);
    const again = await refresh('jobber-refresh-kongo-demo');
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(jobber.oauthStats()).toMatchObject({ refreshes: 1, reuseRejected: 1 });
  });

  it('locks the client out when a rotated token is used twice: the reuse revokes the newest one too', async () => {
    const first = await refresh('jobber-refresh-kongo-demo');
    await refresh('jobber-refresh-kongo-demo');
    expect((await refresh(first.body.refresh_token ?? '')).status).toBe(400);
    expect(jobber.oauthStats().liveRefreshTokens).toBe(0);
  });

  it('answers 401 to an expired access token (after an hour) and to a forged one', async () => {
    const token = jobber.issueAccessToken();
    const call = (bearer: string) =>
      fetch(jobber.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${bearer}`,
          'x-jobber-graphql-version': '2025-01-20',
        },
        body: JSON.stringify({ query: '{ clients { totalCount } }' }),
      });
    expect((await call(token)).status).toBe(200);
    expect((await call(`${token.slice(0, -2)}xx`)).status).toBe(401);
    clock += 3_600_000;
    expect((await call(token)).status).toBe(401);
  });
});

describe('Jobber clients GraphQL', () => {
  it('requires X-JOBBER-GRAPHQL-VERSION', async () => {
    const answer = await gql('{ clients { totalCount } }', {}, { 'x-jobber-graphql-version': '' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.message).toMatch(/X-JOBBER-GRAPHQL-VERSION/);
  });

  it('creates a client with EncodedId base64 ids and returns it in the payload', async () => {
    const answer = await gql(CREATE, {
      input: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        emails: [{ address: 'ada@example.com', description: 'MAIN' }],
      },
    });
    const payload = answer.body.data?.clientCreate;
    expect(payload.userErrors).toEqual([]);
    expect(payload.client.id).toBe(encodeId('Client', 1));
    expect(Buffer.from(payload.client.id, 'base64').toString()).toBe('gid://Jobber/Client/1');
    expect(decodeId('Client', payload.client.id)).toBe(1);
    expect(payload.client.emails[0]).toMatchObject({ address: 'ada@example.com', primary: true });
  });

  it('reports bad input as userErrors with a path, creating nothing', async () => {
    const answer = await gql(CREATE, { input: { emails: [{ address: 'not-an-email' }] } });
    expect(answer.body.data?.clientCreate).toEqual({
      client: null,
      userErrors: [
        { message: 'A client needs a first name, last name or company name', path: ['input'] },
        { message: 'Email address is invalid', path: ['input', 'emails', '0', 'address'] },
      ],
    });
    expect(jobber.store.clients.size).toBe(0);
  });

  it('edits through clientEdit(clientId, input) with emailsToEdit, bumping updatedAt', async () => {
    const created = (
      await gql(CREATE, { input: { firstName: 'Ada', emails: [{ address: 'a@example.com' }] } })
    ).body.data?.clientCreate.client;
    clock += 5_000;
    const edited = await gql(
      `mutation E($id: EncodedId!, $input: ClientEditInput!) { clientEdit(clientId: $id, input: $input) {
        client { lastName emails { address } updatedAt } userErrors { message path } } }`,
      {
        id: created.id,
        input: {
          lastName: 'King',
          emailsToEdit: [{ id: created.emails[0].id, address: 'ada@king.example' }],
        },
      },
    );
    expect(edited.body.data?.clientEdit).toEqual({
      client: {
        lastName: 'King',
        emails: [{ address: 'ada@king.example' }],
        updatedAt: '2026-04-01T08:00:05Z',
      },
      userErrors: [],
    });
    const missing = await gql(
      `mutation { clientEdit(clientId: "${encodeId('Client', 99)}", input: { lastName: "X" }) { client { id } userErrors { message path } } }`,
    );
    expect(missing.body.data?.clientEdit.userErrors).toEqual([
      { message: 'Client not found', path: ['clientId'] },
    ]);
  });

  it('pages Relay connections and filters by updatedAt and searchTerm', async () => {
    for (let i = 1; i <= 5; i++) {
      await gql(CREATE, { input: { firstName: `C${i}`, emails: [{ address: `c${i}@example.com` }] } });
      clock += 1000;
    }
    const names: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page = await gql(
        `query P($after: String) { clients(first: 2, after: $after, filter: { updatedAt: { after: "2026-04-01T08:00:02Z" } }) {
          nodes { firstName } pageInfo { hasNextPage endCursor } totalCount } }`,
        { after },
      );
      const connection = page.body.data?.clients;
      expect(connection.totalCount).toBe(3);
      names.push(...connection.nodes.map((n: { firstName: string }) => n.firstName));
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
      pages += 1;
    } while (after !== null);
    expect(pages).toBe(2);
    expect(names).toEqual(['C3', 'C4', 'C5']);
    const found = await gql('{ clients(searchTerm: "c4@example.com") { nodes { firstName } } }');
    expect(found.body.data?.clients.nodes).toEqual([{ firstName: 'C4' }]);
  });

  it('charges query cost from a leaky bucket, reports it in extensions.cost, and answers THROTTLED when short', async () => {
    await fetch(`${jobber.url}/_admin/limits`, {
      method: 'PUT',
      body: JSON.stringify({ maximumAvailable: 250, restoreRate: 50 }),
    });
    const query = '{ clients(first: 50) { nodes { id emails { address } } } }';
    const first = await gql(query);
    expect(first.body.extensions?.cost).toMatchObject({
      requestedQueryCost: 51,
      throttleStatus: { currentlyAvailable: 199 },
    });
    const big = await gql('{ clients(first: 100) { nodes { emails { address } phones { number } } } }');
    expect(big.body.errors?.[0]).toMatchObject({ message: 'Throttled', extensions: { code: 'THROTTLED' } });
    expect(big.body.extensions?.cost.requestedQueryCost).toBe(201);
    expect(big.body.data).toBeUndefined();
    clock += 10_000;
    expect(
      (await gql('{ clients(first: 100) { nodes { emails { address } phones { number } } } }')).body.errors,
    ).toBeUndefined();
  });

  it('answers 429 past 2,500 requests in 5 minutes (here: 3)', async () => {
    await fetch(`${jobber.url}/_admin/limits`, {
      method: 'PUT',
      body: JSON.stringify({ requestsPer5Minutes: 3 }),
    });
    for (let i = 0; i < 3; i++) expect((await gql('{ clients { totalCount } }')).status).toBe(200);
    expect(await gql('{ clients { totalCount } }')).toMatchObject({ status: 429, text: 'Retry later\n' });
  });
});

describe('Jobber webhooks', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver ??= await startWebhookReceiver();
    receiver.received.length = 0;
    jobber.subscriptions.add({ url: receiver.url, secret: '' });
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('sends CLIENT_CREATE / CLIENT_UPDATE with the item id only, signed base64 HMAC-SHA256 with the client secret', async () => {
    const created = (await gql(CREATE, { input: { firstName: 'W' } })).body.data?.clientCreate.client;
    await fetch(`${jobber.url}/_admin/records/${encodeURIComponent(created.id)}`, {
      method: 'PATCH',
      body: JSON.stringify({ lastName: 'UI' }),
    });
    await jobber.idle();
    const events = receiver.received.map((r) => ({
      body: r.body,
      signature: r.headers['x-jobber-hmac-sha256'],
    }));
    expect(events.map((e) => JSON.parse(e.body).data.webHookEvent.topic)).toEqual([
      'CLIENT_CREATE',
      'CLIENT_UPDATE',
    ]);
    expect(JSON.parse(events[0]?.body ?? '{}').data.webHookEvent).toEqual({
      topic: 'CLIENT_CREATE',
      appId: jobber.app.appId,
      accountId: jobber.accountId,
      itemId: created.id,
      occurredAt: '2026-04-01T08:00:00Z',
    });
    for (const event of events) {
      expect(event.signature).toBe(
        createHmac('sha256', jobber.app.clientSecret).update(event.body).digest('base64'),
      );
    }
  });

  it('gives up on an attempt not answered within 1 second', () => {
    expect(jobber.dispatcher.options.timeoutMs).toBe(1000);
  });
});

describe('Jobber signature vector computed outside Kongo', () => {
  it('the simulator signs the OpenSSL-computed vector byte for byte', () => {
    expect(hmacSha256Base64(JOBBER_VECTOR.secret, JOBBER_VECTOR.body)).toBe(JOBBER_VECTOR.signature);
    expect(hmacSha256Base64(JOBBER_VECTOR.secret, `${JOBBER_VECTOR.body}\n`)).not.toBe(
      JOBBER_VECTOR.signature,
    );
  });
});
