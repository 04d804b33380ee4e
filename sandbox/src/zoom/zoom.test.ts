import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ZOOM_URL_VALIDATION_VECTOR,
  ZOOM_V0_VECTOR,
} from '../../../test/fixtures/webhook-signature-vectors.ts';
import { listen, type RunningServer, readBody, sendJson } from '../sim-kit/index.ts';
import { startZoomSimulator, type ZoomSimulator, zoomEncryptedToken, zoomSignature } from './index.ts';

let clock = Date.parse('2027-03-01T00:00:00.000Z');
let zoom: ZoomSimulator;

beforeEach(async () => {
  zoom ??= await startZoomSimulator({ now: () => clock, webhookTiming: { timeCompression: 1_000_000 } });
  zoom.reset();
  clock = Date.parse('2027-03-01T00:00:00.000Z');
});

afterAll(async () => {
  await zoom?.close();
});

async function token(): Promise<string> {
  const { accountId, clientId, clientSecret } = zoom.credentials;
  const response = await fetch(`${zoom.tokenUrl}?grant_type=account_credentials&account_id=${accountId}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number };
  expect(body.token_type).toBe('bearer');
  expect(body.expires_in).toBe(3600);
  return body.access_token;
}

async function api(method: string, path: string, bearer: string, body?: unknown) {
  const response = await fetch(`${zoom.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>),
  };
}

const MEETING = '/meetings/85746065';

