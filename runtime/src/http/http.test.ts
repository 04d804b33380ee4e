import type { APIGatewayProxyEventV2, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { QueueEnvelope } from '../queue/types.ts';
import {
  apiGatewayV2Handler,
  fromApiGatewayV2Result,
  requestFromApiGatewayV2Event,
  toApiGatewayV2Event,
  toApiGatewayV2Result,
} from './api-gateway.ts';
import { readBodyCapped } from './body.ts';
import { sqsBatchHandler } from './sqs.ts';

function event(overrides: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/webhooks/acme/hubspot',
    rawQueryString: 'a=1&b=%3A',
    headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': '1700000000000' },
    requestContext: {
      accountId: '1',
      apiId: 'api',
      domainName: 'hooks.example.com',
      domainPrefix: 'hooks',
      http: {
        method: 'POST',
        path: '/webhooks/acme/hubspot',
        protocol: 'HTTP/1.1',
        sourceIp: '1.2.3.4',
        userAgent: 'x',
      },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
    body: '[{"eventId":1}]',
    isBase64Encoded: false,
    ...overrides,
  };
}

describe('API Gateway HTTP API v2 adapter', () => {
  it('turns an event into a Request with the URL, method, headers and raw body', async () => {
    const req = requestFromApiGatewayV2Event(event());
    expect(req.url).toBe('https://hooks.example.com/webhooks/acme/hubspot?a=1&b=%3A');
    expect(req.method).toBe('POST');
    expect(req.headers.get('x-hubspot-request-timestamp')).toBe('1700000000000');
    expect(await req.text()).toBe('[{"eventId":1}]');
  });

  it('decodes a base64 body to the exact bytes', async () => {
    const bytes = Buffer.from([0, 255, 128, 10]);
    const req = requestFromApiGatewayV2Event(
      event({ body: bytes.toString('base64'), isBase64Encoded: true }),
    );
    expect(Buffer.from(await req.arrayBuffer())).toEqual(bytes);
  });

  it('returns status, headers and a text body, or base64 for binary, with cookies apart', async () => {
    const handler = apiGatewayV2Handler(async (req) => {
      const headers = new Headers({ 'content-type': 'application/json', 'x-trace': 't1' });
      headers.append('set-cookie', 'a=1');
      return new Response(JSON.stringify({ got: await req.text() }), { status: 202, headers });
    });
    const result = await handler(event());
    expect(result).toEqual({
      statusCode: 202,
      headers: { 'content-type': 'application/json', 'x-trace': 't1' },
      body: '{"got":"[{\\"eventId\\":1}]"}',
      isBase64Encoded: false,
      cookies: ['a=1'],
    });
    const binary = await toApiGatewayV2Result(
      new Response(Buffer.from([1, 2, 3]), { headers: { 'content-type': 'application/octet-stream' } }),
    );
    expect(binary).toMatchObject({ body: 'AQID', isBase64Encoded: true });
  });

  it('round-trips a Request through toApiGatewayV2Event and back, bytes and query intact', async () => {
    const original = new Request('https://hooks.example.com/webhooks/acme/destination?x=%2F&y=2', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'webhook-id': 'msg_1' },
      body: Buffer.from([0, 1, 2, 250]),
    });
    const ev = await toApiGatewayV2Event(original);
    expect(ev).toMatchObject({
      rawPath: '/webhooks/acme/destination',
      rawQueryString: 'x=%2F&y=2',
      isBase64Encoded: true,
    });
    const back = requestFromApiGatewayV2Event(ev);
    expect(back.url).toBe(original.url);
    expect(back.headers.get('webhook-id')).toBe('msg_1');
    expect(Buffer.from(await back.arrayBuffer())).toEqual(Buffer.from([0, 1, 2, 250]));
  });

  it('turns a result back into a Response for the local gateway', async () => {
    const response = fromApiGatewayV2Result({
      statusCode: 413,
      headers: { 'content-type': 'text/plain' },
      body: 'too big',
    });
    expect(response.status).toBe(413);
    expect(await response.text()).toBe('too big');
  });
});

describe('readBodyCapped', () => {
  function streamed(chunks: number[], declared?: number): { req: Request; pulled: () => number } {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const size = chunks[pulled];
        if (size === undefined) return controller.close();
        pulled++;
        controller.enqueue(new Uint8Array(size).fill(65));
      },
    });
    const headers = declared === undefined ? undefined : { 'content-length': String(declared) };
    const req = new Request('https://x.test/', {
      method: 'POST',
      body: stream,
      headers,
      duplex: 'half',
    } as RequestInit);
    return { req, pulled: () => pulled };
  }

  it('reads a body up to the cap exactly', async () => {
    const { req } = streamed([4, 4, 2]);
    const body = await readBodyCapped(req, 10);
    expect(body.ok && body.bytes.length).toBe(10);
  });

  it('answers 413 one byte over the cap and stops reading the stream', async () => {
    const { req, pulled } = streamed([6, 5, 1000, 1000, 1000]);
    expect(await readBodyCapped(req, 10)).toEqual({ ok: false, status: 413, receivedBytes: 11 });
    expect(pulled()).toBeLessThanOrEqual(3);
  });

  it('refuses a declared Content-Length over the cap without reading', async () => {
    const { req, pulled } = streamed([5], 5_000);
    expect(await readBodyCapped(req, 10)).toMatchObject({ ok: false, status: 413 });
    expect(pulled()).toBeLessThanOrEqual(1);
  });

  it('returns empty bytes for a request without a body', async () => {
    expect(await readBodyCapped(new Request('https://x.test/'), 10)).toEqual({
      ok: true,
      bytes: Buffer.alloc(0),
    });
  });
});

describe('SQS batch adapter', () => {
  const envelope: QueueEnvelope = {
    v: 1,
    kind: 'hubspot-webhook',
    integration: 'acme',
    traceId: 't',
    receivedAt: 1,
    headers: {},
    body: '[]',
  };
  function record(messageId: string, body: string, receiveCount = '1'): SQSRecord {
    return {
      messageId,
      receiptHandle: `rh-${messageId}`,
      body,
      attributes: {
        ApproximateReceiveCount: receiveCount,
        SentTimestamp: '1',
        SenderId: 's',
        ApproximateFirstReceiveTimestamp: '1',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:1:q',
      awsRegion: 'eu-west-1',
    };
  }

  it('hands envelopes to the worker and reports its failures and unreadable records as batchItemFailures', async () => {
    const seen: string[] = [];
    const handler = sqsBatchHandler(async (messages) => {
      seen.push(...messages.map((m) => `${m.messageId}:${m.receiveCount}:${m.receiptHandle}`));
      return { failedMessageIds: ['b'] };
    });
    const sqsEvent: SQSEvent = {
      Records: [
        record('a', JSON.stringify(envelope)),
        record('b', JSON.stringify(envelope), '3'),
        record('c', 'not json'),
      ],
    };
    expect(await handler(sqsEvent)).toEqual({
      batchItemFailures: [{ itemIdentifier: 'c' }, { itemIdentifier: 'b' }],
    });
    expect(seen).toEqual(['a:1:rh-a', 'b:3:rh-b']);
  });

  it('reports the whole batch failed when the worker throws', async () => {
    const handler = sqsBatchHandler(async () => {
      throw new Error('table unavailable');
    });
    const result = await handler({
      Records: [record('a', JSON.stringify(envelope)), record('b', JSON.stringify(envelope))],
    });
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['a', 'b']);
  });
});