describe('Zoom server-to-server OAuth', () => {
  it('issues a bearer token for account_credentials with Basic client credentials, and refuses others', async () => {
    const wrong = await fetch(`${zoom.tokenUrl}?grant_type=account_credentials&account_id=x`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('kongo-demo-client:nope').toString('base64')}` },
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      reason: 'Invalid client_id or client_secret',
      error: 'invalid_client',
    });
    const bearer = await token();
    expect((await api('GET', `${MEETING}/registrants`, bearer)).status).toBe(200);
  });

  it('answers 401 code 124 without a token and once the token has expired (after one hour)', async () => {
    expect(await api('GET', `${MEETING}/registrants`, 'nope')).toEqual({
      status: 401,
      body: { code: 124, message: 'Invalid access token.' },
    });
    const bearer = await token();
    clock += 3_600_000;
    expect((await api('GET', `${MEETING}/registrants`, bearer)).body).toEqual({
      code: 124,
      message: 'Access token is expired.',
    });
  });
});

describe('Zoom meeting registrants', () => {
  it('adds a registrant: 201 with registrant_id (the meeting id is `id`), readable by id', async () => {
    const bearer = await token();
    const added = await api('POST', `${MEETING}/registrants`, bearer, {
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      custom_questions: [{ title: 'Region', value: 'EMEA' }],
    });
    expect(added.status).toBe(201);
    expect(added.body?.id).toBe(85746065);
    const registrantId = added.body?.registrant_id as string;
    expect(registrantId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const read = await api('GET', `${MEETING}/registrants/${registrantId}`, bearer);
    expect(read.body).toMatchObject({
      id: registrantId,
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      status: 'approved',
      custom_questions: [{ title: 'Region', value: 'EMEA' }],
    });
  });

  it('refuses an invalid registrant with code 300 and the field names', async () => {
    const bearer = await token();
    expect(await api('POST', `${MEETING}/registrants`, bearer, { email: 'not-an-email' })).toEqual({
      status: 400,
      body: {
        code: 300,
        message: 'Validation Failed.',
        errors: [
          { field: 'email', message: 'Invalid field.' },
          { field: 'first_name', message: 'Invalid field.' },
        ],
      },
    });
    expect(
      (await api('POST', '/meetings/999/registrants', bearer, { email: 'a@b.co', first_name: 'A' })).body,
    ).toEqual({
      code: 3001,
      message: 'Meeting does not exist: 999.',
    });
  });

  it('pages the registrants envelope with next_page_token (empty on the last page)', async () => {
    const bearer = await token();
    for (let i = 1; i <= 5; i++) {
      await api('POST', `${MEETING}/registrants`, bearer, {
        email: `p${i}@example.com`,
        first_name: `P${i}`,
      });
    }
    const seen: string[] = [];
    let next = '';
    let pages = 0;
    do {
      const page = await api(
        'GET',
        `${MEETING}/registrants?page_size=2${next ? `&next_page_token=${next}` : ''}`,
        bearer,
      );
      pages += 1;
      expect(page.body?.total_records).toBe(5);
      for (const r of (page.body?.registrants ?? []) as Array<{ email: string }>) seen.push(r.email);
      next = page.body?.next_page_token as string;
    } while (next !== '');
    expect(pages).toBe(3);
    expect(seen).toEqual([
      'p1@example.com',
      'p2@example.com',
      'p3@example.com',
      'p4@example.com',
      'p5@example.com',
    ]);
    expect((await api('GET', `${MEETING}/registrants?next_page_token=made-up`, bearer)).status).toBe(400);
  });

  it('changes only the status, through the status endpoint (204); no other write exists', async () => {
    const bearer = await token();
    const added = await api('POST', `${MEETING}/registrants`, bearer, {
      email: 'c@example.com',
      first_name: 'C',
    });
    const id = added.body?.registrant_id as string;
    expect(
      (await api('PUT', `${MEETING}/registrants/status`, bearer, { action: 'cancel', registrants: [{ id }] }))
        .status,
    ).toBe(204);
    expect((await api('GET', `${MEETING}/registrants`, bearer)).body?.total_records).toBe(0);
    const denied = await api('GET', `${MEETING}/registrants?status=denied`, bearer);
    expect(((denied.body?.registrants ?? []) as Array<{ id: string }>).map((r) => r.id)).toEqual([id]);
    expect((await api('PATCH', `${MEETING}/registrants/${id}`, bearer, { first_name: 'X' })).status).toBe(
      405,
    );
    expect(
      (await api('PUT', `${MEETING}/registrants/status`, bearer, { action: 'rename', registrants: [{ id }] }))
        .status,
    ).toBe(400);
  });

  it('limits requests per second by rate-limit label and answers 429 in Zoom’s shape', async () => {
    const bearer = await token();
    await fetch(`${zoom.url}/_admin/limits`, { method: 'PUT', body: JSON.stringify({ mediumPerSecond: 2 }) });
    expect((await api('GET', `${MEETING}/registrants`, bearer)).status).toBe(200);
    expect((await api('GET', `${MEETING}/registrants`, bearer)).status).toBe(200);
    expect(await api('GET', `${MEETING}/registrants`, bearer)).toEqual({
      status: 429,
      body: {
        code: 429,
        message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
      },
    });
    clock += 1000;
    expect((await api('GET', `${MEETING}/registrants`, bearer)).status).toBe(200);
    const counters = (await (await fetch(`${zoom.url}/_admin/counters`)).json()) as {
      byOperation: Record<string, Record<string, number>>;
    };
    expect(counters.byOperation['GET /v2/meetings/{meetingId}/registrants']).toEqual({ '200': 3, '429': 1 });
  });
});

describe('Zoom webhooks', () => {
  let receiver: RunningServer;
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  let answerValidation = true;

  beforeEach(async () => {
    received.length = 0;
    answerValidation = true;
    receiver ??= await listen(async (req, res) => {
      const body = await readBody(req);
      received.push({ headers: req.headers, body });
      const parsed = JSON.parse(body) as { event: string; payload: { plainToken?: string } };
      if (parsed.event === 'endpoint.url_validation' && answerValidation) {
        const plainToken = parsed.payload.plainToken ?? '';
        const encryptedToken = createHmac('sha256', 'endpoint-secret').update(plainToken).digest('hex');
        return sendJson(res, 200, { plainToken, encryptedToken });
      }
      sendJson(res, 200, {});
    });
  });
  afterAll(async () => {
    await receiver?.close();
  });

  async function subscribe(): Promise<{ validated: boolean }> {
    const response = await fetch(`${zoom.url}/_admin/subscriptions`, {
      method: 'POST',
      body: JSON.stringify({ url: receiver.url, secret: 'endpoint-secret' }),
    });
    return (await response.json()) as { validated: boolean };
  }

  it('validates the endpoint (plainToken → encryptedToken) before sending it any event', async () => {
    expect(await subscribe()).toMatchObject({ validated: true });
    const validation = received[0];
    expect(JSON.parse(validation?.body ?? '{}')).toMatchObject({ event: 'endpoint.url_validation' });
    expect(validation?.headers['x-zm-signature']).toBe(
      zoomSignature(
        'endpoint-secret',
        String(validation?.headers['x-zm-request-timestamp']),
        validation?.body ?? '',
      ),
    );
    await fetch(`${zoom.url}/_admin/records`, {
      method: 'POST',
      body: JSON.stringify({ email: 'ui@example.com', first_name: 'Ui' }),
    });
    await zoom.idle();
    expect(received).toHaveLength(2);
  });

  it('sends nothing to an endpoint that fails URL validation', async () => {
    answerValidation = false;
    expect(await subscribe()).toMatchObject({ validated: false });
    await fetch(`${zoom.url}/_admin/records`, {
      method: 'POST',
      body: JSON.stringify({ email: 'ui@example.com', first_name: 'Ui' }),
    });
    await zoom.idle();
    expect(received.map((r) => (JSON.parse(r.body) as { event: string }).event)).toEqual([
      'endpoint.url_validation',
    ]);
  });

  it('signs events v0= hex HMAC over v0:{timestamp}:{body}; status changes name the registrant', async () => {
    await subscribe();
    const bearer = await token();
    const added = await api('POST', `${MEETING}/registrants`, bearer, {
      email: 'w@example.com',
      first_name: 'W',
    });
    await api('PUT', `${MEETING}/registrants/status`, bearer, {
      action: 'deny',
      registrants: [{ id: added.body?.registrant_id }],
    });
    await zoom.idle();
    const events = received.slice(1);
    expect(events.map((e) => (JSON.parse(e.body) as { event: string }).event)).toEqual([
      'meeting.registration_created',
      'meeting.registration_denied',
    ]);
    for (const event of events) {
      const timestamp = String(event.headers['x-zm-request-timestamp']);
      expect(timestamp).toBe(String(Math.floor(clock / 1000)));
      const expected = `v0=${createHmac('sha256', 'endpoint-secret').update(`v0:${timestamp}:${event.body}`).digest('hex')}`;
      expect(event.headers['x-zm-signature']).toBe(expected);
    }
    const denied = JSON.parse(events[1]?.body ?? '{}') as {
      payload: { object: { id: number; registrant: unknown } };
    };
    expect(denied.payload.object.id).toBe(85746065);
    expect(denied.payload.object.registrant).toEqual({
      id: added.body?.registrant_id,
      first_name: 'W',
      email: 'w@example.com',
    });
  });
});

describe('Zoom signature vectors computed outside Kongo', () => {
  it('the simulator signs the OpenSSL-computed v0 vector byte for byte', () => {
    const v = ZOOM_V0_VECTOR;
    expect(zoomSignature(v.secret, v.timestamp, v.body)).toBe(v.signature);
    expect(zoomSignature(v.secret, v.timestamp, `${v.body} `)).not.toBe(v.signature);
    expect(zoomSignature(v.secret, '1700000001', v.body)).not.toBe(v.signature);
  });

  it('the simulator’s URL-validation check expects the OpenSSL-computed encryptedToken', () => {
    const v = ZOOM_URL_VALIDATION_VECTOR;
    expect(zoomEncryptedToken(v.secret, v.plainToken)).toBe(v.encryptedToken);
  });
});
